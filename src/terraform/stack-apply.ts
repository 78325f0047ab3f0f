/**
 * Deploys one synthesized stack with terraform itself, in `<outdir>/stacks/<stack>`: `terraform init`, then
 * `terraform apply -auto-approve -json`. The outcome is terraform's: the exit status of each command, and the
 * `-json` events of the apply (its diagnostics and change summary). No human-readable text is parsed.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { splitLines, trackChild } from '../process/run';
import { type ChangeCounts, type Diagnostic, parseTerraformEvent, type TerraformEvent } from './json-events';

/**
 * The commands a stack's deploy runs, in order, as terraform's arguments. Init reports in `-json` too, except
 * with `-migrate-state`, which terraform refuses to combine with `-json` (its output then goes to the log as text).
 */
export function stackCommands(options: { readonly migrateState?: boolean }): { init: string[]; apply: string[] } {
  return {
    // -migrate-state -force-copy: what cdktf's --migrate-state does (it answers terraform's question with yes).
    init:
      options.migrateState === true
        ? ['init', '-input=false', '-no-color', '-migrate-state', '-force-copy']
        : ['init', '-input=false', '-json'],
    apply: ['apply', '-auto-approve', '-input=false', '-json'],
  };
}

export interface StackApplyOptions {
  readonly stack: string;
  /** `<outdir>/stacks/<stack>`. */
  readonly dir: string;
  /** Terraform's environment (terraformRunEnv). */
  readonly env: NodeJS.ProcessEnv;
  readonly migrateState?: boolean;
  /** @default `terraform` on PATH */
  readonly terraform?: string;
  /**
   * `setpriv` (util-linux) to start terraform through with `--pdeathsig INT`, so that terraform stops
   * gracefully when this process dies (kill -9 of the terminal's job). @default started directly
   */
  readonly setpriv?: string;
  /** Every line terraform writes, as it comes: the `-json` events of apply and the plain text of init and stderr. */
  readonly onLine?: (line: string, from: 'init' | 'apply', stream: 'stdout' | 'stderr') => void;
  /** Each `-json` event of the apply. */
  readonly onEvent?: (event: TerraformEvent) => void;
  /** Called with the pid of each terraform started (the leader of its own process group), and `undefined` once it exited. */
  readonly onProcess?: (pid: number | undefined) => void;
}

/** What a stack's deploy came to, from terraform's exit status and events. */
export interface StackApplyResult {
  /** `deployed`: apply exited 0; `failed`: init or apply exited non-zero; `stopped`: an interrupt came first. */
  readonly outcome: 'deployed' | 'failed' | 'stopped';
  /** The command that ended it. */
  readonly step: 'init' | 'apply';
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Error diagnostics of the apply, each once. */
  readonly errors: readonly Diagnostic[];
  /** The apply's change summary, when it reached one. */
  readonly changes?: ChangeCounts;
  /**
   * The outputs the apply reported at its end (the `outputs` event), when it reported them all with their values
   * (no sensitive output); else undefined, and `terraform output -json` has them.
   */
  readonly outputs?: Readonly<Record<string, unknown>>;
  /** The last lines terraform wrote that are not `-json` events (stderr, init with -migrate-state). */
  readonly initOutput: readonly string[];
}

/** A stack's init and apply: start it, and pass an interrupt on to the terraform running. */
export class StackApply {
  private child: ChildProcess | undefined;
  private interrupted = false;

  constructor(private readonly options: StackApplyOptions) {}

  /** Runs init then apply; resolves once terraform has exited (never rejects for terraform's failure). */
  async run(): Promise<StackApplyResult> {
    const commands = stackCommands(this.options);
    const initOutput: string[] = [];
    const errors: Diagnostic[] = [];
    const seen = new Set<string>();
    let changes: ChangeCounts | undefined;
    let outputs: Readonly<Record<string, unknown>> | undefined;
    const onLine = (line: string): void => {
      const event = parseTerraformEvent(line);
      if (event === undefined) {
        initOutput.push(line);
        if (initOutput.length > 40) initOutput.shift();
        return;
      }
      if (event.kind === 'diagnostic' && event.diagnostic.severity === 'error') {
        const key = JSON.stringify(event.diagnostic);
        if (seen.has(key)) return;
        seen.add(key);
        errors.push(event.diagnostic);
      }
      if (event.kind === 'applied') changes = event.changes;
      if (event.kind === 'outputs') outputs = event.values;
      this.options.onEvent?.(event);
    };
    const stopped = { outcome: 'stopped', step: 'init', code: null, signal: null, errors, initOutput } as const;
    if (this.stopped()) return stopped;
    const init = await this.spawn(commands.init, 'init', onLine);
    if (this.stopped()) return { ...stopped, ...init };
    if (init.code !== 0) return { outcome: 'failed', step: 'init', ...init, errors, initOutput };
    initOutput.length = 0;
    const apply = await this.spawn(commands.apply, 'apply', onLine);
    const outcome = apply.code === 0 ? 'deployed' : this.stopped() ? 'stopped' : 'failed';
    return {
      outcome,
      step: 'apply',
      ...apply,
      errors,
      initOutput,
      ...(changes !== undefined ? { changes } : {}),
      ...(outcome === 'deployed' && outputs !== undefined ? { outputs } : {}),
    };
  }

  /** Whether an interrupt came (read afresh after each await). */
  private stopped(): boolean {
    return this.interrupted;
  }

  /** Sends `signal` to the running terraform's process group (terraform, its providers); none starts after. */
  signal(signal: NodeJS.Signals): void {
    this.interrupted = true;
    const pid = this.child?.pid;
    if (pid === undefined || this.child?.exitCode !== null || this.child.signalCode !== null) return;
    try {
      process.kill(-pid, signal);
    } catch {
      // Exited meanwhile.
    }
  }

  private spawn(
    args: readonly string[],
    from: 'init' | 'apply',
    onStdout: (line: string) => void,
  ): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    const terraform = this.options.terraform ?? 'terraform';
    const [command, commandArgs] =
      this.options.setpriv !== undefined
        ? [this.options.setpriv, ['--pdeathsig', 'INT', '--', terraform, ...args]]
        : [terraform, [...args]];
    return new Promise((resolve, reject) => {
      // A process group of its own: the terminal's Ctrl-C reaches only the wrapper, which passes it on once.
      // No stdin: a background process group reading the terminal would be stopped.
      const child = spawn(command, commandArgs, {
        cwd: this.options.dir,
        env: this.options.env,
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      });
      this.child = child;
      trackChild(child);
      this.options.onProcess?.(child.pid);
      splitLines(child.stdout, (line) => {
        this.options.onLine?.(line, from, 'stdout');
        onStdout(line);
      });
      splitLines(child.stderr, (line) => {
        this.options.onLine?.(line, from, 'stderr');
        onStdout(line);
      });
      child.once('error', (error) => {
        this.options.onProcess?.(undefined);
        reject(error);
      });
      child.once('close', (code, signal) => {
        this.options.onProcess?.(undefined);
        resolve({ code, signal });
      });
    });
  }
}

/**
 * A deployed stack's outputs as `{name: value}` (`terraform output -json`, values unwrapped), as cdktf's
 * `--outputs-file` writes them under the stack's name.
 * @throws Error when terraform fails
 */
export function stackOutputs(dir: string, env: NodeJS.ProcessEnv, terraform = 'terraform'): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    execFile(terraform, ['output', '-json'], { cwd: dir, env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error !== null) {
        reject(new Error(`terraform output -json (in ${dir}) failed: ${stderr.trim() || error.message}`));
        return;
      }
      try {
        const outputs = JSON.parse(stdout) as Record<string, { value?: unknown }>;
        resolve(Object.fromEntries(Object.entries(outputs).map(([name, output]) => [name, output.value])));
      } catch (parseError) {
        reject(new Error(`terraform output -json (in ${dir}) printed no JSON: ${String(parseError)}`));
      }
    });
  });
}
