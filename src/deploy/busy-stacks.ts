/**
 * Which deploying stacks are using CPU now and which are waiting, read from /proc: what lets the deploy engine
 * start a stack as soon as another enters its wait instead of only when one finishes (docs/performance.md,
 * "Starting stacks as others wait"). Each stack's terraform leads a process group of its own
 * (src/terraform/stack-apply.ts), holding its provider processes and the existing-bucket check, so a stack's CPU
 * is the CPU of its group's processes plus what they have waited for.
 */
import { clockTicks, hasProc, PROC, type ProcReader, readAllStats } from '../process/proc';
import { RUNNING_CPU_SHARE } from '../process/parallelism';

/** What the engine needs of {@link BusyStacks}; replaced in tests. */
export interface BusySource {
  /** Stacks using CPU now, counting those started and not yet measured. */
  readonly busy: number;
  /** A stack's terraform started: `pgid` is its pid, the leader of its process group (init, then apply). */
  setProcess(stack: string, pgid: number): void;
  /** The stack finished. */
  remove(stack: string): void;
  /** Reads the stacks' CPU again. */
  sample(): void;
}

export interface BusyStacksOptions {
  /** @default /proc */
  readonly reader?: ProcReader;
  /** Clock ticks a second of /proc's CPU fields. @default `getconf CLK_TCK` */
  readonly ticksPerSecond?: number;
  /** Milliseconds now. @default performance.now() */
  readonly now?: () => number;
}

interface Tracked {
  /** The process group of the stack's terraform running now (init, then apply). */
  pgid: number;
  /** CPU ticks of the group at the last sample; undefined until it was first seen. */
  ticks?: number;
  /** Whether it used CPU in the last sample interval, or has not yet been measured over a whole one. */
  busy: boolean;
}

/**
 * Counts the stacks that are using CPU, sampled by {@link sample} (the engine calls it every second). A stack
 * counts as busy from its terraform's start until a sample interval in which its processes used under
 * {@link RUNNING_CPU_SHARE} of a core (the deploy benchmark's definition of "running"), and again whenever
 * it uses more. On a system without /proc {@link BusyStacks.create} returns undefined: stacks then start as
 * memory allows (the engine's pool).
 */
export class BusyStacks implements BusySource {
  private readonly stacks = new Map<string, Tracked>();
  private readonly reader: ProcReader;
  private readonly ticksPerSecond: number;
  private readonly now: () => number;
  private lastSampleMs: number;

  /** Undefined where there is no /proc to read (not Linux). */
  static create(options: BusyStacksOptions = {}): BusyStacks | undefined {
    return hasProc(options.reader ?? PROC) ? new BusyStacks(options) : undefined;
  }

  constructor(options: BusyStacksOptions = {}) {
    this.reader = options.reader ?? PROC;
    this.ticksPerSecond = options.ticksPerSecond ?? clockTicks();
    this.now = options.now ?? (() => performance.now());
    this.lastSampleMs = this.now();
  }

  /** A stack's terraform started (`pgid`, the leader's pid): busy until its first interval is measured. */
  setProcess(stack: string, pgid: number): void {
    this.stacks.set(stack, { pgid, busy: true });
  }

  /** The stack finished. Between its init and its apply it keeps what was last measured. */
  remove(stack: string): void {
    this.stacks.delete(stack);
  }

  /** Stacks busy at the last sample, and those started since. */
  get busy(): number {
    let count = 0;
    for (const tracked of this.stacks.values()) if (tracked.busy) count++;
    return count;
  }

  /** Reads every process's CPU once and updates which stacks are busy (every second or so). */
  sample(): void {
    const now = this.now();
    const seconds = (now - this.lastSampleMs) / 1000;
    if (seconds <= 0) return;
    this.lastSampleMs = now;
    const groups = new Map<number, number>();
    for (const stat of readAllStats(this.reader)) {
      // A process's own CPU and what it waited for: a provider process that exited moves into terraform's figure.
      groups.set(stat.pgrp, (groups.get(stat.pgrp) ?? 0) + stat.cpuTicks + stat.childTicks);
    }
    for (const tracked of this.stacks.values()) {
      const ticks = groups.get(tracked.pgid);
      if (ticks === undefined) continue; // Not in /proc yet, or gone: as it was.
      if (tracked.ticks !== undefined)
        tracked.busy = (ticks - tracked.ticks) / this.ticksPerSecond >= RUNNING_CPU_SHARE * seconds;
      tracked.ticks = ticks;
    }
  }
}
