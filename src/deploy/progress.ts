import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseCdktfArgs } from '../cli/cdktf-command';
import { matchesStackPattern } from '../cli/cdktf-command';
import { cliForNode } from '../cli/node-cli';
import { stripAnsi } from '../process/run';
import { STACK_PREFIX } from './output';

/** What a line of `cdktf deploy` output says about a stack. */
export type StackEvent =
  | { readonly kind: 'started'; readonly stack: string }
  | { readonly kind: 'deployed'; readonly stack: string; readonly changes: string }
  | { readonly kind: 'failed'; readonly stack: string; readonly error: string }
  /** One of Terraform's error boxes (╷ │ Error: … ╵), as printed. */
  | { readonly kind: 'diagnostic'; readonly stack: string; readonly lines: readonly string[] }
  /** A line of no stack: cdktf's own messages. */
  | { readonly kind: 'other'; readonly line: string };

/** cdktf's own running count, printed now and then; the progress view replaces it. */
const CDKTF_STATUS = /^\d+ Stacks? \w+ {2,}\d+ Stacks? /;
const APPLY_COMPLETE = /^Apply complete! Resources: (.*)\.$/;

/**
 * How the CLI lays out a burst of a stack's output: both start it with the stack's name and two spaces;
 * cdktf-cli 0.21 indents the lines that follow by as much, CDK Terrain's cdktn-cli leaves them at column 0
 * (so every unprefixed line belongs to the stack of the last prefixed one).
 */
export type CliOutputLayout = 'cdktf' | 'cdktn';

/** The layout of the CLI this Node runs (see `cliForNode`). */
export function cliOutputLayout(nodeVersion: string = process.versions.node): CliOutputLayout {
  return cliForNode(nodeVersion).package === 'cdktn-cli' ? 'cdktn' : 'cdktf';
}

/**
 * Reads `cdktf deploy` / `cdktn deploy` output (not on a terminal): a stack's output starts with its
 * name and two spaces; the lines that follow it are laid out as {@link CliOutputLayout} says. Chunks
 * may split lines anywhere.
 */
export class CdktfOutputParser {
  private pending = '';
  private stack: string | undefined;
  private readonly seen = new Set<string>();
  private readonly finished = new Set<string>();
  private readonly boxes = new Map<string, string[]>();

  constructor(
    private readonly onEvent: (event: StackEvent) => void,
    private readonly layout: CliOutputLayout = cliOutputLayout(),
  ) {}

  push(chunk: string): void {
    const lines = (this.pending + chunk).split(/\r?\n/);
    this.pending = lines.pop() ?? '';
    for (const line of lines) this.line(stripAnsi(line));
  }

  /** Reads the last line when it had no newline. */
  end(): void {
    if (this.pending !== '') this.line(stripAnsi(this.pending));
    this.pending = '';
  }

  private line(line: string): void {
    const prefix = STACK_PREFIX.exec(line);
    if (prefix?.[1] !== undefined) {
      this.stack = prefix[1];
      this.stackLine(prefix[1], line.slice(prefix[0].length));
    } else if (this.stack !== undefined && line.startsWith(' '.repeat(this.stack.length + 2))) {
      this.stackLine(this.stack, line.slice(this.stack.length + 2));
    } else if (this.stack !== undefined && this.layout === 'cdktn' && !CDKTF_STATUS.test(line)) {
      this.stackLine(this.stack, line);
    } else if (line.trim() !== '') {
      this.stack = undefined;
      if (!CDKTF_STATUS.test(line)) this.onEvent({ kind: 'other', line });
    }
  }

  private stackLine(stack: string, text: string): void {
    if (!this.seen.has(stack)) {
      this.seen.add(stack);
      this.onEvent({ kind: 'started', stack });
    }
    const error = /^\s*│ Error: (.*)$/.exec(text);
    if (error?.[1] !== undefined) this.finish({ kind: 'failed', stack, error: error[1].trim() });
    const box = this.boxes.get(stack);
    if (text.startsWith('╷')) {
      this.boxes.set(stack, [text]);
    } else if (box !== undefined) {
      box.push(text);
      if (!text.startsWith('╵')) return;
      this.boxes.delete(stack);
      if (box.some((boxLine) => boxLine.startsWith('│ Error: '))) this.onEvent({ kind: 'diagnostic', stack, lines: box });
    } else {
      const complete = APPLY_COMPLETE.exec(text.trim());
      if (complete?.[1] === undefined) return;
      const changes = complete[1] === '0 added, 0 changed, 0 destroyed' ? 'no changes' : complete[1];
      this.finish({ kind: 'deployed', stack, changes });
    }
  }

  private finish(event: Extract<StackEvent, { kind: 'deployed' | 'failed' }>): void {
    if (this.finished.has(event.stack)) return;
    this.finished.add(event.stack);
    this.onEvent(event);
  }
}

interface StackState {
  state: 'running' | 'deployed' | 'failed';
  readonly startedAt: number;
}

/**
 * The progress of a deploy of many stacks, as lines a person can follow: one per finished stack, a
 * count of done / running / waiting / failed with the time elapsed and left, and a summary at the end.
 */
export class DeployProgress {
  private readonly startedAt: number;
  private readonly states = new Map<string, StackState>();
  private planned: readonly string[] | undefined;

  constructor(private readonly now: () => number = Date.now) {
    this.startedAt = now();
  }

  /** The stacks this deploy covers (from the synth output), for the waiting count and "not started". */
  setStacks(stacks: readonly string[]): void {
    this.planned = stacks;
  }

  get knowsStacks(): boolean {
    return this.planned !== undefined;
  }

  /** Stacks in this state now, e.g. `running` ones after an interrupt, `deployed` ones to clear their markers. */
  stacksIn(state: StackState['state']): string[] {
    return [...this.states.entries()].filter(([, stack]) => stack.state === state).map(([name]) => name);
  }

  /** Records an event; returns the lines to print. */
  apply(event: StackEvent): string[] {
    if (event.kind === 'started') {
      this.states.set(event.stack, { state: 'running', startedAt: this.now() });
      return [];
    }
    if (event.kind !== 'deployed' && event.kind !== 'failed') return [];
    const state = this.states.get(event.stack) ?? { state: 'running', startedAt: this.now() };
    state.state = event.kind;
    this.states.set(event.stack, state);
    const took = duration(this.now() - state.startedAt);
    const what = event.kind === 'deployed' ? `deployed (${event.changes})` : `FAILED: ${event.error}`;
    return [`${event.stack}: ${what} in ${took}`, this.statusLine()];
  }

  /** e.g. `Progress: 3 done, 2 running, 5 waiting, 1 failed of 11; 2m10s elapsed, about 5m left`. */
  statusLine(): string {
    const count = (state: StackState['state']) => [...this.states.values()].filter((stack) => stack.state === state).length;
    const done = count('deployed');
    const failed = count('failed');
    const running = count('running');
    const elapsedMs = this.now() - this.startedAt;
    const total = this.planned === undefined ? undefined : new Set([...this.planned, ...this.states.keys()]).size;
    const counts =
      total === undefined
        ? `${done} done, ${running} running, ${failed} failed`
        : `${done} done, ${running} running, ${total - this.states.size} waiting, ${failed} failed of ${total}`;
    const finished = done + failed;
    let left = '';
    if (total !== undefined) {
      left =
        finished === 0 ? ', time left not known yet' : `, about ${duration((elapsedMs / finished) * (total - finished))} left`;
    }
    return `Progress: ${counts}; ${duration(elapsedMs)} elapsed${left}`;
  }

  /**
   * What to say once cdktf exited: which stacks are deployed, failed, not finished and not started,
   * and the command that finishes the rest. A zero exit code means every stack cdktf ran succeeded.
   */
  summary(exitCode: number, rerun: string): string[] {
    if (exitCode === 0) {
      // cdktf 0.21 on Node 20 can drop the end of a stack's output under load (libuv, see
      // docs/troubleshooting.md), "Apply complete" included; its zero exit code still says the stack deployed.
      const stacks = new Set([...(this.planned ?? []), ...this.states.keys()]);
      const unreported = [...stacks].filter((stack) => this.states.get(stack)?.state !== 'deployed');
      for (const stack of stacks)
        this.states.set(stack, { state: 'deployed', startedAt: this.states.get(stack)?.startedAt ?? 0 });
      const lines = unreported.map(
        (stack) => `${stack}: deployed (cdktf's output for it was cut short; its exit code says it succeeded)`,
      );
      if (unreported.length > 0) lines.push(this.statusLine());
      return [...lines, `Deployed ${stacks.size} stack(s) in ${duration(this.now() - this.startedAt)}.`];
    }
    const named = (state: StackState['state']) => this.stacksIn(state);
    const notStarted = (this.planned ?? []).filter((stack) => !this.states.has(stack));
    const lines: string[] = [];
    const list = (label: string, stacks: readonly string[]) => {
      if (stacks.length > 0) lines.push(`${label} (${stacks.length}): ${stacks.join(', ')}`);
    };
    list('Deployed', named('deployed'));
    list('Failed', named('failed'));
    list('Not finished', named('running'));
    list('Not started', notStarted);
    lines.push(`Fix the failures, then run the same command to deploy the rest (deployed stacks show no changes): ${rerun}`);
    return lines;
  }
}

/** e.g. `45s`, `2m05s`, `1h03m`. */
export function duration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

/** The stack patterns of `cdktf deploy <patterns> [options]` (or of the wrapper's arguments alone). */
export function stackPatterns(args: readonly string[]): string[] {
  const { positionals } = parseCdktfArgs(args);
  return positionals[0] === 'deploy' ? positionals.slice(1) : positionals;
}

/** The synth output folder of a `cdktf deploy`: `--output`, else cdktf.json's `output`, else cdktf.out. */
export function synthOutdir(args: readonly string[], cwd: string): string {
  const { values } = parseCdktfArgs(args);
  let outdir = typeof values.output === 'string' ? values.output : undefined;
  if (outdir === undefined) {
    try {
      const config = JSON.parse(readFileSync(path.join(cwd, 'cdktf.json'), 'utf8')) as { output?: unknown };
      outdir = typeof config.output === 'string' ? config.output : 'cdktf.out';
    } catch {
      outdir = 'cdktf.out';
    }
  }
  return path.resolve(cwd, outdir);
}

/**
 * The stacks a `cdktf deploy <patterns> [options]` covers, from the synth output's manifest.json
 * (see {@link synthOutdir}); `undefined` when there is none to read.
 */
export function deployedStacks(args: readonly string[], cwd: string): string[] | undefined {
  const patterns = stackPatterns(args);
  const manifest = path.join(synthOutdir(args, cwd), 'manifest.json');
  if (!existsSync(manifest)) return undefined;
  try {
    const stacks = Object.keys((JSON.parse(readFileSync(manifest, 'utf8')) as { stacks?: Record<string, unknown> }).stacks ?? {});
    return stacks.filter((stack) => patterns.some((pattern) => matchesStackPattern(stack, pattern)));
  } catch {
    return undefined;
  }
}

/** Resources of a synthesized stack (`<outdir>/stacks/<stack>/cdk.tf.json`); `undefined` when it cannot be read. */
export function synthesizedResourceCount(outdir: string, stack: string): number | undefined {
  try {
    const config = JSON.parse(readFileSync(path.join(outdir, 'stacks', stack, 'cdk.tf.json'), 'utf8')) as {
      resource?: Record<string, Record<string, unknown>>;
    };
    return Object.values(config.resource ?? {}).reduce((sum, byName) => sum + Object.keys(byName).length, 0);
  } catch {
    return undefined;
  }
}
