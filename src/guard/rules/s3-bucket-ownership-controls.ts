import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import type { GuardRule } from '../rule';
import { bucketResources, firstBlock } from '../s3-relations';

/**
 * BA-S3-4: every S3 bucket has ownership controls set to `BucketOwnerEnforced`.
 *
 * `BucketOwnerEnforced` turns ACLs off: the bucket owner owns every object and access is decided
 * by policies alone. Without it, an object written by another account can stay owned by that
 * account and unreadable (or readable by others) regardless of the bucket policy.
 */
export const s3BucketOwnershipControls: GuardRule = {
  id: 'BA-S3-4',
  title: 'Every S3 bucket enforces bucket-owner ownership (ACLs disabled)',
  explanation:
    'BucketOwnerEnforced disables ACLs, so the bucket owner owns every object and only policies decide access; otherwise objects written by another account can stay owned by it, outside the bucket policy.',
  resourceTypes: [S3Bucket.tfResourceType],
  check(bucket, context) {
    const controls = bucketResources(context, bucket, S3BucketOwnershipControls.tfResourceType);
    const ownership = controls.map((c) => firstBlock(c.config.rule)?.object_ownership);
    if (ownership.includes('BucketOwnerEnforced')) return [];
    return [
      {
        what:
          controls.length === 0
            ? 'the bucket has no ownership controls'
            : `the bucket's ownership controls set object_ownership to ${JSON.stringify(ownership[0] ?? null)}, not "BucketOwnerEnforced"`,
        fix: 'add an S3BucketOwnershipControls in the same stack with bucket: <bucket>.id and rule: { objectOwnership: "BucketOwnerEnforced" }',
      },
    ];
  },
};
