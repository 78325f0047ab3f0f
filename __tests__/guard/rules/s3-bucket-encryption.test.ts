import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { s3BucketEncryption } from '../../../src/guard/rules';
import { bucket, findings } from '../fixtures';

describe('BA-S3-2 S3 bucket default encryption', () => {
  test('a bucket with an SSE configuration passes', () => {
    expect(findings(s3BucketEncryption, (stack) => bucket(stack, 'logs'))).toEqual([]);
  });

  test('a bucket without default encryption fails', () => {
    expect(findings(s3BucketEncryption, (stack) => bucket(stack, 'logs', { encryption: false }))).toEqual([
      expect.stringMatching(
        /^BA-S3-2 fixture\/logs: the bucket has no default encryption; add an S3BucketServerSideEncryptionConfigurationA .+/,
      ),
    ]);
  });

  test('an encryption configuration without an algorithm fails', () => {
    const lines = findings(s3BucketEncryption, (stack) => {
      const b = bucket(stack, 'logs', { encryption: false });
      new S3BucketServerSideEncryptionConfigurationA(stack, 'empty', { bucket: b.id, rule: [{ bucketKeyEnabled: true }] });
    });
    expect(lines).toEqual([expect.stringContaining('sets no "sse_algorithm"')]);
  });
});
