// `npm run bench`: synth speed and memory, printed side by side in one run. A benchmark, not a test:
// it fails only when a synth fails, never on a slow figure (timings depend on the machine and its load).
// `npm run bench -- --deploy`: sandbox deploys of 1, 50 and 100 accounts instead (src/bench/deploy-run.ts).
//
// Each case runs the app the way `cdktf synth` does (a shell command with CDKTF_OUTDIR set), minus the
// CLI's own constant overhead, in a fresh temp output folder, and checks the stacks it wrote.
// Peak RSS is the largest resident set of the process tree (GNU time's %M: Linux's wait4 rusage
// covers every waited-for descendant, so `npx ts-node` counts its node child, not npx).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { evaluateTargets, formatDeployReport } from '../src/bench/deploy-report';
import type { DeployRun } from '../src/bench/deploy-report';
import { cliEntryPath } from '../src/cli/node-cli';
import {
  currentMachineDescription,
  DEFAULT_DEPLOY_SIZES,
  runDeploySize,
  stopDeployRun,
  useProviderMirror,
} from '../src/bench/deploy-run';

const PROJECT_ROOT = path.resolve(__dirname, '..');
/** The runner of the cdktf TypeScript template: type-checks the whole program on every synth. */
const TS_NODE_DEFAULT = 'npx ts-node main.ts';
const GNU_TIME = '/usr/bin/time';
const TARGET_RATIO = 1 / 8;
const TARGET_1000_SECONDS = 3;
const TARGET_1000_MB = 300;

const USAGE = `usage: npm run bench [-- --runs N] [--scale-runs N] [--sizes 10,100,1000] [--no-cli]
       npm run bench -- --deploy [--sizes 1,50,100] [--json]

Prints the median wall time and peak RSS of
  (a) synth of accounts.example.json with the app command of cdktf.json,
  (b) the same with the cdktf template default "${TS_NODE_DEFAULT}", and (a)/(b);
then synth of generated configs of each size with (a), and one \`cdktf synth\` for reference.
  --runs N        runs of (a) and (b) (default 5)
  --scale-runs N  runs of each generated size (default 3)
  --sizes LIST    account counts to generate (default 10,100,1000)
  --no-cli        skip the \`cdktf synth\` figure
With --deploy: the sandbox deploy of the state stacks ("pipeline": false) of generated configs of each
size (default 1,50,100), each on a fresh moto, with the default parallelism: wall time, peak memory and
CPU seconds of the whole process tree, the wall-time ratios against the targets and the physical limit
(CPU per stack x stacks / cores + one wait), each stack's memory and CPU, and how many stacks were running
and waiting over time. --json prints the figures as JSON instead of the table. Takes 20-30 minutes.
Run it on a quiet machine: other processes' load skews every figure (the load average is printed).`;

interface Measurement {
  readonly seconds: number;
  /** Peak RSS of the process tree in MB (10^6 bytes); undefined without GNU time. */
  readonly rssMB?: number;
}

interface Summary {
  readonly seconds: number;
  readonly rssMB?: number;
  readonly runs: number;
}

function main(): void {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '5' },
      'scale-runs': { type: 'string', default: '3' },
      sizes: { type: 'string' },
      'no-cli': { type: 'boolean', default: false },
      deploy: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const sizes = (values.sizes ?? (values.deploy ? DEFAULT_DEPLOY_SIZES.join(',') : '10,100,1000'))
    .split(',')
    .map((size) => positiveInt('--sizes', size.trim()));
  if (values.deploy) {
    void deployBench(sizes, values.json).then(
      (code) => process.exit(code),
      (error: unknown) => fail(error),
    );
    return;
  }
  if (values.json) throw new Error('--json goes with --deploy');
  const runs = positiveInt('--runs', values.runs);
  const scaleRuns = positiveInt('--scale-runs', values['scale-runs']);

  const app = appCommand();
  const hasGnuTime = gnuTimeWorks();
  const work = mkdtempSync(path.join(os.tmpdir(), 'bootstrap-bench-'));
  const cleanup = (): void => {
    rmSync(work, { recursive: true, force: true });
  };
  process.once('SIGINT', () => {
    cleanup();
    process.exit(130);
  });
  try {
    const loadBefore = os.loadavg()[0] ?? 0;
    printMachine(loadBefore);
    if (!hasGnuTime) console.log(`(no GNU time at ${GNU_TIME}: peak RSS not measured)`);
    console.log(`(a) app:     ${app}\n(b) default: ${TS_NODE_DEFAULT}\n`);

    const example = path.join(PROJECT_ROOT, 'accounts.example.json');
    const exampleAccounts = accountCount(example);
    // Interleaved, so that a change in the machine's load affects both runners alike.
    const a: Measurement[] = [];
    const b: Measurement[] = [];
    for (let run = 0; run < runs; run++) {
      a.push(synthOnce(app, example, exampleAccounts, work, hasGnuTime));
      b.push(synthOnce(TS_NODE_DEFAULT, example, exampleAccounts, work, hasGnuTime));
    }
    const sa = summarize(a);
    const sb = summarize(b);
    const ratio = sa.seconds / sb.seconds;
    const rows: string[][] = [
      ['case', 'runner', 'runs', 'median wall', 'peak RSS', 'note'],
      [`example (${exampleAccounts} accounts)`, '(a) app', String(sa.runs), secs(sa.seconds), mib(sa.rssMB), ''],
      [`example (${exampleAccounts} accounts)`, '(b) ts-node', String(sb.runs), secs(sb.seconds), mib(sb.rssMB), ''],
      [
        '(a) / (b)',
        '',
        '',
        `${ratio.toFixed(3)} (1/${(1 / ratio).toFixed(1)})`,
        sa.rssMB !== undefined && sb.rssMB !== undefined ? (sa.rssMB / sb.rssMB).toFixed(2) : '-',
        verdict(ratio <= TARGET_RATIO, 'target ≤ 1/8'),
      ],
    ];

    let previous: { accounts: number; summary: Summary } | undefined;
    let largest: { accounts: number; summary: Summary } | undefined;
    for (const accounts of sizes) {
      const file = path.join(work, `accounts-${accounts}.json`);
      writeFileSync(file, JSON.stringify(generatedConfig(accounts), null, 2));
      const measured: Measurement[] = [];
      for (let run = 0; run < scaleRuns; run++) measured.push(synthOnce(app, file, accounts, work, hasGnuTime));
      const summary = summarize(measured);
      const growth =
        previous === undefined
          ? ''
          : `+${(((summary.seconds - previous.summary.seconds) * 1000) / (accounts - previous.accounts)).toFixed(1)} ms/account`;
      rows.push([
        `generated (${accounts} accounts)`,
        '(a) app',
        String(summary.runs),
        secs(summary.seconds),
        mib(summary.rssMB),
        growth,
      ]);
      previous = { accounts, summary };
      if (accounts === 1000) largest = { accounts, summary };
    }
    if (largest !== undefined) {
      const { seconds, rssMB } = largest.summary;
      rows.push([
        'target, 1000 accounts',
        '',
        '',
        verdict(seconds <= TARGET_1000_SECONDS, `≤ ${TARGET_1000_SECONDS} s`),
        rssMB === undefined ? '-' : verdict(rssMB <= TARGET_1000_MB, `≤ ${TARGET_1000_MB} MB`),
        '',
      ]);
    }
    if (!values['no-cli']) {
      const cli = cdktfSynthOnce(example, exampleAccounts, work, hasGnuTime);
      rows.push([
        `example (${exampleAccounts} accounts)`,
        'cdktf synth (CLI)',
        '1',
        secs(cli.seconds),
        mib(cli.rssMB),
        'CLI included',
      ]);
    }
    console.log(formatTable(rows));
    const loadAfter = os.loadavg()[0] ?? 0;
    console.log(`\nload average (1 min): ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after`);
    // The benchmark keeps about one core busy itself, which the load average after it includes.
    if (loadBefore > os.cpus().length / 2 || loadAfter > os.cpus().length / 2 + 1) {
      console.log('warning: the machine was busy; figures are inflated. Re-run when it is quiet.');
    }
  } finally {
    cleanup();
  }
}

/** One synth of `accountsFile` with the app command `command`, checked, in a fresh output folder. */
function synthOnce(command: string, accountsFile: string, accounts: number, work: string, hasGnuTime: boolean): Measurement {
  const run = mkdtempSync(path.join(work, 'run-'));
  try {
    const outdir = path.join(run, 'cdktf.out');
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      CDKTF_OUTDIR: outdir,
      BOOTSTRAP_ACCOUNTS_FILE: accountsFile,
      BOOTSTRAP_STATE_DIR: path.join(run, 'terraform-state'),
      // As `cdktf synth` runs the app.
      NODE_OPTIONS: process.env.NODE_OPTIONS ?? '--max-old-space-size=4096',
    };
    delete env.AWS_ENDPOINT_URL;
    const measurement = timed(['sh', '-c', command], env, run, hasGnuTime);
    checkStacks(outdir, accounts, command);
    return measurement;
  } finally {
    rmSync(run, { recursive: true, force: true });
  }
}

/** One full `cdktf synth` (CLI start-up, then the app), for reference. */
function cdktfSynthOnce(accountsFile: string, accounts: number, work: string, hasGnuTime: boolean): Measurement {
  const run = mkdtempSync(path.join(work, 'cli-'));
  try {
    const outdir = path.join(run, 'cdktf.out');
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      BOOTSTRAP_ACCOUNTS_FILE: accountsFile,
      BOOTSTRAP_STATE_DIR: path.join(run, 'terraform-state'),
      CHECKPOINT_DISABLE: '1',
    };
    delete env.AWS_ENDPOINT_URL;
    // The CLI this Node runs (cdktn-cli on Node >= 22.19), as the project's commands run it.
    const measurement = timed([process.execPath, cliEntryPath(), 'synth', '--output', outdir], env, run, hasGnuTime);
    checkStacks(outdir, accounts, 'cdktf synth');
    return measurement;
  } finally {
    rmSync(run, { recursive: true, force: true });
  }
}

function timed(argv: readonly string[], env: NodeJS.ProcessEnv, scratch: string, hasGnuTime: boolean): Measurement {
  const rssFile = path.join(scratch, 'peak-rss');
  const full = hasGnuTime ? [GNU_TIME, '-f', '%M', '-o', rssFile, ...argv] : [...argv];
  const [file, ...args] = full as [string, ...string[]];
  const start = process.hrtime.bigint();
  const result = spawnSync(file, args, { cwd: PROJECT_ROOT, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (result.error !== undefined || result.status !== 0) {
    const output = `${result.stderr}${result.stdout}`.trim().split('\n').slice(-15).join('\n');
    throw new Error(`"${argv.join(' ')}" failed (${result.error?.message ?? `exit ${String(result.status)}`}):\n${output}`);
  }
  if (!hasGnuTime) return { seconds };
  const kib = Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop());
  return { seconds, rssMB: (kib * 1024) / 1e6 };
}

/** A synth that exits 0 but writes fewer stacks than accounts must not count as fast. */
function checkStacks(outdir: string, accounts: number, command: string): void {
  const manifest = path.join(outdir, 'manifest.json');
  if (!existsSync(manifest)) throw new Error(`"${command}" wrote no ${manifest}`);
  const stacks = Object.keys((JSON.parse(readFileSync(manifest, 'utf8')) as { stacks?: object }).stacks ?? {});
  const stateStacks = stacks.filter((id) => id.startsWith('state-')).length;
  if (stateStacks !== accounts) throw new Error(`"${command}" wrote ${stateStacks} state stacks for ${accounts} accounts`);
}

/** `accounts` accounts, one of them the production account `prod`, with every other setting at its default. */
function generatedConfig(accounts: number): object {
  const entries: Record<string, string> = { prod: 'bench-prod' };
  for (let i = 1; i < accounts; i++) {
    const name = `acct-${String(i).padStart(4, '0')}`;
    entries[name] = `bench-${name}`;
  }
  return { platform: 'bench', accounts: entries };
}

function accountCount(file: string): number {
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as { accounts?: object };
  return Object.keys(parsed.accounts ?? {}).length;
}

function appCommand(): string {
  const config = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'cdktf.json'), 'utf8')) as { app?: unknown };
  if (typeof config.app !== 'string') throw new Error('cdktf.json: "app" is not a string');
  return config.app;
}

function gnuTimeWorks(): boolean {
  if (!existsSync(GNU_TIME)) return false;
  const probe = mkdtempSync(path.join(os.tmpdir(), 'bootstrap-bench-probe-'));
  try {
    const out = path.join(probe, 'rss');
    const result = spawnSync(GNU_TIME, ['-f', '%M', '-o', out, 'true'], { encoding: 'utf8' });
    return result.status === 0 && /^\d+$/.test(readFileSync(out, 'utf8').trim());
  } catch {
    return false;
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
}

function summarize(measurements: readonly Measurement[]): Summary {
  const rss = measurements.map((m) => m.rssMB).filter((value): value is number => value !== undefined);
  return {
    seconds: median(measurements.map((m) => m.seconds)),
    ...(rss.length === measurements.length ? { rssMB: median(rss) } : {}),
    runs: measurements.length,
  };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? NaN) : ((sorted[middle - 1] ?? NaN) + (sorted[middle] ?? NaN)) / 2;
}

function printMachine(load: number): void {
  const cpus = os.cpus();
  console.log(
    `machine: ${cpus.length} CPU(s), ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ` +
      `node ${process.version}, ${os.platform()}; load average (1 min) ${load.toFixed(2)}`,
  );
}

function formatTable(rows: readonly (readonly string[])[]): string {
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

function secs(seconds: number): string {
  return `${seconds.toFixed(2)} s`;
}

function mib(value: number | undefined): string {
  return value === undefined ? '-' : `${value.toFixed(0)} MB`;
}

function verdict(met: boolean, target: string): string {
  return `${target}: ${met ? 'met' : 'MISSED'}`;
}

function positiveInt(flag: string, value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new Error(`${flag}: "${value}" is not a positive whole number`);
  return parsed;
}

/** The deploy benchmark: each size in turn, then the table (or JSON) and the verdicts. */
async function deployBench(sizes: readonly number[], json: boolean): Promise<number> {
  const machine = currentMachineDescription();
  const mirror = useProviderMirror();
  const work = mkdtempSync(path.join(os.tmpdir(), 'bootstrap-bench-deploy-'));
  process.once('SIGINT', () => {
    void stopDeployRun().finally(() => {
      rmSync(work, { recursive: true, force: true });
      process.exit(130);
    });
  });
  const log = (line: string): void => {
    // With --json, stdout carries the JSON alone.
    (json ? process.stderr : process.stdout).write(`${line}\n`);
  };
  log(`provider: ${mirror !== undefined ? `offline mirror ${mirror}` : 'registry.terraform.io (no mirror found)'}`);
  const runs: DeployRun[] = [];
  try {
    for (const accounts of sizes) {
      log(`==> ${accounts} account(s): fresh moto, synth, deploy 'state-*'`);
      const run = await runDeploySize(accounts, work, log);
      log(
        `    ${run.parallelism} at a time: deploy ${run.deploySeconds.toFixed(1)} s, ${run.deployCpuSeconds.toFixed(1)} CPU-s, ` +
          `peak ${((run.peakPssBytes ?? run.peakRssBytes) / 2 ** 30).toFixed(2)} GiB`,
      );
      runs.push(run);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  if (json) console.log(JSON.stringify({ machine, runs, targets: evaluateTargets(runs, machine) }, null, 2));
  else console.log(`\n${formatDeployReport(machine, runs)}`);
  return 0;
}

function fail(error: unknown): never {
  // Bad flags and failed synths: the message says what failed; a stack trace would only hide it.
  process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}

try {
  main();
} catch (error) {
  fail(error);
}
