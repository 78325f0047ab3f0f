import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { matchesStackPattern } from '../cli/cdktf-command';
import { cliEntryPath } from '../cli/node-cli';
import { StackRunner, writeOutputsFile } from '../deploy/engine';
import { DeployProgress } from '../deploy/progress';
import { diagnosticLines } from '../deploy/run-stacks';
import { chooseBusyLimit } from '../process/parallelism';
import { CommandError, type RunOptions, runChecked } from '../process/run';
import { describeChanges } from '../terraform/json-events';
import { PROJECT_ROOT } from '../terraform/cdktf-cli';

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
  await runChecked(process.execPath, [cliEntryPath(), 'synth', '--output', options.outdir], runOptions(options, 'cdktf synth'));
}

export interface CdktfDeployOptions extends CdktfOptions {
  /** Stack names or globs, e.g. `state-*`. */
  readonly stacks: readonly string[];
  /** Stacks deployed at the same time, at most. */
  readonly parallelism: number;
  /**
   * Stacks using CPU at once before no further one starts (chooseBusyLimit; `Infinity`: none).
   * @default chooseBusyLimit(process.env)
   */
  readonly busyLimit?: number;
  /** Where the deployed stacks' outputs are written as JSON, as cdktf's `--outputs-file`. @default not written */
  readonly outputsFile?: string;
  /**
   * `--migrate-state`: when the stack's backend changed since its last init, terraform init copies
   * the state to the new backend (`-migrate-state -force-copy`). @default false
   */
  readonly migrateState?: boolean;
  /**
   * The progress view's lines (a line when a stack starts and finishes, the count every 30 s, errors), for
   * those who show progress rather than every line (`onLine`). @default not shown
   */
  readonly onProgress?: (line: string) => void;
}

/**
 * Deploys already synthesized stacks (matched in manifest order) with terraform itself, at most `parallelism`
 * at a time, as `npm run deploy` does (src/deploy/engine.ts): `terraform init`, then `terraform apply
 * -auto-approve -json` in each stack's folder. `onLine` gets every event's message and every error with its
 * detail, prefixed with the stack. Each stack's outcome is terraform's exit status.
 * @throws CommandError when a stack fails (its tail holds each error's summary and detail), or no stack matches
 */
export async function cdktfDeploy(options: CdktfDeployOptions): Promise<void> {
  const stacks = synthesizedStacks(options.outdir).filter((stack) =>
    options.stacks.some((pattern) => matchesStackPattern(stack, pattern)),
  );
  const label = `deploy ${options.stacks.join(' ')}`;
  if (stacks.length === 0) {
    throw new CommandError(label, {
      code: 1,
      signal: null,
      tail: [`no stack of ${options.outdir} matches ${options.stacks.join(' ')}`],
    });
  }
  const tail: string[] = [];
  const emit = (line: string): void => {
    tail.push(line);
    if (tail.length > 400) tail.shift();
    options.onLine?.(line);
  };
  const progress = new DeployProgress(stacks);
  const show = (lines: readonly string[]): void => {
    for (const line of lines) options.onProgress?.(line);
  };
  const ticker = setInterval(() => {
    show([progress.statusLine()]);
  }, 30_000);
  ticker.unref();
  const runner = new StackRunner({
    stacks,
    outdir: options.outdir,
    env: options.env,
    parallelism: options.parallelism,
    busyLimit: options.busyLimit ?? chooseBusyLimit(process.env),
    ...(options.migrateState === true ? { migrateState: true } : {}),
    onLine: (stack, line, _from, stream) => {
      if (stream === 'stderr' || !line.startsWith('{')) emit(`${stack}  ${line}`);
    },
    onEvent: (stack, event) => {
      if (event.kind === 'diagnostic' && event.diagnostic.severity === 'error') {
        const lines = diagnosticLines(stack, event.diagnostic);
        for (const line of lines) emit(line);
        show(lines);
        return;
      }
      for (const part of event.message.split('\n')) if (part.trim() !== '') emit(`${stack}  ${part}`);
    },
    onStart: (stack) => {
      show(progress.start(stack));
    },
    onFinish: (stack, result) => {
      const changes = result.changes !== undefined ? describeChanges(result.changes) : 'no changes';
      const error = result.errors[0]?.summary ?? `terraform ${result.step} exited with code ${String(result.code)}`;
      show(progress.finish(stack, result.outcome === 'deployed' ? { deployed: true, changes } : { deployed: false, error }));
    },
  });
  let results;
  try {
    results = await runner.run();
  } finally {
    clearInterval(ticker);
  }
  const failed = stacks.filter((stack) => results.get(stack)?.outcome !== 'deployed');
  if (options.outputsFile !== undefined) {
    const deployed = stacks.filter((stack) => !failed.includes(stack));
    await writeOutputsFile(options.outputsFile, deployed, options.outdir, options.env, undefined, results);
  }
  if (failed.length > 0) {
    // The errors last, where CommandError's message shows them.
    const errors = failed.flatMap((stack) =>
      (results.get(stack)?.errors ?? []).flatMap((error) => diagnosticLines(stack, error)),
    );
    throw new CommandError(label, { code: 1, signal: null, tail: [...tail, ...errors, `failed: ${failed.join(', ')}`] });
  }
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
