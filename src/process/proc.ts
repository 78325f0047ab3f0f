// Processes as Linux's /proc shows them: what the deploy engine reads to see which stacks use CPU
// (src/deploy/busy-stacks.ts), and the deploy benchmark to measure them (src/bench/process-tree.ts).
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** The fields of `/proc/<pid>/stat` that are read. */
export interface ProcStat {
  readonly pid: number;
  readonly ppid: number;
  /** Process group (field 5): each stack's terraform leads its own, with its providers and check in it. */
  readonly pgrp: number;
  /** Resident set in pages (field 24). */
  readonly rssPages: number;
  /** CPU of the waited-for children, user + system, in clock ticks (fields 16 and 17: cutime, cstime). */
  readonly childTicks: number;
  /** CPU of the process itself, user + system, in clock ticks (fields 14 and 15: utime, stime). */
  readonly cpuTicks: number;
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
  const stat = {
    pid,
    ppid: field(4),
    pgrp: field(5),
    rssPages: field(24),
    childTicks: field(16) + field(17),
    cpuTicks: field(14) + field(15),
  };
  return Object.values(stat).every(Number.isInteger) ? stat : undefined;
}

/** `root` and every process whose parent chain leads to it. */
export function treeOf<T extends Pick<ProcStat, 'pid' | 'ppid'>>(processes: readonly T[], root: number): T[] {
  const children = new Map<number, T[]>();
  for (const process of processes) {
    const siblings = children.get(process.ppid) ?? [];
    siblings.push(process);
    children.set(process.ppid, siblings);
  }
  const tree: T[] = [];
  const pending = processes.filter((process) => process.pid === root);
  while (pending.length > 0) {
    const next = pending.pop() as T;
    tree.push(next);
    pending.push(...(children.get(next.pid) ?? []));
  }
  return tree;
}

/** How /proc is read; replaced in tests. */
export interface ProcReader {
  pids(): number[];
  stat(pid: number): string | undefined;
  smapsRollup(pid: number): string | undefined;
  /** The process's working directory; undefined when it exited or cannot be read. */
  cwd(pid: number): string | undefined;
}

export const PROC: ProcReader = {
  pids: () =>
    readdirSync('/proc')
      .filter((name) => /^\d+$/.test(name))
      .map(Number),
  stat: (pid) => readOrUndefined(`/proc/${pid}/stat`),
  smapsRollup: (pid) => readOrUndefined(`/proc/${pid}/smaps_rollup`),
  cwd: (pid) => {
    try {
      return readlinkSync(`/proc/${pid}/cwd`);
    } catch {
      return undefined;
    }
  },
};

/** The stat of every process that can be read now (processes that exit meanwhile are left out). */
export function readAllStats(reader: ProcReader = PROC): ProcStat[] {
  return reader
    .pids()
    .map((pid) => {
      const text = reader.stat(pid);
      return text === undefined ? undefined : parseProcStat(text);
    })
    .filter((stat): stat is ProcStat => stat !== undefined);
}

/** Whether this system has a readable /proc with this process in it (Linux). */
export function hasProc(reader: ProcReader = PROC): boolean {
  try {
    return reader.stat(process.pid) !== undefined;
  } catch {
    return false;
  }
}

/** `getconf NAME`, else the Linux default. */
function getconf(name: string, fallback: number): number {
  const result = spawnSync('getconf', [name], { encoding: 'utf8' });
  if (result.status !== 0) return fallback;
  const value = Number(result.stdout.trim());
  return Number.isInteger(value) && value > 0 ? value : fallback;
}

/** Clock ticks a second, the unit of /proc's CPU fields (`getconf CLK_TCK`; 100 on Linux). */
export function clockTicks(): number {
  return getconf('CLK_TCK', 100);
}

/** Bytes a page (`getconf PAGESIZE`), the unit of /proc's resident set. */
export function pageSize(): number {
  return getconf('PAGESIZE', 4096);
}

function readOrUndefined(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
