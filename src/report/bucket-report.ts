import {
  GetBucketEncryptionCommand,
  GetBucketPolicyCommand,
  GetBucketVersioningCommand,
  GetPublicAccessBlockCommand,
  type S3Client,
} from '@aws-sdk/client-s3';

/** A state bucket's security settings as read back from the S3 API, each as a short verdict. */
export interface BucketReport {
  readonly bucket: string;
  /** `Enabled`, `Suspended` or `off`. */
  readonly versioning: string;
  /** The default encryption algorithm (`AES256` = SSE-S3, `aws:kms`), or `none`. */
  readonly encryption: string;
  /** `all 4 on`, `n/4 on`, or `none`. */
  readonly publicAccessBlock: string;
  /** `deny non-TLS` when a Deny on `aws:SecureTransport=false` covers the bucket and its objects, else `missing`/`partial`. */
  readonly tlsPolicy: string;
  /** True when every verdict is the secure one. */
  readonly secure: boolean;
}

/** Reads a bucket's versioning, encryption, public-access block and bucket policy through the S3 API. */
export async function readBucketReport(s3: S3Client, bucket: string): Promise<BucketReport> {
  const [versioning, encryption, publicAccessBlock, tlsPolicy] = await Promise.all([
    s3.send(new GetBucketVersioningCommand({ Bucket: bucket })).then((out) => out.Status ?? 'off'),
    orNotFound(
      s3
        .send(new GetBucketEncryptionCommand({ Bucket: bucket }))
        .then(
          (out) => out.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm ?? 'none',
        ),
      'none',
    ),
    orNotFound(
      s3.send(new GetPublicAccessBlockCommand({ Bucket: bucket })).then((out) => {
        const flags = out.PublicAccessBlockConfiguration ?? {};
        const on = [flags.BlockPublicAcls, flags.IgnorePublicAcls, flags.BlockPublicPolicy, flags.RestrictPublicBuckets].filter(
          (flag) => flag === true,
        ).length;
        return on === 4 ? 'all 4 on' : `${on}/4 on`;
      }),
      'none',
    ),
    orNotFound(
      s3.send(new GetBucketPolicyCommand({ Bucket: bucket })).then((out) => tlsVerdict(out.Policy, bucket)),
      'missing',
    ),
  ]);
  const secure =
    versioning === 'Enabled' && encryption !== 'none' && publicAccessBlock === 'all 4 on' && tlsPolicy === 'deny non-TLS';
  return { bucket, versioning, encryption, publicAccessBlock, tlsPolicy, secure };
}

interface PolicyStatement {
  Effect?: string;
  Resource?: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}

/**
 * Whether a bucket policy denies every request made without TLS, on the bucket and on its objects:
 * `deny non-TLS`, `partial` (only one of them), or `missing`.
 */
export function tlsVerdict(policy: string | undefined, bucket: string): string {
  if (policy === undefined) return 'missing';
  const statements = ([] as PolicyStatement[]).concat(
    (JSON.parse(policy) as { Statement?: PolicyStatement | PolicyStatement[] }).Statement ?? [],
  );
  const covered = new Set<string>();
  for (const statement of statements) {
    const secureTransport = statement.Condition?.Bool?.['aws:SecureTransport'];
    if (statement.Effect !== 'Deny' || String(secureTransport) !== 'false') continue;
    for (const resource of ([] as string[]).concat(statement.Resource ?? [])) covered.add(resource);
  }
  const arn = `arn:aws:s3:::${bucket}`;
  const onBucket = covered.has(arn);
  const onObjects = covered.has(`${arn}/*`);
  if (onBucket && onObjects) return 'deny non-TLS';
  return onBucket || onObjects ? 'partial' : 'missing';
}

/** S3 answers "not configured" with a 404-style error per feature; turn those into `fallback`. */
async function orNotFound<T>(request: Promise<T>, fallback: T): Promise<T> {
  try {
    return await request;
  } catch (error) {
    const name = error instanceof Error ? error.name : '';
    if (
      ['ServerSideEncryptionConfigurationNotFoundError', 'NoSuchPublicAccessBlockConfiguration', 'NoSuchBucketPolicy'].includes(
        name,
      )
    ) {
      return fallback;
    }
    throw error;
  }
}
