import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketLoggingA } from '@cdktf/provider-aws/lib/s3-bucket-logging';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { BOOTSTRAP_STATE_PREFIX, OBJECT_WRITE_ACTIONS, PIPELINE_STATE_BUCKET_ACTIONS } from './pipeline-reach';

/** Days after which an incomplete multipart upload is aborted. */
export const ABORT_INCOMPLETE_MULTIPART_UPLOAD_DAYS = 7;

/** The service principal that delivers S3 server access logs to a target bucket. */
export const S3_LOGGING_SERVICE_PRINCIPAL = 'logging.s3.amazonaws.com';

/** A bucket whose server access logs a log bucket accepts. */
export interface AccessLogSource {
  /** ARN of the bucket whose access is logged (`aws:SourceArn`). */
  readonly bucketArn: string;
  /** ID of the account that owns it (`aws:SourceAccount`). */
  readonly accountId: string;
}

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

  /**
   * Take over a bucket of this name that already exists: a Terraform import block brings it into the
   * state on the next plan, and the settings below are then applied to it. Its objects and their
   * versions stay: while this is set, the lifecycle rule does not expire noncurrent versions (it only
   * aborts incomplete uploads), so versions older than the bootstrap are never deleted. Removing it
   * after the adoption applies the normal retention (`noncurrentVersionExpirationDays`).
   * @default false: the bucket is created; the plan fails if it cannot be.
   */
  readonly adopt?: boolean;

  /**
   * Import a bucket of this name that exists already, and only that: unlike `adopt`, the normal retention
   * applies. For a bucket this project created in a first deploy that was interrupted before Terraform
   * recorded it (`npm run deploy` proves it by the bucket's tags and sets this for one deploy).
   * @default false
   */
  readonly importExisting?: boolean;

  /**
   * Tags of the bucket itself, besides the provider's default tags. The provider writes them right after
   * S3 created the bucket (hashicorp/aws 5.100.0: CreateBucket, then PutBucketTagging), so they mark a
   * bucket a killed deploy left outside the state. Adding them to a deployed bucket is an in-place update.
   * @default none
   */
  readonly tags?: Readonly<Record<string, string>>;

  /**
   * Resources the bucket is created after (its `depends_on`), e.g. a check that it does not exist yet.
   * @default none
   */
  readonly bucketDependsOn?: ITerraformDependable[];

  /**
   * SSE-KMS default encryption with this key (an ARN), with an S3 Bucket Key, which cuts the KMS
   * requests (and their cost) S3 makes for the bucket's objects by orders of magnitude.
   * @default undefined: SSE-S3 (AES256), with keys S3 manages.
   */
  readonly kmsKeyArn?: string;

  /**
   * Days after which current objects expire (a versioned bucket then keeps each as a noncurrent
   * version for `noncurrentVersionExpirationDays`). For a log bucket, never for state.
   * @default undefined: current versions never expire.
   */
  readonly expirationDays?: number;

  /**
   * Make this a target for S3 server access logs of this bucket: the policy allows the logging
   * service to put objects, for requests on behalf of this source bucket and account only.
   * @default undefined: the policy grants nothing, it only denies requests without TLS.
   */
  readonly accessLogSource?: AccessLogSource;

  /**
   * ARNs of the pipeline's roles (the account's deploy role; in the production account also the
   * runner): the policy denies them, by `aws:PrincipalArn`, everything on the bucket but
   * `PIPELINE_STATE_BUCKET_ACTIONS` (no bucket setting, no `DeleteBucket`, no `DeleteObjectVersion`),
   * and any write under `bootstrap/`. The roles need not exist yet: no ARN is a principal.
   * @default []: no pipeline statements.
   */
  readonly pipelinePrincipalArns?: readonly string[];
}

/**
 * An S3 bucket fit to hold Terraform state: versioned, encrypted (SSE-S3, or SSE-KMS with a bucket
 * key), private (all four public-access-block flags, bucket-owner-enforced ownership), reachable
 * over TLS only, with noncurrent versions and incomplete uploads cleaned up, and protected from
 * `terraform destroy`; with `pipelinePrincipalArns` the pipeline's roles kept to the state objects,
 * and with SSE-KMS no object written under another key. With `accessLogSource` and `expirationDays`
 * the same hardening makes the bucket that receives the state bucket's server access logs.
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
  /** Server access logging to another bucket; undefined until {@link logAccessTo} is called. */
  public accessLogging?: S3BucketLoggingA;
  private readonly bucketName: string;

  constructor(scope: Construct, id: string, props: SecureStateBucketProps) {
    super(scope, id);
    const noncurrentDays = props.noncurrentVersionExpirationDays ?? 90;
    const adopt = props.adopt ?? false;
    this.bucketName = props.bucketName;

    this.bucket = new S3Bucket(this, 'bucket', {
      bucket: props.bucketName,
      // Never delete objects implicitly: a bucket that still holds state cannot be destroyed.
      forceDestroy: false,
      lifecycle: { preventDestroy: props.preventDestroy ?? true },
      ...(props.tags !== undefined ? { tags: { ...props.tags } } : {}),
      ...(props.bucketDependsOn !== undefined ? { dependsOn: props.bucketDependsOn } : {}),
    });
    // `import { to = <bucket>, id = <name> }`: Terraform skips it once the bucket is in the state.
    if (adopt || props.importExisting === true) this.bucket.importFrom(props.bucketName);
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
      rule: [
        props.kmsKeyArn !== undefined
          ? {
              applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: props.kmsKeyArn },
              bucketKeyEnabled: true,
            }
          : { applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } },
      ],
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
          // The log-delivery grant comes first: statement order means nothing to IAM, but moto's
          // PutBucketLogging check fails (HTTP 500) on a "Principal": "*" statement before it.
          ...(props.accessLogSource !== undefined ? [logDeliveryStatement(arn, props.accessLogSource)] : []),
          {
            Action: 's3:*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            Effect: 'Deny',
            Principal: '*',
            Resource: [arn, `${arn}/*`],
            Sid: 'DenyInsecureTransport',
          },
          ...pipelineStatements(arn, props.pipelinePrincipalArns ?? []),
          ...(props.kmsKeyArn !== undefined ? stateKeyOnlyStatements(arn, props.kmsKeyArn) : []),
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
          id:
            props.expirationDays !== undefined
              ? 'expire-objects'
              : adopt
                ? 'abort-incomplete-uploads'
                : 'expire-noncurrent-versions',
          status: 'Enabled',
          filter: [{}],
          ...(props.expirationDays !== undefined ? { expiration: [{ days: props.expirationDays }] } : {}),
          // An adopted bucket's versions predate the bootstrap: none is expired while `adopt` is set.
          ...(adopt ? {} : { noncurrentVersionExpiration: [{ noncurrentDays: noncurrentDays }] }),
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: ABORT_INCOMPLETE_MULTIPART_UPLOAD_DAYS }],
        },
      ],
      // Noncurrent-version rules need versioning in place first.
      dependsOn: [this.versioning],
    });
  }

  /**
   * Sends this bucket's S3 server access logs to `target` (a bucket made with `accessLogSource`
   * naming this one), under the prefix `<this bucket>/`. Call it once.
   */
  public logAccessTo(target: SecureStateBucket): S3BucketLoggingA {
    this.accessLogging = new S3BucketLoggingA(this, 'access-logging', {
      bucket: this.bucket.id,
      targetBucket: target.bucket.id,
      targetPrefix: `${this.bucketName}/`,
      // S3 checks that the target's policy lets the logging service write before it accepts this.
      dependsOn: [target.policy],
    });
    return this.accessLogging;
  }
}

/**
 * Lets the S3 logging service put access-log objects into the bucket `arn`, only for requests on
 * behalf of `source` (the confused-deputy conditions AWS recommends). Keys in sorted order, like
 * the TLS statement.
 */
function logDeliveryStatement(arn: string, source: AccessLogSource): Record<string, unknown> {
  return {
    Action: 's3:PutObject',
    Condition: {
      ArnLike: { 'aws:SourceArn': source.bucketArn },
      StringEquals: { 'aws:SourceAccount': source.accountId },
    },
    Effect: 'Allow',
    Principal: { Service: S3_LOGGING_SERVICE_PRINCIPAL },
    Resource: `${arn}/*`,
    Sid: 'AllowS3ServerAccessLogDelivery',
  };
}

/**
 * The pipeline's roles keep list, read, write and delete of current state objects (and S3 lock files)
 * and lose everything else: every bucket setting (policy, versioning, lifecycle, encryption, public
 * access, ...), `DeleteBucket`, `DeleteObjectVersion` (which bypasses versioning), and any write of
 * this project's own state under `bootstrap/`. A Deny with `NotAction`: whatever the roles' own
 * policies allow (PowerUserAccess: s3:*), and a bucket action AWS adds later is denied too.
 */
function pipelineStatements(arn: string, principals: readonly string[]): Record<string, unknown>[] {
  if (principals.length === 0) return [];
  const condition = { ArnEquals: { 'aws:PrincipalArn': [...principals] } };
  return [
    {
      Condition: condition,
      Effect: 'Deny',
      NotAction: [...PIPELINE_STATE_BUCKET_ACTIONS],
      Principal: '*',
      Resource: [arn, `${arn}/*`],
      Sid: 'PipelineOnlyReachesStateObjects',
    },
    {
      Action: [...OBJECT_WRITE_ACTIONS],
      Condition: condition,
      Effect: 'Deny',
      Principal: '*',
      Resource: `${arn}/${BOOTSTRAP_STATE_PREFIX}*`,
      Sid: 'PipelineNeverWritesBootstrapState',
    },
  ];
}

/**
 * With SSE-KMS, an object written with anything but the bucket's key is refused, for everyone: a
 * header asking for another algorithm (AES256, DSSE) or another key, or `aws:kms` without a key ID
 * (S3 then uses the AWS-managed aws/s3 key). A request with no encryption header gets the bucket's
 * default, which is the key, and passes: the `Null` guards, because a missing key makes a negated
 * operator (and any `...IfExists` one) true, which would refuse Terraform's header-less writes.
 */
function stateKeyOnlyStatements(arn: string, kmsKeyArn: string): Record<string, unknown>[] {
  const algorithm = 's3:x-amz-server-side-encryption';
  const keyId = 's3:x-amz-server-side-encryption-aws-kms-key-id';
  const putObject = (sid: string, condition: Record<string, unknown>): Record<string, unknown> => ({
    Action: 's3:PutObject',
    Condition: condition,
    Effect: 'Deny',
    Principal: '*',
    Resource: `${arn}/*`,
    Sid: sid,
  });
  return [
    putObject('DenyObjectsNotSseKms', { Null: { [algorithm]: 'false' }, StringNotEquals: { [algorithm]: 'aws:kms' } }),
    putObject('DenyObjectsUnderOtherKeys', { Null: { [keyId]: 'false' }, StringNotEquals: { [keyId]: kmsKeyArn } }),
    putObject('DenyObjectsUnderAwsManagedKey', { Null: { [keyId]: 'true' }, StringEquals: { [algorithm]: 'aws:kms' } }),
  ];
}
