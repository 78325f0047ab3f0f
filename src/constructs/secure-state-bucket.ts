import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { Construct } from 'constructs';

/** Days after which an incomplete multipart upload is aborted. */
export const ABORT_INCOMPLETE_MULTIPART_UPLOAD_DAYS = 7;

export interface SecureStateBucketProps {
  /** The bucket's name; it must already satisfy S3's naming rules (accounts.json validation does that). */
  readonly bucketName: string;

  /**
   * Days a noncurrent version of an object (an overwritten or deleted state file) is kept before
   * S3 expires it. Current versions never expire.
   * @default 90
   */
  readonly noncurrentVersionExpirationDays?: number;

  /**
   * Terraform `prevent_destroy` on the bucket: any plan that would destroy it fails.
   * @default true: the bucket can only be destroyed after this is switched off explicitly.
   */
  readonly preventDestroy?: boolean;
}

/**
 * An S3 bucket fit to hold Terraform state: versioned, encrypted (SSE-S3), private (all four
 * public-access-block flags, bucket-owner-enforced ownership), reachable over TLS only, with
 * noncurrent versions and incomplete uploads cleaned up, and protected from `terraform destroy`.
 *
 * Construct ids below are part of the Terraform resource addresses: renaming one makes
 * Terraform replace the resource (for the bucket: delete and recreate it). Keep them.
 */
export class SecureStateBucket extends Construct {
  public readonly bucket: S3Bucket;
  public readonly versioning: S3BucketVersioningA;
  public readonly encryption: S3BucketServerSideEncryptionConfigurationA;
  public readonly publicAccessBlock: S3BucketPublicAccessBlock;
  public readonly ownershipControls: S3BucketOwnershipControls;
  public readonly policy: S3BucketPolicy;
  public readonly lifecycle: S3BucketLifecycleConfiguration;

  constructor(scope: Construct, id: string, props: SecureStateBucketProps) {
    super(scope, id);
    const noncurrentDays = props.noncurrentVersionExpirationDays ?? 90;

    this.bucket = new S3Bucket(this, 'bucket', {
      bucket: props.bucketName,
      // Never delete objects implicitly: a bucket that still holds state cannot be destroyed.
      forceDestroy: false,
      lifecycle: { preventDestroy: props.preventDestroy ?? true },
    });
    // Each attribute getter creates a new token (and cdktf captures a stack trace for each): read
    // them once. The sub-resources reference the bucket rather than repeat its name, which gives
    // Terraform their dependency on it without a depends_on (itself one more token each).
    const bucket = this.bucket.id;
    const arn = this.bucket.arn;

    this.versioning = new S3BucketVersioningA(this, 'versioning', {
      bucket,
      versioningConfiguration: { status: 'Enabled' },
    });

    this.encryption = new S3BucketServerSideEncryptionConfigurationA(this, 'encryption', {
      bucket,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }],
    });

    this.publicAccessBlock = new S3BucketPublicAccessBlock(this, 'public-access-block', {
      bucket,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });

    this.ownershipControls = new S3BucketOwnershipControls(this, 'ownership-controls', {
      bucket,
      rule: { objectOwnership: 'BucketOwnerEnforced' },
    });

    this.policy = new S3BucketPolicy(this, 'tls-only-policy', {
      bucket,
      // A JSON string with the ARN interpolated, not Fn.jsonencode(): with keys in sorted order it
      // evaluates to exactly the string jsonencode() gives (checked with terraform console), but
      // synth makes one token instead of three and resolves no function call, which was 11-14 % of
      // a 1000-account synth (npm run bench; the policy guard reads both forms). The ARN stays a
      // reference, not a string built from the name: it has the right partition everywhere
      // (aws-cn, aws-us-gov) and keeps the policy's implicit dependency on the bucket.
      policy: JSON.stringify({
        Statement: [
          {
            Action: 's3:*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            Effect: 'Deny',
            Principal: '*',
            Resource: [arn, `${arn}/*`],
            Sid: 'DenyInsecureTransport',
          },
        ],
        Version: '2012-10-17',
      }),
      // S3 rejects concurrent changes to a bucket's policy and its public-access block.
      dependsOn: [this.publicAccessBlock],
    });

    this.lifecycle = new S3BucketLifecycleConfiguration(this, 'lifecycle', {
      bucket,
      rule: [
        {
          id: 'expire-noncurrent-versions',
          status: 'Enabled',
          filter: [{}],
          noncurrentVersionExpiration: [{ noncurrentDays: noncurrentDays }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: ABORT_INCOMPLETE_MULTIPART_UPLOAD_DAYS }],
        },
      ],
      // Noncurrent-version rules need versioning in place first.
      dependsOn: [this.versioning],
    });
  }
}
