import { IamPolicyAttachment } from '@cdktf/provider-aws/lib/iam-policy-attachment';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { asList, type GuardContext, parseReference, type TfElement } from '../context';
import type { GuardRule } from '../rule';

/** The AWS-managed policy that is `"Action": "*"` on `"Resource": "*"`. */
export const ADMINISTRATOR_ACCESS = /^arn:[^:]+:iam::aws:policy\/AdministratorAccess$/;

/**
 * BA-IAM-7: a role that gets AdministratorAccess has a permissions boundary.
 *
 * A deploy role often needs nearly everything, and AdministratorAccess is the honest way to say so;
 * but without a boundary it may also create users, keys and roles more powerful than itself, or
 * change the guardrails of the account. A boundary caps what it, and whatever it creates under the
 * same boundary, can ever do. (BA-IAM-1 leaves AdministratorAccess on roles to this rule.)
 */
export const iamAdminRoleBoundary: GuardRule = {
  id: 'BA-IAM-7',
  title: 'A role with AdministratorAccess has a permissions boundary',
  explanation:
    'AdministratorAccess without a permissions boundary lets the role (and one leaked session of it) create more powerful users, keys and roles and lift every guardrail of the account.',
  resourceTypes: [IamRole.tfResourceType, IamRolePolicyAttachment.tfResourceType, IamPolicyAttachment.tfResourceType],
  check(resource, context) {
    if (resource.type === IamRole.tfResourceType) {
      const admin = asList(resource.config.managed_policy_arns).some(
        (arn) => typeof arn === 'string' && ADMINISTRATOR_ACCESS.test(arn),
      );
      return admin && !hasBoundary(resource) ? [violation('the role')] : [];
    }
    const arn = resource.config.policy_arn;
    if (typeof arn !== 'string' || !ADMINISTRATOR_ACCESS.test(arn)) return [];
    const roles =
      resource.type === IamRolePolicyAttachment.tfResourceType ? [resource.config.role] : asList(resource.config.roles);
    return roles.flatMap((role) => {
      const found = roleOf(role, resource, context);
      if (found === undefined) {
        return [
          {
            what: `attaches AdministratorAccess to the role ${JSON.stringify(role)}, which is not in this stack, so its permissions boundary cannot be checked`,
            fix: 'attach it in the stack that creates the role, with a permissionsBoundary on the role',
          },
        ];
      }
      return hasBoundary(found) ? [] : [violation(`the role ${found.path}`)];
    });
  },
};

function violation(role: string) {
  return {
    what: `gives ${role} AdministratorAccess without a permissions boundary`,
    fix: 'set permissionsBoundary on the role (e.g. a policy that denies IAM user and key creation and changes to the boundary), or attach narrower policies',
  };
}

function hasBoundary(role: TfElement): boolean {
  const boundary = role.config.permissions_boundary;
  return typeof boundary === 'string' && boundary.trim() !== '';
}

/** The role an attachment names: a reference to a role of the stack (name or id), or its literal name. */
function roleOf(value: unknown, attachment: TfElement, context: GuardContext): TfElement | undefined {
  if (typeof value !== 'string') return undefined;
  const reference = parseReference(value);
  const roles = context.stackElements(attachment.construct).filter((element) => element.type === IamRole.tfResourceType);
  if (reference !== undefined) return roles.find((role) => role.address === reference.address);
  return roles.find((role) => role.config.name === value);
}
