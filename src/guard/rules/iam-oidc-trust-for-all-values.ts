import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import type { GuardRule } from '../rule';
import { isForAllValues, trustConditionViolations } from '../trust-policies';

/**
 * BA-IAM-5: no `ForAllValues:` operator on a token's `sub` or `aud` claim.
 *
 * `ForAllValues` is true when every value of the key is in the list, and so also when the key is
 * absent or empty: on a single-valued claim it looks like a pin and pins nothing. Use `StringEquals`.
 */
export const iamOidcTrustForAllValues: GuardRule = {
  id: 'BA-IAM-5',
  title: "No ForAllValues condition on an OIDC token's sub or aud",
  explanation:
    'ForAllValues is true when the key is absent, so on a single-valued claim such as sub or aud it looks like a restriction and lets in tokens without the claim.',
  resourceTypes: [IamRole.tfResourceType],
  check(resource, context) {
    return trustConditionViolations(resource, context, 'web-identity', (condition, label) => {
      if (!isForAllValues(condition) || !/:(sub|aud)$/.test(condition.variable)) return undefined;
      return {
        what: `${label} tests "${condition.variable}" with ${condition.test}, which holds when the claim is absent`,
        fix: `use ${condition.test.replace(/^ForAllValues:/i, '')} without ForAllValues`,
      };
    });
  },
};
