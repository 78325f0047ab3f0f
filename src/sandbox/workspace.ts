import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { BootstrapConfig } from '../config';
import { writeAwsFiles } from './aws-files';
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
  /** Deletes the temp folder; safe to call more than once. */
  remove(): void;
}

export interface WorkspaceOptions {
  /** The validated configuration: one dummy-key profile is written for each of its accounts. */
  readonly config: BootstrapConfig;
  /** Path of the accounts file the config came from, for the app to read again. */
  readonly accountsFile: string;
  /** The local AWS double's URL. */
  readonly endpoint: string;
  /** Environment to start from. @default process.env */
  readonly baseEnv?: NodeJS.ProcessEnv;
}

/** Creates the temp folders, AWS files and environment for a sandbox deploy. */
export function createWorkspace(options: WorkspaceOptions): Workspace {
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
    const awsFiles = writeAwsFiles(
      awsDir,
      options.config.accounts.map((account) => ({ profile: account.profile, region: account.region })),
    );
    const env = sandboxEnv(options.baseEnv ?? process.env, {
      accountsFile: path.resolve(options.accountsFile),
      stateDir,
      endpoint: options.endpoint,
      awsFiles,
      workDir: dir('terraform'),
    });
    return { root, outdir, stateDir, outputsFile: path.join(root, 'outputs.json'), env, remove };
  } catch (error) {
    remove();
    throw error;
  }
}
