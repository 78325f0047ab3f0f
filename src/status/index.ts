import type { EC2Client } from '@aws-sdk/client-ec2';
import type { IAMClient } from '@aws-sdk/client-iam';
import type { S3Client } from '@aws-sdk/client-s3';
import type { AccountConfig, BootstrapConfig } from '../config';
import { formatTable } from '../report/table';
import { pipelineStackId } from '../../stacks/pipeline-stack';
import { stateStackId } from '../../stacks/state-stack';
import {
  accountEc2Client,
  accountIamClient,
  driftFrom,
  type ExpectedSettings,
  isMissingBucket,
  type LiveSettings,
  readLiveSettings,
} from './live';
import { type AccessStatus, collectAccessStatus } from './access';
import { collectPipelineStatus, type PipelineStatus } from './pipeline';
import { readStackState, type StackState } from '../terraform/state-file';
import { describeAccess } from '../aws/account-credentials';
import { accountS3Client } from '../aws/account-s3-client';
import { describeAwsError } from '../aws/retry';

export { driftFrom, lifecycleVerdict, type LiveSettings } from './live';
export { readStackState, type StackState } from '../terraform/state-file';
export { type KeyResource, PIPELINE_KEY_RESOURCES, type PipelineStatus } from './pipeline';
export { type AccessResource, type AccessStatus } from './access';

/** One account's line of `npm run status`. */
export interface AccountStatus {
  readonly account: AccountConfig;
  /** What the local state file says. */
  readonly state: StackState;
  /** The bucket's settings read through the S3 API (`--live`, deployed stacks only). */
  readonly live?: LiveSettings;
  /** Differences of `live` from the secure defaults. */
  readonly drift: readonly string[];
  /**
   * `--live` found no bucket although the state records it: it was deleted outside Terraform.
   * @default false
   */
  readonly bucketGone?: boolean;
  /** Why the live settings could not be read. */
  readonly error?: string;
}

/** Everything `npm run status` reports: the state stacks, the pipeline stack and the access stacks. */
export interface StatusReport {
  /** One row per account, in accounts.json order. */
  readonly accounts: readonly AccountStatus[];
  /**
   * The pipeline stack.
   * @default undefined: there is none (`"pipeline": false`).
   */
  readonly pipeline?: PipelineStatus;
  /** One per account with an `access-<account>` stack (`"pipelineAccess"`), in accounts.json order. */
  readonly access: readonly AccessStatus[];
}

/** Makes the AWS clients of `--live`, each signed with an account's profile. */
export interface StatusClients {
  s3(account: AccountConfig, region: string): S3Client;
  ec2(account: AccountConfig, region: string): EC2Client;
  iam(account: AccountConfig, region: string): IAMClient;
}

export interface StatusOptions {
  readonly config: BootstrapConfig;
  /** Folder of the stacks' local state files (`BOOTSTRAP_STATE_DIR`, default ./terraform-state). */
  readonly stateDir: string;
  /**
   * Read each deployed bucket's settings through the S3 API with the account's profile, and check that
   * the pipeline stack's key resources exist with the production account's.
   */
  readonly live: boolean;
  /** Environment for the AWS clients (`AWS_ENDPOINT_URL`). */
  readonly env: NodeJS.ProcessEnv;
  /**
   * Makes the `--live` clients.
   * @default clients of the AWS SDK with each account's profile, honouring `AWS_ENDPOINT_URL` in `env`.
   */
  readonly clients?: StatusClients;
}

/** The status of every account, in accounts.json order, of the pipeline stack and of the access stacks. */
export async function collectStatus(options: StatusOptions): Promise<StatusReport> {
  const { config, env } = options;
  const clients: StatusClients = options.clients ?? {
    s3: (account, region) => accountS3Client(account, region, env),
    ec2: (account, region) => accountEc2Client(account, region, env),
    iam: (account, region) => accountIamClient(account, region, env),
  };
  const production = config.accounts.find((account) => account.name === config.productionAccount);
  const [accounts, pipeline, access] = await Promise.all([
    Promise.all(config.accounts.map((account) => accountStatus(options, clients, account))),
    collectPipelineStatus({
      config,
      stack: pipelineStackId(config.productionAccount),
      stateDir: options.stateDir,
      ...(options.live && production !== undefined
        ? {
            live: () => ({
              s3: clients.s3(production, production.region),
              ec2: clients.ec2(production, production.region),
              iam: clients.iam(production, production.region),
            }),
          }
        : {}),
    }),
    collectAccessStatus({
      config,
      stateDir: options.stateDir,
      ...(options.live ? { iam: (account: AccountConfig) => clients.iam(account, account.region) } : {}),
    }),
  ]);
  return { accounts, ...(pipeline !== undefined ? { pipeline } : {}), access };
}

async function accountStatus(options: StatusOptions, clients: StatusClients, account: AccountConfig): Promise<AccountStatus> {
  const state = readStackState(options.stateDir, stateStackId(account.name), account);
  if (!options.live || !state.deployed) return { account, state, drift: [] };
  const bucket = state.bucket ?? account.stateBucketName;
  const s3 = clients.s3(account, state.region ?? account.region);
  try {
    const live = await readLiveSettings(s3, bucket);
    return { account, state, live, drift: driftFrom(live, expectedSettings(options.config, account)) };
  } catch (error) {
    if (isMissingBucket(error)) return { account, state, drift: [], bucketGone: true };
    return { account, state, drift: [], error: describeAwsError(error) };
  } finally {
    s3.destroy();
  }
}

/** What the state stack deploys for `account`, to compare its live bucket with. */
export function expectedSettings(config: BootstrapConfig, account: AccountConfig): ExpectedSettings {
  const kmsKey = account.kmsKeyArn ?? (account.stateKeyAlias !== undefined ? true : undefined);
  return {
    noncurrentVersionExpirationDays: config.stateBucket.noncurrentVersionExpirationDays,
    ...(account.adopt ? { adopt: true } : {}),
    ...(kmsKey !== undefined ? { kmsKey } : {}),
    ...(account.accessLogBucketName !== undefined
      ? { accessLogTarget: `${account.accessLogBucketName}/${account.stateBucketName}/` }
      : {}),
  };
}

/** True when nothing needs attention: no drift, no missing bucket or resource, no unreadable bucket or state. */
export function statusHealthy(report: StatusReport): boolean {
  return findings(report).length === 0;
}

/**
 * The tables (one row per account, then the pipeline stack) and, below them, every drift, error and
 * state problem with its fix, then a summary.
 */
export function formatStatus(report: StatusReport, live: boolean): string {
  const rows = report.accounts;
  const header = ['ACCOUNT', 'STACK', 'DEPLOYED', 'BUCKET', 'REGION', 'PROFILE'];
  const liveHeader = ['VERSIONING', 'ENCRYPTION', 'PUBLIC ACCESS', 'OWNERSHIP', 'TLS POLICY', 'LIFECYCLE', 'DRIFT'];
  const table = formatTable(
    live ? [...header, ...liveHeader] : header,
    rows.map((row) => {
      const base = [
        row.account.name,
        row.state.stack,
        row.bucketGone === true ? 'GONE' : row.state.deployed ? 'yes' : 'no',
        row.state.bucket ?? row.account.stateBucketName,
        row.state.region ?? row.account.region,
        row.account.profile,
      ];
      if (!live) return base;
      if (row.live === undefined) {
        const verdict = row.bucketGone === true ? 'DRIFT' : row.error !== undefined ? 'ERROR' : '-';
        return [...base, ...liveHeader.slice(0, -1).map(() => '-'), verdict];
      }
      const { versioning, encryption, publicAccessBlock, ownership, tlsPolicy, lifecycle } = row.live;
      return [
        ...base,
        versioning,
        encryption,
        publicAccessBlock,
        ownership,
        tlsPolicy,
        lifecycle,
        row.drift.length > 0 ? 'DRIFT' : 'none',
      ];
    }),
  );

  const notes = findings(report);
  const deployed = rows.filter((row) => row.state.deployed && row.bucketGone !== true).length;
  const gone = rows.filter((row) => row.bucketGone === true).length;
  const summary = [
    `${deployed} of ${rows.length} state stack(s) deployed${gone > 0 ? ` and ${gone} whose bucket is gone` : ''}`,
    pipelineSummary(report.pipeline),
    ...(report.access.length > 0
      ? [`${report.access.filter((row) => row.deployed).length} of ${report.access.length} access stack(s) deployed`]
      : []),
    !live
      ? "add --live to compare each bucket with the secure defaults and check the pipeline stack's resources"
      : notes.length > 0
        ? `${notes.length} finding(s) above need attention`
        : 'no drift',
  ].join('; ');
  return [
    table,
    ...(report.pipeline !== undefined ? ['', pipelineTable(report.pipeline, live)] : []),
    ...(report.access.length > 0 ? ['', accessTable(report.access, live)] : []),
    '',
    ...notes,
    ...(notes.length > 0 ? [''] : []),
    `${summary}.`,
    '',
  ].join('\n');
}

/** Every line that needs attention, with its fix: state problems, drift, missing buckets and resources, errors. */
function findings(report: StatusReport): string[] {
  const notes: string[] = [];
  for (const row of report.accounts) {
    const stack = row.state.stack;
    const bucket = row.state.bucket ?? row.account.stateBucketName;
    const what = `${stack} (${bucket})`;
    if (row.state.problem !== undefined) notes.push(`state problem: ${what}: ${row.state.problem}`);
    if (row.bucketGone === true) {
      notes.push(
        `drift: ${what}: the bucket is gone: ${row.state.stateFile} records it, so it was deleted outside Terraform, with every state file it held; run "npm run deploy -- ${stack}" to recreate it empty, then put back those state files from a backup`,
      );
    }
    for (const drift of row.drift) {
      notes.push(`drift: ${what}: ${drift}; find out who changed it, then run "npm run deploy -- ${stack}" to restore it`);
    }
    if (row.error !== undefined) {
      notes.push(
        `error: ${what}: could not read the bucket with ${describeAccess(row.account)} (${row.error}); check with "npm run doctor -- --live"`,
      );
    }
  }
  const pipeline = report.pipeline;
  if (pipeline !== undefined) {
    const { stack } = pipeline;
    if (pipeline.problem !== undefined) notes.push(`state problem: ${stack}: ${pipeline.problem}`);
    if (pipeline.unrecorded.length > 0) {
      notes.push(
        `state problem: ${stack}: ${pipeline.stateLocation} records no ${pipeline.unrecorded.join(', no ')} (did a deploy stop half-way?); run "npm run deploy -- ${stack}" to finish it`,
      );
    }
    for (const resource of pipeline.gone ?? []) {
      notes.push(
        `drift: ${stack}: the ${resource.what} ${resource.id} is gone (deleted outside Terraform); find out who deleted it, then run "npm run deploy -- ${stack}" to recreate it`,
      );
    }
    if (pipeline.error !== undefined) notes.push(`error: ${stack}: ${pipeline.error}`);
  }
  for (const access of report.access) {
    const { stack } = access;
    if (access.problem !== undefined) notes.push(`state problem: ${stack}: ${access.problem}`);
    for (const resource of access.gone ?? []) {
      notes.push(
        `drift: ${stack}: the ${resource.what} ${resource.id} is gone (deleted outside Terraform); find out who deleted it, then run "npm run deploy -- ${stack}" to recreate it`,
      );
    }
    if (access.error !== undefined) notes.push(`error: ${stack}: ${access.error}`);
  }
  return notes;
}

function accessTable(rows: readonly AccessStatus[], live: boolean): string {
  const header = ['ACCESS', 'ACCOUNT', 'DEPLOYED', 'DEPLOY ROLE', 'OIDC PROVIDERS', 'PROFILE'];
  const base = (row: AccessStatus) => [
    row.stack,
    row.account.name,
    row.deployed ? 'yes' : 'no',
    row.roleName,
    String(row.resources.filter((resource) => resource.type === 'aws_iam_openid_connect_provider').length),
    row.account.profile,
  ];
  if (!live) return formatTable(header, rows.map(base));
  return formatTable(
    [...header, 'RESOURCES', 'DRIFT'],
    rows.map((row) => {
      const gone = row.gone;
      const present = gone !== undefined ? `${row.resources.length - gone.length} of ${row.resources.length} exist` : '-';
      const drift = row.error !== undefined ? 'ERROR' : gone === undefined ? '-' : gone.length > 0 ? 'DRIFT' : 'none';
      return [...base(row), present, drift];
    }),
  );
}

function pipelineTable(pipeline: PipelineStatus, live: boolean): string {
  const deployed =
    pipeline.deployed === undefined ? (pipeline.backend === 's3' && !live ? 'unknown' : '-') : pipeline.deployed ? 'yes' : 'no';
  const row = [
    pipeline.stack,
    pipeline.account.name,
    deployed,
    pipeline.backend === 's3' ? pipeline.stateLocation : 'local',
    pipeline.account.region,
    pipeline.account.profile,
  ];
  const header = ['PIPELINE', 'ACCOUNT', 'DEPLOYED', 'STATE', 'REGION', 'PROFILE'];
  if (!live) return formatTable(header, [row]);
  const gone = pipeline.gone;
  const present = gone !== undefined ? `${pipeline.resources.length - gone.length} of ${pipeline.resources.length} exist` : '-';
  const drift = pipeline.error !== undefined ? 'ERROR' : gone === undefined ? '-' : gone.length > 0 ? 'DRIFT' : 'none';
  return formatTable([...header, 'KEY RESOURCES', 'DRIFT'], [[...row, present, drift]]);
}

function pipelineSummary(pipeline: PipelineStatus | undefined): string {
  if (pipeline === undefined) return 'no pipeline stack ("pipeline": false)';
  if (pipeline.deployed === undefined) {
    const unread = pipeline.problem !== undefined || pipeline.error !== undefined;
    return `${pipeline.stack} ${unread ? 'unknown (see above)' : 'unknown (its state is in S3)'}`;
  }
  return `${pipeline.stack} ${pipeline.deployed ? 'deployed' : 'not deployed'}`;
}
