import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { KmsKeyPolicy } from '@cdktf/provider-aws/lib/kms-key-policy';
import { Fn } from 'cdktf';
import { logGroupKeyPolicy, stateKeyPolicy } from '../../../src/constructs/key-policy';
import { kmsKeyExplicitPolicy } from '../../../src/guard/rules';
import { findings } from '../fixtures';

const ACCOUNT = { partition: 'aws', dnsSuffix: 'amazonaws.com', region: 'eu-west-1', accountId: '123456789012' };
const FIX =
  'give the key a policy (see src/constructs/key-policy.ts) that lets the account administer it and allows kms:Decrypt, kms:Encrypt and kms:GenerateDataKey* only under a condition such as kms:ViaService';

/** KMS's default key policy, written out: kms:* for the account root, no condition. */
const DEFAULT_POLICY = {
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'Enable IAM User Permissions',
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::123456789012:root' },
      Action: 'kms:*',
      Resource: '*',
    },
  ],
};

describe('BA-KMS-1 KMS key explicit policy', () => {
  test('the project’s state-key and log-group-key policies pass', () => {
    expect(
      findings(kmsKeyExplicitPolicy, (stack) => {
        new KmsKey(stack, 'state', { policy: JSON.stringify(stateKeyPolicy({ ...ACCOUNT, lockTable: true })) });
        new KmsKey(stack, 'logs', {
          policy: JSON.stringify(logGroupKeyPolicy({ ...ACCOUNT, logGroupName: '/x/vpc-flow-logs' })),
        });
      }),
    ).toEqual([]);
  });

  test('a key without a policy fails: KMS would apply its default', () => {
    expect(findings(kmsKeyExplicitPolicy, (stack) => new KmsKey(stack, 'key', { description: 'x' }))).toEqual([
      `BA-KMS-1 fixture/key: the key has no key policy, so KMS's default gives kms:* to every IAM principal of the account; ${FIX}`,
    ]);
  });

  test('the default policy written out fails, with the principal it opens the key to', () => {
    expect(
      findings(kmsKeyExplicitPolicy, (stack) => new KmsKey(stack, 'key', { policy: JSON.stringify(DEFAULT_POLICY) })),
    ).toEqual([
      `BA-KMS-1 fixture/key: the key policy allows AWS:arn:aws:iam::123456789012:root to decrypt with the key under no condition, which is KMS's default in effect; ${FIX}`,
    ]);
  });

  test('unconditional kms:Decrypt for the root as a Terraform reference or for everyone fails too', () => {
    const open = (principal: unknown) => ({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: principal, Action: ['kms:Decrypt'], Resource: '*' }],
    });
    expect(
      findings(kmsKeyExplicitPolicy, (stack) => {
        new KmsKey(stack, 'reference', {
          policy: JSON.stringify(
            open({ AWS: 'arn:${data.aws_partition.p.partition}:iam::${data.aws_caller_identity.c.account_id}:root' }),
          ),
        });
        new KmsKey(stack, 'everyone', { policy: Fn.jsonencode(open('*')) });
      }).map((line) => line.split(':')[0]),
    ).toEqual(['BA-KMS-1 fixture/reference', 'BA-KMS-1 fixture/everyone']);
  });

  test('use granted to a named role, or to the account under a condition, passes', () => {
    expect(
      findings(kmsKeyExplicitPolicy, (stack) => {
        new KmsKey(stack, 'key', {
          policy: JSON.stringify({
            Version: '2012-10-17',
            Statement: [
              { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:role/app' }, Action: 'kms:Decrypt', Resource: '*' },
              {
                Effect: 'Allow',
                Principal: { AWS: 'arn:aws:iam::123456789012:root' },
                Action: 'kms:*',
                Resource: '*',
                Condition: { StringEquals: { 'kms:ViaService': 's3.eu-west-1.amazonaws.com' } },
              },
            ],
          }),
        });
      }),
    ).toEqual([]);
  });

  test('a separate aws_kms_key_policy counts as the key’s policy, and is checked the same way', () => {
    expect(
      findings(kmsKeyExplicitPolicy, (stack) => {
        const key = new KmsKey(stack, 'key', {});
        new KmsKeyPolicy(stack, 'key-policy', { keyId: key.id, policy: JSON.stringify(stateKeyPolicy(ACCOUNT)) });
      }),
    ).toEqual([]);
    expect(
      findings(kmsKeyExplicitPolicy, (stack) => {
        const key = new KmsKey(stack, 'key', {});
        new KmsKeyPolicy(stack, 'key-policy', { keyId: key.keyId, policy: JSON.stringify(DEFAULT_POLICY) });
      }),
    ).toHaveLength(1);
  });

  test('a policy from a policy-document data source is read; one that cannot be read fails', () => {
    expect(
      findings(kmsKeyExplicitPolicy, (stack) => {
        const document = new DataAwsIamPolicyDocument(stack, 'document', {
          statement: [
            {
              effect: 'Allow',
              principals: [{ type: 'AWS', identifiers: ['arn:aws:iam::123456789012:root'] }],
              actions: ['kms:*'],
              resources: ['*'],
            },
          ],
        });
        new KmsKey(stack, 'key', { policy: document.json });
      }),
    ).toHaveLength(1);
    expect(findings(kmsKeyExplicitPolicy, (stack) => new KmsKey(stack, 'key', { policy: Fn.file('policy.json') }))).toEqual([
      'BA-KMS-1 fixture/key: the key policy cannot be read, so it is not known to keep the key from unconditional use; write the policy as a JSON string or with Fn.jsonencode({...}) or a DataAwsIamPolicyDocument in the same stack',
    ]);
  });
});
