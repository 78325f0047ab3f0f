import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import type { GuardRule, Violation } from '../rule';
import {
  claimConditions,
  hasWildcard,
  isForAllValues,
  isWebIdentityTrust,
  pinsValue,
  statementLabel,
  trustStatements,
} from '../trust-policies';

/**
 * BA-IAM-3: a role that trusts an OIDC provider pins the token's audience (`<issuer>:aud`) with
 * `StringEquals` (or a `StringLike` without wildcard).
 *
 * The audience says whom the token was minted for. Without the condition, a token the same CI service
 * issued for any other purpose (another cloud, another tool) is accepted too. AWS requires it for
 * some issuers at role creation, but not for every one.
 */
export const iamOidcTrustAudience: GuardRule = {
  id: 'BA-IAM-3',
  title: 'A role trusting an OIDC provider pins the audience',
  explanation: 'Without an audience condition, a token the CI service minted for any other purpose or party is accepted as well.',
  resourceTypes: [IamRole.tfResourceType],
  check(resource, context) {
    const statements = trustStatements(resource, context);
    if (statements === undefined) {
      return [
        {
          what: 'the trust policy cannot be read, so it is not known to pin its OIDC audience',
          fix: 'write it as a JSON string, with Fn.jsonencode({...}) or as a DataAwsIamPolicyDocument in the same stack',
        },
      ];
    }
    const violations: Violation[] = [];
    statements.forEach((statement, index) => {
      if (!isWebIdentityTrust(statement)) return;
      // ForAllValues is BA-IAM-5's finding; such a condition is not counted as missing here.
      const audiences = claimConditions(statement, 'aud');
      const pinned = audiences.some(
        (condition) => isForAllValues(condition) || (pinsValue(condition) && !condition.values.some(hasWildcard)),
      );
      if (!pinned) {
        violations.push({
          what: `${statementLabel(index)} lets an OIDC provider's tokens assume the role without pinning their audience`,
          fix: 'add a StringEquals condition on "<issuer>:aud", e.g. "token.actions.githubusercontent.com:aud": "sts.amazonaws.com"',
        });
      }
    });
    return violations;
  },
};
