// The figures of `npm run bench -- --deploy` and how they are judged: pure, so they can be unit-tested.
import type { StackFigures, StackInterval } from './process-tree';

/** One sandbox deploy of the state stacks of `accounts` accounts, on a fresh moto. */
export interface DeployRun {
  readonly accounts: number;
  /** Stacks deployed at once (`chooseParallelism`) and why. */
  readonly parallelism: number;
  readonly parallelismReason: string;
  /**
   * Stacks using CPU at once before no further one starts (`chooseBusyLimit`); `null`: none (stacks started as
   * memory allowed); absent in runs measured before the engine had it.
   */
  readonly busyLimit?: number | null;
  /** 1-minute load average when the run started. */
  readonly loadAverage: number;
  /** The sandbox's deploy of `state-*` (the deploy engine), from start to end: the figure the targets are about. */
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
  /** How often the process tree was sampled. */
  readonly sampleSeconds?: number;
  /** Stacks running (using CPU) and waiting (alive, idle) between samples, from the deploy's start. */
  readonly timeline?: readonly StackInterval[];
  /** Each stack's CPU, alive and waiting time and peak PSS (terraform, provider and check together). */
  readonly stacks?: readonly StackFigures[];
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

/** The targets for a 2-core machine: wall time of N accounts at most this many times that of 1 (issues 19 and 25). */
export const DEPLOY_TARGETS: readonly { readonly accounts: number; readonly maxRatio: number }[] = [
  { accounts: 12, maxRatio: 2.5 },
  { accounts: 50, maxRatio: 4 },
  { accounts: 100, maxRatio: 6 },
];

/** Peak memory of a run (PSS) at most this share of the machine's memory. */
export const MEMORY_TARGET_SHARE = 0.6;

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
 * (deploy wall time N / 1 ≤ the ratio), and the peak memory of every run within 60 % of the machine's memory
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
    const limit = MEMORY_TARGET_SHARE * machine.totalMemoryBytes;
    verdicts.push({ label: 'peak memory of the largest run', value: peak, limit, met: peak <= limit });
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
      'busy limit',
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
      run.busyLimit === undefined ? '-' : run.busyLimit === null ? 'off' : String(run.busyLimit),
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
    const limit = memory
      ? `${Math.round(MEMORY_TARGET_SHARE * 100)} % of the machine's memory, ${gigabytes(verdict.limit)}`
      : `${verdict.limit}×`;
    const miss = memory ? '' : ` (${(verdict.value / verdict.limit).toFixed(2)}× the target)`;
    lines.push(`${verdict.label}: ${value}, target ≤ ${limit}: ${verdict.met ? 'met' : `MISSED${miss}`}`);
  }
  const single = runs.find((run) => run.accounts === 1);
  for (const run of runs) {
    const bound = physicalLimit(run, single, machine.cores);
    if (bound !== undefined) lines.push(formatPhysicalLimit(run, bound));
  }
  const one = runs.find((run) => run.accounts === 1);
  for (const run of runs) {
    if (one === undefined || run.accounts === 1) continue;
    const marginal = (run.deployCpuSeconds - one.deployCpuSeconds) / (run.accounts - 1);
    lines.push(`${run.accounts} accounts: ${marginal.toFixed(1)} CPU-s for each stack beyond the first`);
  }
  // The rule is the same for every run; only the free memory it reads differs a little.
  if (runs[0] !== undefined) lines.push(`parallelism (first run) ${runs[0].parallelismReason}`);
  for (const run of runs) lines.push(...formatStacks(run));
  if (runs.some((run) => isBusy(run, machine))) {
    lines.push(
      `warning: the load average was above ${BUSY_LOAD_PER_CORE} per core when a run started (busy): wall times are inflated; CPU seconds less so`,
    );
  }
  return lines.join('\n');
}

/**
 * The shortest deploy the machine allows: every stack's CPU on every core, then one stack's wait, which
 * no amount of parallelism shortens: CPU per stack × stacks ÷ cores + one wait.
 */
export interface PhysicalLimit {
  /** The run's deploy CPU per stack (its orchestration included: the machine spends it too). */
  readonly cpuPerStackSeconds: number;
  readonly stacks: number;
  readonly cores: number;
  readonly waitSeconds: number;
  /** Where the wait comes from. */
  readonly waitFrom: '1-account run' | 'stacks sampled';
  readonly seconds: number;
  /** `seconds` ÷ the 1-account run's deploy wall time, when there is one. */
  readonly ratio?: number;
}

/**
 * {@link PhysicalLimit} of a run. The wait is the 1-account run's deploy wall time less its CPU; without a
 * 1-account run, the median over the run's stacks of the time each was alive and idle. Undefined for
 * the 1-account run itself, and without either figure.
 */
export function physicalLimit(run: DeployRun, one: DeployRun | undefined, cores: number): PhysicalLimit | undefined {
  if (run.accounts <= 1) return undefined;
  let waitSeconds: number | undefined;
  let waitFrom: PhysicalLimit['waitFrom'] = '1-account run';
  if (one !== undefined) {
    waitSeconds = Math.max(0, one.deploySeconds - one.deployCpuSeconds);
  } else if (run.stacks !== undefined && run.stacks.length > 0) {
    waitSeconds = median(run.stacks.map((stack) => stack.waitingSeconds));
    waitFrom = 'stacks sampled';
  }
  if (waitSeconds === undefined) return undefined;
  const usable = Math.max(1, cores);
  const cpuPerStackSeconds = run.deployCpuSeconds / run.accounts;
  const seconds = (cpuPerStackSeconds * run.accounts) / usable + waitSeconds;
  return {
    cpuPerStackSeconds,
    stacks: run.accounts,
    cores: usable,
    waitSeconds,
    waitFrom,
    seconds,
    ...(one !== undefined && one.deploySeconds > 0 ? { ratio: seconds / one.deploySeconds } : {}),
  };
}

function formatPhysicalLimit(run: DeployRun, bound: PhysicalLimit): string {
  const formula =
    `${bound.stacks} × ${bound.cpuPerStackSeconds.toFixed(1)} CPU-s ÷ ${bound.cores} core(s) + ` +
    `${bound.waitSeconds.toFixed(1)} s wait (${bound.waitFrom}) = ${seconds(bound.seconds)}`;
  if (bound.ratio === undefined)
    return `${run.accounts} accounts: physical limit ${formula}; measured ${seconds(run.deploySeconds)}`;
  const measured = run.deploySeconds / (bound.seconds / bound.ratio);
  return (
    `${run.accounts} accounts: measured ${measured.toFixed(2)}× one account, physical limit ${bound.ratio.toFixed(2)}× ` +
    `(${formula}); measured ${(run.deploySeconds / bound.seconds).toFixed(2)}× the limit`
  );
}

/** Timeline rows this long at most: the interval grows with the deploy's length. */
const TIMELINE_ROWS = 24;
const TIMELINE_STEPS = [5, 10, 15, 20, 30, 60, 120, 300] as const;

/** Seconds a timeline row covers for a deploy of `seconds`. */
export function timelineStep(seconds: number): number {
  return TIMELINE_STEPS.find((step) => Math.ceil(seconds / step) <= TIMELINE_ROWS) ?? 300;
}

/**
 * The stacks over time, one row per `step` seconds of the deploy: how many were running (using CPU) and
 * how many waiting (alive, idle), on average over the row's samples; how many had started by its end;
 * the largest PSS of the stacks' processes in it.
 */
export function formatTimeline(timeline: readonly StackInterval[], step: number): string {
  const rows: string[][] = [['t', 'running', 'waiting', 'started', 'stacks PSS']];
  const end = Math.max(0, ...timeline.map((interval) => interval.atSeconds));
  for (let from = 0; from < end; from += step) {
    const inside = timeline.filter((interval) => interval.atSeconds > from && interval.atSeconds <= from + step);
    if (inside.length === 0) continue;
    const weight = inside.reduce((sum, interval) => sum + interval.seconds, 0);
    const mean = (pick: (interval: StackInterval) => number): string =>
      (inside.reduce((sum, interval) => sum + pick(interval) * interval.seconds, 0) / weight).toFixed(1);
    rows.push([
      `${from}–${from + step} s`,
      mean((interval) => interval.running),
      mean((interval) => interval.waiting),
      String(Math.max(...inside.map((interval) => interval.started))),
      // '-' where no sample in the row read memory (every fifth does).
      inside.some((interval) => interval.stackPssBytes !== undefined)
        ? gigabytes(Math.max(...inside.map((interval) => interval.stackPssBytes ?? 0)))
        : '-',
    ]);
  }
  return formatTable(rows);
}

/** Per-stack figures and the timeline of a run, when it was sampled by stack. */
function formatStacks(run: DeployRun): string[] {
  if (run.stacks === undefined || run.stacks.length === 0 || run.timeline === undefined) return [];
  const pss = run.stacks.map((stack) => stack.peakPssBytes);
  const anon = run.stacks.map((stack) => stack.peakAnonBytes);
  const peakRunning = Math.max(0, ...run.timeline.map((interval) => interval.running));
  const peakAlive = Math.max(0, ...run.timeline.map((interval) => interval.running + interval.waiting));
  const step = timelineStep(run.deploySeconds);
  return [
    '',
    `${run.accounts} account(s), ${run.stacks.length} stack(s) sampled: per stack peak PSS median ${gigabytes(median(pss))}, ` +
      `max ${gigabytes(Math.max(...pss))} (anonymous median ${gigabytes(median(anon))}); CPU median ` +
      `${seconds(median(run.stacks.map((stack) => stack.cpuSeconds)))}, alive median ` +
      `${seconds(median(run.stacks.map((stack) => stack.aliveSeconds)))}, waiting median ` +
      `${seconds(median(run.stacks.map((stack) => stack.waitingSeconds)))}; at most ${peakRunning} running, ${peakAlive} alive`,
    `stacks over time, every ${step} s (running: used CPU in a sample interval; waiting: alive, idle):`,
    formatTimeline(run.timeline, step),
  ];
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? NaN) : ((sorted[middle - 1] ?? NaN) + (sorted[middle] ?? NaN)) / 2;
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
