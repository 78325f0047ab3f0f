import { type DeployRun, evaluateTargets, formatDeployReport, type Machine } from '../../src/bench/deploy-report';
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
  test('12 and 50 accounts are judged by their deploy wall time against that of 1 account', () => {
    const verdicts = evaluateTargets([run(1, 70), run(12, 140), run(50, 500)], MACHINE);
    expect(verdicts.slice(0, 2)).toEqual([
      { label: '12 / 1 account(s), deploy wall time', value: 2, limit: 2.5, met: true },
      { label: '50 / 1 account(s), deploy wall time', value: 500 / 70, limit: 7, met: false },
    ]);
  });

  test('a ratio exactly at the target meets it', () => {
    expect(evaluateTargets([run(1, 100), run(12, 250)], MACHINE)[0]?.met).toBe(true);
  });

  test('without a 1-account run no ratio is judged, only memory', () => {
    expect(evaluateTargets([run(12, 140)], MACHINE).map((verdict) => verdict.label)).toEqual(['peak memory of the largest run']);
  });

  test('peak memory is the proportional set when known, else the resident set, against the machine', () => {
    const known = evaluateTargets([run(50, 500, { peakRssBytes: 30 * GB, peakPssBytes: 9 * GB })], MACHINE);
    expect(known.at(-1)).toMatchObject({ value: 9 * GB, met: true });
    const unknown = evaluateTargets([run(50, 500, { peakRssBytes: 30 * GB, peakPssBytes: undefined })], MACHINE);
    expect(unknown.at(-1)).toMatchObject({ value: 30 * GB, met: false });
  });
});

describe('the printed report', () => {
  const report = formatDeployReport(MACHINE, [run(1, 70), run(12, 140), run(50, 560)]);

  test('has a row per size with wall, memory and CPU per stack', () => {
    const row = report.split('\n').find((line) => line.startsWith('12 '));
    expect(row?.split(/\s{2,}/)).toEqual([
      '12',
      '12',
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

  test('names the machine and the date', () => {
    expect(report.split('\n')[0]).toBe(
      'machine: 2 core(s), Test CPU, 24.00 GiB memory, node v20.20.2, terraform 1.11.4; 2026-12-01',
    );
  });

  test('says which target was missed and by how much', () => {
    expect(report).toContain('12 / 1 account(s), deploy wall time: 2.00×, target ≤ 2.5×: met');
    expect(report).toContain('50 / 1 account(s), deploy wall time: 8.00×, target ≤ 7×: MISSED (1.14× the target)');
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

describe('the generated configs', () => {
  test('are valid, state stacks only, one profile per account', () => {
    const config = validateConfig(deployBenchConfig(50), 'accounts-50.json');
    expect(config.accounts).toHaveLength(50);
    expect(config.pipeline).toBeUndefined();
    expect(new Set(config.accounts.map((account) => account.profile)).size).toBe(50);
  });
});
