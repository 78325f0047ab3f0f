import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { s3BucketVersioning } from '../../../src/guard/rules';
import { bucket, findings } from '../fixtures';

describe('BA-S3-1 S3 bucket versioning', () => {
  test('a bucket with an enabled S3BucketVersioningA passes', () => {
    expect(findings(s3BucketVersioning, (stack) => bucket(stack, 'logs'))).toEqual([]);
  });

  test('a bucket without versioning fails with the rule id, its construct path, the problem and the fix', () => {
    expect(findings(s3BucketVersioning, (stack) => bucket(stack, 'logs', { versioning: false }))).toEqual([
      expect.stringMatching(/^BA-S3-1 fixture\/logs: the bucket has no versioning; add an S3BucketVersioningA .+/),
    ]);
  });

  test('suspended versioning fails', () => {
    const lines = findings(s3BucketVersioning, (stack) => {
      const b = bucket(stack, 'logs', { versioning: false });
      new S3BucketVersioningA(stack, 'suspended', { bucket: b.id, versioningConfiguration: { status: 'Suspended' } });
    });
    expect(lines).toEqual([expect.stringContaining('does not set status "Enabled"')]);
  });

  test("another bucket's versioning does not count: relations are found by reference", () => {
    const lines = findings(s3BucketVersioning, (stack) => {
      bucket(stack, 'versioned');
      bucket(stack, 'plain', { versioning: false });
    });
    expect(lines).toEqual([expect.stringMatching(/^BA-S3-1 fixture\/plain: /)]);
  });

  test('versioning that names the bucket by its literal name counts', () => {
    const lines = findings(s3BucketVersioning, (stack) => {
      bucket(stack, 'logs', { versioning: false });
      new S3BucketVersioningA(stack, 'by-name', { bucket: 'logs-bucket', versioningConfiguration: { status: 'Enabled' } });
    });
    expect(lines).toEqual([]);
  });

  test('an escape-hatch override that disables versioning is seen', () => {
    const lines = findings(s3BucketVersioning, (stack) => {
      const b = new S3Bucket(stack, 'logs', { bucket: 'logs-bucket' });
      const v = new S3BucketVersioningA(stack, 'v', { bucket: b.id, versioningConfiguration: { status: 'Enabled' } });
      v.addOverride('versioning_configuration.status', 'Suspended');
    });
    expect(lines).toHaveLength(1);
  });
});
