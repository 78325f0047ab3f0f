import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { BootstrapConfig } from '../config';
import type { TemporaryCredentials } from '../aws/account-credentials';
import { planSandboxAccounts, type SandboxAccounts } from './accounts';
import { writeAwsFiles } from './aws-files';
import { sandboxAccountCredentials } from './credentials';
import { sandboxEnv } from './environment';

/** Throwaway folders and the environment for one synth + deploy against a local AWS double. */
export interface Workspace {
  /** Temp folder that holds everything below; removed by {@link Workspace.remove}. */
  readonly root: string;
  /** Synth output (`cdktf --output`), instead of the project's cdktf.out. */
  readonly outdir: string;
  /** Local state of the deployed stacks (`BOOTSTRAP_STATE_DIR`), instead of terraform-state/. */
  readonly stateDir: string;
  /** Where `cdktf deploy --outputs-file` writes the stacks' outputs. */
  readonly outputsFile: string;
  /** Environment for cdktf, terraform and the app (see `sandboxEnv`). */
  readonly env: NodeJS.ProcessEnv;
  /** The moto account of every profile and every bootstrap account. */
  readonly accounts: SandboxAccounts;
  /**
   * Credentials that act in the account the named bootstrap account lands in, to read its resources
   * back (each moto account sees only its own).
   */
  credentialsOf(accountName: string): TemporaryCredentials;
  /** Deletes the temp folder; safe to call more than once. */
  remove(): void;
}

export interface WorkspaceOptions {
  /** The validated configuration: a profile is written for each of its accounts' profiles. */
  readonly config: BootstrapConfig;
  /** Path of the accounts file the config came from, for the app to read again. */
  readonly accountsFile: string;
  /** The local AWS double's URL. */
  readonly endpoint: string;
  /** Environment to start from. @default process.env */
  readonly baseEnv?: NodeJS.ProcessEnv;
  /**
   * Profile → the account it really reaches, where that is not the `accountId` accounts.json gives
   * (to rehearse a mistake; see `planSandboxAccounts`).
   * @default {}
   */
  readonly profileAccounts?: Readonly<Record<string, string>>;
}

/**
 * Creates the temp folders, AWS files and environment for a sandbox deploy. Every profile gets keys
 * of its own moto account (see `planSandboxAccounts`), so accounts are as distinct as on AWS.
 */
export async function createWorkspace(options: WorkspaceOptions): Promise<Workspace> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'bootstrap-sandbox-'));
  const remove = (): void => {
    rmSync(root, { recursive: true, force: true });
  };
  try {
    const dir = (name: string): string => {
      const full = path.join(root, name);
      mkdirSync(full);
      return full;
    };
    const awsDir = dir('aws');
    const stateDir = dir('terraform-state');
    const outdir = path.join(root, 'cdktf.out');
    const accounts = planSandboxAccounts(options.config, options.profileAccounts);
    const ids = [...new Set([...accounts.profileAccounts.values(), ...accounts.accountIds.values()])];
    const keys = new Map(
      await Promise.all(ids.map(async (id) => [id, await sandboxAccountCredentials(options.endpoint, id)] as const)),
    );
    const keysOf = (id: string | undefined): TemporaryCredentials => {
      const found = id !== undefined ? keys.get(id) : undefined;
      if (found === undefined) throw new Error(`no sandbox credentials for account ${id ?? '(unknown)'}`);
      return found;
    };
    const awsFiles = writeAwsFiles(
      awsDir,
      options.config.accounts.map((account) => ({
        profile: account.profile,
        region: account.region,
        credentials: keysOf(accounts.profileAccounts.get(account.profile)),
      })),
    );
    const env = sandboxEnv(options.baseEnv ?? process.env, {
      accountsFile: path.resolve(options.accountsFile),
      stateDir,
      endpoint: options.endpoint,
      awsFiles,
      workDir: dir('terraform'),
    });
    return {
      root,
      outdir,
      stateDir,
      outputsFile: path.join(root, 'outputs.json'),
      env,
      accounts,
      credentialsOf: (accountName) => {
        if (!accounts.accountIds.has(accountName)) throw new Error(`no account named ${accountName} in this sandbox`);
        return keysOf(accounts.accountIds.get(accountName));
      },
      remove,
    };
  } catch (error) {
    remove();
    throw error;
  }
}
