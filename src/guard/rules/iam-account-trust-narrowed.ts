import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { actionCovers } from '../policy-document';
import type { GuardRule, Violation } from '../rule';
import { pinsValue, statementLabel, trustStatements } from '../trust-policies';

/** A whole account as principal: `arn:<partition>:iam::<id>:root`, the bare ID, or everyone (`*`). */
const ACCOUNT_PRINCIPAL = /^(AWS:(arn:[^:]+:iam::\d{12}:root|\d{12}|\*)|\*:\*)$/;
/** Conditions that name the principal or its organization. */
const NARROWING_KEYS = ['aws:principalarn', 'aws:principalorgid'];

/**
 * BA-IAM-6: a role that trusts a whole account (its root, or `*`) narrows it with a condition on
 * `aws:PrincipalArn` or `aws:PrincipalOrgID`.
 *
 * Trusting an account root lets every user and role of that account whose own policies allow
 * `sts:AssumeRole` assume the role: the trust then rests on every policy of the other account.
 * Name the principal (`aws:PrincipalArn`), which, unlike a role ARN as principal, also works before
 * that role exists.
 */
export const iamAccountTrustNarrowed: GuardRule = {
  id: 'BA-IAM-6',
  title: 'A role trusting a whole account narrows it with aws:PrincipalArn or aws:PrincipalOrgID',
  explanation:
    "Trusting an account root hands the role to every principal of that account whose own policies allow sts:AssumeRole: the role's safety then rests on every policy of the other account.",
  resourceTypes: [IamRole.tfResourceType],
  check(resource, context) {
    // An unreadable trust policy is reported once, by BA-IAM-3.
    const violations: Violation[] = [];
    (trustStatements(resource, context) ?? []).forEach((statement, index) => {
      if (statement.effect !== 'Allow') return;
      if (!(statement.actions ?? []).some((action) => actionCovers(action, 'sts:AssumeRole'))) return;
      const accounts = statement.principals.filter((principal) => ACCOUNT_PRINCIPAL.test(principal));
      if (accounts.length === 0) return;
      const narrowed = statement.conditions.some(
        (condition) =>
          NARROWING_KEYS.includes(condition.variable.toLowerCase()) &&
          (pinsValue(condition) || /^(ForAnyValue:)?Arn(Equals|Like)$/i.test(condition.test)),
      );
      if (!narrowed) {
        violations.push({
          what: `${statementLabel(index)} lets every principal of ${accounts.map(describePrincipal).join(', ')} assume the role`,
          fix: 'add a condition naming who may, e.g. "ArnEquals": {"aws:PrincipalArn": "arn:aws:iam::222222222222:role/runner"}, or "aws:PrincipalOrgID"',
        });
      }
    });
    return violations;
  },
};

function describePrincipal(principal: string): string {
  const value = principal.replace(/^(AWS|\*):/, '');
  return value === '*' ? 'every AWS account (*)' : value;
}
