import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { s3BucketPublicAccessBlock } from '../../../src/guard/rules';
import { bucket, findings } from '../fixtures';

describe('BA-S3-3 S3 public access block', () => {
  test('a bucket with all four flags true passes', () => {
    expect(findings(s3BucketPublicAccessBlock, (stack) => bucket(stack, 'logs'))).toEqual([]);
  });

  test('a bucket without a public access block fails', () => {
    expect(findings(s3BucketPublicAccessBlock, (stack) => bucket(stack, 'logs', { publicAccessBlock: false }))).toEqual([
      expect.stringMatching(/^BA-S3-3 fixture\/logs: the bucket has no public access block; add an S3BucketPublicAccessBlock .+/),
    ]);
  });

  test('a public access block with one flag off fails and names the flag', () => {
    const lines = findings(s3BucketPublicAccessBlock, (stack) => {
      const b = bucket(stack, 'logs', { publicAccessBlock: false });
      new S3BucketPublicAccessBlock(stack, 'partial', {
        bucket: b.id,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: false,
      });
    });
    expect(lines).toEqual([expect.stringContaining('does not set restrict_public_buckets to true')]);
  });
});
