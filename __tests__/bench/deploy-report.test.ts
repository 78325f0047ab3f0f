import {
  type DeployRun,
  evaluateTargets,
  formatDeployReport,
  formatTimeline,
  type Machine,
  physicalLimit,
  timelineStep,
} from '../../src/bench/deploy-report';
import { deployBenchConfig } from '../../src/bench/deploy-run';
import { validateConfig } from '../../src/config';

const GB = 2 ** 30;
const MACHINE: Machine = {
  cores: 2,
  cpuModel: 'Test CPU',
  totalMemoryBytes: 24 * GB,
  node: 'v20.20.2',
  terraform: '1.11.4',
  date: '2026-12-01',
};

function run(accounts: number, deploySeconds: number, overrides: Partial<DeployRun> = {}): DeployRun {
  return {
    accounts,
    parallelism: 12,
    parallelismReason: 'from this machine',
    loadAverage: 0.5,
    deploySeconds,
    totalSeconds: deploySeconds + 10,
    peakRssBytes: accounts * GB,
    peakPssBytes: accounts * 0.3 * GB,
    deployCpuSeconds: accounts * 7,
    totalCpuSeconds: accounts * 7 + 5,
    ...overrides,
  };
}

describe('the deploy targets', () => {
  test('12, 50 and 100 accounts are judged by their deploy wall time against that of 1 account', () => {
    const verdicts = evaluateTargets([run(1, 70), run(12, 140), run(50, 280), run(100, 500)], MACHINE);
    expect(verdicts.slice(0, 3)).toEqual([
      { label: '12 / 1 account(s), deploy wall time', value: 2, limit: 2.5, met: true },
      { label: '50 / 1 account(s), deploy wall time', value: 4, limit: 4, met: true },
      { label: '100 / 1 account(s), deploy wall time', value: 500 / 70, limit: 6, met: false },
    ]);
  });

  test('a ratio exactly at the target meets it', () => {
    expect(evaluateTargets([run(1, 100), run(12, 250)], MACHINE)[0]?.met).toBe(true);
  });

  test('without a 1-account run no ratio is judged, only memory', () => {
    expect(evaluateTargets([run(12, 140)], MACHINE).map((verdict) => verdict.label)).toEqual(['peak memory of the largest run']);
  });

  test('peak memory is the proportional set when known, else the resident set, against 60 % of the machine', () => {
    const known = evaluateTargets([run(50, 500, { peakRssBytes: 30 * GB, peakPssBytes: 14 * GB })], MACHINE);
    expect(known.at(-1)).toMatchObject({ value: 14 * GB, limit: 0.6 * 24 * GB, met: true });
    const over = evaluateTargets([run(50, 500, { peakPssBytes: 15 * GB })], MACHINE);
    expect(over.at(-1)).toMatchObject({ value: 15 * GB, met: false });
    const unknown = evaluateTargets([run(50, 500, { peakRssBytes: 20 * GB, peakPssBytes: undefined })], MACHINE);
    expect(unknown.at(-1)).toMatchObject({ value: 20 * GB, met: false });
  });
});

describe('the printed report', () => {
  const report = formatDeployReport(MACHINE, [run(1, 70), run(12, 140, { busyLimit: 4 }), run(50, 560, { busyLimit: null })]);

  test('has a row per size with wall, memory and CPU per stack', () => {
    const row = report.split('\n').find((line) => line.startsWith('12 '));
    expect(row?.split(/\s{2,}/)).toEqual([
      '12',
      '12',
      '4',
      '140.0 s',
      '150.0 s',
      '12.00 GiB',
      '3.60 GiB',
      '84.0 s',
      '7.0 s',
      '89.0 s',
      '0.50',
    ]);
  });

  test('shows the busy limit of each run: off when stacks started as memory allowed, a dash when not recorded', () => {
    const column = (accounts: string): string | undefined =>
      report
        .split('\n')
        .find((line) => line.startsWith(`${accounts} `))
        ?.split(/\s{2,}/)[2];
    expect([column('1'), column('12'), column('50')]).toEqual(['-', '4', 'off']);
  });

  test('names the machine and the date', () => {
    expect(report.split('\n')[0]).toBe(
      'machine: 2 core(s), Test CPU, 24.00 GiB memory, node v20.20.2, terraform 1.11.4; 2026-12-01',
    );
  });

  test('says which target was missed and by how much', () => {
    expect(report).toContain('12 / 1 account(s), deploy wall time: 2.00×, target ≤ 2.5×: met');
    expect(report).toContain('50 / 1 account(s), deploy wall time: 8.00×, target ≤ 4×: MISSED (2.00× the target)');
    expect(report).toContain(
      "peak memory of the largest run: 15.00 GiB, target ≤ 60 % of the machine's memory, 14.40 GiB: MISSED",
    );
  });

  test('gives the CPU of each stack beyond the first, without the fixed cost of one cdktf deploy', () => {
    const fixed = formatDeployReport(MACHINE, [run(1, 70, { deployCpuSeconds: 12 }), run(12, 140, { deployCpuSeconds: 89 })]);
    expect(fixed).toContain('12 accounts: 7.0 CPU-s for each stack beyond the first');
  });

  test('marks a run that started on a busy machine (load above 1 per core) and warns', () => {
    const busy = formatDeployReport(MACHINE, [run(1, 70, { loadAverage: 2.5 }), run(12, 140, { loadAverage: 1.9 })]);
    expect(busy).toContain('2.50 (busy)');
    expect(busy).not.toContain('1.90 (busy)');
    expect(busy).toMatch(/^warning: the load average was above 1 per core/m);
    expect(report).not.toContain('warning');
  });
});

describe('the physical limit', () => {
  test("is CPU per stack × stacks ÷ cores plus one wait, the 1-account run's wall time less its CPU", () => {
    const one = run(1, 62, { deployCpuSeconds: 12 });
    const fifty = run(50, 395, { deployCpuSeconds: 270 });
    // 270 CPU-s ÷ 2 cores + (62 − 12) s = 185 s, 185 / 62 of one account.
    expect(physicalLimit(fifty, one, 2)).toEqual({
      cpuPerStackSeconds: 5.4,
      stacks: 50,
      cores: 2,
      waitSeconds: 50,
      waitFrom: '1-account run',
      seconds: 185,
      ratio: 185 / 62,
    });
  });

  test('without a 1-account run the wait is the median time a sampled stack was alive and idle', () => {
    const stack = (waitingSeconds: number): NonNullable<DeployRun['stacks']>[number] => ({
      stack: `state-${waitingSeconds}`,
      cpuSeconds: 5,
      aliveSeconds: 70,
      waitingSeconds,
      peakPssBytes: 0.4 * GB,
      peakAnonBytes: 0.2 * GB,
    });
    const limit = physicalLimit(run(3, 100, { deployCpuSeconds: 30, stacks: [stack(50), stack(54), stack(60)] }), undefined, 2);
    expect(limit).toEqual({
      cpuPerStackSeconds: 10,
      stacks: 3,
      cores: 2,
      waitSeconds: 54,
      waitFrom: 'stacks sampled',
      seconds: 69,
    });
  });

  test('is not given for the 1-account run itself, nor without any wait figure', () => {
    expect(physicalLimit(run(1, 62), run(1, 62), 2)).toBeUndefined();
    expect(physicalLimit(run(50, 300), undefined, 2)).toBeUndefined();
  });

  test('is printed next to the measured ratio', () => {
    const printed = formatDeployReport(MACHINE, [run(1, 62, { deployCpuSeconds: 12 }), run(50, 395, { deployCpuSeconds: 270 })]);
    expect(printed).toContain(
      '50 accounts: measured 6.37× one account, physical limit 2.98× (50 × 5.4 CPU-s ÷ 2 core(s) + 50.0 s wait (1-account run) = 185.0 s); measured 2.14× the limit',
    );
  });
});

describe('the stacks over time', () => {
  const interval = (atSeconds: number, running: number, waiting: number, started: number, pss = 1) => ({
    atSeconds,
    seconds: 1,
    running,
    waiting,
    started,
    stackPssBytes: pss * GB,
  });

  test('are a row per step: mean running and waiting, stacks started by its end, their largest PSS', () => {
    const timeline = [
      interval(1, 2, 0, 2),
      interval(2, 2, 2, 4, 2),
      interval(3, 1, 3, 4),
      interval(4, 0, 4, 4, 1.5),
      interval(5, 0, 2, 4),
      interval(6, 0, 0, 4, 0),
    ];
    expect(formatTimeline(timeline, 3).split('\n')).toEqual([
      't      running  waiting  started  stacks PSS',
      '0–3 s  1.7      1.7      4        2.00 GiB',
      '3–6 s  0.0      2.0      4        1.50 GiB',
    ]);
  });

  test('show a dash for the PSS of a row in which no sample read memory, not zero', () => {
    const light = { atSeconds: 4, seconds: 1, running: 0, waiting: 1, started: 1 };
    expect(formatTimeline([interval(1, 1, 0, 1), light], 3).split('\n')).toEqual([
      't      running  waiting  started  stacks PSS',
      '0–3 s  1.0      0.0      1        1.00 GiB',
      '3–6 s  0.0      1.0      1        -',
    ]);
  });

  test('have at most 24 rows: the step grows with the deploy', () => {
    expect(timelineStep(60)).toBe(5);
    expect(timelineStep(121)).toBe(10);
    expect(timelineStep(395)).toBe(20);
    expect(timelineStep(5000)).toBe(300);
  });

  test('are printed with the per-stack figures for a run sampled by stack', () => {
    const sampled = run(2, 20, {
      timeline: [interval(5, 2, 0, 2), interval(10, 1, 1, 2), interval(20, 0, 0, 2)],
      stacks: [
        {
          stack: 'state-prod',
          cpuSeconds: 5,
          aliveSeconds: 18,
          waitingSeconds: 10,
          peakPssBytes: 0.5 * GB,
          peakAnonBytes: 0.25 * GB,
        },
        {
          stack: 'state-acct-0001',
          cpuSeconds: 7,
          aliveSeconds: 16,
          waitingSeconds: 8,
          peakPssBytes: 0.4 * GB,
          peakAnonBytes: 0.2 * GB,
        },
      ],
    });
    const printed = formatDeployReport(MACHINE, [sampled]);
    expect(printed).toContain(
      '2 account(s), 2 stack(s) sampled: per stack peak PSS median 0.45 GiB, max 0.50 GiB (anonymous median 0.23 GiB); ' +
        'CPU median 6.0 s, alive median 17.0 s, waiting median 9.0 s; at most 2 running, 2 alive',
    );
    expect(printed).toContain('stacks over time, every 5 s (running: used CPU in a sample interval; waiting: alive, idle):');
    expect(printed).toContain('5–10 s   1.0      1.0      2        1.00 GiB');
    expect(printed).toContain(
      '2 accounts: physical limit 2 × 7.0 CPU-s ÷ 2 core(s) + 9.0 s wait (stacks sampled) = 16.0 s; measured 20.0 s',
    );
  });
});

describe('the generated configs', () => {
  test('are valid, state stacks only, one profile per account', () => {
    const config = validateConfig(deployBenchConfig(50), 'accounts-50.json');
    expect(config.accounts).toHaveLength(50);
    expect(config.pipeline).toBeUndefined();
    expect(new Set(config.accounts.map((account) => account.profile)).size).toBe(50);
  });
});
