import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { matchesStackPattern } from '../cli/cdktf-command';

/** Where a stack of the deploy is. */
export type StackStatus = 'waiting' | 'running' | 'deployed' | 'failed' | 'not finished';

interface StackState {
  status: StackStatus;
  startedAt?: number;
}

/**
 * The progress of a deploy of many stacks, as lines a person can follow: one when a stack starts, one when it
 * finishes, a count of done / running / waiting / failed with the time elapsed, and a summary at the end.
 * It is told what happens (from terraform's exit status and events); it reads no output.
 */
export class DeployProgress {
  private readonly startedAt: number;
  private readonly states = new Map<string, StackState>();

  constructor(
    /** The stacks of this deploy, in the order they run (the synth manifest's). */
    stacks: readonly string[],
    private readonly now: () => number = Date.now,
  ) {
    this.startedAt = now();
    for (const stack of stacks) this.states.set(stack, { status: 'waiting' });
  }

  /** Stacks in this state now, in deploy order. */
  stacksIn(status: StackStatus): string[] {
    return [...this.states.entries()].filter(([, stack]) => stack.status === status).map(([name]) => name);
  }

  /** A stack's terraform started; returns the line to print. */
  start(stack: string): string[] {
    this.states.set(stack, { status: 'running', startedAt: this.now() });
    return [`${stack}: deploying`];
  }

  /** A stack finished: `deployed (8 added, 0 changed, 0 destroyed)` or `FAILED: <error>`; returns the lines to print. */
  finish(
    stack: string,
    outcome: { readonly deployed: true; readonly changes: string } | { readonly deployed: false; readonly error: string },
  ): string[] {
    const state = this.states.get(stack) ?? { status: 'running' };
    state.status = outcome.deployed ? 'deployed' : 'failed';
    this.states.set(stack, state);
    const took = duration(this.now() - (state.startedAt ?? this.now()));
    const what = outcome.deployed ? `deployed (${outcome.changes})` : `FAILED: ${outcome.error}`;
    return [`${stack}: ${what} in ${took}`, this.statusLine()];
  }

  /** After an interrupt: every stack running or waiting is not finished. */
  stopAll(): void {
    for (const state of this.states.values())
      if (state.status === 'running' || state.status === 'waiting') state.status = 'not finished';
  }

  /** e.g. `Progress: 3 done, 2 running, 5 waiting, 1 failed of 11; 2m10s elapsed`. */
  statusLine(): string {
    const count = (status: StackStatus) => this.stacksIn(status).length;
    return (
      `Progress: ${count('deployed')} done, ${count('running')} running, ${count('waiting')} waiting, ${count('failed')} failed ` +
      `of ${this.states.size}; ${duration(this.now() - this.startedAt)} elapsed`
    );
  }

  /**
   * What to say at the end: `Deployed <n> stack(s) in <time>.` when every stack deployed; otherwise the stacks
   * deployed, failed and not finished, each list on a line, and the command that finishes the rest.
   */
  summary(rerun: string): string[] {
    const failed = this.stacksIn('failed');
    const notFinished = this.stacksIn('not finished');
    if (failed.length === 0 && notFinished.length === 0) {
      return [`Deployed ${this.stacksIn('deployed').length} stack(s) in ${duration(this.now() - this.startedAt)}.`];
    }
    const lines: string[] = [];
    const list = (label: string, stacks: readonly string[]) => {
      if (stacks.length > 0) lines.push(`${label} (${stacks.length}): ${stacks.join(', ')}`);
    };
    list('Deployed', this.stacksIn('deployed'));
    list('Failed', failed);
    list('Not finished', notFinished);
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

/** The synth output folder: `--output`, else cdktf.json's `output`, else cdktf.out. */
export function synthOutdir(output: string | undefined, cwd: string): string {
  let outdir = output;
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
 * The stacks of the synth output's manifest.json that match one of `patterns`, in manifest order;
 * `undefined` when there is no manifest to read.
 */
export function manifestStacks(outdir: string, patterns: readonly string[]): string[] | undefined {
  const manifest = path.join(outdir, 'manifest.json');
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
