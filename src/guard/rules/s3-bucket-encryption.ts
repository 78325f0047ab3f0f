import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { asList } from '../context';
import type { GuardRule } from '../rule';
import { bucketResources, firstBlock } from '../s3-relations';

/**
 * BA-S3-2: every S3 bucket has default encryption configured.
 *
 * S3 encrypts new objects with SSE-S3 by default today, but only an explicit configuration is
 * under version control: it documents the choice, lets it be changed to SSE-KMS deliberately, and
 * survives review when someone copies the bucket to an account or tool with other defaults.
 */
export const s3BucketEncryption: GuardRule = {
  id: 'BA-S3-2',
  title: 'Every S3 bucket has default server-side encryption',
  explanation:
    'Only an explicit encryption configuration is under version control: it documents the choice (SSE-S3 or SSE-KMS), can be reviewed and changed deliberately, and does not depend on an account default.',
  resourceTypes: [S3Bucket.tfResourceType],
  check(bucket, context) {
    const hasAlgorithm = (configuration: unknown): boolean =>
      asList(firstBlock(configuration)?.rule ?? []).some((rule) => {
        const byDefault = firstBlock((rule as Record<string, unknown>).apply_server_side_encryption_by_default);
        return typeof byDefault?.sse_algorithm === 'string' && byDefault.sse_algorithm !== '';
      });
    // The deprecated inline block of aws_s3_bucket still works in provider 5.x.
    if (hasAlgorithm(bucket.config.server_side_encryption_configuration)) return [];
    const configurations = bucketResources(context, bucket, S3BucketServerSideEncryptionConfigurationA.tfResourceType);
    if (configurations.some((c) => hasAlgorithm({ rule: c.config.rule }))) return [];
    return [
      {
        what:
          configurations.length === 0
            ? 'the bucket has no default encryption'
            : 'the bucket\'s encryption configuration sets no "sse_algorithm"',
        fix: 'add an S3BucketServerSideEncryptionConfigurationA in the same stack with bucket: <bucket>.id and rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] (or "aws:kms")',
      },
    ];
  },
};
