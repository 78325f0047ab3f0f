/**
 * Deploys synthesized stacks with terraform in manifest order (src/terraform/stack-apply.ts runs each): at most
 * `parallelism` at a time (the memory bound), and, with a `busyLimit`, a further one only while fewer than that
 * many stacks are using CPU, so that a stack starts as another enters its wait (src/deploy/busy-stacks.ts). A stack that fails does not stop the others, as with cdktf. An interrupt is passed on once to each
 * running terraform; no stack starts after it. Used by `npm run deploy` and by the sandbox (cdktfDeploy).
 */
import * as path from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { findOnPath } from '../process/find-on-path';
import type { TerraformEvent } from '../terraform/json-events';
import { StackApply, type StackApplyResult, stackOutputs } from '../terraform/stack-apply';
import { mayStartStack } from '../process/parallelism';
import { type BusySource, BusyStacks } from './busy-stacks';
import { type InterruptAction, Interrupts } from './interrupt';

/** How often the stacks' CPU is read to see which entered their wait. */
export const BUSY_SAMPLE_INTERVAL_MS = 1000;

export interface StackRunOptions {
  /** The stacks, in the order they start. */
  readonly stacks: readonly string[];
  /** The synth output folder: each stack runs in `<outdir>/stacks/<stack>`. */
  readonly outdir: string;
  /** Terraform's environment (terraformRunEnv). */
  readonly env: NodeJS.ProcessEnv;
  /** Stacks alive at once, at most: the memory bound (chooseParallelism). */
  readonly parallelism: number;
  /**
   * Stacks using CPU at once beyond which no further one starts (chooseBusyLimit): a stack then starts as another
   * enters its wait, not only when one finishes. `Infinity`: as the memory bound allows. @default Infinity
   */
  readonly busyLimit?: number;
  /** Which stacks use CPU. @default {@link BusyStacks.create} (/proc; none elsewhere, as with no busy limit) */
  readonly busyStacks?: BusySource;
  /** How often `busyStacks` is sampled. @default {@link BUSY_SAMPLE_INTERVAL_MS} */
  readonly sampleIntervalMs?: number;
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
  run(): Promise<Map<string, StackApplyResult>> {
    const results = new Map<string, StackApplyResult>();
    const queue = [...this.options.stacks];
    const setpriv =
      this.options.setpriv === undefined ? deathSignalHelper(this.options.env) : (this.options.setpriv ?? undefined);
    const busyLimit = this.options.busyLimit ?? Number.POSITIVE_INFINITY;
    // Without a busy limit, or without /proc to see it, stacks start as the memory bound allows.
    const busy = Number.isFinite(busyLimit) ? (this.options.busyStacks ?? BusyStacks.create()) : undefined;
    let alive = 0;
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const startMore = (): void => {
        while (
          queue.length > 0 &&
          this.interrupts.state === 'running' &&
          mayStartStack({ alive, busy: busy?.busy ?? 0 }, this.options.parallelism, busy === undefined ? Infinity : busyLimit)
        ) {
          const stack = queue.shift() as string;
          alive++;
          void this.runStack(stack, setpriv, busy).then((result) => {
            alive--;
            busy?.remove(stack);
            results.set(stack, result);
            this.options.onFinish?.(stack, result);
            startMore();
          });
        }
        if (alive === 0 && (queue.length === 0 || this.interrupts.state !== 'running')) {
          if (timer !== undefined) clearInterval(timer);
          resolve(results);
        }
      };
      if (busy !== undefined)
        timer = setInterval(() => {
          busy.sample();
          startMore();
        }, this.options.sampleIntervalMs ?? BUSY_SAMPLE_INTERVAL_MS);
      startMore();
    });
  }

  /** One stack's init and apply; never rejects. Its terraform is started before the first await. */
  private async runStack(name: string, setpriv: string | undefined, busy: BusySource | undefined): Promise<StackApplyResult> {
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
        if (pid !== undefined) busy?.setProcess(name, pid);
        this.options.onProcesses?.([...this.pids].map(([owner, running]) => ({ pid: running, stack: owner })));
      },
    });
    this.running.set(name, apply);
    this.options.onStart?.(name);
    try {
      return await apply.run();
    } catch (error) {
      // terraform could not be started at all (ENOENT): the stack failed, with why.
      const message = error instanceof Error ? error.message : String(error);
      return {
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
 * (pretty-printed JSON). A stack's outputs come from its apply's results when the apply reported them all
 * (`StackApplyResult.outputs`: no process to start), else from `terraform output -json` in its folder.
 */
export async function writeOutputsFile(
  file: string,
  stacks: readonly string[],
  outdir: string,
  env: NodeJS.ProcessEnv,
  terraform = 'terraform',
  results: ReadonlyMap<string, StackApplyResult> = new Map(),
): Promise<void> {
  const outputs: Record<string, Readonly<Record<string, unknown>>> = {};
  for (const stack of stacks)
    outputs[stack] = results.get(stack)?.outputs ?? (await stackOutputs(path.join(outdir, 'stacks', stack), env, terraform));
  // Replaced whole (a temporary file renamed over it): a kill mid-write never leaves downstream half a file.
  writeFileAtomic.sync(file, `${JSON.stringify(outputs, null, 2)}\n`);
}
