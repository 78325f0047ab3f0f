// The figures of `npm run bench -- --deploy` and how they are judged: pure, so they can be unit-tested.

/** One sandbox deploy of the state stacks of `accounts` accounts, on a fresh moto. */
export interface DeployRun {
  readonly accounts: number;
  /** Stacks deployed at once (`chooseParallelism`) and why. */
  readonly parallelism: number;
  readonly parallelismReason: string;
  /** 1-minute load average when the run started. */
  readonly loadAverage: number;
  /** `cdktf deploy 'state-*'`, from start to exit: the figure the targets are about. */
  readonly deploySeconds: number;
  /** moto start, synth, deploy and moto stop. */
  readonly totalSeconds: number;
  /** Largest sum of the resident sets of the benchmark's process tree (moto, cdktf, terraform, providers). */
  readonly peakRssBytes: number;
  /** Largest sum of their proportional set sizes (shared pages counted once); undefined when unknown. */
  readonly peakPssBytes?: number;
  /** CPU seconds (user + system) of the deploy's process tree: cdktf, terraform, providers, checks. */
  readonly deployCpuSeconds: number;
  /** CPU seconds of everything the run started: moto and synth as well. */
  readonly totalCpuSeconds: number;
}

/** The machine the runs were measured on. */
export interface Machine {
  readonly cores: number;
  readonly cpuModel: string;
  readonly totalMemoryBytes: number;
  readonly node: string;
  readonly terraform: string;
  readonly date: string;
}

/** The issue's targets for this 2-core machine: wall time of N accounts at most this many times that of 1. */
export const DEPLOY_TARGETS: readonly { readonly accounts: number; readonly maxRatio: number }[] = [
  { accounts: 12, maxRatio: 2.5 },
  { accounts: 50, maxRatio: 7 },
];

/** Above this 1-minute load average per core at the start of a run, its figures are marked as taken on a busy machine. */
export const BUSY_LOAD_PER_CORE = 1;

export interface TargetVerdict {
  readonly label: string;
  /** The measured value: a ratio, or bytes for memory. */
  readonly value: number;
  readonly limit: number;
  readonly met: boolean;
}

/**
 * The targets that the runs allow judging: each `DEPLOY_TARGETS` size measured along with 1 account
 * (deploy wall time N / 1 ≤ the ratio), and the peak memory of every run within the machine's memory
 * (PSS where known, else RSS, which overstates).
 */
export function evaluateTargets(runs: readonly DeployRun[], machine: Pick<Machine, 'totalMemoryBytes'>): TargetVerdict[] {
  const verdicts: TargetVerdict[] = [];
  const one = runs.find((run) => run.accounts === 1);
  if (one !== undefined) {
    for (const target of DEPLOY_TARGETS) {
      const run = runs.find((candidate) => candidate.accounts === target.accounts);
      if (run === undefined) continue;
      const ratio = run.deploySeconds / one.deploySeconds;
      verdicts.push({
        label: `${target.accounts} / 1 account(s), deploy wall time`,
        value: ratio,
        limit: target.maxRatio,
        met: ratio <= target.maxRatio,
      });
    }
  }
  if (runs.length > 0) {
    const peak = Math.max(...runs.map(peakMemory));
    verdicts.push({
      label: 'peak memory of the largest run',
      value: peak,
      limit: machine.totalMemoryBytes,
      met: peak <= machine.totalMemoryBytes,
    });
  }
  return verdicts;
}

/** PSS when known (what the machine spends), else RSS. */
export function peakMemory(run: DeployRun): number {
  return run.peakPssBytes ?? run.peakRssBytes;
}

/** The table, the verdicts and the machine, as printed. */
export function formatDeployReport(machine: Machine, runs: readonly DeployRun[]): string {
  const rows: string[][] = [
    [
      'accounts',
      'parallelism',
      'deploy wall',
      'total wall',
      'peak RSS',
      'peak PSS',
      'deploy CPU',
      'CPU/stack',
      'all CPU',
      'load',
    ],
    ...runs.map((run) => [
      String(run.accounts),
      String(run.parallelism),
      seconds(run.deploySeconds),
      seconds(run.totalSeconds),
      gigabytes(run.peakRssBytes),
      run.peakPssBytes === undefined ? '-' : gigabytes(run.peakPssBytes),
      seconds(run.deployCpuSeconds),
      seconds(run.deployCpuSeconds / run.accounts),
      seconds(run.totalCpuSeconds),
      `${run.loadAverage.toFixed(2)}${isBusy(run, machine) ? ' (busy)' : ''}`,
    ]),
  ];
  const lines = [
    `machine: ${machine.cores} core(s), ${machine.cpuModel}, ${gigabytes(machine.totalMemoryBytes)} memory, ` +
      `node ${machine.node}, terraform ${machine.terraform}; ${machine.date}`,
    '',
    formatTable(rows),
    '',
  ];
  for (const verdict of evaluateTargets(runs, machine)) {
    const memory = verdict.label.startsWith('peak memory');
    const value = memory ? gigabytes(verdict.value) : `${verdict.value.toFixed(2)}×`;
    const limit = memory ? `the machine's ${gigabytes(verdict.limit)}` : `${verdict.limit}×`;
    const miss = memory ? '' : ` (${(verdict.value / verdict.limit).toFixed(2)}× the target)`;
    lines.push(`${verdict.label}: ${value}, target ≤ ${limit}: ${verdict.met ? 'met' : `MISSED${miss}`}`);
  }
  const one = runs.find((run) => run.accounts === 1);
  for (const run of runs) {
    if (one === undefined || run.accounts === 1) continue;
    const marginal = (run.deployCpuSeconds - one.deployCpuSeconds) / (run.accounts - 1);
    lines.push(`${run.accounts} accounts: ${marginal.toFixed(1)} CPU-s for each stack beyond the first`);
  }
  // The rule is the same for every run; only the free memory it reads differs a little.
  if (runs[0] !== undefined) lines.push(`parallelism (first run) ${runs[0].parallelismReason}`);
  if (runs.some((run) => isBusy(run, machine))) {
    lines.push(
      `warning: the load average was above ${BUSY_LOAD_PER_CORE} per core when a run started (busy): wall times are inflated; CPU seconds less so`,
    );
  }
  return lines.join('\n');
}

export function isBusy(run: Pick<DeployRun, 'loadAverage'>, machine: Pick<Machine, 'cores'>): boolean {
  return run.loadAverage > BUSY_LOAD_PER_CORE * Math.max(1, machine.cores);
}

/** Columns padded to their widest cell, two spaces apart. */
export function formatTable(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  return rows
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

function seconds(value: number): string {
  return `${value.toFixed(1)} s`;
}

function gigabytes(bytes: number): string {
  return `${(bytes / 2 ** 30).toFixed(2)} GiB`;
}
