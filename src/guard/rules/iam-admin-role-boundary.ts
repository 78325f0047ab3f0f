import { IamPolicyAttachment } from '@cdktf/provider-aws/lib/iam-policy-attachment';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { PermissionsBoundary } from '../../constructs/permissions-boundary';
import { asList, type GuardContext, parseReference, type TfElement } from '../context';
import { adminEquivalentPolicy, referencedPolicy } from '../iam-policies';
import type { GuardRule, Violation } from '../rule';

/** The AWS-managed policy that is `"Action": "*"` on `"Resource": "*"`. */
export const ADMINISTRATOR_ACCESS = /^arn:[^:]+:iam::aws:policy\/AdministratorAccess$/;

/**
 * BA-IAM-7: a role whose managed policies are admin-equivalent has the permissions boundary its stack
 * creates (src/constructs/permissions-boundary.ts, `"permissionsBoundary": "create"`).
 *
 * Admin-equivalent: AdministratorAccess; IAMFullAccess (with it the role may attach any policy to
 * itself, so it is one step from AdministratorAccess, with or without other policies); a policy of the
 * stack that allows `*` on `*`. A deploy role often needs nearly everything, and AdministratorAccess is
 * the honest way to say so; but without a boundary that contains it, the role (and one leaked session
 * of it) may create users, keys and roles more powerful than itself, change its own trust, administer
 * the state it deploys with, or assume roles in other accounts. Any other boundary is one the guard
 * cannot read (an ARN of the account, or a policy it did not make): AdministratorAccess set as its own
 * boundary used to pass. Accept such a boundary on purpose with a suppression of this rule.
 * (BA-IAM-1 leaves AdministratorAccess on roles to this rule; BA-IAM-8 refuses admin-equivalent boundaries.)
 */
export const iamAdminRoleBoundary: GuardRule = {
  id: 'BA-IAM-7',
  title: 'A role with admin-equivalent policies has the permissions boundary its stack creates',
  explanation:
    'AdministratorAccess, IAMFullAccess or a "*" on "*" policy without a boundary that contains it lets the role (and one leaked session of it) create more powerful users, keys and roles, change its own trust, administer its state and lift every guardrail of the account.',
  resourceTypes: [IamRole.tfResourceType, IamRolePolicyAttachment.tfResourceType, IamPolicyAttachment.tfResourceType],
  check(resource, context) {
    if (resource.type === IamRole.tfResourceType) {
      const admin = asList(resource.config.managed_policy_arns)
        .map((arn) => adminEquivalentPolicy(arn, resource, context))
        .find((name) => name !== undefined);
      return admin !== undefined ? boundaryViolations(resource, 'the role', admin, context) : [];
    }
    const admin = adminEquivalentPolicy(resource.config.policy_arn, resource, context);
    if (admin === undefined) return [];
    const roles =
      resource.type === IamRolePolicyAttachment.tfResourceType ? [resource.config.role] : asList(resource.config.roles);
    return roles.flatMap((role) => {
      const found = roleOf(role, resource, context);
      if (found === undefined) {
        return [
          {
            what: `attaches ${admin} to the role ${JSON.stringify(role)}, which is not in this stack, so its permissions boundary cannot be checked`,
            fix: 'attach it in the stack that creates the role, with the permissions boundary that stack creates',
          },
        ];
      }
      return boundaryViolations(found, `the role ${found.path}`, admin, context);
    });
  },
};

const FIX =
  'set "pipelineAccess": {"permissionsBoundary": "create"} (a PermissionsBoundary in the same stack, as the role\'s permissionsBoundary), attach narrower policies, or suppress BA-IAM-7 for this resource with the reason your own boundary suffices';

function boundaryViolations(role: TfElement, label: string, admin: string, context: GuardContext): Violation[] {
  const boundary = role.config.permissions_boundary;
  if (typeof boundary !== 'string' || boundary.trim() === '') {
    return [{ what: `gives ${label} ${admin} without a permissions boundary`, fix: FIX }];
  }
  const policy = referencedPolicy(boundary, role, context);
  if (policy !== undefined && PermissionsBoundary.isBoundaryPolicy(policy.construct)) return [];
  return [
    {
      what: `gives ${label} ${admin} with a permissions boundary the guard cannot read (${JSON.stringify(boundary)} is not the boundary a PermissionsBoundary of this stack creates)`,
      fix: FIX,
    },
  ];
}

/** The role an attachment names: a reference to a role of the stack (name or id), or its literal name. */
function roleOf(value: unknown, attachment: TfElement, context: GuardContext): TfElement | undefined {
  if (typeof value !== 'string') return undefined;
  const reference = parseReference(value);
  const roles = context.stackElements(attachment.construct).filter((element) => element.type === IamRole.tfResourceType);
  if (reference !== undefined) return roles.find((role) => role.address === reference.address);
  return roles.find((role) => role.config.name === value);
}
