// The existing-bucket check of a state stack (scripts/check-existing-state-bucket.ts, run by the stack's
// `existing-bucket-check` terraform_data before the bucket is created): a deploy onto a bucket that
// already exists but is not in the stack's state fails with a message that names the fix: recover-state
// when the bucket's tags say this stack made it (its state was lost), "adopt" for anyone else's bucket.
// Light on purpose: it runs inside every first deploy, so it loads the S3 client and nothing of cdktf.
import * as path from 'node:path';
import { GetBucketTaggingCommand, HeadBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { readStackState } from '../terraform/state-file';
import { describeAwsError } from '../aws/retry';
import { MANAGED_BY, MANAGED_BY_TAG } from './ownership';

/** What one state stack's check needs to know; all of it comes from the synthesized command line. */
export interface ExistingBucketCheckOptions {
  /** `<platform>-<account>-state`. */
  readonly bucket: string;
  /** `state-<account>`, the stack being deployed. */
  readonly stack: string;
  /** The account's name in accounts.json. */
  readonly account: string;
  /** Region the stack deploys the bucket to. */
  readonly region: string;
  /** The stack's local state file (`<state dir>/<stack>.tfstate`), relative to the folder Terraform runs in. */
  readonly stateFile: string;
  /** The account has `"adopt": true`: an existing bucket is imported, not refused. */
  readonly adopt: boolean;
  /**
   * `npm run deploy` found the bucket left by an interrupted first deploy of this stack, with its tags: the
   * stack imports it. @default false
   */
  readonly resume?: boolean;
  /** The accounts file as the user named it, for the message. */
  readonly accountsFile: string;
}

/** What HeadBucket said about the bucket. */
export type BucketProbe =
  | { readonly kind: 'absent' }
  | { readonly kind: 'present' }
  /** 403: the bucket exists and these credentials may not read it: in practice, another account's. */
  | { readonly kind: 'forbidden' }
  /** 301: the bucket exists in another region. */
  | { readonly kind: 'elsewhere'; readonly region?: string }
  | { readonly kind: 'error'; readonly message: string };

/** The check's outcome: `ok` false fails the deploy (exit code 1), with `message` as its one line. */
export interface CheckResult {
  readonly ok: boolean;
  readonly message: string;
}

interface ServiceError {
  readonly name?: string;
  readonly message?: string;
  readonly $metadata?: { readonly httpStatusCode?: number };
  readonly $response?: { readonly headers?: Readonly<Record<string, string | undefined>> };
}

/** Sends HeadBucket and classifies the answer; never rejects. */
export async function probeBucket(s3: Pick<S3Client, 'send'>, bucket: string): Promise<BucketProbe> {
  try {
    await s3.send(new HeadBucketCommand({ Bucket: bucket }));
    return { kind: 'present' };
  } catch (caught) {
    const error = (typeof caught === 'object' && caught !== null ? caught : {}) as ServiceError;
    const status = error.$metadata?.httpStatusCode;
    if (status === 404 || error.name === 'NotFound' || error.name === 'NoSuchBucket') return { kind: 'absent' };
    if (status === 403 || error.name === 'Forbidden') return { kind: 'forbidden' };
    if (status === 301) {
      const region = error.$response?.headers?.['x-amz-bucket-region'];
      return region !== undefined && region !== '' ? { kind: 'elsewhere', region } : { kind: 'elsewhere' };
    }
    return { kind: 'error', message: describeAwsError(caught) };
  }
}

/** A bucket's tags; none for a bucket without a tag set (S3 answers NoSuchTagSet). Rejects on other errors. */
export async function readBucketTags(s3: Pick<S3Client, 'send'>, bucket: string): Promise<Record<string, string>> {
  try {
    const out = await s3.send(new GetBucketTaggingCommand({ Bucket: bucket }));
    return Object.fromEntries((out.TagSet ?? []).map((tag) => [String(tag.Key), String(tag.Value)]));
  } catch (error) {
    if (error instanceof Error && error.name === 'NoSuchTagSet') return {};
    throw error;
  }
}

/** True when the stack's state file records the bucket: the stack created or adopted it earlier. */
export function stateManagesBucket(stateFile: string, stack: string, bucket: string): boolean {
  // readStackState takes the folder and the stack id; the file name is `<stack>.tfstate` there too.
  const state = readStackState(path.dirname(stateFile), stack, { stateBucketName: bucket });
  return state.deployed && state.bucket === bucket;
}

/**
 * Decides whether the deploy may go on, from HeadBucket's answer and whether the state manages the bucket.
 * `taggedForStack`: the bucket carries this project's tags for exactly this account and stack, so it is the
 * stack's own and its state was lost: the fix is recover-state (the whole stack), not adopt (the bucket alone).
 */
export function decide(
  probe: BucketProbe,
  options: ExistingBucketCheckOptions,
  managed: boolean,
  taggedForStack = false,
): CheckResult {
  const { bucket, stack, account, accountsFile } = options;
  switch (probe.kind) {
    case 'absent':
      return { ok: true, message: `${bucket} does not exist yet: ${stack} creates it` };
    case 'present':
      if (managed) return { ok: true, message: `${bucket} exists and ${stack} already manages it` };
      if (options.resume === true)
        return {
          ok: true,
          message: `${bucket} exists from an interrupted first deploy of ${stack} (its tags say so): ${stack} imports it`,
        };
      if (options.adopt)
        return { ok: true, message: `${bucket} exists: ${stack} adopts it ("adopt": true on accounts.${account})` };
      if (taggedForStack)
        return {
          ok: false,
          message:
            `${bucket} already exists and its tags say ${stack} created it, but ${stack}'s state does not record it: the state file was lost. ` +
            `Nothing was created. Do not deploy: run npm run recover-state -- ${stack}, which imports the bucket and the rest of the stack ` +
            `(see docs/recover-lost-state.md; after an interrupted first deploy, npm run deploy -- ${stack} takes over what it created)`,
        };
      return {
        ok: false,
        message:
          `${bucket} already exists in this account and ${stack} does not manage it; to take it over with its objects, ` +
          `set "adopt": true on accounts.${account} in ${accountsFile} and deploy again (see docs/adopt.md; ` +
          `if ${stack} created it and its state file was lost, run npm run recover-state -- ${stack} instead)`,
      };
    case 'forbidden':
      return {
        ok: false,
        message:
          `${bucket} already exists and belongs to another AWS account (HeadBucket: 403 Forbidden); bucket names are global, ` +
          `so choose another platform name in ${accountsFile} (if the bucket is yours, let this profile s3:ListBucket it)`,
      };
    case 'elsewhere':
      return {
        ok: false,
        message:
          `${bucket} already exists in ${probe.region !== undefined ? `region ${probe.region}` : 'another region'}, not in ${options.region} ` +
          `where ${stack} deploys it; set "region" of accounts.${account} in ${accountsFile} to the bucket's region, or choose another platform name`,
      };
    case 'error':
      return {
        ok: false,
        message: `cannot check whether ${bucket} already exists: ${probe.message}; check the profile and region of accounts.${account} with "npm run doctor -- --live", then deploy again`,
      };
  }
}

/** Whether a bucket's tags name this project, `account` and `stack` (the platform is in the bucket's name). */
export function taggedFor(tags: Readonly<Record<string, string>>, account: string, stack: string): boolean {
  return (
    tags[MANAGED_BY_TAG] === MANAGED_BY && tags['bootstrap-aws:account'] === account && tags['bootstrap-aws:stack'] === stack
  );
}

/** The whole check: HeadBucket, then the state file when the bucket exists, then its tags when it is refused. */
export async function checkExistingBucket(s3: Pick<S3Client, 'send'>, options: ExistingBucketCheckOptions): Promise<CheckResult> {
  const probe = await probeBucket(s3, options.bucket);
  const managed = probe.kind === 'present' && stateManagesBucket(options.stateFile, options.stack, options.bucket);
  let tagged = false;
  if (probe.kind === 'present' && !managed && !options.adopt && options.resume !== true) {
    // Only to choose the message's fix: unreadable tags give the adopt message, which names recover-state too.
    tagged = await readBucketTags(s3, options.bucket).then(
      (tags) => taggedFor(tags, options.account, options.stack),
      () => false,
    );
  }
  return decide(probe, options, managed, tagged);
}
