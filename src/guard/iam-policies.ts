import { IamGroupPolicy } from '@cdktf/provider-aws/lib/iam-group-policy';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamUser } from '@cdktf/provider-aws/lib/iam-user';
import { IamUserPolicy } from '@cdktf/provider-aws/lib/iam-user-policy';
import { asList, type GuardContext, parseReference, type TfElement } from './context';
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
 * not a grant, and is not read here; nor is a managed policy its stack uses only as a permissions
 * boundary (see {@link usedOnlyAsBoundary}; BA-IAM-8 checks those).
 */
export function identityPolicies(resource: TfElement, context: GuardContext): IdentityPolicy[] {
  if (usedOnlyAsBoundary(resource, context)) return [];
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

/** An Allow of every action (`*`, `*:*`, or `NotAction`) on every resource: an administrator's statement. */
export function allowsEverything(statement: PolicyStatement): boolean {
  if (!allowsOnAllResources(statement)) return false;
  return statement.notActions !== undefined || (statement.actions ?? []).some((a) => a === '*' || a === '*:*');
}

/**
 * AWS-managed policies that make a role an administrator, or let it make itself one (IAMFullAccess may
 * attach any policy to the role itself), with the policy's name.
 */
export const ADMIN_EQUIVALENT_AWS_POLICY = /^arn:[^:]+:iam::aws:policy\/(AdministratorAccess|IAMFullAccess)$/;

/** The `aws_iam_policy` of the stack that `value` references (`${aws_iam_policy.<name>.arn}`), if any. */
export function referencedPolicy(value: unknown, scope: TfElement, context: GuardContext): TfElement | undefined {
  if (typeof value !== 'string') return undefined;
  const reference = parseReference(value);
  if (reference?.attribute !== 'arn') return undefined;
  const element = context.byAddress(scope.construct, reference.address);
  return element?.type === IamPolicy.tfResourceType ? element : undefined;
}

/**
 * Why a managed policy ARN (a literal, or a reference to a policy of the stack) makes its holder an
 * administrator: `AdministratorAccess`, `IAMFullAccess`, or `the policy <path>` that allows everything;
 * `undefined` when it does not, or cannot be read (BA-IAM-1 reports those).
 */
export function adminEquivalentPolicy(arn: unknown, scope: TfElement, context: GuardContext): string | undefined {
  if (typeof arn !== 'string') return undefined;
  const managed = ADMIN_EQUIVALENT_AWS_POLICY.exec(arn)?.[1];
  if (managed !== undefined) return managed;
  const policy = referencedPolicy(arn, scope, context);
  if (policy === undefined) return undefined;
  const statements = readPolicy(policy.config.policy, policy.construct, context);
  return statements?.some(allowsEverything) === true ? `the policy ${policy.path} ("*" on "*")` : undefined;
}

/**
 * Whether the `aws_iam_policy` `policy` serves only as a permissions boundary in its stack: a role or
 * user names it as `permissions_boundary`, and nothing attaches it. A boundary grants nothing (it caps
 * what the holder's own policies grant), so its `"*"` on `"*"` Allow is no administrator's statement.
 */
export function usedOnlyAsBoundary(policy: TfElement, context: GuardContext): boolean {
  if (policy.type !== IamPolicy.tfResourceType) return false;
  const names = (value: unknown) => referencedPolicy(value, policy, context)?.address === policy.address;
  const elements = context.stackElements(policy.construct);
  const bounds = elements.some(
    (element) =>
      (element.type === IamRole.tfResourceType || element.type === IamUser.tfResourceType) &&
      names(element.config.permissions_boundary),
  );
  const attached = elements.some(
    (element) =>
      names(element.config.policy_arn) ||
      (element.type === IamRole.tfResourceType && asList(element.config.managed_policy_arns).some(names)),
  );
  return bounds && !attached;
}
