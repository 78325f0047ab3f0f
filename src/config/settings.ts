import * as path from 'node:path';
import { ConfigError } from './errors';
import { DEFAULT_ACCOUNTS_FILE } from './load';

/** Where synth reads its input and points its stacks, taken from the environment. */
export interface Settings {
  /** accounts.json to read. From `BOOTSTRAP_ACCOUNTS_FILE`; default `./accounts.json`. */
  readonly accountsFile: string;
  /**
   * Absolute folder for the stacks' local Terraform state files. From `BOOTSTRAP_STATE_DIR`;
   * default `./terraform-state`. Never inside the synth output, so `rm -rf cdktf.out` loses nothing.
   */
  readonly stateDir: string;
  /** Absolute synth output folder (`CDKTF_OUTDIR`, which cdktf sets; default `./cdktf.out`). */
  readonly outdir: string;
  /**
   * A local AWS double to target instead of AWS (`AWS_ENDPOINT_URL`).
   * @default undefined: the stacks target real AWS.
   */
  readonly endpointUrl?: string;
  /**
   * The one state bucket that may be destroyed, by its exact name (`BOOTSTRAP_CONFIRM_DESTROY`): the
   * typed confirmation of a guarded destroy. Synth then drops `prevent_destroy` on that bucket only,
   * and only if its account has `"allowDestroy": true` (`npm run destroy` sets it for you).
   * Surrounding spaces are ignored.
   * @default undefined: every state bucket keeps `prevent_destroy`.
   */
  readonly confirmDestroy?: string;
  /**
   * Buckets left outside the state by an interrupted first deploy and proven this project's own by their tags
   * (`BOOTSTRAP_RESUME_BUCKETS`, comma-separated, set by `npm run deploy`): their stacks import them.
   * @default none
   */
  readonly resumeBuckets: readonly string[];
}

/** Reads and checks the environment variables this project understands. */
export function readSettings(env: NodeJS.ProcessEnv, cwd: string = process.cwd()): Settings {
  const problems: string[] = [];
  const accountsFile = path.resolve(cwd, nonEmpty(env.BOOTSTRAP_ACCOUNTS_FILE) ?? DEFAULT_ACCOUNTS_FILE);
  const outdir = path.resolve(cwd, nonEmpty(env.CDKTF_OUTDIR) ?? 'cdktf.out');
  const stateDir = path.resolve(cwd, nonEmpty(env.BOOTSTRAP_STATE_DIR) ?? 'terraform-state');
  if (isInside(stateDir, outdir)) {
    problems.push(
      `BOOTSTRAP_STATE_DIR: "${stateDir}" is inside the synth output "${outdir}", which synth and "rm -rf cdktf.out" delete; choose a folder outside it`,
    );
  }
  const endpointUrl = nonEmpty(env.AWS_ENDPOINT_URL);
  if (endpointUrl !== undefined && !/^https?:\/\/[^\s/]+(\/\S*)?$/.test(endpointUrl)) {
    problems.push(
      `AWS_ENDPOINT_URL: "${endpointUrl}" is not an http(s) URL; set it like http://127.0.0.1:5000 or unset it to target AWS`,
    );
  }
  const confirmDestroy = nonEmpty(env.BOOTSTRAP_CONFIRM_DESTROY)?.trim();
  const resumeBuckets = (env.BOOTSTRAP_RESUME_BUCKETS ?? '')
    .split(',')
    .map((bucket) => bucket.trim())
    .filter((bucket) => bucket !== '');
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    accountsFile,
    stateDir,
    outdir,
    resumeBuckets,
    ...(endpointUrl !== undefined ? { endpointUrl } : {}),
    ...(confirmDestroy !== undefined ? { confirmDestroy } : {}),
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

function isInside(child: string, parent: string): boolean {
  const relative = path.relative(parent, child);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}
