import {
  GetBucketLifecycleConfigurationCommand,
  GetBucketOwnershipControlsCommand,
  type LifecycleRule,
  S3Client,
} from '@aws-sdk/client-s3';
import { readBucketReport } from '../sandbox/bucket-report';
import { ABORT_INCOMPLETE_MULTIPART_UPLOAD_DAYS } from '../constructs/secure-state-bucket';

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
}

/** The secure defaults the state stack deploys, to compare live settings with. */
export interface ExpectedSettings {
  /** accounts.json `stateBucket.noncurrentVersionExpirationDays`. */
  readonly noncurrentVersionExpirationDays: number;
}

/**
 * An S3 client signed with an account's profile. When `AWS_ENDPOINT_URL` (or `_S3`) is set, it
 * targets that endpoint with path-style addressing, as the stacks do.
 */
export function accountS3Client(profile: string, region: string, env: NodeJS.ProcessEnv): S3Client {
  const endpoint = [env.AWS_ENDPOINT_URL_S3, env.AWS_ENDPOINT_URL].find((value) => value !== undefined && value.trim() !== '');
  return new S3Client({ profile, region, maxAttempts: 2, ...(endpoint !== undefined ? { endpoint, forcePathStyle: true } : {}) });
}

/** Reads the bucket's settings through the S3 API. Rejects when the bucket cannot be read at all. */
export async function readLiveSettings(s3: S3Client, bucket: string): Promise<LiveSettings> {
  const [report, ownership, lifecycleRules] = await Promise.all([
    readBucketReport(s3, bucket),
    s3.send(new GetBucketOwnershipControlsCommand({ Bucket: bucket })).then(
      (out) => out.OwnershipControls?.Rules?.[0]?.ObjectOwnership ?? 'none',
      (error: unknown) => notConfigured(error, 'OwnershipControlsNotFoundError', 'none'),
    ),
    s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket })).then(
      (out) => out.Rules ?? [],
      (error: unknown) => notConfigured(error, 'NoSuchLifecycleConfiguration', [] as LifecycleRule[]),
    ),
  ]);
  return {
    versioning: report.versioning,
    encryption: report.encryption,
    publicAccessBlock: report.publicAccessBlock,
    ownership,
    tlsPolicy: report.tlsPolicy,
    lifecycle: lifecycleVerdict(lifecycleRules),
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
  const lifecycle = `noncurrent ${expected.noncurrentVersionExpirationDays}d, multipart ${ABORT_INCOMPLETE_MULTIPART_UPLOAD_DAYS}d`;
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
  return drift;
}

function notConfigured<T>(error: unknown, name: string, fallback: T): T {
  if (error instanceof Error && error.name === name) return fallback;
  throw error;
}
