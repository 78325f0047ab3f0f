import { allowsOnAllResources, IDENTITY_POLICY_TYPES, identityPolicies } from '../iam-policies';
import { actionCovers, type PolicyStatement } from '../policy-document';
import type { GuardRule } from '../rule';

/** Resources that mean "every role": `*`, or a role ARN with a wildcard for the whole name. */
const ALL_ROLES = /^(\*|arn:[^:]+:iam::[^:]*:role\/\*)$/;

/**
 * BA-IAM-2: no IAM statement allows `iam:PassRole` on every role.
 *
 * PassRole lets a principal hand a role to a service (EC2, Lambda, ECS, CodeBuild...). On `*`,
 * it can hand over the most powerful role in the account and run code with it: a privilege
 * escalation path even when the principal's own permissions look small. Name the roles it may pass
 * (and, ideally, restrict `iam:PassedToService`).
 */
export const iamNoPassRoleOnAll: GuardRule = {
  id: 'BA-IAM-2',
  title: 'No IAM statement allows iam:PassRole on "*"',
  explanation:
    'PassRole on "*" lets a principal hand the most powerful role in the account to a service it controls and run code with it: privilege escalation even when its own permissions look small.',
  resourceTypes: IDENTITY_POLICY_TYPES,
  check(resource, context) {
    // Unreadable policies are reported once, by BA-IAM-1.
    return identityPolicies(resource, context).flatMap((policy) =>
      (policy.statements ?? []).filter(passesAnyRole).map(() => ({
        what: `${policy.label} allows iam:PassRole on every role`,
        fix: 'list the ARNs of the roles that may be passed in Resource, and add a condition on iam:PassedToService',
      })),
    );
  },
};

function passesAnyRole(statement: PolicyStatement): boolean {
  if (statement.effect !== 'Allow') return false;
  const passes =
    statement.notActions !== undefined
      ? !statement.notActions.some((a) => actionCovers(a, 'iam:PassRole'))
      : (statement.actions ?? []).some((a) => actionCovers(a, 'iam:PassRole'));
  if (!passes) return false;
  return allowsOnAllResources(statement) || (statement.resources ?? []).some((r) => ALL_ROLES.test(r));
}
