import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { type RunOptions, runChecked } from '../process/run';
import { cdktfCliPath, PROJECT_ROOT } from '../terraform/cdktf-cli';

export interface CdktfOptions extends Pick<RunOptions, 'onLine'> {
  /** Synth output folder (`--output`); cdktf passes it to the app as `CDKTF_OUTDIR`. */
  readonly outdir: string;
  /**
   * Complete environment of the CLI, terraform and the app: accounts file, state dir,
   * `AWS_ENDPOINT_URL`, AWS files, terraform CLI config (see `sandboxEnv`).
   */
  readonly env: NodeJS.ProcessEnv;
  /** Folder with cdktf.json. @default the project root */
  readonly cwd?: string;
}

/** Runs `cdktf synth` into `outdir`; rejects with the last lines of output on failure. */
export async function cdktfSynth(options: CdktfOptions): Promise<void> {
  await runChecked(process.execPath, [cdktfCliPath(), 'synth', '--output', options.outdir], runOptions(options, 'cdktf synth'));
}

export interface CdktfDeployOptions extends CdktfOptions {
  /** Stack names or globs, e.g. `state-*`. */
  readonly stacks: readonly string[];
  /** Stacks deployed at the same time (`--parallelism`). */
  readonly parallelism: number;
  /** Where cdktf writes every deployed stack's outputs as JSON (`--outputs-file`). @default not written */
  readonly outputsFile?: string;
  /**
   * `--migrate-state`: when the stack's backend changed since its last init, terraform init copies
   * the state to the new backend (cdktf answers terraform's question with yes). @default false
   */
  readonly migrateState?: boolean;
}

/**
 * `cdktf deploy --auto-approve` of already synthesized stacks (`--skip-synth`), at most
 * `parallelism` at a time. `--skip-provider-lock` keeps it offline: the lock file would only
 * land in the (throwaway) synth output anyway.
 */
export async function cdktfDeploy(options: CdktfDeployOptions): Promise<void> {
  const args = [
    cdktfCliPath(),
    'deploy',
    ...options.stacks,
    '--output',
    options.outdir,
    '--skip-synth',
    '--auto-approve',
    '--skip-provider-lock',
    '--no-color',
    '--parallelism',
    String(options.parallelism),
    ...(options.outputsFile !== undefined ? ['--outputs-file', options.outputsFile] : []),
    ...(options.migrateState === true ? ['--migrate-state'] : []),
  ];
  await runChecked(process.execPath, args, runOptions(options, `cdktf deploy ${options.stacks.join(' ')}`));
}

/** Stack names in the synth output's manifest.json, in manifest order. */
export function synthesizedStacks(outdir: string): string[] {
  const manifest = JSON.parse(readFileSync(path.join(outdir, 'manifest.json'), 'utf8')) as { stacks?: Record<string, unknown> };
  return Object.keys(manifest.stacks ?? {});
}

/** Folder terraform runs in for a synthesized stack. */
export function stackDir(outdir: string, stack: string): string {
  return path.join(outdir, 'stacks', stack);
}

function runOptions(options: CdktfOptions, label: string): RunOptions & { label: string } {
  return {
    cwd: options.cwd ?? PROJECT_ROOT,
    env: options.env,
    label,
    ...(options.onLine !== undefined ? { onLine: options.onLine } : {}),
  };
}
