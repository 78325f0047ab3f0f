import * as os from 'node:os';
import * as path from 'node:path';
import {
  parsePssAnonBytes,
  parsePssBytes,
  peakOf,
  sampleTree,
  stackActivity,
  type StackProcess,
  stackOfCwd,
  type TreeSample,
  waitedChildrenCpuSeconds,
} from '../../src/bench/process-tree';
import type { ProcReader } from '../../src/process/proc';
import { statLine } from '../support/proc-stat';

function fakeProc(entries: { pid: number; stat: string; smaps?: string; cwd?: string }[]): ProcReader {
  return {
    pids: () => entries.map((entry) => entry.pid),
    stat: (pid) => entries.find((entry) => entry.pid === pid)?.stat,
    smapsRollup: (pid) => entries.find((entry) => entry.pid === pid)?.smaps,
    cwd: (pid) => entries.find((entry) => entry.pid === pid)?.cwd,
  };
}

const smaps = (pssKb: number, anonKb = pssKb): string =>
  `55d0c0000000-7ffd00000000 ---p 00000000 00:00 0                          [rollup]\nRss:              600000 kB\nPss:              ${pssKb} kB\nPss_Anon:          ${anonKb} kB\n`;

describe('a sample of the tree', () => {
  test('sums the resident sets and the proportional sets of the tree only', () => {
    const reader = fakeProc([
      { pid: 1, stat: statLine(1, 'init', 0, 5), smaps: smaps(1) },
      { pid: 10, stat: statLine(10, 'node', 1, 100), smaps: smaps(1000) },
      { pid: 11, stat: statLine(11, 'terraform', 10, 200), smaps: smaps(2000) },
      { pid: 12, stat: statLine(12, 'terraform-provider-aws_v5.100.0_x5', 11, 300), smaps: smaps(3000) },
    ]);
    expect(sampleTree(10, 4096, reader)).toEqual({ atMs: 0, processes: 3, rssBytes: 600 * 4096, pssBytes: 6000 * 1024 });
  });

  test('a process that exits while it is read, or a zombie without mappings, counts nothing', () => {
    const reader = fakeProc([
      { pid: 10, stat: statLine(10, 'node', 1, 100), smaps: smaps(1000) },
      { pid: 11, stat: statLine(11, 'terraform', 10, 0), smaps: '' },
      { pid: 12, stat: statLine(12, 'gone', 10, 50) },
    ]);
    expect(sampleTree(10, 4096, reader)).toEqual({ atMs: 0, processes: 3, rssBytes: 150 * 4096, pssBytes: 1000 * 1024 });
  });

  test('without smaps_rollup (old kernels) the proportional set is unknown, not zero', () => {
    const reader = fakeProc([{ pid: 10, stat: statLine(10, 'node', 1, 100) }]);
    expect(sampleTree(10, 4096, reader)).toEqual({ atMs: 0, processes: 1, rssBytes: 100 * 4096 });
  });

  test('a sample that skips memory reads no smaps_rollup, and the peak is taken over the samples that read it', () => {
    let smapsReads = 0;
    const base = fakeProc([{ pid: 10, stat: statLine(10, 'node', 1, 100), smaps: smaps(1000) }]);
    const reader = {
      ...base,
      smapsRollup: (pid: number) => {
        smapsReads++;
        return base.smapsRollup(pid);
      },
    };
    const light = sampleTree(10, 4096, reader, undefined, 0, false);
    expect(smapsReads).toBe(0);
    expect(light).toEqual({ atMs: 0, processes: 1, rssBytes: 100 * 4096, memoryRead: false });
    const full = sampleTree(10, 4096, reader, undefined, 1000, true);
    expect(peakOf([light, full, light]).pssBytes).toBe(1000 * 1024);
    expect(peakOf([light]).pssBytes).toBeUndefined();
  });

  test('the Pss line is read in kB, not the Rss line', () => {
    expect(parsePssBytes(smaps(2))).toBe(2048);
    expect(parsePssBytes('Rss: 5 kB\n')).toBeUndefined();
  });

  test('the anonymous part of the PSS is read from Pss_Anon, and is unknown on kernels without it', () => {
    expect(parsePssAnonBytes(smaps(3000, 1200))).toBe(1200 * 1024);
    expect(parsePssAnonBytes('Pss: 5 kB\n')).toBeUndefined();
  });

  test('with the stacks folder, each process running in a stack folder is listed with its stack, CPU and memory', () => {
    const stacks = path.join(os.tmpdir(), 'run', 'cdktf.out', 'stacks');
    const reader = fakeProc([
      { pid: 10, stat: statLine(10, 'node', 1, 100), smaps: smaps(1000), cwd: '/work/project' },
      { pid: 11, stat: statLine(11, 'terraform', 10, 200, 0, 0, 70, 5), smaps: smaps(2000, 500), cwd: `${stacks}/state-prod` },
      {
        pid: 12,
        stat: statLine(12, 'terraform-provider-aws', 11, 300, 0, 0, 300, 20),
        smaps: smaps(3000, 900),
        cwd: `${stacks}/state-prod`,
      },
      { pid: 13, stat: statLine(13, 'terraform', 10, 200, 0, 0, 1, 0), cwd: `${stacks}/state-acct-0001/.terraform` },
    ]);
    const listed = [...(sampleTree(10, 4096, reader, stacks, 1500).stackProcesses ?? [])].sort((x, y) => x.pid - y.pid);
    expect(listed).toEqual([
      { pid: 11, stack: 'state-prod', cpuTicks: 75, pssBytes: 2000 * 1024, anonBytes: 500 * 1024 },
      { pid: 12, stack: 'state-prod', cpuTicks: 320, pssBytes: 3000 * 1024, anonBytes: 900 * 1024 },
      { pid: 13, stack: 'state-acct-0001', cpuTicks: 1, pssBytes: 0, anonBytes: 0 },
    ]);
  });

  test('a working directory maps to the stack folder it is in, and to none outside the stacks folder', () => {
    expect(stackOfCwd('/out/stacks/state-prod', '/out/stacks')).toBe('state-prod');
    expect(stackOfCwd('/out/stacks/state-prod/.terraform/x', '/out/stacks')).toBe('state-prod');
    expect(stackOfCwd('/out/stacks', '/out/stacks')).toBeUndefined();
    expect(stackOfCwd('/out/stacks-old/state-prod', '/out/stacks')).toBeUndefined();
    expect(stackOfCwd('/work/project', '/out/stacks')).toBeUndefined();
  });
});

describe('the stacks over time', () => {
  const GIB = 2 ** 30;
  const proc = (pid: number, stack: string, cpuTicks: number, pssBytes = 0.25 * GIB, anonBytes = 0.1 * GIB): StackProcess => ({
    pid,
    stack,
    cpuTicks,
    pssBytes,
    anonBytes,
  });
  const at = (atMs: number, stackProcesses: StackProcess[]): TreeSample => ({ atMs, processes: 0, rssBytes: 0, stackProcesses });
  // Clock ticks at 100 a second; samples a second apart; the deploy starts at 1000 ms.
  const samples = [
    at(0, []),
    at(1000, [proc(11, 'a', 0)]),
    at(2000, [proc(11, 'a', 80), proc(21, 'b', 50)]),
    at(3000, [proc(11, 'a', 81), proc(12, 'a', 0, 0.5 * GIB, 0.3 * GIB), proc(21, 'b', 150)]),
    at(4000, [proc(12, 'a', 1), proc(21, 'b', 150)]),
    at(5000, []),
  ];
  const activity = stackActivity(samples, 100, 1000);

  test('a stack whose processes used CPU in an interval was running, one alive and (next to) idle was waiting', () => {
    expect(
      activity.timeline.map(({ atSeconds, running, waiting, started }) => ({ atSeconds, running, waiting, started })),
    ).toEqual([
      { atSeconds: 1, running: 2, waiting: 0, started: 2 },
      { atSeconds: 2, running: 1, waiting: 1, started: 2 },
      { atSeconds: 3, running: 0, waiting: 2, started: 2 },
      { atSeconds: 4, running: 0, waiting: 0, started: 2 },
    ]);
  });

  test('a process new in an interval counts all its CPU, one gone counts nothing', () => {
    // a: 80 ticks, then 1 + 0 (a new process with none), then 1 (process 12's first tick); b: 50, 100, 0.
    expect(activity.stacks.find((stack) => stack.stack === 'a')?.cpuSeconds).toBeCloseTo(0.82);
    expect(activity.stacks.find((stack) => stack.stack === 'b')?.cpuSeconds).toBeCloseTo(1.5);
  });

  test('each stack has its alive and waiting time and the peak memory of its processes together', () => {
    expect(activity.stacks.find((stack) => stack.stack === 'a')).toMatchObject({
      aliveSeconds: 3,
      waitingSeconds: 2,
      peakPssBytes: 0.75 * GIB,
      peakAnonBytes: 0.4 * GIB,
    });
    expect(activity.timeline[1]?.stackPssBytes).toBe(1 * GIB);
  });

  test('samples before the deploy started are not in the timeline', () => {
    expect(stackActivity(samples, 100, 2500).timeline.map((interval) => [interval.atSeconds, interval.seconds])).toEqual([
      [0.5, 0.5],
      [1.5, 1],
      [2.5, 1],
    ]);
  });
});

describe('peaks and CPU', () => {
  test('the peak is the largest value of each figure over the samples', () => {
    expect(
      peakOf([
        { atMs: 0, processes: 3, rssBytes: 10, pssBytes: 7 },
        { atMs: 1, processes: 9, rssBytes: 30, pssBytes: 5 },
        { atMs: 2, processes: 2, rssBytes: 20, pssBytes: 8 },
      ]),
    ).toEqual({ samples: 3, processes: 9, rssBytes: 30, pssBytes: 8 });
  });

  test('the PSS peak is unknown when a sample lacked it', () => {
    expect(
      peakOf([
        { atMs: 0, processes: 1, rssBytes: 10, pssBytes: 7 },
        { atMs: 1, processes: 1, rssBytes: 10 },
      ]),
    ).not.toHaveProperty('pssBytes');
  });

  test('the waited-for children CPU is cutime + cstime of this process in seconds', () => {
    const reader = fakeProc([{ pid: process.pid, stat: statLine(process.pid, 'node', 1, 1, 1234, 266) }]);
    expect(waitedChildrenCpuSeconds(100, reader)).toBe(15);
  });
});
