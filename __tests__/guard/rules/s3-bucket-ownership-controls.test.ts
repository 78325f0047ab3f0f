import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { s3BucketOwnershipControls } from '../../../src/guard/rules';
import { bucket, findings } from '../fixtures';

describe('BA-S3-4 S3 ownership controls', () => {
  test('a bucket with BucketOwnerEnforced passes', () => {
    expect(findings(s3BucketOwnershipControls, (stack) => bucket(stack, 'logs'))).toEqual([]);
  });

  test('a bucket without ownership controls fails', () => {
    expect(findings(s3BucketOwnershipControls, (stack) => bucket(stack, 'logs', { ownershipControls: false }))).toEqual([
      expect.stringMatching(/^BA-S3-4 fixture\/logs: the bucket has no ownership controls; add an S3BucketOwnershipControls .+/),
    ]);
  });

  test('ownership controls that keep ACLs (BucketOwnerPreferred) fail', () => {
    const lines = findings(s3BucketOwnershipControls, (stack) => {
      const b = bucket(stack, 'logs', { ownershipControls: false });
      new S3BucketOwnershipControls(stack, 'preferred', { bucket: b.id, rule: { objectOwnership: 'BucketOwnerPreferred' } });
    });
    expect(lines).toEqual([expect.stringContaining('"BucketOwnerPreferred", not "BucketOwnerEnforced"')]);
  });
});
