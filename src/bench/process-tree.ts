// Memory and CPU of a process tree, read from Linux's /proc: what `npm run bench -- --deploy` reports for a
// sandbox deploy, where cdktf starts a terraform and an AWS provider per stack and the figure that matters
// is the sum over all of them, not the largest single process.
import { readdirSync, readFileSync } from 'node:fs';

/** The fields of `/proc/<pid>/stat` the benchmark uses. */
export interface ProcStat {
  readonly pid: number;
  readonly ppid: number;
  /** Resident set in pages (field 24). */
  readonly rssPages: number;
  /** CPU of the waited-for children, user + system, in clock ticks (fields 16 and 17: cutime, cstime). */
  readonly childTicks: number;
}

/**
 * Parses one `/proc/<pid>/stat` line. The command name (field 2) is in parentheses and may itself hold
 * spaces and parentheses, so the fields are counted from the last `)`. Undefined when the text is not a stat line.
 */
export function parseProcStat(text: string): ProcStat | undefined {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 1 || close < open) return undefined;
  const pid = Number(text.slice(0, open).trim());
  // Fields from 3 (state) on.
  const fields = text
    .slice(close + 2)
    .trim()
    .split(/\s+/);
  const field = (n: number): number => Number(fields[n - 3]);
  const stat = { pid, ppid: field(4), rssPages: field(24), childTicks: field(16) + field(17) };
  return Object.values(stat).every(Number.isInteger) ? stat : undefined;
}

/** `root` and every process whose parent chain leads to it. */
export function treeOf(processes: readonly ProcStat[], root: number): ProcStat[] {
  const children = new Map<number, ProcStat[]>();
  for (const process of processes) {
    const siblings = children.get(process.ppid) ?? [];
    siblings.push(process);
    children.set(process.ppid, siblings);
  }
  const tree: ProcStat[] = [];
  const pending = processes.filter((process) => process.pid === root);
  while (pending.length > 0) {
    const next = pending.pop() as ProcStat;
    tree.push(next);
    pending.push(...(children.get(next.pid) ?? []));
  }
  return tree;
}

/**
 * The proportional set size in bytes from `/proc/<pid>/smaps_rollup`: each page shared by n processes
 * counts 1/n. Summed over a tree it is the memory the tree takes; summed RSS counts the AWS provider's
 * ~0.7 GB executable, which every provider process maps from the same file, once per process.
 */
export function parsePssBytes(smapsRollup: string): number | undefined {
  const match = /^Pss:\s+(\d+) kB$/m.exec(smapsRollup);
  return match === null ? undefined : Number(match[1]) * 1024;
}

/** Memory of a process tree at one moment. */
export interface TreeSample {
  readonly processes: number;
  /** Sum of the processes' resident sets. */
  readonly rssBytes: number;
  /** Sum of their proportional set sizes; undefined when smaps_rollup could not be read. */
  readonly pssBytes?: number;
}

/** How the sampler reads /proc; replaced in tests. */
export interface ProcReader {
  pids(): number[];
  stat(pid: number): string | undefined;
  smapsRollup(pid: number): string | undefined;
}

export const PROC: ProcReader = {
  pids: () =>
    readdirSync('/proc')
      .filter((name) => /^\d+$/.test(name))
      .map(Number),
  stat: (pid) => readOrUndefined(`/proc/${pid}/stat`),
  smapsRollup: (pid) => readOrUndefined(`/proc/${pid}/smaps_rollup`),
};

/** The memory of `root`'s process tree now. Processes that exit while it is read are left out. */
export function sampleTree(root: number, pageSize: number, reader: ProcReader = PROC): TreeSample {
  const stats = reader
    .pids()
    .map((pid) => {
      const text = reader.stat(pid);
      return text === undefined ? undefined : parseProcStat(text);
    })
    .filter((stat): stat is ProcStat => stat !== undefined);
  const tree = treeOf(stats, root);
  let pss = 0;
  let known = false;
  for (const process of tree) {
    const text = reader.smapsRollup(process.pid);
    const value = text === undefined ? undefined : parsePssBytes(text);
    // Undefined: the process exited in between, or is a zombie (an empty smaps_rollup): no memory to count.
    if (value === undefined) continue;
    known = true;
    pss += value;
  }
  return {
    processes: tree.length,
    rssBytes: tree.reduce((sum, process) => sum + process.rssPages * pageSize, 0),
    // None readable (kernels before 4.14 have no smaps_rollup): unknown, not zero.
    ...(known ? { pssBytes: pss } : {}),
  };
}

/** The largest of each figure over the samples taken (the two peaks may come from different samples). */
export interface TreePeak {
  readonly samples: number;
  readonly processes: number;
  readonly rssBytes: number;
  /** Undefined when any sample lacked PSS. */
  readonly pssBytes?: number;
}

export function peakOf(samples: readonly TreeSample[]): TreePeak {
  const pss = samples.map((sample) => sample.pssBytes);
  return {
    samples: samples.length,
    processes: Math.max(0, ...samples.map((sample) => sample.processes)),
    rssBytes: Math.max(0, ...samples.map((sample) => sample.rssBytes)),
    ...(samples.length > 0 && pss.every((value) => value !== undefined) ? { pssBytes: Math.max(...pss) } : {}),
  };
}

/**
 * Samples `root`'s tree every `intervalMs` until stopped. A sample reads /proc synchronously
 * (a few ms), in this process: its CPU is not in the children's figure it is compared with.
 */
export class TreeSampler {
  private readonly samples: TreeSample[] = [];
  private readonly timer: NodeJS.Timeout;

  constructor(root: number, pageSize: number, intervalMs: number, reader: ProcReader = PROC) {
    const take = (): void => {
      this.samples.push(sampleTree(root, pageSize, reader));
    };
    take();
    this.timer = setInterval(take, intervalMs);
  }

  stop(): TreePeak {
    clearInterval(this.timer);
    return peakOf(this.samples);
  }
}

/**
 * CPU seconds (user + system) of this process's children that have exited and been waited for, and of
 * everything they waited for in turn: for a finished `cdktf deploy`, its terraform and provider processes
 * and the existing-bucket check. `getrusage(RUSAGE_CHILDREN)` as /proc/self/stat shows it.
 */
export function waitedChildrenCpuSeconds(ticksPerSecond: number, reader: ProcReader = PROC): number {
  const stat = parseProcStat(reader.stat(process.pid) ?? '');
  if (stat === undefined) throw new Error('cannot read /proc/self/stat: the deploy benchmark needs Linux');
  return stat.childTicks / ticksPerSecond;
}

function readOrUndefined(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
