import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { KmsKeyPolicy } from '@cdktf/provider-aws/lib/kms-key-policy';
import { actionCovers, type PolicyStatement, readPolicy } from '../policy-document';
import type { GuardRule } from '../rule';

/**
 * BA-KMS-1: every KMS key has an explicit key policy that gives nobody unconditional use of it.
 *
 * A key created without a policy gets KMS's default one, `kms:*` for the account: every IAM
 * principal whose own policies allow kms actions (admin and power-user roles usually do, on `*`)
 * may then decrypt the data directly, outside the service that holds it, disable the key or
 * schedule its deletion. An explicit policy keeps administration with the account and grants use
 * only with a condition, e.g. through one service (`kms:ViaService`) or for one resource.
 */
export const kmsKeyExplicitPolicy: GuardRule = {
  id: 'BA-KMS-1',
  title: 'Every KMS key has an explicit key policy that grants no unconditional use',
  explanation:
    'Without a key policy KMS applies its default, kms:* for the account: every IAM principal with kms permissions may decrypt the data directly, disable the key or schedule its deletion. An explicit policy keeps administration with the account and allows use only under conditions (e.g. kms:ViaService).',
  resourceTypes: [KmsKey.tfResourceType],
  check(key, context) {
    const fix =
      'give the key a policy (see src/constructs/key-policy.ts) that lets the account administer it and allows kms:Decrypt, kms:Encrypt and kms:GenerateDataKey* only under a condition such as kms:ViaService';
    // A separate aws_kms_key_policy resource replaces the key's own policy argument.
    const policies = [
      ...(key.config.policy !== undefined ? [key.config.policy] : []),
      ...context
        .siblingsReferencing(key, KmsKeyPolicy.tfResourceType, 'key_id', { attributes: ['id', 'key_id', 'arn'] })
        .map((policy) => policy.config.policy),
    ];
    if (policies.length === 0) {
      return [{ what: "the key has no key policy, so KMS's default gives kms:* to every IAM principal of the account", fix }];
    }
    const read = policies.map((policy) => readPolicy(policy, key.construct, context));
    if (read.includes(undefined)) {
      return [
        {
          what: 'the key policy cannot be read, so it is not known to keep the key from unconditional use',
          fix: 'write the policy as a JSON string or with Fn.jsonencode({...}) or a DataAwsIamPolicyDocument in the same stack',
        },
      ];
    }
    const open = read.flatMap((statements) => statements ?? []).find(allowsUnconditionalUse);
    if (open === undefined) return [];
    return [
      {
        what: `the key policy allows ${open.principals.join(', ')} to decrypt with the key under no condition, which is KMS's default in effect`,
        fix,
      },
    ];
  },
};

/**
 * An Allow of `kms:Decrypt` without a condition to a whole account (its root, a bare account ID,
 * either possibly a Terraform reference) or to everyone: what the default policy does. Grants to
 * a named role or to a service are not flagged.
 */
function allowsUnconditionalUse(statement: PolicyStatement): boolean {
  if (statement.effect !== 'Allow' || statement.conditions.length > 0) return false;
  const decrypts =
    statement.notActions !== undefined
      ? !statement.notActions.some((pattern) => actionCovers(pattern, 'kms:Decrypt'))
      : (statement.actions ?? []).some((pattern) => actionCovers(pattern, 'kms:Decrypt'));
  const wholeAccount = statement.principals.some(
    (principal) =>
      principal === '*:*' || principal === 'AWS:*' || /^AWS:(arn:[^:]+:iam::[^:]+:root|\d{12}|\$\{[^}]+\})$/.test(principal),
  );
  return decrypts && wholeAccount;
}
