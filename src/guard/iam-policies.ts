import { IamGroupPolicy } from '@cdktf/provider-aws/lib/iam-group-policy';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamUserPolicy } from '@cdktf/provider-aws/lib/iam-user-policy';
import { asList, type GuardContext, type TfElement } from './context';
import { type PolicyStatement, readPolicy } from './policy-document';

/** Terraform types that carry identity policies (what a principal may do), checked by the IAM rules. */
export const IDENTITY_POLICY_TYPES = [
  IamPolicy.tfResourceType,
  IamRolePolicy.tfResourceType,
  IamUserPolicy.tfResourceType,
  IamGroupPolicy.tfResourceType,
  IamRole.tfResourceType,
] as const;

/** An identity policy of a resource: a label for messages, and its statements (`undefined`: unreadable). */
export interface IdentityPolicy {
  readonly label: string;
  readonly statements: PolicyStatement[] | undefined;
}

/**
 * The identity policies a resource defines: `policy` of the policy resources, and each
 * `inline_policy` of a role. A role's `assume_role_policy` is a trust policy (who may assume it),
 * not a grant, and is not read here.
 */
export function identityPolicies(resource: TfElement, context: GuardContext): IdentityPolicy[] {
  if (resource.type === IamRole.tfResourceType) {
    return asList(resource.config.inline_policy)
      .filter((block): block is Record<string, unknown> => typeof block === 'object' && block !== null)
      .filter((block) => block.policy !== undefined)
      .map((block) => ({
        label: `inline policy ${JSON.stringify(typeof block.name === 'string' ? block.name : '')}`,
        statements: readPolicy(block.policy, resource.construct, context),
      }));
  }
  return [{ label: 'the policy', statements: readPolicy(resource.config.policy, resource.construct, context) }];
}

/** Statements that grant (`Allow`) and whose resources include every resource (`*`, or `NotResource`). */
export function allowsOnAllResources(statement: PolicyStatement): boolean {
  if (statement.effect !== 'Allow') return false;
  return statement.notResources !== undefined || (statement.resources ?? []).includes('*');
}
