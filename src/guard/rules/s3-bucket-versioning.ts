import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import type { GuardRule } from '../rule';
import { bucketResources, firstBlock } from '../s3-relations';

/**
 * BA-S3-1: every S3 bucket has versioning enabled.
 *
 * Without versioning an overwrite or a delete is final: one bad apply, a buggy script or a leaked
 * key destroys the only copy of an object, for a state bucket the only record of what Terraform
 * manages. Versioning keeps the previous versions recoverable.
 */
export const s3BucketVersioning: GuardRule = {
  id: 'BA-S3-1',
  title: 'Every S3 bucket has versioning enabled',
  explanation:
    'Without versioning an overwrite or delete is final: one bad apply, script or leaked key destroys the only copy of an object (for a state bucket, the only record of what Terraform manages).',
  resourceTypes: [S3Bucket.tfResourceType],
  check(bucket, context) {
    // The deprecated inline `versioning` block of aws_s3_bucket still works in provider 5.x.
    if (firstBlock(bucket.config.versioning)?.enabled === true) return [];
    const versionings = bucketResources(context, bucket, S3BucketVersioningA.tfResourceType);
    if (versionings.some((v) => firstBlock(v.config.versioning_configuration)?.status === 'Enabled')) return [];
    return [
      {
        what:
          versionings.length === 0
            ? 'the bucket has no versioning'
            : 'the bucket\'s versioning resource does not set status "Enabled"',
        fix: 'add an S3BucketVersioningA in the same stack with bucket: <bucket>.id and versioningConfiguration: { status: "Enabled" }',
      },
    ];
  },
};
