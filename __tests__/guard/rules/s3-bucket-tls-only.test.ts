import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { Fn } from 'cdktf';
import { s3BucketTlsOnly } from '../../../src/guard/rules';
import { bucket, findings } from '../fixtures';

describe('BA-S3-5 S3 TLS-only policy', () => {
  test('a bucket whose policy (Fn.jsonencode) denies requests without TLS passes', () => {
    expect(findings(s3BucketTlsOnly, (stack) => bucket(stack, 'logs'))).toEqual([]);
  });

  test('a TLS-only policy written as a DataAwsIamPolicyDocument with partition-aware ARNs passes', () => {
    const lines = findings(s3BucketTlsOnly, (stack) => {
      const partition = new DataAwsPartition(stack, 'partition');
      bucket(stack, 'logs', {
        policy: () =>
          new DataAwsIamPolicyDocument(stack, 'tls', {
            statement: [
              {
                effect: 'Deny',
                principals: [{ type: '*', identifiers: ['*'] }],
                actions: ['s3:*'],
                resources: [`arn:${partition.partition}:s3:::logs-bucket`, `arn:${partition.partition}:s3:::logs-bucket/*`],
                condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }],
              },
            ],
          }).json,
      });
    });
    expect(lines).toEqual([]);
  });

  test('a bucket without a policy fails', () => {
    expect(findings(s3BucketTlsOnly, (stack) => bucket(stack, 'logs', { policy: false }))).toEqual([
      expect.stringMatching(
        /^BA-S3-5 fixture\/logs: the bucket has no policy that denies requests without TLS; add an S3BucketPolicy .+/,
      ),
    ]);
  });

  test('a policy whose TLS deny covers only the objects, not the bucket, fails', () => {
    const lines = findings(s3BucketTlsOnly, (stack) =>
      bucket(stack, 'logs', {
        policy: (b) =>
          Fn.jsonencode({
            Statement: [
              {
                Effect: 'Deny',
                Principal: { AWS: '*' },
                Action: 's3:*',
                Resource: `${b.arn}/*`,
                Condition: { Bool: { 'aws:SecureTransport': 'false' } },
              },
            ],
          }),
      }),
    );
    expect(lines).toEqual([expect.stringContaining('does not deny requests without TLS for the bucket and its objects')]);
  });

  test('a policy that cannot be read fails instead of passing unseen', () => {
    const lines = findings(s3BucketTlsOnly, (stack) => bucket(stack, 'logs', { policy: () => Fn.file('policy.json') }));
    expect(lines).toEqual([expect.stringContaining('the bucket policy cannot be read')]);
  });
});
