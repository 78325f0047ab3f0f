import { readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { cliEntryPath } from '../cli/node-cli';
import { type AccountConfig, type BootstrapConfig, ConfigError } from '../config';
import { formatJsonPath } from '../config/errors';
import { PROJECT_ROOT } from '../terraform/cdktf-cli';
import { type ProcessRunner, runProcess } from '../process/run';
import { accountS3Client } from '../aws/account-s3-client';
import { recordedResources, readStackState, stateResourceCount } from '../terraform/state-file';
import { PROVIDER_MIRROR_ENV } from '../terraform/cli-config';
import { type TerraformRunEnv, withTerraformRunEnv } from '../terraform/run-env';
import { stateStackId } from '../../stacks/state-stack';
import { s3StateKey } from '../pipeline-state';
import { CONFIRM_DESTROY_ENV, requireAllowDestroy } from './confirmation';
import { callerArn, checkKeyDeletionAllowed } from './key-deletion';
import {
  type BucketContents,
  contentCount,
  countBucketContents,
  DELETE_BATCH_SIZE,
  deleteFailureProblem,
  describeContents,
  emptyBucket,
} from './objects';
import { describeAccess } from '../aws/account-credentials';
import { describeAwsError } from '../aws/retry';

export { DESTROY_USAGE, parseDestroyArgs, type DestroyArgs } from './args';
export { CONFIRM_DESTROY_ENV, confirmedDestroyAccount, requireAllowDestroy } from './confirmation';

/**
 * The account `name` of accounts.json, if its state stack may be destroyed by `npm run destroy`:
 * it exists, has `"allowDestroy": true`, and has no lock table (whose deletion protection this
 * command does not lift). Throws a one-line {@link ConfigError} otherwise.
 */
export function destroyableAccount(config: BootstrapConfig, name: string): AccountConfig {
  const account = config.accounts.find((candidate) => candidate.name === name);
  if (account === undefined) {
    throw new ConfigError([
      `${config.file}: accounts: there is no account "${name}"; name one of ${config.accounts.map((a) => a.name).join(', ')}`,
    ]);
  }
  requireAllowDestroy(config, account);
  if (account.lockTableName !== undefined) {
    throw new ConfigError([
      `${config.file}: stateBucket.lockTable: ${stateStackId(name)} also holds the lock table ${account.lockTableName}, which has deletion protection and prevent_destroy; "npm run destroy" does not remove lock tables, so nothing was changed; turn off "lockTable" and deploy ${stateStackId(name)} first if the table may go (its deletion protection stays: delete the table in the console afterwards)`,
    ]);
  }
  if (config.pipeline?.stateBackend === 's3' && account.name === config.productionAccount) {
    const pipelineStack = `pipeline-${config.productionAccount}`;
    throw new ConfigError([
      `${config.file}: pipeline.stateBackend: ${account.stateBucketName} holds the state of ${pipelineStack} (${s3StateKey(pipelineStack)}); destroy ${pipelineStack} first, or move its state back with "stateBackend": "local" and "npm run deploy -- ${pipelineStack} --migrate-state"; nothing was changed`,
    ]);
  }
  return account;
}

/**
 * Checks the confirmation against the bucket's name: exact, case-sensitive, surrounding spaces
 * ignored. Throws a one-line {@link ConfigError} on a mismatch.
 */
export function checkConfirmation(account: AccountConfig, given: string, source: 'typed' | '--confirm'): void {
  if (given.trim() === account.stateBucketName) return;
  const what = source === 'typed' ? `the typed name "${given.trim()}"` : `--confirm "${given.trim()}"`;
  throw new ConfigError([
    `${what} is not the state bucket of account ${account.name} (${account.stateBucketName}); nothing was changed`,
  ]);
}

export interface DestroyOptions {
  readonly config: BootstrapConfig;
  /** Folder of the stacks' local state files (`BOOTSTRAP_STATE_DIR`). */
  readonly stateDir: string;
  /** Synth output folder (`CDKTF_OUTDIR`, default ./cdktf.out), where cdktf destroy synthesizes. */
  readonly outdir: string;
  readonly account: string;
  readonly deleteObjects: boolean;
  /** `--confirm <bucket-name>`; without it the name is asked for with `ask`. */
  readonly confirm?: string;
  /** Environment of the S3 client (`AWS_ENDPOINT_URL`) and of cdktf. */
  readonly env: NodeJS.ProcessEnv;
  /** Asks the user to type the bucket name; `undefined` when stdin is not a terminal. */
  readonly ask?: (question: string) => Promise<string>;
  /** Where progress lines go. */
  readonly print: (line: string) => void;
  /** The caller ARN of the account's profile (STS GetCallerIdentity). @default asked of STS */
  readonly identity?: () => Promise<string>;
  /**
   * Ctrl-C: checked before every step that changes something (each batch of deletions, cdktf).
   * @default undefined: the command runs to the end.
   */
  readonly signal?: AbortSignal;
  /** Runs terraform and the cdktf CLI. @default runProcess */
  readonly run?: ProcessRunner;
  /** @default findProviderMirror (see `terraformRunEnv`) */
  readonly findMirror?: (env: NodeJS.ProcessEnv) => string | undefined;
  /** The S3 client of the account. @default accountS3Client with the account's profile */
  readonly s3?: S3Client;
}

/**
 * `npm run destroy`: checks both keys (allowDestroy, typed bucket name), refuses a bucket that holds
 * anything unless `deleteObjects` (the state bucket, and the stack's access-log bucket when there is
 * one), proves the destroy can run (terraform init with the provider source every command uses, and a
 * plan that destroys exactly the resources the state records), empties the buckets if asked, then runs
 * `cdktf destroy state-<account>` with BOOTSTRAP_CONFIRM_DESTROY set. terraform and cdktf get
 * `terraformRunEnv`'s environment (offline mirror, CLI config, no checkpoint). Every refusal throws a
 * {@link ConfigError} before anything changes.
 * Resolves to the exit code.
 */
export async function runDestroy(options: DestroyOptions): Promise<number> {
  const { config, print } = options;
  const account = destroyableAccount(config, options.account);
  const bucket = account.stateBucketName;
  const stack = stateStackId(account.name);

  const state = readStackState(options.stateDir, stack, account);
  if (state.problem !== undefined) throw new ConfigError([`${stack}: ${state.problem}; nothing was changed`]);
  if (!state.deployed) {
    const left = stateResourceCount(state.stateFile);
    throw new ConfigError([
      left > 0
        ? `${stack}: ${state.stateFile} no longer records ${bucket} but still ${left} other resource(s) (an earlier destroy stopped half-way); finish with "${CONFIRM_DESTROY_ENV}=${bucket} npm run cli -- destroy ${stack}" after emptying any bucket it still holds; nothing was changed`
        : `${stack}: ${state.stateFile} records no bucket, so ${bucket} was not deployed from here (or is already destroyed); nothing was changed`,
    ]);
  }

  if (options.confirm !== undefined) {
    checkConfirmation(account, options.confirm, '--confirm');
  } else if (options.ask !== undefined) {
    const typed = await options.ask(
      `This permanently destroys the state bucket ${bucket} of account ${account.name} (stack ${stack}). Type the bucket name to confirm: `,
    );
    checkConfirmation(account, typed, 'typed');
  } else {
    throw new ConfigError([
      `stdin is not a terminal, so the bucket name cannot be typed; pass --confirm <bucket-name> to destroy ${bucket}; nothing was changed`,
    ]);
  }

  await checkKeyDeletionAllowed(config.file, account, options.identity ?? (() => callerArn(account, options.env)));

  // The state bucket, and the access-log bucket of the same stack when the account has one.
  const buckets = [bucket, ...(account.accessLogBucketName !== undefined ? [account.accessLogBucketName] : [])];
  const s3 = options.s3 ?? accountS3Client(account, state.region ?? account.region, options.env);
  const findMirror = options.findMirror !== undefined ? { findMirror: options.findMirror } : {};
  let code: number | null;
  try {
    code = await withTerraformRunEnv(options.env, findMirror, (prepared) =>
      destroyWith(prepared, { options, account, stack, stateFile: state.stateFile, buckets, s3 }),
    );
  } finally {
    s3.destroy();
  }
  if (code !== 0) {
    throw new ConfigError([
      `cdktf destroy ${stack} failed (exit code ${String(code)}); see its output above. Objects deleted so far stay deleted; fix the cause and run the command again`,
    ]);
  }
  print('');
  print(`Destroyed ${stack}: the state bucket ${bucket} is gone.`);
  print(`The local state file ${state.stateFile} stays; Terraform emptied it (it records no resources). Keep it or delete it.`);
  print(
    `${formatJsonPath(['accounts', account.name])} is still in ${config.file}: remove it, or the next "npm run deploy -- 'state-*'" creates an empty ${bucket} again.`,
  );
  return 0;
}

interface DestroyRun {
  readonly options: DestroyOptions;
  readonly account: AccountConfig;
  readonly stack: string;
  readonly stateFile: string;
  readonly buckets: readonly string[];
  readonly s3: S3Client;
}

/** The steps after the confirmations, with terraform's environment prepared; resolves to cdktf destroy's exit code. */
async function destroyWith(prepared: TerraformRunEnv, destroy: DestroyRun): Promise<number | null> {
  const { options, account, stack, buckets, s3 } = destroy;
  const { print } = options;
  const bucket = account.stateBucketName;
  const confirmedEnv = { ...prepared.env, [CONFIRM_DESTROY_ENV]: bucket };
  const run = options.run ?? runProcess;
  // Every bucket is counted before any is emptied: a refusal leaves them all as they were.
  const found: { name: string; contents: BucketContents | undefined }[] = [];
  for (const name of buckets) found.push({ name, contents: await readContents(s3, account, name) });
  const refusals = found.flatMap(({ name, contents }) =>
    contents !== undefined && contentCount(contents) > 0 && !options.deleteObjects
      ? [
          `${name} holds ${describeContents(contents)}; nothing was changed; add --delete-objects to delete them all permanently, then the bucket`,
        ]
      : [],
  );
  if (refusals.length > 0) throw new ConfigError(refusals);

  try {
    // Synth with the confirmation before any object is deleted: a problem there (accounts.json, the
    // policy guard) stops the command while nothing has changed, and the destroy reuses this synth.
    stopIfAborted(options.signal, 'nothing was changed');
    print(`Synthesizing ${stack} with ${CONFIRM_DESTROY_ENV}=${bucket}...`);
    if ((await cdktf(run, ['synth'], confirmedEnv, { ...options, print: () => undefined })) !== 0) {
      throw new ConfigError([
        `"cdktf synth" with ${CONFIRM_DESTROY_ENV}=${bucket} failed; run "${CONFIRM_DESTROY_ENV}=${bucket} npm run synth" to see why; nothing was changed`,
      ]);
    }
    // Proof that the destroy can run, before any object is deleted: terraform installs the provider
    // (offline, from the mirror) and plans to destroy exactly what the state records.
    stopIfAborted(options.signal, 'nothing was changed');
    await proveDestroy(run, confirmedEnv, stack, path.join(options.outdir, 'stacks', stack), destroy.stateFile, print);
    for (const { name, contents } of found) {
      if (contents === undefined) print(`${name} does not exist any more; cdktf destroy removes it from the state.`);
      else await deleteContents(s3, account, name, contents, options);
    }
    stopIfAborted(options.signal, 'objects deleted so far stay deleted; the bucket itself is still there');
    print(`Running cdktf destroy ${stack} with ${CONFIRM_DESTROY_ENV}=${bucket}...`);
    return await cdktf(run, ['destroy', stack, '--auto-approve', '--skip-synth'], confirmedEnv, options);
  } finally {
    // That synth left prevent_destroy off in the synth output: synthesize again without the
    // confirmation, whatever happened, so that no later "--skip-synth" run inherits it.
    const envWithout = Object.fromEntries(Object.entries(prepared.env).filter(([name]) => name !== CONFIRM_DESTROY_ENV));
    if ((await cdktf(run, ['synth'], envWithout, { ...options, print: () => undefined })) !== 0) {
      print(
        `warning: "cdktf synth" to restore prevent_destroy in ${options.outdir} failed; run "npm run synth" before any other cdktf command`,
      );
    }
  }
}

/** The plan file of the destroy check, in the stack's folder; removed when the check ends. */
const DESTROY_CHECK_PLAN = 'bootstrap-destroy-check.tfplan';

/**
 * Proves that `cdktf destroy` can run before anything is deleted: `terraform init` installs the provider
 * (offline, from the mirror of `env`) and `terraform plan -destroy` deletes exactly the resources the
 * stack's state file records, and changes nothing else. Throws a one-line {@link ConfigError} otherwise.
 */
async function proveDestroy(
  run: ProcessRunner,
  env: NodeJS.ProcessEnv,
  stack: string,
  dir: string,
  stateFile: string,
  print: (line: string) => void,
): Promise<void> {
  print(`Checking that terraform can destroy ${stack} (init, then a destroy plan)...`);
  const terraform = async (args: readonly string[], hint: string): Promise<string[]> => {
    const lines: string[] = [];
    const result = await run('terraform', args, { cwd: dir, env, onLine: (line) => lines.push(line), keepLines: 200 });
    if (result.code === 0) return lines;
    const reason =
      result.tail.find((line) => /^(│ )?Error: /.test(line))?.replace(/^│ /, '') ?? `exit code ${String(result.code)}`;
    throw new ConfigError([`terraform ${args[0] ?? ''} for ${stack} failed (${reason}); nothing was changed; ${hint}`]);
  };
  await terraform(
    ['init', '-input=false', '-no-color'],
    `offline, point ${PROVIDER_MIRROR_ENV} at a provider mirror (docs/offline.md), or check with "npm run doctor"`,
  );
  let changes: PlannedResourceChange[];
  let drift: PlannedResourceChange[];
  try {
    await terraform(
      ['plan', '-destroy', '-input=false', '-no-color', '-lock=true', `-out=${DESTROY_CHECK_PLAN}`],
      'fix the cause and run the command again',
    );
    const json = await terraform(['show', '-json', DESTROY_CHECK_PLAN], 'run the command again');
    const plan = JSON.parse(json.find((line) => line.startsWith('{')) ?? '{}') as {
      resource_changes?: PlannedResourceChange[];
      resource_drift?: PlannedResourceChange[];
    };
    changes = plan.resource_changes ?? [];
    drift = plan.resource_drift ?? [];
  } finally {
    rmSync(path.join(dir, DESTROY_CHECK_PLAN), { force: true });
  }
  const problem = destroyPlanProblem(stack, changes, recordedResources(readFileSync(stateFile, 'utf8')) ?? [], drift);
  if (problem !== undefined) throw new ConfigError([problem]);
}

/** A resource change of `terraform show -json <plan>`. */
export interface PlannedResourceChange {
  readonly address: string;
  readonly mode: string;
  readonly type: string;
  readonly name: string;
  readonly change: { readonly actions: readonly string[] };
}

/**
 * Why a destroy plan is not the destroy of exactly the resources the state records (`recorded`), or
 * `undefined` when it is: every recorded resource deleted (or gone from AWS already: `drift`, e.g. a
 * bucket deleted by an earlier run), nothing else deleted, created or changed.
 */
export function destroyPlanProblem(
  stack: string,
  changes: readonly PlannedResourceChange[],
  recorded: readonly { readonly type: string; readonly name: string }[],
  drift: readonly PlannedResourceChange[] = [],
): string | undefined {
  const gone = new Set(
    drift.filter((change) => change.change.actions.join() === 'delete').map((change) => `${change.type}.${change.name}`),
  );
  const managed = changes.filter((change) => change.mode === 'managed');
  const deleted = new Set(
    managed.filter((change) => change.change.actions.join() === 'delete').map((change) => `${change.type}.${change.name}`),
  );
  const expected = new Set(recorded.map((resource) => `${resource.type}.${resource.name}`));
  const other = managed.filter((change) => !['delete', 'no-op'].includes(change.change.actions.join()));
  const kept = [...expected].filter((address) => !deleted.has(address) && !gone.has(address));
  const extra = [...deleted].filter((address) => !expected.has(address));
  const parts = [
    ...(kept.length > 0 ? [`it would keep ${kept.join(', ')}`] : []),
    ...(extra.length > 0 ? [`it would delete ${extra.join(', ')}, which the state file does not record`] : []),
    ...(other.length > 0
      ? [`it would also ${other.map((change) => `${change.change.actions.join('+')} ${change.address}`).join(', ')}`]
      : []),
  ];
  if (parts.length === 0) return undefined;
  return `${stack}: terraform's destroy plan is not the destroy of exactly the ${expected.size} resource(s) its state records (${parts.join('; ')}); nothing was changed; check the stack with "npm run cli -- diff ${stack}" and its state file`;
}

/** What the bucket holds; `undefined` when it no longer exists. Other S3 errors become one line. */
async function readContents(s3: S3Client, account: AccountConfig, bucket: string): Promise<BucketContents | undefined> {
  try {
    return await countBucketContents(s3, bucket);
  } catch (error) {
    if (error instanceof Error && error.name === 'NoSuchBucket') return undefined;
    throw new ConfigError([
      `could not list the contents of ${bucket} with ${describeAccess(account)} (${describeAwsError(error)}); check with "npm run doctor -- --live"; nothing was changed`,
    ]);
  }
}

/** Empties the bucket (the caller checked --delete-objects), with progress lines; every failure is one line. */
async function deleteContents(
  s3: S3Client,
  account: AccountConfig,
  bucket: string,
  contents: BucketContents,
  options: Pick<DestroyOptions, 'print' | 'signal'>,
): Promise<void> {
  const { print } = options;
  if (contentCount(contents) === 0) {
    print(`${bucket} is empty.`);
    return;
  }
  const total = contents.versions + contents.deleteMarkers;
  print(`Deleting ${describeContents(contents)} from ${bucket}, in batches of up to ${DELETE_BATCH_SIZE}...`);
  let done = 0;
  try {
    const deleted = await emptyBucket(s3, bucket, (count) => {
      done = count;
      print(`  deleted ${count} of ${total} object version(s) and delete marker(s)`);
      stopIfAborted(options.signal, `${count} object version(s) and delete marker(s) of ${bucket} are deleted already`);
    });
    print(`${bucket} is empty (${deleted} object version(s) and delete marker(s) deleted).`);
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError([deleteFailureProblem(error, bucket, account.profile, done)]);
  }
}

/** Stops the command with one line after Ctrl-C; `state` says what has changed so far. */
function stopIfAborted(signal: AbortSignal | undefined, state: string): void {
  if (signal?.aborted === true) throw new ConfigError([`interrupted; ${state}`]);
}

/** Runs the project's cdktf CLI on the synth output folder, streaming its lines to `print`. */
async function cdktf(
  run: ProcessRunner,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  options: Pick<DestroyOptions, 'outdir' | 'print'>,
): Promise<number | null> {
  // --skip-provider-lock: a destroy installs nothing, and the lock step would ask the registry for
  // more platforms' hashes, which fails on offline machines (provider mirror).
  const extra = args[0] === 'destroy' ? ['--skip-provider-lock', '--no-color'] : [];
  let lastBlank = true;
  const result = await run(process.execPath, [cliEntryPath(), ...args, '--output', options.outdir, ...extra], {
    cwd: PROJECT_ROOT,
    env,
    onLine: (line) => {
      // cdktf's status bar, redrawn after every step, and the blank lines around it: noise once
      // printed line by line. Runs of blank lines become one.
      if (/^\s*\d+ Stacks? destroying\s+\d+ Stacks? done/.test(line)) return;
      const isBlank = line.trim() === '';
      if (isBlank && lastBlank) return;
      lastBlank = isBlank;
      options.print(line);
    },
  });
  return result.code;
}
