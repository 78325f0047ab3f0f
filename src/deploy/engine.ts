/**
 * Deploys synthesized stacks with terraform, `parallelism` at a time in manifest order (src/terraform/stack-apply.ts
 * runs each). A stack that fails does not stop the others, as with cdktf. An interrupt is passed on once to each
 * running terraform; no stack starts after it. Used by `npm run deploy` and by the sandbox (cdktfDeploy).
 */
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { findOnPath } from '../process/find-on-path';
import type { TerraformEvent } from '../terraform/json-events';
import { StackApply, type StackApplyResult, stackOutputs } from '../terraform/stack-apply';
import { type InterruptAction, Interrupts } from './interrupt';

export interface StackRunOptions {
  /** The stacks, in the order they start. */
  readonly stacks: readonly string[];
  /** The synth output folder: each stack runs in `<outdir>/stacks/<stack>`. */
  readonly outdir: string;
  /** Terraform's environment (terraformRunEnv). */
  readonly env: NodeJS.ProcessEnv;
  readonly parallelism: number;
  readonly migrateState?: boolean;
  /** @default `terraform` on PATH */
  readonly terraform?: string;
  /** `setpriv` for a parent-death signal, `null` for none. @default {@link deathSignalHelper} */
  readonly setpriv?: string | null;
  /** Every line a stack's terraform writes (for the log file and --verbose). */
  readonly onLine?: (stack: string, line: string, from: 'init' | 'apply', stream: 'stdout' | 'stderr') => void;
  readonly onEvent?: (stack: string, event: TerraformEvent) => void;
  readonly onStart?: (stack: string) => void;
  readonly onFinish?: (stack: string, result: StackApplyResult) => void;
  /** The terraform processes running, each time that changes (for the deploy lock). */
  readonly onProcesses?: (running: readonly { readonly pid: number; readonly stack: string }[]) => void;
}

/**
 * `setpriv` of util-linux on Linux, to start terraform with `--pdeathsig INT`: when the wrapper dies (kill -9 of
 * the terminal's job), the kernel sends terraform SIGINT and it stops gracefully, saving its state. `undefined`
 * elsewhere: then the deploy lock records terraform's pid for a rerun to find.
 */
export function deathSignalHelper(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): string | undefined {
  return platform === 'linux' ? findOnPath('setpriv', env) : undefined;
}

/** Runs the stacks; see the module comment. */
export class StackRunner {
  private readonly interrupts = new Interrupts();
  private readonly running = new Map<string, StackApply>();
  private readonly pids = new Map<string, number>();

  constructor(private readonly options: StackRunOptions) {}

  /** `running`, or after an interrupt `stopping`, or `killed` after a second one. */
  get state(): 'running' | 'stopping' | 'killed' {
    return this.interrupts.state;
  }

  /** Resolves with each started stack's result (stacks never started are absent), once every terraform exited. */
  async run(): Promise<Map<string, StackApplyResult>> {
    const results = new Map<string, StackApplyResult>();
    const queue = [...this.options.stacks];
    const setpriv =
      this.options.setpriv === undefined ? deathSignalHelper(this.options.env) : (this.options.setpriv ?? undefined);
    const worker = async (): Promise<void> => {
      for (let stack = queue.shift(); stack !== undefined; stack = queue.shift()) {
        if (this.interrupts.state !== 'running') return;
        const name = stack;
        const apply = new StackApply({
          stack: name,
          dir: path.join(this.options.outdir, 'stacks', name),
          env: this.options.env,
          ...(this.options.migrateState === true ? { migrateState: true } : {}),
          ...(this.options.terraform !== undefined ? { terraform: this.options.terraform } : {}),
          ...(setpriv !== undefined ? { setpriv } : {}),
          onLine: (line, from, stream) => this.options.onLine?.(name, line, from, stream),
          onEvent: (event) => this.options.onEvent?.(name, event),
          onProcess: (pid) => {
            if (pid === undefined) this.pids.delete(name);
            else this.pids.set(name, pid);
            this.options.onProcesses?.([...this.pids].map(([owner, running]) => ({ pid: running, stack: owner })));
          },
        });
        this.running.set(name, apply);
        this.options.onStart?.(name);
        let result: StackApplyResult;
        try {
          result = await apply.run();
        } catch (error) {
          // terraform could not be started at all (ENOENT): the stack failed, with why.
          const message = error instanceof Error ? error.message : String(error);
          result = {
            outcome: 'failed',
            step: 'init',
            code: null,
            signal: null,
            errors: [{ severity: 'error', summary: `terraform could not be started: ${message}`, detail: '' }],
            initOutput: [],
          };
        } finally {
          this.running.delete(name);
        }
        results.set(name, result);
        this.options.onFinish?.(name, result);
      }
    };
    const workers = Math.max(1, Math.min(this.options.parallelism, this.options.stacks.length));
    await Promise.all(Array.from({ length: workers }, () => worker()));
    return results;
  }

  /** Handles one SIGINT/SIGTERM of the wrapper (see {@link Interrupts}). */
  interrupt(signal: NodeJS.Signals): InterruptAction {
    const action = this.interrupts.receive(signal);
    if (action === 'stop') for (const apply of this.running.values()) apply.signal(this.interrupts.signal);
    if (action === 'kill') for (const apply of this.running.values()) apply.signal('SIGKILL');
    return action;
  }
}

/**
 * Writes the outputs of the deployed stacks as cdktf's `--outputs-file` does: `{"<stack>": {"<output>": value}}`
 * (pretty-printed JSON), from `terraform output -json` in each stack's folder.
 */
export async function writeOutputsFile(
  file: string,
  stacks: readonly string[],
  outdir: string,
  env: NodeJS.ProcessEnv,
  terraform = 'terraform',
): Promise<void> {
  const outputs: Record<string, Record<string, unknown>> = {};
  for (const stack of stacks) outputs[stack] = await stackOutputs(path.join(outdir, 'stacks', stack), env, terraform);
  writeFileSync(file, `${JSON.stringify(outputs, null, 2)}\n`);
}
