// Memory and CPU of a process tree, read from Linux's /proc: what `npm run bench -- --deploy` reports for a
// sandbox deploy, where cdktf starts a terraform and an AWS provider per stack and the figure that matters
// is the sum over all of them, not the largest single process.
import * as path from 'node:path';
import { RUNNING_CPU_SHARE } from '../process/parallelism';
import { parseProcStat, PROC, type ProcReader, readAllStats, treeOf } from '../process/proc';

/**
 * The proportional set size in bytes from `/proc/<pid>/smaps_rollup`: each page shared by n processes
 * counts 1/n. Summed over a tree it is the memory the tree takes; summed RSS counts the AWS provider's
 * ~0.7 GB executable, which every provider process maps from the same file, once per process.
 */
export function parsePssBytes(smapsRollup: string): number | undefined {
  const match = /^Pss:\s+(\d+) kB$/m.exec(smapsRollup);
  return match === null ? undefined : Number(match[1]) * 1024;
}

/** One process of a stack's deploy in a sample: terraform, its provider processes, the existing-bucket check. */
export interface StackProcess {
  readonly pid: number;
  /** The stack folder's name: the process runs in `<outdir>/stacks/<stack>`. */
  readonly stack: string;
  /** CPU the process has used so far, in clock ticks. */
  readonly cpuTicks: number;
  /** 0 when unknown (a zombie, or a kernel without smaps_rollup). */
  readonly pssBytes: number;
  /** Its anonymous part ({@link parsePssAnonBytes}); 0 when unknown. */
  readonly anonBytes: number;
}

/**
 * The anonymous part of the PSS (`Pss_Anon`, Linux 5.4+; else undefined): heap and stacks, which only swap can
 * free. The rest (`Pss_File`) is mapped files, chiefly the provider's executable, shared by every provider
 * process and reclaimable page cache.
 */
export function parsePssAnonBytes(smapsRollup: string): number | undefined {
  const match = /^Pss_Anon:\s+(\d+) kB$/m.exec(smapsRollup);
  return match === null ? undefined : Number(match[1]) * 1024;
}

/** Memory of a process tree at one moment. */
export interface TreeSample {
  /** When it was taken (`performance.now()`, ms). */
  readonly atMs: number;
  readonly processes: number;
  /** Sum of the processes' resident sets. */
  readonly rssBytes: number;
  /** Sum of their proportional set sizes; undefined when smaps_rollup could not be read or was not read. */
  readonly pssBytes?: number;
  /** `false` when this sample read CPU and resident sets only (see {@link TreeSampler}); PSS figures are then 0. */
  readonly memoryRead?: false;
  /** The processes that run in a stack's folder, when the sampler was given the stacks folder. */
  readonly stackProcesses?: readonly StackProcess[];
}

/** The stack a working directory belongs to: `<stacksDir>/<stack>` or below it; undefined elsewhere. */
export function stackOfCwd(cwd: string, stacksDir: string): string | undefined {
  const relative = path.relative(stacksDir, cwd);
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) return undefined;
  return relative.split(path.sep)[0];
}

/**
 * The memory of `root`'s process tree now. Processes that exit while it is read are left out.
 * With `stacksDir` (`<outdir>/stacks`), each process running in a stack's folder is listed with its CPU and PSS.
 */
export function sampleTree(
  root: number,
  pageSize: number,
  reader: ProcReader = PROC,
  stacksDir?: string,
  atMs = 0,
  readMemory = true,
): TreeSample {
  const stats = readAllStats(reader);
  const tree = treeOf(stats, root);
  let pss = 0;
  let known = false;
  const stackProcesses: StackProcess[] = [];
  for (const process of tree) {
    const text = readMemory ? reader.smapsRollup(process.pid) : undefined;
    const value = text === undefined ? undefined : parsePssBytes(text);
    if (stacksDir !== undefined) {
      const cwd = reader.cwd(process.pid);
      const stack = cwd === undefined ? undefined : stackOfCwd(cwd, stacksDir);
      if (stack !== undefined)
        stackProcesses.push({
          pid: process.pid,
          stack,
          cpuTicks: process.cpuTicks,
          pssBytes: value ?? 0,
          anonBytes: (text === undefined ? undefined : parsePssAnonBytes(text)) ?? 0,
        });
    }
    // Undefined: the process exited in between, or is a zombie (an empty smaps_rollup): no memory to count.
    if (value === undefined) continue;
    known = true;
    pss += value;
  }
  return {
    atMs,
    processes: tree.length,
    rssBytes: tree.reduce((sum, process) => sum + process.rssPages * pageSize, 0),
    // None readable (kernels before 4.14 have no smaps_rollup): unknown, not zero.
    ...(known ? { pssBytes: pss } : {}),
    ...(readMemory ? {} : { memoryRead: false }),
    ...(stacksDir !== undefined ? { stackProcesses } : {}),
  };
}

/** The largest of each figure over the samples taken (the two peaks may come from different samples). */
export interface TreePeak {
  readonly samples: number;
  readonly processes: number;
  readonly rssBytes: number;
  /** Undefined when a sample that read memory lacked PSS, or none read it. */
  readonly pssBytes?: number;
}

export function peakOf(samples: readonly TreeSample[]): TreePeak {
  const pss = samples.filter((sample) => sample.memoryRead !== false).map((sample) => sample.pssBytes);
  return {
    samples: samples.length,
    processes: Math.max(0, ...samples.map((sample) => sample.processes)),
    rssBytes: Math.max(0, ...samples.map((sample) => sample.rssBytes)),
    ...(pss.length > 0 && pss.every((value) => value !== undefined) ? { pssBytes: Math.max(...pss) } : {}),
  };
}

/** Stacks at work between two samples. */
export interface StackInterval {
  /** End of the interval, in seconds from `startMs`. */
  readonly atSeconds: number;
  readonly seconds: number;
  /** Stacks that used CPU in the interval. */
  readonly running: number;
  /** Stacks alive at its end that used (next to) none. */
  readonly waiting: number;
  /** Stacks seen so far. */
  readonly started: number;
  /** PSS of the stacks' processes at its end; absent when that sample did not read memory. */
  readonly stackPssBytes?: number;
}

/** One stack over the whole deploy, from the samples. */
export interface StackFigures {
  readonly stack: string;
  /** CPU seen between samples (a process's last part before it exits is missed). */
  readonly cpuSeconds: number;
  readonly aliveSeconds: number;
  /** Alive and idle: its wait. */
  readonly waitingSeconds: number;
  /** Largest PSS of its processes together in one sample. */
  readonly peakPssBytes: number;
  /** Largest anonymous PSS of its processes together in one sample. */
  readonly peakAnonBytes: number;
}

export interface StackActivity {
  readonly timeline: StackInterval[];
  readonly stacks: StackFigures[];
}

/**
 * What the stacks did between consecutive samples from `startMs` on: how many were running (using CPU)
 * and how many waiting (alive, idle), and each stack's CPU, alive time and peak PSS.
 */
export function stackActivity(
  samples: readonly TreeSample[],
  ticksPerSecond: number,
  startMs: number,
  minCpuShare: number = RUNNING_CPU_SHARE,
): StackActivity {
  const timeline: StackInterval[] = [];
  const figures = new Map<
    string,
    { cpuSeconds: number; aliveSeconds: number; waitingSeconds: number; peakPssBytes: number; peakAnonBytes: number }
  >();
  const seen = new Set<string>();
  const relevant = samples.filter((sample) => sample.stackProcesses !== undefined);
  for (let i = 1; i < relevant.length; i++) {
    const before = relevant[i - 1] as TreeSample;
    const now = relevant[i] as TreeSample;
    if (now.atMs < startMs) continue;
    const seconds = (now.atMs - Math.max(before.atMs, startMs)) / 1000;
    if (seconds <= 0) continue;
    const previousTicks = new Map((before.stackProcesses ?? []).map((process) => [process.pid, process.cpuTicks]));
    const stacks = new Map<string, { ticks: number; pss: number; anon: number }>();
    for (const process of now.stackProcesses ?? []) {
      const entry = stacks.get(process.stack) ?? { ticks: 0, pss: 0, anon: 0 };
      entry.ticks += Math.max(0, process.cpuTicks - (previousTicks.get(process.pid) ?? 0));
      entry.pss += process.pssBytes;
      entry.anon += process.anonBytes;
      stacks.set(process.stack, entry);
    }
    let running = 0;
    let stackPssBytes = 0;
    for (const [stack, { ticks, pss, anon }] of stacks) {
      seen.add(stack);
      const cpu = ticks / ticksPerSecond;
      const isRunning = cpu >= minCpuShare * seconds;
      if (isRunning) running++;
      stackPssBytes += pss;
      const figure = figures.get(stack) ?? {
        cpuSeconds: 0,
        aliveSeconds: 0,
        waitingSeconds: 0,
        peakPssBytes: 0,
        peakAnonBytes: 0,
      };
      figure.cpuSeconds += cpu;
      figure.aliveSeconds += seconds;
      if (!isRunning) figure.waitingSeconds += seconds;
      figure.peakPssBytes = Math.max(figure.peakPssBytes, pss);
      figure.peakAnonBytes = Math.max(figure.peakAnonBytes, anon);
      figures.set(stack, figure);
    }
    timeline.push({
      atSeconds: (now.atMs - startMs) / 1000,
      seconds,
      running,
      waiting: stacks.size - running,
      started: seen.size,
      ...(now.memoryRead === false ? {} : { stackPssBytes }),
    });
  }
  return { timeline, stacks: [...figures].map(([stack, figure]) => ({ stack, ...figure })) };
}

/**
 * Memory is read every this many samples. A sample's CPU and resident sets (`stat`) cost ~8 ms for 100
 * processes, but their `smaps_rollup` ~150 ms of CPU (moto's alone ~50 ms at 100 accounts): read every second, it
 * took 8 % of a 2-core machine from the deploy it measures and held up this process's event loop, which runs the
 * deploy engine.
 */
export const MEMORY_EVERY_SAMPLES = 5;

/**
 * Samples `root`'s tree every `intervalMs` until stopped, its memory (PSS) every {@link MEMORY_EVERY_SAMPLES}th
 * time. A sample reads /proc synchronously, in this process: its CPU is not in the children's figure it is
 * compared with. Once `stacksDir` is set each sample also lists the processes running in a stack's folder.
 */
export class TreeSampler {
  private readonly taken: TreeSample[] = [];
  private readonly timer: NodeJS.Timeout;

  /** `<outdir>/stacks` once known: samples from then on list the processes of each stack. */
  stacksDir: string | undefined;

  constructor(
    root: number,
    pageSize: number,
    intervalMs: number,
    reader: ProcReader = PROC,
    memoryEvery: number = MEMORY_EVERY_SAMPLES,
  ) {
    let count = 0;
    const take = (): void => {
      const readMemory = count++ % memoryEvery === 0;
      this.taken.push(sampleTree(root, pageSize, reader, this.stacksDir, performance.now(), readMemory));
    };
    take();
    this.timer = setInterval(take, intervalMs);
  }

  /** The samples so far. */
  get samples(): readonly TreeSample[] {
    return this.taken;
  }

  stop(): TreePeak {
    clearInterval(this.timer);
    return peakOf(this.taken);
  }
}

/**
 * CPU seconds (user + system) of this process's children that have exited and been waited for, and of
 * everything they waited for in turn: for a finished deploy, its terraform and provider processes
 * and the existing-bucket check. `getrusage(RUSAGE_CHILDREN)` as /proc/self/stat shows it.
 */
export function waitedChildrenCpuSeconds(ticksPerSecond: number, reader: ProcReader = PROC): number {
  const stat = parseProcStat(reader.stat(process.pid) ?? '');
  if (stat === undefined) throw new Error('cannot read /proc/self/stat: the deploy benchmark needs Linux');
  return stat.childTicks / ticksPerSecond;
}
