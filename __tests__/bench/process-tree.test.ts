import {
  parseProcStat,
  parsePssBytes,
  peakOf,
  type ProcReader,
  sampleTree,
  treeOf,
  waitedChildrenCpuSeconds,
} from '../../src/bench/process-tree';

/** A /proc/<pid>/stat line as Linux writes it, with the fields the benchmark reads set. */
function statLine(pid: number, comm: string, ppid: number, rssPages: number, cutime = 0, cstime = 0): string {
  // Fields 3 (state) to 52; 1-based field n is at index n - 3.
  const fields: (string | number)[] = Array.from({ length: 50 }, () => 0);
  fields[0] = 'S';
  fields[4 - 3] = ppid;
  fields[16 - 3] = cutime;
  fields[17 - 3] = cstime;
  fields[24 - 3] = rssPages;
  return `${pid} (${comm}) ${fields.join(' ')}\n`;
}

function fakeProc(entries: { pid: number; stat: string; smaps?: string }[]): ProcReader {
  return {
    pids: () => entries.map((entry) => entry.pid),
    stat: (pid) => entries.find((entry) => entry.pid === pid)?.stat,
    smapsRollup: (pid) => entries.find((entry) => entry.pid === pid)?.smaps,
  };
}

const smaps = (pssKb: number): string =>
  `55d0c0000000-7ffd00000000 ---p 00000000 00:00 0                          [rollup]\nRss:              600000 kB\nPss:              ${pssKb} kB\nPss_Anon:          ${pssKb} kB\n`;

describe('reading /proc/<pid>/stat', () => {
  test('the parent, resident pages and waited-for children CPU are read from their fields', () => {
    expect(parseProcStat(statLine(42, 'terraform', 7, 1500, 120, 30))).toEqual({
      pid: 42,
      ppid: 7,
      rssPages: 1500,
      childTicks: 150,
    });
  });

  test('a command name with spaces and parentheses does not shift the fields', () => {
    expect(parseProcStat(statLine(43, 'odd) name (x', 8, 10))).toEqual({ pid: 43, ppid: 8, rssPages: 10, childTicks: 0 });
  });

  test('text that is not a stat line gives nothing', () => {
    expect(parseProcStat('')).toBeUndefined();
    expect(parseProcStat('42 (node) S x y')).toBeUndefined();
  });
});

describe('the process tree', () => {
  const stats = [
    { pid: 1, ppid: 0, rssPages: 1, childTicks: 0 },
    { pid: 10, ppid: 1, rssPages: 100, childTicks: 0 },
    { pid: 11, ppid: 10, rssPages: 200, childTicks: 0 },
    { pid: 12, ppid: 11, rssPages: 300, childTicks: 0 },
    { pid: 13, ppid: 10, rssPages: 400, childTicks: 0 },
    { pid: 20, ppid: 1, rssPages: 999, childTicks: 0 },
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

describe('a sample of the tree', () => {
  test('sums the resident sets and the proportional sets of the tree only', () => {
    const reader = fakeProc([
      { pid: 1, stat: statLine(1, 'init', 0, 5), smaps: smaps(1) },
      { pid: 10, stat: statLine(10, 'node', 1, 100), smaps: smaps(1000) },
      { pid: 11, stat: statLine(11, 'terraform', 10, 200), smaps: smaps(2000) },
      { pid: 12, stat: statLine(12, 'terraform-provider-aws_v5.100.0_x5', 11, 300), smaps: smaps(3000) },
    ]);
    expect(sampleTree(10, 4096, reader)).toEqual({ processes: 3, rssBytes: 600 * 4096, pssBytes: 6000 * 1024 });
  });

  test('a process that exits while it is read, or a zombie without mappings, counts nothing', () => {
    const reader = fakeProc([
      { pid: 10, stat: statLine(10, 'node', 1, 100), smaps: smaps(1000) },
      { pid: 11, stat: statLine(11, 'terraform', 10, 0), smaps: '' },
      { pid: 12, stat: statLine(12, 'gone', 10, 50) },
    ]);
    expect(sampleTree(10, 4096, reader)).toEqual({ processes: 3, rssBytes: 150 * 4096, pssBytes: 1000 * 1024 });
  });

  test('without smaps_rollup (old kernels) the proportional set is unknown, not zero', () => {
    const reader = fakeProc([{ pid: 10, stat: statLine(10, 'node', 1, 100) }]);
    expect(sampleTree(10, 4096, reader)).toEqual({ processes: 1, rssBytes: 100 * 4096 });
  });

  test('the Pss line is read in kB, not the Rss line', () => {
    expect(parsePssBytes(smaps(2))).toBe(2048);
    expect(parsePssBytes('Rss: 5 kB\n')).toBeUndefined();
  });
});

describe('peaks and CPU', () => {
  test('the peak is the largest value of each figure over the samples', () => {
    expect(
      peakOf([
        { processes: 3, rssBytes: 10, pssBytes: 7 },
        { processes: 9, rssBytes: 30, pssBytes: 5 },
        { processes: 2, rssBytes: 20, pssBytes: 8 },
      ]),
    ).toEqual({ samples: 3, processes: 9, rssBytes: 30, pssBytes: 8 });
  });

  test('the PSS peak is unknown when a sample lacked it', () => {
    expect(
      peakOf([
        { processes: 1, rssBytes: 10, pssBytes: 7 },
        { processes: 1, rssBytes: 10 },
      ]),
    ).not.toHaveProperty('pssBytes');
  });

  test('the waited-for children CPU is cutime + cstime of this process in seconds', () => {
    const reader = fakeProc([{ pid: process.pid, stat: statLine(process.pid, 'node', 1, 1, 1234, 266) }]);
    expect(waitedChildrenCpuSeconds(100, reader)).toBe(15);
  });
});
