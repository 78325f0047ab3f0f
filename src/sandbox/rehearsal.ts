// What the sandbox does beyond synth and deploy so that every documented option is rehearsed on the local
// double as it would run on AWS: buckets to adopt exist first, and a pipeline state kept in S3 is read back.
import { CreateBucketCommand, GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { AccountConfig, BootstrapConfig } from '../config';
import { s3StateKey } from '../pipeline-state';

/**
 * Creates, empty, every state bucket whose account says `"adopt": true`: on AWS adoption takes over a
 * bucket that exists, so the rehearsal needs one (a fresh moto has none, and the import would fail).
 * Returns the bucket names created.
 */
export async function createBucketsToAdopt(
  accounts: readonly AccountConfig[],
  s3For: (account: AccountConfig) => S3Client,
): Promise<string[]> {
  const adopted = accounts.filter((account) => account.adopt);
  await Promise.all(
    adopted.map((account) =>
      s3For(account).send(
        new CreateBucketCommand({
          Bucket: account.stateBucketName,
          // us-east-1 is the one region S3 refuses a location constraint for.
          ...(account.region !== 'us-east-1'
            ? { CreateBucketConfiguration: { LocationConstraint: account.region as never } }
            : {}),
        }),
      ),
    ),
  );
  return adopted.map((account) => account.stateBucketName);
}

/** Where a pipeline stack with `"stateBackend": "s3"` keeps its state, and what that state object holds. */
export interface PipelineStateObject {
  /** `s3://<bucket>/bootstrap/<stack>.tfstate`. */
  readonly location: string;
  /** Resources recorded in the object (data sources included). */
  readonly resources: number;
}

/**
 * Reads the pipeline stack's state object from the production state bucket, as `terraform init` with
 * that S3 backend would. Undefined when the config keeps the pipeline state in a local file.
 */
export async function readPipelineStateObject(
  config: BootstrapConfig,
  stackId: string,
  s3For: (account: AccountConfig) => S3Client,
): Promise<PipelineStateObject | undefined> {
  if (config.pipeline?.stateBackend !== 's3') return undefined;
  const production = config.accounts.find((account) => account.name === config.productionAccount);
  if (production === undefined) return undefined;
  const key = s3StateKey(stackId);
  const object = await s3For(production).send(new GetObjectCommand({ Bucket: production.stateBucketName, Key: key }));
  const state = JSON.parse((await object.Body?.transformToString()) ?? '{}') as { resources?: unknown[] };
  return { location: `s3://${production.stateBucketName}/${key}`, resources: state.resources?.length ?? 0 };
}
