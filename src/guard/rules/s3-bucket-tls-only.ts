import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import type { TfElement } from '../context';
import { actionCovers, type PolicyStatement, readPolicy } from '../policy-document';
import type { GuardRule } from '../rule';
import { bucketResources } from '../s3-relations';

/**
 * BA-S3-5: every S3 bucket has a policy that denies requests not made over TLS.
 *
 * S3 still answers plain HTTP. A deny on `aws:SecureTransport = false` for the bucket and its
 * objects makes every client use TLS, so credentials' signatures and contents (for a state
 * bucket: secrets in state) are never sent in clear text, whatever the client is configured to do.
 */
export const s3BucketTlsOnly: GuardRule = {
  id: 'BA-S3-5',
  title: 'Every S3 bucket denies requests made without TLS',
  explanation:
    'S3 still answers plain HTTP; a Deny on aws:SecureTransport = false for the bucket and its objects guarantees contents (for state: secrets) never travel in clear text, whatever a client is configured to do.',
  resourceTypes: [S3Bucket.tfResourceType],
  check(bucket, context) {
    const fix =
      'add an S3BucketPolicy in the same stack with bucket: <bucket>.id and a statement { Effect: "Deny", Principal: "*", Action: "s3:*", Resource: [<bucket>.arn, `${<bucket>.arn}/*`], Condition: { Bool: { "aws:SecureTransport": "false" } } }';
    const policies = [
      ...(bucket.config.policy !== undefined ? [bucket.config.policy] : []),
      ...bucketResources(context, bucket, S3BucketPolicy.tfResourceType).map((p) => p.config.policy),
    ];
    if (policies.length === 0) return [{ what: 'the bucket has no policy that denies requests without TLS', fix }];
    const read = policies.map((policy) => readPolicy(policy, bucket.construct, context));
    if (read.some((statements) => statements?.some((s) => deniesInsecureTransport(s, bucket)) === true)) return [];
    if (read.includes(undefined)) {
      return [
        {
          what: 'the bucket policy cannot be read, so it is not known to deny requests without TLS',
          fix: 'write the policy with Fn.jsonencode({...}), as a JSON string or as a DataAwsIamPolicyDocument in the same stack, with a TLS-only deny statement',
        },
      ];
    }
    return [{ what: 'the bucket policy does not deny requests without TLS for the bucket and its objects', fix }];
  },
};

function deniesInsecureTransport(statement: PolicyStatement, bucket: TfElement): boolean {
  if (statement.effect !== 'Deny' || statement.notResources !== undefined) return false;
  const everyone = statement.principals.some((p) => p === '*:*' || p === 'AWS:*');
  // A pattern that matches the literal action "s3:*" ("s3:*", "*") covers every S3 action.
  const allS3 = (statement.actions ?? []).some((a) => actionCovers(a, 's3:*'));
  const insecure = statement.conditions.some(
    (c) =>
      (c.test === 'Bool' || c.test === 'BoolIfExists') &&
      c.variable.toLowerCase() === 'aws:securetransport' &&
      c.values.includes('false'),
  );
  const arns = bucketArns(bucket);
  const resources = (statement.resources ?? []).map(withoutPartition);
  const coversBucket = resources.some((r) => r === '*' || arns.includes(r));
  const coversObjects = resources.some((r) => r === '*' || r === 'arn:s3:::*' || arns.some((arn) => r === `${arn}/*`));
  return everyone && allS3 && insecure && coversBucket && coversObjects;
}

/**
 * The ways a policy may name the bucket's ARN: a reference to its `arn`, or built from its name
 * (written out or referenced), in any partition (compared without it, see {@link withoutPartition}).
 */
function bucketArns(bucket: TfElement): string[] {
  const names = [`\${${bucket.address}.id}`, `\${${bucket.address}.bucket}`];
  if (typeof bucket.config.bucket === 'string') names.push(bucket.config.bucket);
  return [`\${${bucket.address}.arn}`, ...names.map((n) => `arn:s3:::${n}`)];
}

/** `arn:aws:s3:::b` and `arn:${data.aws_partition.p.partition}:s3:::b` both as `arn:s3:::b`. */
function withoutPartition(arn: string): string {
  return arn.replace(/^arn:[^:]*:s3:::/, 'arn:s3:::');
}
