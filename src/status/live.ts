import { EC2Client } from '@aws-sdk/client-ec2';
import { IAMClient } from '@aws-sdk/client-iam';
import {
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketLoggingCommand,
  GetBucketOwnershipControlsCommand,
  type LifecycleRule,
  type S3Client,
  type ServerSideEncryptionRule,
} from '@aws-sdk/client-s3';
import { readBucketReport } from '../report/bucket-report';
import { ABORT_INCOMPLETE_MULTIPART_UPLOAD_DAYS } from '../constructs/secure-state-bucket';
import { type AccountAccess, accountCredentialOptions, serviceEndpoint } from '../aws/account-credentials';
import { retryOptions } from '../aws/retry';

/** A state bucket's settings as S3 reports them, each as a short verdict for the table. */
export interface LiveSettings {
  /** `Enabled`, `Suspended` or `off`. */
  readonly versioning: string;
  /** Default encryption algorithm (`AES256`, `aws:kms`, ...) or `none`. */
  readonly encryption: string;
  /** `all 4 on`, `n/4 on` or `none`. */
  readonly publicAccessBlock: string;
  /** `BucketOwnerEnforced`, another object-ownership setting, or `none`. */
  readonly ownership: string;
  /** `deny non-TLS`, `partial` or `missing`. */
  readonly tlsPolicy: string;
  /** e.g. `noncurrent 90d, multipart 7d`, or what is missing. */
  readonly lifecycle: string;
  /** The KMS key of the default encryption, when S3 names one. */
  readonly kmsKeyId?: string;
  /** Whether the default encryption uses an S3 Bucket Key. */
  readonly bucketKey?: boolean;
  /** Where server access logs go, `<target bucket>/<prefix>`, or `off`. */
  readonly accessLogging?: string;
}

/** The secure defaults the state stack deploys, to compare live settings with. */
export interface ExpectedSettings {
  /** accounts.json `stateBucket.noncurrentVersionExpirationDays`. */
  readonly noncurrentVersionExpirationDays: number;
  /**
   * The account has `"adopt": true`: its lifecycle rule keeps noncurrent versions (they predate the bootstrap).
   * @default false
   */
  readonly adopt?: boolean;
  /**
   * SSE-KMS: `aws:kms` with a bucket key, and with this key when it is an ARN (`kmsKeyArn`);
   * `true` for a key the stack created, whose ARN accounts.json does not know.
   * @default undefined: any default encryption passes.
   */
  readonly kmsKey?: string | true;
  /**
   * Server access logs go to this `<log bucket>/<prefix>` (`stateBucket.accessLogs`).
   * @default undefined: logging is not checked.
   */
  readonly accessLogTarget?: string;
}

/** An EC2 client of the account (profile or role), at `AWS_ENDPOINT_URL_EC2` or `AWS_ENDPOINT_URL` when set. */
export function accountEc2Client(access: AccountAccess, region: string, env: NodeJS.ProcessEnv): EC2Client {
  const endpoint = serviceEndpoint(env, 'EC2');
  return new EC2Client({
    ...accountCredentialOptions(access, region, env),
    region,
    ...retryOptions(env),
    ...(endpoint !== undefined ? { endpoint } : {}),
  });
}

/** An IAM client of the account (profile or role), at `AWS_ENDPOINT_URL_IAM` or `AWS_ENDPOINT_URL` when set. */
export function accountIamClient(access: AccountAccess, region: string, env: NodeJS.ProcessEnv): IAMClient {
  const endpoint = serviceEndpoint(env, 'IAM');
  return new IAMClient({
    ...accountCredentialOptions(access, region, env),
    region,
    ...retryOptions(env),
    ...(endpoint !== undefined ? { endpoint } : {}),
  });
}

/**
 * True for S3's answer about a bucket that does not exist: `NoSuchBucket`, or `NotFound` from a HEAD
 * request, which has no body to name the error.
 */
export function isMissingBucket(error: unknown): boolean {
  return error instanceof Error && (error.name === 'NoSuchBucket' || error.name === 'NotFound');
}

/** Reads the bucket's settings through the S3 API. Rejects when the bucket cannot be read at all. */
export async function readLiveSettings(s3: S3Client, bucket: string): Promise<LiveSettings> {
  const [report, ownership, lifecycleRules, encryptionRule, accessLogging] = await Promise.all([
    readBucketReport(s3, bucket),
    s3.send(new GetBucketOwnershipControlsCommand({ Bucket: bucket })).then(
      (out) => out.OwnershipControls?.Rules?.[0]?.ObjectOwnership ?? 'none',
      (error: unknown) => notConfigured(error, 'OwnershipControlsNotFoundError', 'none'),
    ),
    s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket })).then(
      (out) => out.Rules ?? [],
      (error: unknown) => notConfigured(error, 'NoSuchLifecycleConfiguration', [] as LifecycleRule[]),
    ),
    s3.send(new GetBucketEncryptionCommand({ Bucket: bucket })).then(
      (out) => out.ServerSideEncryptionConfiguration?.Rules?.[0],
      (error: unknown) =>
        notConfigured<ServerSideEncryptionRule | undefined>(error, 'ServerSideEncryptionConfigurationNotFoundError', undefined),
    ),
    s3.send(new GetBucketLoggingCommand({ Bucket: bucket })).then(
      (out) =>
        out.LoggingEnabled !== undefined
          ? `${out.LoggingEnabled.TargetBucket ?? ''}/${out.LoggingEnabled.TargetPrefix ?? ''}`
          : 'off',
      // Newer than the other checks: a profile allowed everything else may lack s3:GetBucketLogging.
      (error: unknown) => notConfigured(error, 'AccessDenied', 'unreadable (AccessDenied)'),
    ),
  ]);
  const kmsKeyId = encryptionRule?.ApplyServerSideEncryptionByDefault?.KMSMasterKeyID;
  return {
    versioning: report.versioning,
    encryption: report.encryption,
    publicAccessBlock: report.publicAccessBlock,
    ownership,
    tlsPolicy: report.tlsPolicy,
    lifecycle: lifecycleVerdict(lifecycleRules),
    ...(kmsKeyId !== undefined ? { kmsKeyId } : {}),
    bucketKey: encryptionRule?.BucketKeyEnabled === true,
    accessLogging,
  };
}

/** Summarises the enabled lifecycle rules that clean up noncurrent versions and incomplete uploads. */
export function lifecycleVerdict(rules: readonly LifecycleRule[]): string {
  const enabled = rules.filter((rule) => rule.Status === 'Enabled');
  const noncurrent = enabled.map((rule) => rule.NoncurrentVersionExpiration?.NoncurrentDays).find((days) => days !== undefined);
  const multipart = enabled
    .map((rule) => rule.AbortIncompleteMultipartUpload?.DaysAfterInitiation)
    .find((days) => days !== undefined);
  if (noncurrent === undefined && multipart === undefined) return 'none';
  return [
    noncurrent !== undefined ? `noncurrent ${noncurrent}d` : 'no noncurrent expiry',
    multipart !== undefined ? `multipart ${multipart}d` : 'no multipart abort',
  ].join(', ');
}

/** Differences from the secure defaults, one short sentence each; empty when there is no drift. */
export function driftFrom(settings: LiveSettings, expected: ExpectedSettings): string[] {
  const noncurrent = expected.adopt === true ? 'no noncurrent expiry' : `noncurrent ${expected.noncurrentVersionExpirationDays}d`;
  const lifecycle = `${noncurrent}, multipart ${ABORT_INCOMPLETE_MULTIPART_UPLOAD_DAYS}d`;
  const drift: string[] = [];
  if (settings.versioning !== 'Enabled') drift.push(`versioning is ${settings.versioning}, expected Enabled`);
  if (settings.encryption === 'none') drift.push('default encryption is off, expected AES256 (SSE-S3) or aws:kms');
  if (settings.publicAccessBlock !== 'all 4 on') {
    drift.push(`public-access block is ${settings.publicAccessBlock}, expected all 4 flags on`);
  }
  if (settings.ownership !== 'BucketOwnerEnforced') {
    drift.push(`object ownership is ${settings.ownership}, expected BucketOwnerEnforced`);
  }
  if (settings.tlsPolicy !== 'deny non-TLS') {
    drift.push(
      `TLS-only bucket policy is ${settings.tlsPolicy}, expected a Deny on aws:SecureTransport=false for the bucket and its objects`,
    );
  }
  if (settings.lifecycle !== lifecycle) drift.push(`lifecycle is "${settings.lifecycle}", expected "${lifecycle}"`);
  if (expected.kmsKey !== undefined && settings.encryption !== 'none') {
    if (settings.encryption !== 'aws:kms') drift.push(`default encryption is ${settings.encryption}, expected aws:kms (SSE-KMS)`);
    else if (typeof expected.kmsKey === 'string' && settings.kmsKeyId !== expected.kmsKey) {
      drift.push(`default encryption uses KMS key ${settings.kmsKeyId ?? '(none named)'}, expected ${expected.kmsKey}`);
    }
    if (settings.bucketKey !== true)
      drift.push('the S3 Bucket Key is off, expected on (it keeps KMS requests and their cost down)');
  }
  if (expected.accessLogTarget !== undefined && settings.accessLogging !== expected.accessLogTarget) {
    drift.push(`server access logging goes to ${settings.accessLogging ?? 'off'}, expected ${expected.accessLogTarget}`);
  }
  return drift;
}

function notConfigured<T>(error: unknown, name: string, fallback: T): T {
  if (error instanceof Error && error.name === name) return fallback;
  throw error;
}
