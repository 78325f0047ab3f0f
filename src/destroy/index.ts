import type { S3Client } from '@aws-sdk/client-s3';
import { type AccountConfig, type BootstrapConfig, ConfigError } from '../config';
import { formatJsonPath } from '../config/errors';
import { cdktfCliPath, PROJECT_ROOT } from '../terraform/cdktf-cli';
import { runProcess } from '../process/run';
import { accountS3Client } from '../status/live';
import { readStackState, stateResourceCount } from '../terraform/state-file';
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
      `${config.file}: pipeline.stateBackend: ${account.stateBucketName} holds the state of ${pipelineStack} (${s3StateKey(pipelineStack)}); destroy ${pipelineStack} first, or move its state back with "stateBackend": "local" and "npx cdktf deploy ${pipelineStack} --migrate-state"; nothing was changed`,
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
}

/**
 * `npm run destroy`: checks both keys (allowDestroy, typed bucket name), refuses a bucket that holds
 * anything unless `deleteObjects` (the state bucket, and the stack's access-log bucket when there is
 * one), empties them if asked, then runs `cdktf destroy state-<account>` with
 * BOOTSTRAP_CONFIRM_DESTROY set. Every refusal throws a {@link ConfigError} before anything changes.
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
        ? `${stack}: ${state.stateFile} no longer records ${bucket} but still ${left} other resource(s) (an earlier destroy stopped half-way); finish with "${CONFIRM_DESTROY_ENV}=${bucket} npx cdktf destroy ${stack}" after emptying any bucket it still holds; nothing was changed`
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
  const s3 = accountS3Client(account, state.region ?? account.region, options.env);
  const confirmedEnv = { ...options.env, [CONFIRM_DESTROY_ENV]: bucket };
  let code: number | null;
  try {
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
      if ((await cdktf(['synth'], confirmedEnv, { ...options, print: () => undefined })) !== 0) {
        throw new ConfigError([
          `"cdktf synth" with ${CONFIRM_DESTROY_ENV}=${bucket} failed; run "${CONFIRM_DESTROY_ENV}=${bucket} npx cdktf synth" to see why; nothing was changed`,
        ]);
      }
      for (const { name, contents } of found) {
        if (contents === undefined) print(`${name} does not exist any more; cdktf destroy removes it from the state.`);
        else await deleteContents(s3, account, name, contents, options);
      }
      stopIfAborted(options.signal, 'objects deleted so far stay deleted; the bucket itself is still there');
      print(`Running cdktf destroy ${stack} with ${CONFIRM_DESTROY_ENV}=${bucket}...`);
      code = await cdktf(['destroy', stack, '--auto-approve', '--skip-synth'], confirmedEnv, options);
    } finally {
      // That synth left prevent_destroy off in the synth output: synthesize again without the
      // confirmation, whatever happened, so that no later "--skip-synth" run inherits it.
      const envWithout = Object.fromEntries(Object.entries(options.env).filter(([name]) => name !== CONFIRM_DESTROY_ENV));
      if ((await cdktf(['synth'], envWithout, { ...options, print: () => undefined })) !== 0) {
        print(
          `warning: "cdktf synth" to restore prevent_destroy in ${options.outdir} failed; run "npx cdktf synth" before any other cdktf command`,
        );
      }
    }
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
    `${formatJsonPath(['accounts', account.name])} is still in ${config.file}: remove it, or the next "cdktf deploy 'state-*'" creates an empty ${bucket} again.`,
  );
  return 0;
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
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  options: Pick<DestroyOptions, 'outdir' | 'print'>,
): Promise<number | null> {
  // --skip-provider-lock: a destroy installs nothing, and the lock step would ask the registry for
  // more platforms' hashes, which fails on offline machines (provider mirror).
  const extra = args[0] === 'destroy' ? ['--skip-provider-lock', '--no-color'] : [];
  let lastBlank = true;
  const result = await runProcess(process.execPath, [cdktfCliPath(), ...args, '--output', options.outdir, ...extra], {
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
