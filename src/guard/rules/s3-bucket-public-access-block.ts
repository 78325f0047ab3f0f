import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { isTrue } from '../context';
import type { GuardRule } from '../rule';
import { bucketResources } from '../s3-relations';

const FLAGS = ['block_public_acls', 'block_public_policy', 'ignore_public_acls', 'restrict_public_buckets'] as const;

/**
 * BA-S3-3: every S3 bucket blocks public access with all four public-access-block flags.
 *
 * Each flag closes a different path to a public bucket (new public ACLs, existing public ACLs,
 * public bucket policies, cross-account access through a public policy). With one missing, a
 * single careless ACL or policy change publishes the bucket's contents.
 */
export const s3BucketPublicAccessBlock: GuardRule = {
  id: 'BA-S3-3',
  title: 'Every S3 bucket sets all four public-access-block flags',
  explanation:
    'Each flag closes a different path to a public bucket (new public ACLs, existing public ACLs, public policies, cross-account access via a public policy); with one missing, a single careless change publishes the contents.',
  resourceTypes: [S3Bucket.tfResourceType],
  check(bucket, context) {
    const blocks = bucketResources(context, bucket, S3BucketPublicAccessBlock.tfResourceType);
    if (blocks.some((block) => FLAGS.every((flag) => isTrue(block.config[flag])))) return [];
    const fix =
      'add an S3BucketPublicAccessBlock in the same stack with bucket: <bucket>.id and blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets all true';
    if (blocks.length === 0) return [{ what: 'the bucket has no public access block', fix }];
    const missing = FLAGS.filter((flag) => !blocks.some((block) => isTrue(block.config[flag])));
    return [{ what: `the bucket's public access block does not set ${missing.join(', ')} to true`, fix }];
  },
};
