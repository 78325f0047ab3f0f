/**
 * The deploy's synth: the CLI's `synth` (cdktf-cli or CDK Terrain's cdktn-cli, see cliForNode), in a process
 * group of its own. Its outcome is its exit status and the manifest.json it writes; its output goes to the log.
 */
import { spawn } from 'node:child_process';

export interface SynthRun {
  /** Resolves with the exit code (`null` when ended by a signal) and the last lines of output. */
  readonly done: Promise<{ code: number | null; tail: string[] }>;
  /** Passes an interrupt on to the CLI's process group. */
  signal(signal: NodeJS.Signals): void;
}

export function startSynth(
  cli: readonly [string, ...string[]],
  args: readonly string[],
  options: {
    readonly cwd: string;
    readonly env: NodeJS.ProcessEnv;
    readonly onOutput: (chunk: Buffer, stream: 'stdout' | 'stderr') => void;
  },
): SynthRun {
  const [executable, ...cliArgs] = cli;
  const child = spawn(executable, [...cliArgs, 'synth', ...args], {
    cwd: options.cwd,
    env: options.env,
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
