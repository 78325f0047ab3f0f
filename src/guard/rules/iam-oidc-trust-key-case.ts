import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import type { GuardRule } from '../rule';
import { trustConditionViolations } from '../trust-policies';

/** Global keys (`aws:…`) and STS's own (`sts:…`); every other key of a web-identity trust names an issuer. */
const SERVICE_KEY = /^(aws|sts):/i;

/**
 * BA-IAM-9: a role that trusts an OIDC provider writes the issuer's condition keys in lower case
 * (`token.actions.githubusercontent.com:sub`, not `Token.Actions.GitHubUserContent.com:sub`).
 *
 * IAM matches condition keys in any letter case, so such a key works, but a review or a tool that
 * compares keys exactly (as other guards and scanners do) does not see it as the subject or
 * audience: a wildcard or a missing pin under it goes unnoticed. Issuers and their claim keys are
 * lower case as IAM names them.
 */
export const iamOidcTrustKeyCase: GuardRule = {
  id: 'BA-IAM-9',
  title: "A role trusting an OIDC provider writes the issuer's condition keys in lower case",
  explanation:
    'IAM matches condition keys in any letter case, but reviews and tools that compare them exactly do not: a subject or audience key in another case escapes every check of it.',
  resourceTypes: [IamRole.tfResourceType],
  check(resource, context) {
    return trustConditionViolations(resource, context, 'web-identity', (condition, label) => {
      const key = condition.variable;
      if (SERVICE_KEY.test(key) || key === key.toLowerCase()) return undefined;
      return {
        what: `${label} names the condition key ${JSON.stringify(key)} in another letter case than IAM's issuer`,
        fix: `write it in lower case, ${JSON.stringify(key.toLowerCase())}`,
      };
    });
  },
};
