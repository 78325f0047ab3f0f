import { readFileSync } from 'node:fs';
import * as os from 'node:os';
import { ConfigError } from '../config/errors';
import { hasProc } from './proc';

/** Environment variable that sets how many stacks deploy at the same time. */
export const DEPLOY_PARALLELISM_ENV = 'BOOTSTRAP_DEPLOY_PARALLELISM';

const GIB = 1024 ** 3;

/**
 * Memory each deploying stack adds, measured: the largest anonymous PSS (`Pss_Anon`: heap and stacks, which
 * only swap could free) of a state stack's `terraform`, its AWS provider (hashicorp/aws 5.100.0) and the
 * existing-bucket check together, over 50 stacks deployed 20 at a time, sampled every second from /proc by
 * `npm run bench -- --deploy` (docs/performance.md#deploy-parallelism): 0.25–0.31 GiB, median 0.28.
 */
export const MEASURED_STACK_MEMORY_BYTES = 0.31 * GIB;

/** Room on top of the measured figure: another provider version, a stack with more resources, sampling gaps. */
export const STACK_MEMORY_MARGIN = 1.25;

/** What the rule counts each deploying stack as. */
export const MEMORY_PER_STACK_BYTES = MEASURED_STACK_MEMORY_BYTES * STACK_MEMORY_MARGIN;

/**
 * Memory the stacks share, counted once: the mapped executables of terraform and the provider (~0.3 GiB of
 * a lone stack's 0.58 GiB PSS), the same file's pages in every process, so that 20 stacks took 0.30 GiB
 * each by PSS, not 0.58.
 */
export const SHARED_STACK_MEMORY_BYTES = 0.3 * GIB;

/** Share of the machine's memory the deploying stacks may take together, at most. */
export const MEMORY_SHARE = 0.6;

/** Available memory kept back: the deploy's own Node process, and what other programs allocate meanwhile. */
export const MEMORY_RESERVE_BYTES = 0.5 * GIB;

/**
 * Upper bound of the default and of an explicit setting. Memory allows more on a large machine, but each stack
 * runs its own terraform and provider processes (several hundred threads and file handles together at this
 * count) and its own API calls, and past ~64 the CPU of their start-up, not their waits, sets the pace on any
 * machine that has the memory.
 */
export const MAX_DEPLOY_PARALLELISM = 64;

/** What the default is derived from; `currentMachine()` reads it from the OS. */
export interface MachineResources {
  /**
   * Memory that new processes can take without swapping, in bytes: `MemAvailable` of /proc/meminfo
   * (free memory plus the page cache the kernel can drop), else `os.freemem()`.
   */
  readonly freeMemoryBytes: number;
  /** All of the machine's memory (`os.totalmem()`); when missing, the free memory stands for it. */
  readonly totalMemoryBytes?: number;
  /**
   * CPU cores. Not part of the rule: a deploying stack spends most of its time waiting, and stacks
   * queued for a core only take longer, while stacks that do not fit in memory swap or are killed.
   */
  readonly cores?: number;
}

/** `MemAvailable` of a /proc/meminfo text, in bytes; undefined when absent (Linux before 3.14, other systems). */
export function parseMemAvailable(meminfo: string): number | undefined {
  const match = /^MemAvailable:\s+(\d+) kB$/m.exec(meminfo);
  return match === null ? undefined : Number(match[1]) * 1024;
}

export function currentMachine(): MachineResources {
  let available: number | undefined;
  try {
    available = parseMemAvailable(readFileSync('/proc/meminfo', 'utf8'));
  } catch {
    // Not Linux: os.freemem() below.
  }
  return { freeMemoryBytes: available ?? os.freemem(), totalMemoryBytes: os.totalmem(), cores: os.availableParallelism() };
}

/** How many stacks deploy at once, and why: a line to print before deploying. */
export interface ParallelismChoice {
  readonly value: number;
  readonly reason: string;
}

/**
 * The number of stacks to deploy at once: `BOOTSTRAP_DEPLOY_PARALLELISM` when set, else as many stacks
 * of {@link MEMORY_PER_STACK_BYTES}, plus {@link SHARED_STACK_MEMORY_BYTES} once, as fit in the lesser of
 * 60 % of the machine's memory and its available memory less {@link MEMORY_RESERVE_BYTES}, from 1 to
 * {@link MAX_DEPLOY_PARALLELISM}. `npm run deploy`,
 * `npm run sandbox` and the state recovery use it.
 * @throws ConfigError when the variable is set but not a whole number from 1 to 64.
 */
export function chooseParallelism(env: NodeJS.ProcessEnv, machine: MachineResources = currentMachine()): ParallelismChoice {
  const raw = env[DEPLOY_PARALLELISM_ENV];
  if (raw !== undefined && raw.trim() !== '') {
    const value = raw.trim();
    if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > MAX_DEPLOY_PARALLELISM) {
      throw new ConfigError([
        `${DEPLOY_PARALLELISM_ENV}: "${raw}" is not a whole number from 1 to ${MAX_DEPLOY_PARALLELISM}; set it to e.g. 4, or unset it to derive it from this machine`,
      ]);
    }
    return { value: Number(value), reason: `from ${DEPLOY_PARALLELISM_ENV}` };
  }
  const available = Math.max(0, machine.freeMemoryBytes);
  const total = machine.totalMemoryBytes ?? available;
  const byShare = MEMORY_SHARE * total;
  const byAvailable = available - MEMORY_RESERVE_BYTES;
  const budget = Math.max(0, Math.min(byShare, byAvailable));
  const fits = Math.floor(Math.max(0, budget - SHARED_STACK_MEMORY_BYTES) / MEMORY_PER_STACK_BYTES);
  const value = Math.max(1, Math.min(fits, MAX_DEPLOY_PARALLELISM));
  const limit =
    fits > MAX_DEPLOY_PARALLELISM
      ? `, at most ${MAX_DEPLOY_PARALLELISM}`
      : fits < 1
        ? '; not even one fits: one at a time, and the machine may swap'
        : '';
  const source =
    byShare <= byAvailable
      ? `${Math.round(MEMORY_SHARE * 100)} % of ${gib(total)} GiB`
      : `${gib(available)} GiB available less ${gib(MEMORY_RESERVE_BYTES)} GiB`;
  return {
    value,
    reason:
      `from this machine: ${gib(budget)} GiB of memory for stacks (${source}) at ` +
      `${(MEMORY_PER_STACK_BYTES / GIB).toFixed(2)} GiB a stack + ${gib(SHARED_STACK_MEMORY_BYTES)} GiB shared${limit}; ` +
      `set ${DEPLOY_PARALLELISM_ENV} or --parallelism to change it`,
  };
}

/** {@link chooseParallelism}'s number alone. */
export function deployParallelism(env: NodeJS.ProcessEnv, machine?: MachineResources): number {
  return chooseParallelism(env, machine).value;
}

function gib(bytes: number): string {
  return (bytes / GIB).toFixed(1);
}

/**
 * A stack counts as running in an interval when its processes used at least this share of one core in it
 * (2 %: two clock ticks a second), else as waiting while any of its processes is alive. An idle provider in
 * its wait uses next to none; 50 stacks sharing 2 cores still get ~4 % each.
 */
export const RUNNING_CPU_SHARE = 0.02;

/** Stacks using CPU at once per core, beyond which no further stack starts even within the memory bound. */
export const BUSY_STACKS_PER_CORE = 2;

/** Environment variable that sets how many stacks may use CPU at once before no further one starts, or `off`. */
export const DEPLOY_BUSY_LIMIT_ENV = 'BOOTSTRAP_DEPLOY_BUSY_LIMIT';

/**
 * How many stacks may be using CPU at once before the deploy holds back the next one (started stacks still
 * count until their first second's CPU is measured): `BOOTSTRAP_DEPLOY_BUSY_LIMIT` when set (`off`: no such
 * limit, stacks start as memory allows), else {@link BUSY_STACKS_PER_CORE} × cores. Two a core keep every core
 * at work while some of the busy stacks wait on the network for a moment.
 * @throws ConfigError when the variable is neither `off` nor a whole number from 1 to 64.
 */
export function chooseBusyLimit(env: NodeJS.ProcessEnv, cores: number = os.availableParallelism()): number {
  const raw = env[DEPLOY_BUSY_LIMIT_ENV]?.trim();
  if (raw === undefined || raw === '') return BUSY_STACKS_PER_CORE * Math.max(1, cores);
  if (raw === 'off') return Number.POSITIVE_INFINITY;
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > MAX_DEPLOY_PARALLELISM) {
    throw new ConfigError([
      `${DEPLOY_BUSY_LIMIT_ENV}: "${env[DEPLOY_BUSY_LIMIT_ENV] ?? ''}" is neither "off" nor a whole number from 1 to ${MAX_DEPLOY_PARALLELISM}; set it to e.g. 4, or unset it for two a core`,
    ]);
  }
  return Number(raw);
}

/**
 * The busy limit a deploy works with: `limit` ({@link chooseBusyLimit}) when it is finite and the stacks' CPU can
 * be read (`/proc`, Linux), else `undefined` (stacks start as the memory bound allows). What the deploy's note and
 * the benchmark report; the engine decides the same through BusyStacks.create.
 */
export function busyLimitInEffect(limit: number, canSeeCpu: boolean = hasProc()): number | undefined {
  return Number.isFinite(limit) && canSeeCpu ? limit : undefined;
}

/** The stacks of a deploy at one moment, as the engine sees them. */
export interface StackCounts {
  /** Started and not finished. */
  readonly alive: number;
  /** Of those, the ones using CPU (not in a wait), counting those started and not yet measured. */
  readonly busy: number;
}

/**
 * Whether the deploy engine may start another stack now: fewer than `limit` stacks alive ({@link
 * chooseParallelism}'s memory bound) and fewer than `busyLimit` ({@link chooseBusyLimit}) of them using CPU.
 * Asked whenever a stack finishes and after each sample of the stacks' CPU (src/deploy/busy-stacks.ts), it starts
 * a stack as another enters its wait instead of only when one finishes, so the stacks' CPU bursts follow one
 * another through the others' waits instead of coming in rounds (docs/performance.md).
 */
export function mayStartStack(counts: StackCounts, limit: number, busyLimit: number): boolean {
  return counts.alive < Math.max(1, limit) && counts.busy < Math.max(1, busyLimit);
}
