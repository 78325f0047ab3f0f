import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import type { AccountConfig, BootstrapConfig } from './config';
import { ROLE_SESSION_NAME } from './config/access';

/** Folder inside the synth output (`cdktf.out/backends/`) that holds one backend config per account. */
export const BACKENDS_DIR = 'backends';

/** Suffix of a backend config file: `<account>.s3.tfbackend`, the name Terraform's docs suggest. */
export const BACKEND_FILE_SUFFIX = '.s3.tfbackend';

/**
 * Who a backend config is for: `operator` (the account's profile, `<account>.s3.tfbackend`), `runner`
 * (pipeline-prod's runner assuming the deploy role, `<account>.runner.s3.tfbackend`) or `ci` (a CI job
 * whose credentials are the deploy role already, `<account>.ci.s3.tfbackend`).
 */
export type BackendAudience = 'operator' | 'runner' | 'ci';

/** Path of an account's backend config inside the synth output `outdir`. */
export function backendConfigPath(outdir: string, accountName: string, audience: BackendAudience = 'operator'): string {
  return path.join(outdir, BACKENDS_DIR, backendFileName(accountName, audience));
}

function backendFileName(accountName: string, audience: BackendAudience): string {
  return `${accountName}${audience === 'operator' ? '' : `.${audience}`}${BACKEND_FILE_SUFFIX}`;
}

/** Session name of the runner's sessions in the deploy roles; shows in each account's CloudTrail. */
export const RUNNER_SESSION_NAME = 'pipeline-runner';

/**
 * A Terraform string literal: quoted, with backslashes, quotes, control characters and
 * template sequences (`${`, `%{`) escaped, so any value reads back exactly as given.
 */
export function hclString(value: string): string {
  const escaped = value
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r')
    .replace(/\t/g, '\\t')
    // A function, not a replacement string: there `$$` would mean one `$`.
    .replace(/([$%])\{/g, (_match, sigil: string) => `${sigil}${sigil}{`)
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return `"${escaped}"`;
}

/**
 * Text of the `-backend-config` file for Terraform projects that keep their state in `account`'s
 * state bucket. `key` is deliberately absent: each consumer project chooses its own
 * (`-backend-config="key=<project>/terraform.tfstate"` or `key` in its `backend "s3"` block).
 * Locking is S3 native (`use_lockfile`, Terraform >= 1.10): no DynamoDB table is needed.
 */
export function backendConfigText(account: AccountConfig): string {
  const file = `${account.name}${BACKEND_FILE_SUFFIX}`;
  return [
    `# S3 backend settings for Terraform state in account "${account.name}" (bucket ${account.stateBucketName}).`,
    '# Written by `cdktf synth` of bootstrap-aws; regenerated on every synth, so do not edit it here.',
    '# Use it (or a copy of it) with a `backend "s3" {}` block and a state key of your own:',
    `#   terraform init -backend-config=path/to/${file} -backend-config="key=<project>/terraform.tfstate"`,
    ...stateLines(account),
    `profile      = ${hclString(account.profile)}`,
    ...assumeRoleLines(account),
    '',
  ].join('\n');
}

/** Bucket, region, encryption and locking of `account`'s state: the lines every backend config shares. */
function stateLines(account: AccountConfig): string[] {
  return [
    `bucket       = ${hclString(account.stateBucketName)}`,
    `region       = ${hclString(account.region)}`,
    ...encryptionLines(account),
    'use_lockfile = true',
    ...(account.lockTableName !== undefined
      ? [
          '# For Terraform < 1.10, which has no S3 native locking (newer versions take both locks):',
          `dynamodb_table = ${hclString(account.lockTableName)}`,
        ]
      : []),
  ];
}

/**
 * The backend config of a pipeline in `account` (`pipelineAccess`): for the runner, whose instance
 * credentials assume the account's deploy role (`assume_role`, an attribute in the S3 backend); for a
 * CI job that already holds the deploy role's credentials (OIDC), with no credential settings at all.
 * No `profile` either way: the pipeline's credentials come from its environment.
 */
export function pipelineBackendConfigText(account: AccountConfig, audience: 'runner' | 'ci'): string {
  const file = backendFileName(account.name, audience);
  const deployRoleArn = account.pipelineAccess?.deployRoleArn;
  if (audience === 'runner' && deployRoleArn === undefined) throw new Error(`account ${account.name} has no deploy role ARN`);
  return [
    `# S3 backend settings for the pipeline's Terraform state in account "${account.name}" (bucket ${account.stateBucketName}),`,
    audience === 'runner'
      ? "# on pipeline-prod's runner: its instance credentials assume the account's deploy role."
      : "# in a CI job that holds the account's deploy role already (OIDC: configure-aws-credentials, id_tokens, CircleCI).",
    '# Written by `cdktf synth` of bootstrap-aws; regenerated on every synth, so do not edit it here.',
    `#   terraform init -backend-config=path/to/${file} -backend-config="key=<project>/terraform.tfstate"`,
    ...stateLines(account),
    ...(audience === 'runner'
      ? [
          '# A role chain (instance role, then deploy role): each session lasts at most 1 hour.',
          'assume_role = {',
          `  role_arn     = ${hclString(String(deployRoleArn))}`,
          `  session_name = ${hclString(RUNNER_SESSION_NAME)}`,
          '}',
        ]
      : []),
    '',
  ].join('\n');
}

/**
 * The role the profile assumes to reach the account. The S3 backend takes `assume_role` as an
 * attribute (`= { … }`); the block form fails with "Blocks of type assume_role are not expected here".
 */
function assumeRoleLines(account: AccountConfig): string[] {
  if (account.roleArn === undefined) return [];
  return [
    '# The profile reaches the account through this role (a role chain caps each session at 1 hour).',
    'assume_role = {',
    `  role_arn     = ${hclString(account.roleArn)}`,
    `  session_name = ${hclString(ROLE_SESSION_NAME)}`,
    ...(account.externalId !== undefined ? [`  external_id  = ${hclString(account.externalId)}`] : []),
    '}',
  ];
}

/**
 * How an S3 backend on `account`'s state bucket asks S3 to encrypt each object it writes (state and
 * lock file); used by the consumers' backend configs and by pipeline-prod's own S3 backend.
 * `encrypt = true` alone makes Terraform send SSE-S3 (AES256) with every PutObject, which overrides a
 * bucket's SSE-KMS default. So with the account's own key (`kmsKeyArn`) the backend names that key;
 * with a key this project creates (`stateKeyAlias`), whose ARN synth cannot know, `encrypt` is off and
 * every object gets the bucket's default: SSE-KMS with that key and the bucket key.
 */
export function s3BackendEncryption(account: Pick<AccountConfig, 'kmsKeyArn' | 'stateKeyAlias'>): {
  readonly encrypt: boolean;
  readonly kmsKeyId?: string;
} {
  if (account.kmsKeyArn !== undefined) return { encrypt: true, kmsKeyId: account.kmsKeyArn };
  return { encrypt: account.stateKeyAlias === undefined };
}

function encryptionLines(account: AccountConfig): string[] {
  const { encrypt, kmsKeyId } = s3BackendEncryption(account);
  if (!encrypt) {
    return [
      `# No "encrypt": the bucket's default encryption (SSE-KMS, key ${String(account.stateKeyAlias)}) applies to every`,
      '# object; "encrypt = true" would make Terraform ask S3 for SSE-S3 (AES256) instead.',
    ];
  }
  return ['encrypt      = true', ...(kmsKeyId !== undefined ? [`kms_key_id   = ${hclString(kmsKeyId)}`] : [])];
}

/**
 * Writes `<outdir>/backends/<account>.s3.tfbackend` for every account of `config` (with
 * `pipelineAccess`, also `<account>.runner.s3.tfbackend` and `<account>.ci.s3.tfbackend`) and removes
 * backend files of accounts no longer in it. Each file is written to a temporary name and renamed (write-file-atomic),
 * so a reader never sees half a file. Returns the paths written, in account order.
 */
export function writeBackendConfigs(outdir: string, config: BootstrapConfig): string[] {
  const dir = path.join(outdir, BACKENDS_DIR);
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  const write = (target: string, text: string): void => {
    writeFileAtomic.sync(target, text);
    written.push(target);
  };
  for (const account of config.accounts) {
    write(backendConfigPath(outdir, account.name), backendConfigText(account));
    if (account.pipelineAccess === undefined) continue;
    // Each account's own trust: the runner's file where the runner is trusted, the CI file where a CI service is.
    const { trust, deployRoleArn } = account.pipelineAccess;
    if (trust.runnerRoleArn !== undefined && deployRoleArn !== undefined) {
      write(backendConfigPath(outdir, account.name, 'runner'), pipelineBackendConfigText(account, 'runner'));
    }
    if (trust.github.length > 0 || trust.gitlab.length > 0 || trust.circleci !== undefined) {
      write(backendConfigPath(outdir, account.name, 'ci'), pipelineBackendConfigText(account, 'ci'));
    }
  }
  const current = new Set(written.map((file) => path.basename(file)));
  for (const name of readdirSync(dir)) {
    // A stale file would point operators at the bucket of an account that was removed.
    if (name.endsWith(BACKEND_FILE_SUFFIX) && !current.has(name)) rmSync(path.join(dir, name), { force: true });
  }
  return written;
}
