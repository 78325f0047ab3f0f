import { parseProcStat, treeOf } from '../../src/process/proc';
import { statLine } from '../support/proc-stat';

describe('reading /proc/<pid>/stat', () => {
  test('the parent, process group, resident pages and waited-for children CPU are read from their fields', () => {
    expect(parseProcStat(statLine(42, 'terraform', 7, 1500, 120, 30))).toEqual({
      pid: 42,
      ppid: 7,
      pgrp: 42,
      rssPages: 1500,
      childTicks: 150,
      cpuTicks: 0,
    });
  });

  test('the CPU of the process itself is utime + stime', () => {
    expect(parseProcStat(statLine(42, 'terraform-provider-aws', 7, 1, 0, 0, 250, 40))?.cpuTicks).toBe(290);
  });

  test('a command name with spaces and parentheses does not shift the fields', () => {
    expect(parseProcStat(statLine(43, 'odd) name (x', 8, 10))).toEqual({
      pid: 43,
      ppid: 8,
      pgrp: 43,
      rssPages: 10,
      childTicks: 0,
      cpuTicks: 0,
    });
  });

  test('text that is not a stat line gives nothing', () => {
    expect(parseProcStat('')).toBeUndefined();
    expect(parseProcStat('42 (node) S x y')).toBeUndefined();
  });
});

describe('the process tree', () => {
  const stats = [
    { pid: 1, ppid: 0, rssPages: 1, childTicks: 0, cpuTicks: 0 },
    { pid: 10, ppid: 1, rssPages: 100, childTicks: 0, cpuTicks: 0 },
    { pid: 11, ppid: 10, rssPages: 200, childTicks: 0, cpuTicks: 0 },
    { pid: 12, ppid: 11, rssPages: 300, childTicks: 0, cpuTicks: 0 },
    { pid: 13, ppid: 10, rssPages: 400, childTicks: 0, cpuTicks: 0 },
    { pid: 20, ppid: 1, rssPages: 999, childTicks: 0, cpuTicks: 0 },
  ];

  test('holds the root and every descendant, however deep, and nothing else', () => {
    expect(
      treeOf(stats, 10)
        .map((stat) => stat.pid)
        .sort(),
    ).toEqual([10, 11, 12, 13]);
  });

  test('is empty when the root is gone', () => {
    expect(treeOf(stats, 99)).toEqual([]);
  });
});
