import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import type { AccountConfig, BootstrapConfig } from '../config';
import { type BucketProbe, decide, probeBucket, readBucketTags } from '../existing-bucket/check';
import { type BucketOwner, ownershipOf, ownershipTags } from '../existing-bucket/ownership';
import { readStackState, recordedResources } from '../terraform/state-file';
import { accountCredentialOptions, serviceEndpoint } from '../aws/account-credentials';
import { retryOptions } from '../aws/retry';
import { decideKeyAndTable, type KeyTableDecision, type KeyTableTarget, type ResumeClients } from './resume-key-table';

/**
 * Environment variable through which `npm run deploy` tells synth which buckets an interrupted first deploy
 * left outside the state: comma-separated names, each imported by its stack (main.ts, stacks/state-stack.ts).
 * The same list carries the stack's KMS key, alias and lock table as `<kind>:<stack>=<id>` (resume-key-table.ts).
 */
export const RESUME_BUCKETS_ENV = 'BOOTSTRAP_RESUME_BUCKETS';

/** Suffix of the marker `npm run deploy` writes next to a state file before a stack's first deploy. */
export const CREATING_SUFFIX = '.creating';

export function creatingMarker(stateFile: string): string {
  return `${stateFile}${CREATING_SUFFIX}`;
}

/** One bucket of a state stack as found after an interrupted first deploy. */
export interface BucketFinding {
  readonly bucket: string;
  readonly role: 'state' | 'access-log';
  readonly probe: BucketProbe;
  /** Its tags, when it exists. */
  readonly tags?: Readonly<Record<string, string>>;
}

/** A state stack whose first deploy was interrupted: what the marker says and who should own its buckets. */
export interface InterruptedStack {
  readonly stack: string;
  readonly account: AccountConfig;
  readonly platform: string;
  readonly stateFile: string;
  /** The marker's text: when the interrupted deploy started and its command. */
  readonly marker: string;
  /** The accounts file as the user named it, for messages. */
  readonly accountsFile: string;
}

export type ResumeDecision =
  /** Import these buckets (none: nothing was created, the deploy starts over). */
  | { readonly kind: 'import'; readonly buckets: readonly string[]; readonly notes: readonly string[] }
  | { readonly kind: 'refuse'; readonly message: string };

/**
 * Decides what a rerun does with the buckets of an interrupted first deploy: a bucket tagged for exactly this
 * platform, account and stack is this deploy's own and is imported; any other existing bucket is refused with
 * the two cases it can be and the fix; an absent one is simply created.
 */
export function decideResume(target: InterruptedStack, findings: readonly BucketFinding[]): ResumeDecision {
  const owner: BucketOwner = { platform: target.platform, account: target.account.name, stack: target.stack };
  const buckets: string[] = [];
  const notes: string[] = [];
  const expected = Object.entries(ownershipTags(owner))
    .map(([key, value]) => `${key}=${value}`)
    .join(', ');
  for (const finding of findings) {
    const { bucket, probe } = finding;
    if (probe.kind === 'absent') continue;
    if (probe.kind !== 'present') {
      const checked = decide(
        probe,
        {
          bucket,
          stack: target.stack,
          account: target.account.name,
          region: target.account.region,
          stateFile: target.stateFile,
          adopt: false,
          accountsFile: target.accountsFile,
        },
        false,
      );
      return { kind: 'refuse', message: `${target.stack}: ${checked.message}` };
    }
    const ownership = ownershipOf(finding.tags ?? {}, owner);
    if (ownership.kind === 'ours') {
      buckets.push(bucket);
      notes.push(
        `${target.stack}: ${bucket} was created by the interrupted first deploy of ${target.stack} (${target.marker}) and its tags name ` +
          `platform ${owner.platform}, account ${owner.account} and stack ${owner.stack}: this deploy imports it into ${target.stateFile}.`,
      );
      continue;
    }
    const found = ownership.kind === 'untagged' ? 'no tag of this project' : `other tags of this project (${ownership.tags})`;
    const fix =
      finding.role === 'state'
        ? `if it is yours, take it over with its objects: set "adopt": true on accounts.${owner.account} in ${target.accountsFile}, ` +
          `then run npm run deploy -- ${target.stack} (see "Adopt an existing bucket")`
        : `if it is yours, it holds no object the bootstrap needs (logging to it starts only at the end of a deploy): ` +
          `delete it (aws s3 rb s3://${bucket} --profile ${target.account.profile}), then run npm run deploy -- ${target.stack}`;
    return {
      kind: 'refuse',
      message:
        `${target.stack}: ${bucket} exists, ${target.stateFile} does not record it, and it carries ${found}, not ${expected}. ` +
        `Its first deploy from here was interrupted (${target.marker}): either it was stopped after S3 created the bucket ` +
        `and before Terraform tagged it, or the bucket is someone else's. Look at its objects; ${fix}`,
    };
  }
  return { kind: 'import', buckets, notes };
}

/** What the deploy wrapper does about first deploys before cdktf runs. */
export interface FirstDeployPlan {
  /** Buckets synth imports, and keys, aliases and tables as `<kind>:<stack>=<id>` ({@link RESUME_BUCKETS_ENV}). */
  readonly imports: readonly string[];
  readonly notes: readonly string[];
  /** Markers to write now, stack → file. */
  readonly newMarkers: ReadonlyMap<string, string>;
  /** Every marker of the stacks deployed, stack → file: each is removed once its state records its buckets. */
  readonly markers: ReadonlyMap<string, string>;
  /** The buckets each marked stack's state must record before its marker goes: stack → [state file, buckets]. */
  readonly markerBuckets: ReadonlyMap<string, readonly [string, readonly string[]]>;
}

export interface FirstDeployOptions {
  readonly config: BootstrapConfig;
  readonly stateDir: string;
  readonly accountsFile: string;
  /** Whether the deploy covers this stack. */
  readonly selected: (stack: string) => boolean;
  /** An S3 client of the account, to look at its buckets. */
  readonly s3For: (account: AccountConfig) => Promise<Pick<S3Client, 'send'>>;
  /**
   * KMS and DynamoDB clients of the account, to look at a created key and lock table after an interrupted
   * first deploy. @default clients made from `env` with the account's profile (and role), destroyed after use
   */
  readonly resumeClientsFor?: (account: AccountConfig) => Promise<ResumeClients>;
  /** The environment for the default clients (`AWS_ENDPOINT_URL`, config files). @default process.env */
  readonly env?: NodeJS.ProcessEnv;
}

/** The key and table part of an interrupted stack (see decideKeyAndTable), with the state's records. */
async function lookAtKeyAndTable(
  options: FirstDeployOptions,
  account: AccountConfig,
  stack: string,
  stateFile: string,
  marker: string,
): Promise<KeyTableDecision> {
  const aliasName = account.kmsKeyArn === undefined ? account.stateKeyAlias : undefined;
  const tableName = account.lockTableName;
  if (aliasName === undefined && tableName === undefined) return { imports: [], notes: [], refusals: [] };
  let text = '';
  try {
    text = readFileSync(stateFile, 'utf8');
  } catch {
    // No state yet: nothing recorded.
  }
  const recorded = recordedResources(text) ?? [];
  const keyId = recorded.find((resource) => resource.type === 'aws_kms_key')?.id;
  const target: KeyTableTarget = {
    stack,
    owner: { platform: options.config.platform, account: account.name, stack },
    marker,
    stateFile,
    ...(aliasName !== undefined ? { aliasName } : {}),
    ...(tableName !== undefined ? { tableName } : {}),
    recorded: {
      ...(keyId !== undefined ? { keyId } : {}),
      alias: recorded.some((resource) => resource.type === 'aws_kms_alias'),
      table: recorded.some((resource) => resource.type === 'aws_dynamodb_table'),
    },
  };
  if (options.resumeClientsFor !== undefined) return decideKeyAndTable(await options.resumeClientsFor(account), target);
  const { KMSClient } = await import('@aws-sdk/client-kms');
  const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
  const env = options.env ?? process.env;
  const common = (service: string) => {
    const endpoint = serviceEndpoint(env, service);
    return {
      ...accountCredentialOptions(account, account.region, env),
      region: account.region,
      ...(endpoint !== undefined ? { endpoint } : {}),
    };
  };
  const kms = new KMSClient({ ...common('KMS'), ...retryOptions(env) });
  const dynamodb = new DynamoDBClient({ ...common('DYNAMODB'), ...retryOptions(env) });
  try {
    return await decideKeyAndTable({ kms, dynamodb }, target);
  } finally {
    kms.destroy();
    dynamodb.destroy();
  }
}

/**
 * For each state stack the deploy covers whose state records no bucket yet: without a marker, this is its first
 * deploy (a marker is to be written); with one, an earlier first deploy was interrupted, and its buckets are
 * looked at ({@link decideResume}); with `"adopt": true` only the access-log bucket (the state bucket is imported anyway).
 * Reads only: the caller writes the markers once nothing was refused.
 * @returns the plan, or the refusals (one line each)
 */
export async function planFirstDeploys(options: FirstDeployOptions): Promise<FirstDeployPlan | { refusals: string[] }> {
  const imports: string[] = [];
  const notes: string[] = [];
  const refusals: string[] = [];
  const newMarkers = new Map<string, string>();
  const markers = new Map<string, string>();
  const markerBuckets = new Map<string, readonly [string, readonly string[]]>();
  for (const account of options.config.accounts) {
    const stack = `state-${account.name}`;
    if (!options.selected(stack)) continue;
    const state = readStackState(options.stateDir, stack, account);
    markerBuckets.set(stack, [
      state.stateFile,
      [account.stateBucketName, ...(account.accessLogBucketName !== undefined ? [account.accessLogBucketName] : [])],
    ]);
    // A state file that cannot be read is refused by the state check; one with a bucket is past its first deploy.
    if (state.problem !== undefined && !state.deployed) continue;
    const marker = creatingMarker(state.stateFile);
    const hasMarker = existsSync(marker);
    if (hasMarker) markers.set(stack, marker);
    if (!hasMarker) {
      if (!state.deployed) {
        newMarkers.set(stack, marker);
        markers.set(stack, marker);
      }
      continue;
    }
    const markerText = `${path.basename(marker)}: ${readFileSync(marker, 'utf8').trim()}`;
    // The key, alias and table, even when the state records the buckets: Terraform may have saved them first.
    const keyTable = await lookAtKeyAndTable(options, account, stack, state.stateFile, markerText);
    refusals.push(...keyTable.refusals);
    imports.push(...keyTable.imports);
    notes.push(...keyTable.notes);
    if (state.deployed) continue;
    const s3 = await options.s3For(account);
    // With "adopt": true the stack imports its state bucket anyway; only its access-log bucket is looked at.
    const buckets: [string, BucketFinding['role']][] = account.adopt ? [] : [[account.stateBucketName, 'state']];
    if (account.accessLogBucketName !== undefined) buckets.push([account.accessLogBucketName, 'access-log']);
    const findings: BucketFinding[] = [];
    for (const [bucket, role] of buckets) {
      const probe = await probeBucket(s3, bucket);
      const tags = probe.kind === 'present' ? await readBucketTags(s3, bucket) : undefined;
      findings.push({ bucket, role, probe, ...(tags !== undefined ? { tags } : {}) });
    }
    const decision = decideResume(
      {
        stack,
        account,
        platform: options.config.platform,
        stateFile: state.stateFile,
        marker: markerText,
        accountsFile: options.accountsFile,
      },
      findings,
    );
    if (decision.kind === 'refuse') refusals.push(decision.message);
    else {
      imports.push(...decision.buckets);
      notes.push(...decision.notes);
    }
  }
  if (refusals.length > 0) return { refusals };
  for (const stack of [...markerBuckets.keys()]) if (!markers.has(stack)) markerBuckets.delete(stack);
  return { imports, notes, newMarkers, markers, markerBuckets };
}

/** Writes a first deploy's marker: when it started and with which command. */
export function writeMarker(file: string, command: string, now: Date = new Date()): void {
  writeFileSync(file, `first deploy started ${now.toISOString()} with: ${command}\n`);
}

export function removeMarker(file: string): void {
  rmSync(file, { force: true });
}

/**
 * Whether a state file records every one of `buckets` (as `aws_s3_bucket` ids). A marker goes only then: cdktf's
 * exit code alone is not proof (cdktf 0.21 was seen to report success for an apply killed with SIGKILL).
 */
export function stateRecordsBuckets(stateFile: string, buckets: readonly string[]): boolean {
  let text: string;
  try {
    text = readFileSync(stateFile, 'utf8');
  } catch {
    return false;
  }
  const recorded = new Set(
    (recordedResources(text) ?? []).filter((resource) => resource.type === 'aws_s3_bucket').map((resource) => resource.id),
  );
  return buckets.every((bucket) => recorded.has(bucket));
}
