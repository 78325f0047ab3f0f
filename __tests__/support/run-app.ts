import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { cliEntryPath } from '../../src/cli/node-cli';
import { mirrorCliConfig } from '../../src/terraform/cli-config';

/** The repository root, where cdktf runs the app. */
export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

export interface AppRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** The synth output folder of this run (`<dir>/cdktf.out`), whether or not it was written. */
  readonly outdir: string;
}

/**
 * Runs the real entry point as `cdktf synth` does (the `app` of cdktf.json) on `accounts`, written to
 * `<dir>/accounts.json`; output goes to `<dir>/cdktf.out`, state to `<dir>/state`, and real AWS is
 * targeted (no AWS_ENDPOINT_URL), so the result does not depend on the caller's shell. `preload`: more
 * `node --require` modules, loaded before the app (e.g. `cdktn-as-cdktf.js`).
 */
export function runApp(accounts: unknown, dir: string, preload: readonly string[] = []): AppRun {
  const accountsFile = path.join(dir, 'accounts.json');
  const outdir = path.join(dir, 'cdktf.out');
  writeFileSync(accountsFile, JSON.stringify(accounts));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    BOOTSTRAP_ACCOUNTS_FILE: accountsFile,
    BOOTSTRAP_STATE_DIR: path.join(dir, 'state'),
    CDKTF_OUTDIR: outdir,
  };
  delete env.AWS_ENDPOINT_URL;
  const requires = ['./scripts/ts-runner.js', ...preload].flatMap((module) => ['--require', module]);
  const result = spawnSync(process.execPath, [...requires, 'main.ts'], {
    cwd: PROJECT_ROOT,
    env,
    encoding: 'utf8',
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, outdir };
}

/**
 * Runs the real cdktf CLI (`cdktf <args> --output <dir>/cdktf.out`) on `accounts`, written to
 * `<dir>/accounts.json`, with output to pipes as in CI. No update check or telemetry, and a Terraform
 * CLI config of its own that installs providers only from an empty folder: a terraform that cdktf starts
 * never reaches a registry, and the output holds nothing from the caller's machine.
 */
export function runCdktf(args: readonly string[], accounts: unknown, dir: string): AppRun {
  const accountsFile = path.join(dir, 'accounts.json');
  const outdir = path.join(dir, 'cdktf.out');
  const cliConfig = path.join(dir, 'terraform.rc');
  writeFileSync(accountsFile, JSON.stringify(accounts));
  writeFileSync(cliConfig, mirrorCliConfig(path.join(dir, 'no-providers')));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    BOOTSTRAP_ACCOUNTS_FILE: accountsFile,
    BOOTSTRAP_STATE_DIR: path.join(dir, 'state'),
    CDKTF_DISABLE_PLUGIN_CACHE_ENV: '1',
    CHECKPOINT_DISABLE: '1',
    DISABLE_VERSION_CHECK: '1',
    TF_CLI_CONFIG_FILE: cliConfig,
  };
  delete env.AWS_ENDPOINT_URL;
  delete env.CDKTF_OUTDIR;
  const result = spawnSync(process.execPath, [cliEntryPath(), ...args, '--output', outdir], {
    cwd: PROJECT_ROOT,
    env,
    encoding: 'utf8',
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, outdir };
}
