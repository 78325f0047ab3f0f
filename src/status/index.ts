import type { AccountConfig, BootstrapConfig } from '../config';
import { formatTable } from '../sandbox/bucket-report';
import { stateStackId } from '../../stacks/state-stack';
import { accountS3Client, driftFrom, type ExpectedSettings, type LiveSettings, readLiveSettings } from './live';
import { readStackState, type StackState } from './state-file';

export { driftFrom, lifecycleVerdict, type LiveSettings } from './live';
export { readStackState, type StackState } from './state-file';

/** One account's line of `npm run status`. */
export interface AccountStatus {
  readonly account: AccountConfig;
  /** What the local state file says. */
  readonly state: StackState;
  /** The bucket's settings read through the S3 API (`--live`, deployed stacks only). */
  readonly live?: LiveSettings;
  /** Differences of `live` from the secure defaults. */
  readonly drift: readonly string[];
  /** Why the live settings could not be read. */
  readonly error?: string;
}

export interface StatusOptions {
  readonly config: BootstrapConfig;
  /** Folder of the stacks' local state files (`BOOTSTRAP_STATE_DIR`, default ./terraform-state). */
  readonly stateDir: string;
  /** Read each deployed bucket's settings through the S3 API with the account's profile. */
  readonly live: boolean;
  /** Environment for the S3 clients (`AWS_ENDPOINT_URL`). */
  readonly env: NodeJS.ProcessEnv;
}

/** The status of every account, in accounts.json order. */
export async function collectStatus(options: StatusOptions): Promise<AccountStatus[]> {
  return Promise.all(
    options.config.accounts.map(async (account): Promise<AccountStatus> => {
      const state = readStackState(options.stateDir, stateStackId(account.name), account);
      if (!options.live || !state.deployed) return { account, state, drift: [] };
      const bucket = state.bucket ?? account.stateBucketName;
      const s3 = accountS3Client(account.profile, state.region ?? account.region, options.env);
      try {
        const live = await readLiveSettings(s3, bucket);
        return { account, state, live, drift: driftFrom(live, expectedSettings(options.config, account)) };
      } catch (error) {
        const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        return { account, state, drift: [], error: message.split('\n')[0] ?? message };
      } finally {
        s3.destroy();
      }
    }),
  );
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

/** True when nothing needs attention: no drift, no unreadable bucket or state file. */
export function statusHealthy(rows: readonly AccountStatus[]): boolean {
  return rows.every((row) => row.drift.length === 0 && row.error === undefined && row.state.problem === undefined);
}

/** The table (one row per account) and, below it, every drift, error and state problem with its fix. */
export function formatStatus(rows: readonly AccountStatus[], live: boolean): string {
  const header = ['ACCOUNT', 'STACK', 'DEPLOYED', 'BUCKET', 'REGION', 'PROFILE'];
  const liveHeader = ['VERSIONING', 'ENCRYPTION', 'PUBLIC ACCESS', 'OWNERSHIP', 'TLS POLICY', 'LIFECYCLE', 'DRIFT'];
  const table = formatTable(
    live ? [...header, ...liveHeader] : header,
    rows.map((row) => {
      const base = [
        row.account.name,
        row.state.stack,
        row.state.deployed ? 'yes' : 'no',
        row.state.bucket ?? row.account.stateBucketName,
        row.state.region ?? row.account.region,
        row.account.profile,
      ];
      if (!live) return base;
      if (row.live === undefined)
        return [...base, ...liveHeader.slice(0, -1).map(() => '-'), row.error !== undefined ? 'ERROR' : '-'];
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

  const notes: string[] = [];
  for (const row of rows) {
    const what = `${row.state.stack} (${row.state.bucket ?? row.account.stateBucketName})`;
    if (row.state.problem !== undefined) notes.push(`state problem: ${what}: ${row.state.problem}`);
    for (const drift of row.drift) {
      notes.push(
        `drift: ${what}: ${drift}; find out who changed it, then run "npx cdktf deploy ${row.state.stack}" to restore it`,
      );
    }
    if (row.error !== undefined) {
      notes.push(
        `error: ${what}: could not read the bucket with profile ${row.account.profile} (${row.error}); check with "npm run doctor -- --live"`,
      );
    }
  }
  const deployed = rows.filter((row) => row.state.deployed).length;
  const summary = `${deployed} of ${rows.length} state stack(s) deployed${live ? '' : '; add --live to compare each bucket with the secure defaults'}.`;
  return [table, '', ...notes, ...(notes.length > 0 ? [''] : []), summary, ''].join('\n');
}
