import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import type { GuardRule } from '../rule';
import { hasWildcard, trustConditionViolations } from '../trust-policies';

/** The keys that name who may assume a role, or their organization. */
const PRINCIPAL_KEYS = ['aws:principalarn', 'aws:principalorgid'];

/**
 * BA-IAM-10: a role's trust policy names principals by `aws:PrincipalArn` and `aws:PrincipalOrgID`
 * without wildcards in an Allow.
 *
 * `ArnLike` and `ArnEquals` (both honour `*` and `?` in each part of an ARN) and `StringLike` turn a
 * pin into a pattern: `arn:aws:iam::*:role/runner` is every account's role of that name, and
 * `role/runner-*` every role someone with `iam:CreateRole` names to match; `o-*` is every
 * organization. A Deny or a negative operator (`ArnNotLike`) with a wildcard only takes access away
 * and passes.
 */
export const iamTrustPrincipalWildcard: GuardRule = {
  id: 'BA-IAM-10',
  title: 'A trust policy names aws:PrincipalArn and aws:PrincipalOrgID without wildcards',
  explanation:
    'A wildcard in aws:PrincipalArn or aws:PrincipalOrgID admits every principal or organization whose name matches, including ones created later to match it.',
  resourceTypes: [IamRole.tfResourceType],
  check(resource, context) {
    return trustConditionViolations(resource, context, 'allow', (condition, label) => {
      if (!PRINCIPAL_KEYS.includes(condition.variable.toLowerCase()) || /Not/i.test(condition.test)) return undefined;
      return condition.values.filter(hasWildcard).map((value) => ({
        what: `${label} admits ${condition.variable} ${JSON.stringify(value)} (${condition.test}), a wildcard that matches principals no one named`,
        fix: `name each principal exactly, e.g. "ArnEquals": {"aws:PrincipalArn": "arn:aws:iam::222222222222:role/runner"}, or the organization ID ("o-abc123")`,
      }));
    });
  },
};
