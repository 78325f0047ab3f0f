import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';

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
 * targeted (no AWS_ENDPOINT_URL), so the result does not depend on the caller's shell.
 */
export function runApp(accounts: unknown, dir: string): AppRun {
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
  const result = spawnSync(process.execPath, ['--require', './scripts/ts-runner.js', 'main.ts'], {
    cwd: PROJECT_ROOT,
    env,
    encoding: 'utf8',
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, outdir };
}
