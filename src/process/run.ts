import { type ChildProcess, spawn } from 'node:child_process';

/** Children started through this module that have not exited yet, so a signal handler can end them. */
const running = new Set<ChildProcess>();

export interface RunOptions {
  /** Working directory. @default the current directory */
  readonly cwd?: string;
  /** Complete environment of the child. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** Called with every line of stdout and stderr (colours removed), as it arrives. @default lines are only kept in the result */
  readonly onLine?: (line: string) => void;
  /** Lines of combined output kept for error messages. @default 200 */
  readonly keepLines?: number;
}

export interface RunResult {
  /** Exit code; `null` when the child was ended by a signal. */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** The last `keepLines` lines of combined stdout and stderr. */
  readonly tail: readonly string[];
}

/** Starts a command and resolves with its exit, as {@link runProcess} does (an injection point for tests). */
export type ProcessRunner = (command: string, args: readonly string[], options: RunOptions) => Promise<RunResult>;

/** A command that exited non-zero; its message ends with the last lines of its output. */
export class CommandError extends Error {
  constructor(
    public readonly command: string,
    public readonly result: RunResult,
  ) {
    const status = result.signal !== null ? `was ended by ${result.signal}` : `exited with code ${String(result.code)}`;
    const tail = result.tail
      .filter((line) => line.trim() !== '')
      .slice(-40)
      .join('\n');
    super(`${command} ${status}${tail !== '' ? `; last output:\n${tail}` : ''}`);
    this.name = 'CommandError';
  }
}

/**
 * Spawns a command in its own process group (so stopping it also stops everything it started,
 * e.g. the terraform processes of `cdktf deploy`) and resolves when it exits, whatever the code.
 * Rejects only when the command cannot be started at all (e.g. ENOENT).
 */
export function runProcess(command: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const keep = options.keepLines ?? 200;
  const tail: string[] = [];
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    running.add(child);
    const onLine = (raw: string): void => {
      const line = stripAnsi(raw);
      // Progress spinners and status bars (cdktf) redraw in place: noise once captured line by line.
      if (/^\s*[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]|Stacks deploying\s+\d+ Stacks done/.test(line)) return;
      tail.push(line);
      if (tail.length > keep) tail.shift();
      options.onLine?.(line);
    };
    splitLines(child.stdout, onLine);
    splitLines(child.stderr, onLine);
    child.once('error', (error) => {
      running.delete(child);
      reject(error);
    });
    child.once('close', (code, signal) => {
      running.delete(child);
      resolve({ code, signal, tail });
    });
  });
}

/** Like {@link runProcess}, but rejects with a {@link CommandError} unless the exit code is 0. */
export async function runChecked(
  command: string,
  args: readonly string[],
  options: RunOptions & { readonly label?: string } = {},
): Promise<RunResult> {
  const result = await runProcess(command, args, options);
  if (result.code !== 0) throw new CommandError(options.label ?? [command, ...args].join(' '), result);
  return result;
}

/**
 * Sends `signal` to the whole process group of `child` (the child and its descendants).
 * Does nothing when the child has already exited.
 */
export function killGroup(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone between the check and the kill.
  }
}

/**
 * Counts a child spawned elsewhere (in a process group of its own) among those {@link killRunningChildren} ends,
 * until it exits: terraform started by the deploy engine, so the sandbox's Ctrl-C reaches it too.
 */
export function trackChild(child: ChildProcess): void {
  running.add(child);
  child.once('close', () => running.delete(child));
  child.once('error', () => running.delete(child));
}

/** Ends every child started through {@link runProcess} that is still running (for Ctrl-C handlers). */
export function killRunningChildren(signal: NodeJS.Signals = 'SIGTERM'): void {
  for (const child of running) killGroup(child, signal);
}

/** Calls `onLine` with each line of `stream` as it comes (`\n` or `\r\n`), and with a last line without one. */
export function splitLines(stream: NodeJS.ReadableStream | null, onLine: (line: string) => void): void {
  if (stream === null) return;
  let pending = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const lines = (pending + chunk).split(/\r?\n/);
    pending = lines.pop() ?? '';
    for (const line of lines) onLine(line);
  });
  stream.on('end', () => {
    if (pending !== '') onLine(pending);
  });
}

/** Removes terminal colour and cursor-movement sequences. */
export function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '');
}
