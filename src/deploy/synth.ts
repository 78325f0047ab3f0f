/**
 * The deploy's synth: the app of cdktf.json (`node --require ./scripts/ts-runner.js main.ts`) run as `cdktf synth`
 * runs it (through the shell, `CDKTF_OUTDIR` naming the output folder), in a process group of its own. Its outcome
 * is its exit status and the manifest.json it writes. Run directly, not through the CLI: the app's errors show
 * once (the CLI repeats them), with no spinner, and the CLI's start-up is saved.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ConfigError } from '../config/errors';

/** The `app` command of cdktf.json in `cwd`. @throws ConfigError when there is none */
export function appCommand(cwd: string): string {
  const file = path.join(cwd, 'cdktf.json');
  try {
    const app = (JSON.parse(readFileSync(file, 'utf8')) as { app?: unknown }).app;
    if (typeof app === 'string' && app.trim() !== '') return app;
  } catch {
    // Reported below.
  }
  throw new ConfigError([`${file}: "app" must name the command that synthesizes, e.g. "node main.js"`]);
}

export interface SynthRun {
  /** Resolves with the exit code (`null` when ended by a signal) and the last lines of output. */
  readonly done: Promise<{ code: number | null; tail: string[] }>;
  /** Passes an interrupt on to the app's process group. */
  signal(signal: NodeJS.Signals): void;
}

/** Starts `app` (a shell command line) with `CDKTF_OUTDIR=outdir`; see the module comment. */
export function startSynth(
  app: string,
  outdir: string,
  options: {
    readonly cwd: string;
    readonly env: NodeJS.ProcessEnv;
    readonly onOutput: (chunk: Buffer, stream: 'stdout' | 'stderr') => void;
  },
): SynthRun {
  const env: NodeJS.ProcessEnv = { ...options.env, CDKTF_OUTDIR: outdir };
  // Not run by the CLI: the app prints its warnings itself (see cliPrintsAnnotations).
  delete env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS;
  const child = spawn(app, {
    shell: true,
    cwd: options.cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const tail: string[] = [];
  let pending = '';
  const keep = (chunk: Buffer): void => {
    const parts = (pending + chunk.toString('utf8')).split(/\r?\n/);
    pending = parts.pop() ?? '';
    tail.push(...parts);
    tail.splice(0, Math.max(0, tail.length - 40));
  };
  child.stdout.on('data', (chunk: Buffer) => {
    options.onOutput(chunk, 'stdout');
    keep(chunk);
  });
  child.stderr.on('data', (chunk: Buffer) => {
    options.onOutput(chunk, 'stderr');
    keep(chunk);
  });
  const done = new Promise<{ code: number | null; tail: string[] }>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      if (pending !== '') tail.push(pending);
      resolve({ code, tail });
    });
  });
  return {
    done,
    signal: (signal) => {
      if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
      try {
        process.kill(-child.pid, signal);
      } catch {
        // Exited meanwhile.
      }
    },
  };
}
