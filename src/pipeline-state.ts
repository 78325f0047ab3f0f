import { copyFileSync, existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { type AccountConfig, type BootstrapConfig, ConfigError } from './config';
import { ROLE_SESSION_NAME } from './config/access';
import { readStackState, stateResourceCount } from './terraform/state-file';
import { s3BackendEncryption } from './backend-config';
import { cliForNode } from './cli/node-cli';

/**
 * Where the pipeline stack keeps its state (`pipeline.stateBackend`), and the bookkeeping that makes
 * a move of that state between the local file and the production state bucket safe.
 *
 * The move itself is Terraform's: `npm run deploy -- pipeline-prod --migrate-state` (cdktf deploy) runs
 * `terraform init -migrate-state` and answers its "copy existing state?" question with yes. Terraform
 * copies the state and leaves the old local file untouched. What Terraform cannot tell once the stack's
 * working folder (`cdktf.out/stacks/pipeline-prod/.terraform`) is gone is whether a local file with
 * resources was already moved; every synth settles that here, so a deploy never starts from the wrong
 * copy (which would build a second VPC, or overwrite the bucket's newer state with the old file).
 */

/** Suffix of the copy of the local state file kept when the state moves to S3. */
export const LOCAL_BACKUP_SUFFIX = '.local-backup';

/**
 * Suffix of the marker synth leaves next to the local state file when it cannot tell whether the state
 * was moved: the deploy stays blocked until the user settles it (docs/move-pipeline-state.md).
 */
export const MOVE_UNKNOWN_SUFFIX = '.move-unknown';

/** Key of a bootstrap stack's state object in the production state bucket: `bootstrap/<stack id>.tfstate`. */
export function s3StateKey(stackId: string): string {
  return `bootstrap/${stackId}.tfstate`;
}

/** Settings of the pipeline stack's S3 backend, in cdktf's `S3BackendConfig` shape. */
export interface PipelineS3Backend {
  readonly bucket: string;
  readonly key: string;
  readonly region: string;
  readonly profile: string;
  /** The role the profile assumes to reach the production account, when it is reached through one. */
  readonly assumeRole?: { readonly roleArn: string; readonly sessionName: string; readonly externalId?: string };
  readonly encrypt: boolean;
  readonly kmsKeyId?: string;
  readonly useLockfile: true;
}

function roleSession(roleArn: string, externalId: string | undefined) {
  return { roleArn, sessionName: ROLE_SESSION_NAME, ...(externalId !== undefined ? { externalId } : {}) };
}

/** The S3 backend of `stackId` in the production account's state bucket. */
export function pipelineS3Backend(stackId: string, account: AccountConfig): PipelineS3Backend {
  return {
    bucket: account.stateBucketName,
    key: s3StateKey(stackId),
    region: account.region,
    profile: account.profile,
    ...(account.roleArn !== undefined ? { assumeRole: roleSession(account.roleArn, account.externalId) } : {}),
    // SSE-S3, or with SSE-KMS on the bucket never AES256 over its KMS default (see backend-config).
    ...s3BackendEncryption(account),
    useLockfile: true,
  };
}

/** One line for the operator. */
export interface PipelineStateNote {
  readonly level: 'info' | 'warning';
  readonly message: string;
}

/** What a synth found about the pipeline stack's state, and what it did about it. */
export interface PipelineStateCheck {
  /**
   * Why a deploy of the stack must not run now, with the fix; the stack then fails at plan, before
   * any change. Undefined when a deploy is safe.
   */
  readonly blocked?: string;
  /**
   * Lines for the operator: warnings (the bucket is not deployed) and information (a backup made, a
   * moved file retired). Synth attaches them to the stack, so cdktf prints them.
   */
  readonly notes: readonly PipelineStateNote[];
}

export interface PipelineStateInput {
  /** Pipeline stack id, e.g. `pipeline-prod`. */
  readonly stackId: string;
  /** `pipeline.stateBackend`. */
  readonly backend: 'local' | 's3';
  /** Folder of the local state files (`BOOTSTRAP_STATE_DIR`). */
  readonly stateDir: string;
  /** Synth output folder; the stack's working folder is `<outdir>/stacks/<stack id>`. */
  readonly outdir: string;
  /** Bucket and key the S3 backend uses. */
  readonly bucket: string;
  readonly key: string;
  /**
   * True when the bucket's state stack is recorded as deployed from this checkout; false adds a
   * note to deploy it first (an S3 backend cannot start before its bucket exists).
   */
  readonly bucketDeployed: boolean;
  /** The bucket's state stack, e.g. `state-prod`, for that note. */
  readonly bucketStack: string;
}

/** Backend Terraform last initialised the stack's working folder with (`.terraform/terraform.tfstate`). */
export function initializedBackend(stackDir: string): { type: string; bucket?: string; key?: string } | undefined {
  let text: string;
  try {
    text = readFileSync(path.join(stackDir, '.terraform', 'terraform.tfstate'), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const record = JSON.parse(text) as { backend?: { type?: unknown; config?: { bucket?: unknown; key?: unknown } } };
    const type = record.backend?.type;
    if (typeof type !== 'string') return undefined;
    const { bucket, key } = record.backend?.config ?? {};
    return { type, ...(typeof bucket === 'string' ? { bucket } : {}), ...(typeof key === 'string' ? { key } : {}) };
  } catch {
    return undefined;
  }
}

/** An earlier backup that differs is kept under a name of its own (`<backup>.<ms>`): no backup is ever overwritten. */
function keepAside(backup: string): void {
  if (existsSync(backup)) renameSync(backup, `${backup}.${Date.now()}`);
}

function sameContent(a: string, b: string): boolean {
  try {
    return readFileSync(a).equals(readFileSync(b));
  } catch {
    return false;
  }
}

/**
 * Runs on every synth. With `"stateBackend": "s3"` and a local state file that still records resources:
 * - working folder initialised with the local backend: the next `--migrate-state` deploy moves it;
 *   the file is first copied to `<file>.local-backup`;
 * - working folder already on this bucket and key: the move is done; the file stays as it is (Terraform
 *   left it), the copy from before the move, and no deploy reads it;
 * - no working folder (e.g. after `rm -rf cdktf.out`): whether it moved cannot be known; the deploy is
 *   blocked with the two ways out, and a `<file>.move-unknown` marker keeps it blocked (the stack is then
 *   synthesized with the local backend, so a blocked deploy's `terraform init` records no move either)
 *   until the user renames the file or switches to `"local"`.
 * With `"local"`, after a move to S3 (only the backup has resources) and with a working folder not on
 * S3: blocked too, since a deploy would start from an empty state.
 */
export function checkPipelineState(input: PipelineStateInput): PipelineStateCheck {
  const file = path.join(input.stateDir, `${input.stackId}.tfstate`);
  const backup = `${file}${LOCAL_BACKUP_SUFFIX}`;
  const stackDir = path.join(input.outdir, 'stacks', input.stackId);
  const initialized = initializedBackend(stackDir);
  const onThisBucket = initialized?.type === 's3' && initialized.bucket === input.bucket && initialized.key === input.key;
  const where = `s3://${input.bucket}/${input.key}`;
  const deploy = `npm run deploy -- ${input.stackId}`;
  const diff = `${cliForNode().npx} diff ${input.stackId}`;
  const notes: PipelineStateNote[] = [];
  if (input.backend === 's3' && !input.bucketDeployed) {
    notes.push({
      level: 'warning',
      message: `${input.stackId} keeps its state in ${where}, but ${input.bucketStack} is not deployed from this checkout; deploy it first ("npm run deploy -- ${input.bucketStack}"), or ${input.stackId}'s terraform init fails because the bucket does not exist`,
    });
  }

  if (input.backend === 'local') {
    rmSync(`${file}${MOVE_UNKNOWN_SUFFIX}`, { force: true });
    if (stateResourceCount(file) === 0 && stateResourceCount(backup) > 0 && !onThisBucket) {
      return {
        notes,
        blocked: `${input.stackId}: its state was moved to ${where} (the copy from before the move is ${backup}), but "pipeline.stateBackend" is "local" and this working folder was never connected to the bucket, so a deploy would start from empty state; to move it back, set "stateBackend": "s3", run "${diff}", set "local" again and run "${deploy} --migrate-state"`,
      };
    }
    return { notes };
  }

  const marker = `${file}${MOVE_UNKNOWN_SUFFIX}`;
  if (stateResourceCount(file) === 0) {
    // The way out "the move happened already: rename the file" was taken.
    rmSync(marker, { force: true });
    return { notes };
  }
  const unknownMove = `${input.stackId}: "pipeline.stateBackend" is "s3" but ${file} still records resources and this working folder has no record of a move to ${where} (was cdktf.out deleted?); check with the production profile "aws s3 ls ${where}": if the object exists the state was moved already, so rename the file to ${backup} and run "${deploy} --migrate-state"; if not, set "stateBackend": "local", run "${diff}", set "s3" again and run "${deploy} --migrate-state"`;
  // Once a synth could not tell whether the state moved, only the user can: the marker keeps the deploy
  // blocked even after a blocked deploy's `terraform init` gave the working folder a backend.
  if (existsSync(marker)) return { notes, blocked: unknownMove };
  if (initialized?.type === 'local') {
    if (!sameContent(file, backup)) {
      keepAside(backup);
      copyFileSync(file, backup);
      notes.push({ level: 'info', message: `${input.stackId}: copied ${file} to ${backup} before its state moves to ${where}` });
    }
    return { notes };
  }
  if (onThisBucket) {
    // The working folder is on the bucket: the move ran (or someone ran "terraform init -reconfigure",
    // which docs/move-pipeline-state.md warns against). The file is never deleted: it stays as the copy from before the
    // move, next to its backup, and is not read by any deploy.
    return { notes };
  }
  writeFileSync(
    marker,
    `${new Date().toISOString()} synth could not tell whether the state of ${input.stackId} was moved to ${where}; see docs/move-pipeline-state.md\n`,
  );
  return { notes, blocked: unknownMove };
}

/**
 * {@link checkPipelineState} for the pipeline stack of `config` (stack `stackId` in the production
 * account, whose bucket comes from state stack `bucketStack`). A config whose
 * pipeline keeps its state in S3 but has no production account is refused with one line.
 */
export function preparePipelineState(
  config: BootstrapConfig,
  settings: { readonly stateDir: string; readonly outdir: string },
  stackId: string,
  bucketStack: string,
): PipelineStateCheck {
  if (config.pipeline === undefined) return { notes: [] };
  const production = config.accounts.find((account) => account.name === config.productionAccount);
  if (production === undefined) {
    if (config.pipeline.stateBackend === 's3') {
      throw new ConfigError([
        `${config.file}: pipeline.stateBackend: "s3" keeps the pipeline state in the production account's bucket, but the production account "${config.productionAccount}" is not among the accounts; add it or set "stateBackend": "local"`,
      ]);
    }
    return { notes: [] };
  }
  const backend = pipelineS3Backend(stackId, production);
  const check = checkPipelineState({
    stackId,
    backend: config.pipeline.stateBackend,
    stateDir: settings.stateDir,
    outdir: settings.outdir,
    bucket: backend.bucket,
    key: backend.key,
    bucketDeployed: readStackState(settings.stateDir, bucketStack, production).deployed,
    bucketStack,
  });
  return check;
}
