import { execFileSync, spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { type AccountConfig, type BootstrapConfig, ConfigError, loadConfig, readSettings, type Settings } from '../config';
import { matchesStackPattern } from '../cli/cdktf-command';
import { cdktfCliPath, PROJECT_ROOT } from '../terraform/cdktf-cli';
import { stateResourceCount } from '../terraform/state-file';
import { deployCommand, shellQuote } from './command';
import { type ChildLister, DeployInterrupter } from './interrupt';
import { acquireDeployLock, currentHolder, type ProcessProbe } from './lock';
import {
  credentialHints,
  DeployOutputScanner,
  interruptedMessage,
  StateLockScanner,
  stateLockHints,
  type StoppedStack,
} from './output';
import {
  CdktfOutputParser,
  type CliOutputLayout,
  cliOutputLayout,
  DeployProgress,
  deployedStacks,
  type StackEvent,
  stackPatterns,
  synthesizedResourceCount,
  synthOutdir,
} from './progress';
import {
  type FirstDeployPlan,
  planFirstDeploys,
  removeMarker,
  RESUME_BUCKETS_ENV,
  stateRecordsBuckets,
  writeMarker,
} from './resume';
import { checkStateFiles } from './state-check';
import type { MachineResources } from '../process/parallelism';

export { deployAdvice, DEPLOY_USAGE, deployCommand, shellQuote } from './command';

/** Exit code after an interrupt, as for a shell command ended by Ctrl-C. */
export const INTERRUPTED_EXIT_CODE = 130;

export interface DeployOptions {
  /** The user's arguments: stacks and cdktf deploy options. */
  readonly args: readonly string[];
  /** Environment to deploy with (accounts file, state folder, AWS files, mirror settings). */
  readonly env: NodeJS.ProcessEnv;
  /** Where cdktf's output and the wrapper's lines go. */
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  /**
   * Registers the handler of SIGINT/SIGTERM and returns its removal (scripts/deploy.ts passes
   * process signals). @default interrupts are not handled
   */
  readonly onInterrupt?: (handler: (signal: NodeJS.Signals) => void) => () => void;
  /** The cdktf CLI as a command and its first arguments. @default the CLI `cliForNode` picks, run by this Node */
  readonly cli?: readonly [string, ...string[]];
  /** How that CLI lays out a stack's output. @default the layout of the CLI `cliForNode` picks */
  readonly cliLayout?: CliOutputLayout;
  /** Folder with cdktf.json. @default the project root */
  readonly cwd?: string;
  /** @default findProviderMirror (see `providerSource`) */
  readonly findMirror?: (env: NodeJS.ProcessEnv) => string | undefined;
  /** @default childPids, from /proc or ps */
  readonly listChildren?: ChildLister;
  /** What the default parallelism is derived from. @default currentMachine() */
  readonly machine?: MachineResources;
  /** Where cdktf's full output is written. @default a new file in the temp folder */
  readonly logFile?: string;
  /** How often the progress count is printed while no stack finishes. @default 30 s */
  readonly progressIntervalMs?: number;
  /** An S3 client of an account, to look at the buckets of an interrupted first deploy. @default accountS3Client */
  readonly s3For?: (account: AccountConfig) => Pick<S3Client, 'send' | 'destroy'>;
  /** Liveness of the process named in a deploy lock. @default systemProcesses */
  readonly processes?: ProcessProbe;
}

/** The deploy lock in the state folder; the synth output folder has its own, `<outdir>.deploy.lock`. */
export const DEPLOY_LOCK_FILE = 'deploy.lock';

/** The lock files a deploy takes: the state folder's (its state) and the synth output's (its synth). */
export function deployLockFiles(stateDir: string, outdir: string): string[] {
  return [path.join(stateDir, DEPLOY_LOCK_FILE), `${outdir}.${DEPLOY_LOCK_FILE}`];
}

/** The wrapper's own option: show cdktf's full output, not only the progress view. */
export const VERBOSE_FLAG = '--verbose';

/**
 * `npm run deploy`: prints and runs `cdktf deploy` (see {@link deployCommand}). cdktf's output goes to
 * a log file (and to the terminal with `--verbose`, or once interrupted, so Terraform's stopping shows);
 * the terminal gets a progress view instead: one line per finished stack, the count of stacks done /
 * running / waiting / failed, Terraform's error boxes and cdktf's own lines. Then it adds what the
 * output alone does not say: which stacks are done and which not, and the command to finish; after
 * Ctrl-C, what the state holds; after a credential error, which profile and `npm run doctor -- --live`.
 * Resolves with the exit code: cdktf's, or {@link INTERRUPTED_EXIT_CODE} after an interrupt.
 * @throws ConfigError for bad input, before anything runs.
 */
export async function runDeploy(options: DeployOptions): Promise<number> {
  const verbose = options.args.includes(VERBOSE_FLAG);
  const cdktfArgs = options.args.filter((arg) => arg !== VERBOSE_FLAG);
  const cwd = options.cwd ?? PROJECT_ROOT;
  const rerun = `npm run deploy -- ${options.args.map(shellQuote).join(' ')}`.trimEnd();
  const settings = readSettings(options.env, cwd);
  const outdir = synthOutdir(cdktfArgs, cwd);
  // Taken before synth: a second deploy must neither re-synthesize the output folder nor touch the state.
  const lock = acquireDeployLock({
    files: deployLockFiles(settings.stateDir, outdir),
    holder: currentHolder(rerun, cwd, options.processes),
    ...(options.processes !== undefined ? { processes: options.processes } : {}),
  });
  if (!lock.ok) throw new ConfigError([lock.message]);
  try {
    for (const notice of lock.notices) options.stderr.write(`${notice}\n`);
    const config = readConfig(options.env, cwd);
    const patterns = stackPatterns(cdktfArgs);
    const selected = (stack: string): boolean => patterns.some((pattern) => matchesStackPattern(stack, pattern));
    // The pipeline stack's state may live in the production bucket; a local file left from before is not its state.
    const remotePipeline = config?.pipeline?.stateBackend === 's3' ? `pipeline-${config.productionAccount}` : undefined;
    const badStates = checkStateFiles(settings.stateDir, (stack) => selected(stack) && stack !== remotePipeline);
    if (badStates.length > 0) throw new ConfigError(badStates);
    const firstDeploys = config !== undefined ? await prepareFirstDeploys(options, config, settings, selected, rerun) : undefined;
    for (const note of firstDeploys?.notes ?? []) options.stdout.write(`${note}\n`);
    const code = await runCdktf(options, {
      cdktfArgs,
      verbose,
      cwd,
      rerun,
      settings,
      outdir,
      imports: firstDeploys?.imports ?? [],
    });
    // A marker stays until its stack deployed: a rerun then knows the buckets it finds are its own.
    for (const [stack, marker] of firstDeploys?.markers ?? []) {
      const [stateFile, buckets] = firstDeploys?.markerBuckets.get(stack) ?? ['', []];
      const succeeded = code.exitCode === 0 || code.deployed.includes(stack);
      if (succeeded && stateRecordsBuckets(stateFile, buckets)) removeMarker(marker);
    }
    return code.exitCode;
  } finally {
    lock.release();
  }
}

/** Looks at the first deploys among the stacks (see planFirstDeploys); writes their markers once nothing is refused. */
async function prepareFirstDeploys(
  options: DeployOptions,
  config: BootstrapConfig,
  settings: Settings,
  selected: (stack: string) => boolean,
  rerun: string,
): Promise<FirstDeployPlan> {
  const clients: Pick<S3Client, 'send' | 'destroy'>[] = [];
  const s3For = async (account: AccountConfig): Promise<Pick<S3Client, 'send' | 'destroy'>> => {
    // The status module (and with it the EC2 and IAM clients) loads only when a bucket has to be looked at.
    const client =
      options.s3For?.(account) ?? (await import('../status/live')).accountS3Client(account, account.region, options.env);
    clients.push(client);
    return client;
  };
  let plan: Awaited<ReturnType<typeof planFirstDeploys>>;
  try {
    plan = await planFirstDeploys({
      config,
      stateDir: settings.stateDir,
      accountsFile: options.env.BOOTSTRAP_ACCOUNTS_FILE ?? 'accounts.json',
      selected,
      s3For,
    });
  } finally {
    for (const client of clients) client.destroy();
  }
  if ('refusals' in plan) throw new ConfigError(plan.refusals);
  if (plan.newMarkers.size > 0) mkdirSync(settings.stateDir, { recursive: true });
  for (const marker of plan.newMarkers.values()) writeMarker(marker, rerun);
  return plan;
}

interface CdktfRun {
  readonly cdktfArgs: readonly string[];
  readonly verbose: boolean;
  readonly cwd: string;
  readonly rerun: string;
  readonly settings: Settings;
  readonly outdir: string;
  /** Buckets synth imports (RESUME_BUCKETS_ENV). */
  readonly imports: readonly string[];
}

/** Runs cdktf with the progress view; resolves with its exit code and the stacks it deployed. */
async function runCdktf(options: DeployOptions, run: CdktfRun): Promise<{ exitCode: number; deployed: string[] }> {
  const { cdktfArgs, verbose, cwd, rerun } = run;
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'bootstrap-deploy-'));
  try {
    const command = deployCommand(cdktfArgs, options.env, {
      workDir,
      ...(options.findMirror !== undefined ? { findMirror: options.findMirror } : {}),
      ...(options.machine !== undefined ? { machine: options.machine } : {}),
    });
    const logFile =
      options.logFile ?? path.join(os.tmpdir(), `bootstrap-deploy-${new Date().toISOString().replace(/[:.]/g, '-')}.log`);
    const log = createWriteStream(logFile);
    const resume = run.imports.length > 0 ? `${RESUME_BUCKETS_ENV}=${shellQuote(run.imports.join(','))} ` : '';
    options.stdout.write(`$ ${resume}${command.display}\n${command.note !== undefined ? `  (${command.note})\n` : ''}`);
    options.stdout.write(
      `  ${command.parallelismNote}\n  cdktf's full output: ${logFile}${verbose ? '' : ` (${VERBOSE_FLAG} shows it here)`}\n`,
    );
    const [executable, ...cliArgs] = options.cli ?? [process.execPath, cdktfCliPath()];
    // A process group of its own: the terminal's Ctrl-C reaches only this process, which passes it on
    // to terraform (DeployInterrupter). No stdin: a background group reading the terminal would stop.
    // The wrapper alone decides which buckets synth imports: never a value left in the user's environment.
    const child = spawn(executable, [...cliArgs, ...command.args], {
      cwd,
      env: { ...command.env, [RESUME_BUCKETS_ENV]: run.imports.join(',') },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const interrupter = child.pid !== undefined ? new DeployInterrupter(child.pid, options.listChildren) : undefined;
    const scanner = new DeployOutputScanner();
    const locks = new StateLockScanner();
    const progress = new DeployProgress();
    const passThrough = () => verbose || (interrupter !== undefined && interrupter.state !== 'running');
    const onEvent = (event: StackEvent) => {
      if (event.kind === 'started' && !progress.knowsStacks) {
        // cdktf synthesized before the first stack started: its manifest names every stack to come.
        const stacks = deployedStacks(command.args, cwd);
        if (stacks !== undefined) progress.setStacks(stacks);
      }
      const lines = progress.apply(event);
      if (!passThrough()) {
        if (event.kind === 'diagnostic') lines.unshift(...event.lines.map((line) => `${event.stack}  ${line}`));
        if (event.kind === 'other') lines.push(event.line);
      }
      if (lines.length > 0) options.stdout.write(`${lines.join('\n')}\n`);
    };
    const parser = new CdktfOutputParser(onEvent, options.cliLayout ?? cliOutputLayout());
    const pass = (target: NodeJS.WritableStream) => (chunk: Buffer) => {
      log.write(chunk);
      if (passThrough()) target.write(chunk);
      const text = chunk.toString('utf8');
      scanner.push(text);
      locks.push(text);
      parser.push(text);
    };
    child.stdout.on('data', pass(options.stdout));
    child.stderr.on('data', pass(options.stderr));
    const ticker = setInterval(() => {
      options.stdout.write(`${progress.statusLine()}\n`);
    }, options.progressIntervalMs ?? 30_000);
    ticker.unref();
    const exited = new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code) => {
        resolve(code);
      });
    });
    // The stacks deploying when the first interrupt came: once stopped, cdktf reports them as failed.
    let runningAtInterrupt: string[] | undefined;
    const removeHandler = options.onInterrupt?.((signal) => {
      runningAtInterrupt ??= progress.stacksIn('running');
      interrupter?.interrupt(signal);
    });
    let code: number | null;
    try {
      code = await exited;
    } finally {
      removeHandler?.();
      interrupter?.dispose();
      clearInterval(ticker);
      await new Promise((resolve) => log.end(resolve));
    }
    scanner.end();
    locks.end();
    parser.end();

    if (interrupter !== undefined && interrupter.state !== 'running') {
      const stoppedStacks = runningAtInterrupt ?? progress.stacksIn('running');
      for (const line of untaintBuckets(stoppedStacks, run, command.env)) options.stderr.write(`${line}\n`);
      const stopped = stoppedStacks.map((stack) => stoppedStack(stack, run));
      options.stderr.write(`\n${progress.summary(1, rerun).slice(0, -1).join('\n')}\n`);
      options.stderr.write(`${interruptedMessage(rerun, interrupter.state === 'killed', stopped)}\n`);
      return { exitCode: INTERRUPTED_EXIT_CODE, deployed: progress.stacksIn('deployed') };
    }
    options.stderr.write(`\n${progress.summary(code ?? 1, rerun).join('\n')}\n`);
    const failedStacks = scanner.credentialErrors;
    if (code !== 0 && failedStacks.length > 0) {
      options.stderr.write(`\n${credentialHints(failedStacks, readConfig(options.env, cwd)).join('\n')}\n`);
    }
    if (code !== 0 && locks.conflicts.length > 0) options.stderr.write(`\n${stateLockHints(locks.conflicts).join('\n')}\n`);
    return { exitCode: code ?? 1, deployed: progress.stacksIn('deployed') };
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

/**
 * Untaints the buckets an interrupt left tainted. Stopping the provider after S3 created a bucket but before it
 * finished (tags, read-back) records the bucket as tainted, and Terraform would replace a tainted bucket: its
 * prevent_destroy refuses that, so no rerun could finish. The bucket is the stack's own (the state records it);
 * the rerun completes its settings instead. Returns the lines that say what was done.
 */
function untaintBuckets(stacks: readonly string[], run: CdktfRun, env: NodeJS.ProcessEnv): string[] {
  const lines: string[] = [];
  for (const stack of stacks) {
    const stateFile = path.join(run.settings.stateDir, `${stack}.tfstate`);
    if (!existsSync(stateFile)) continue;
    for (const address of taintedBuckets(readFileSync(stateFile, 'utf8'))) {
      const dir = path.join(run.outdir, 'stacks', stack);
      try {
        execFileSync('terraform', ['untaint', '-no-color', '-lock-timeout=30s', address], { cwd: dir, env, stdio: 'pipe' });
        lines.push(
          `${stack}: untainted ${address}: the interrupt stopped Terraform after S3 created the bucket; the rerun completes it ` +
            '(a tainted bucket would be replaced, which prevent_destroy refuses)',
        );
      } catch (error) {
        const detail = error instanceof Error ? error.message.split('\n')[0] : String(error);
        lines.push(
          `${stack}: ${address} is tainted and could not be untainted (${String(detail)}); before the rerun, run: ` +
            `cd ${dir} && terraform untaint '${address}'`,
        );
      }
    }
  }
  return lines;
}

/** Addresses of the buckets a state's text records as tainted. */
export function taintedBuckets(text: string): string[] {
  try {
    const state = JSON.parse(text) as {
      resources?: { mode?: string; type?: string; name?: string; instances?: { status?: string }[] }[];
    };
    return (state.resources ?? [])
      .filter(
        (resource) =>
          resource.mode === 'managed' &&
          resource.type === 'aws_s3_bucket' &&
          (resource.instances ?? []).some((instance) => instance.status === 'tainted'),
      )
      .map((resource) => `aws_s3_bucket.${String(resource.name)}`);
  } catch {
    return [];
  }
}

/** A stack that was deploying when the deploy was interrupted: its local state file and what it records. */
function stoppedStack(stack: string, run: CdktfRun): StoppedStack {
  const stateFile = path.join(run.settings.stateDir, `${stack}.tfstate`);
  const planned = synthesizedResourceCount(run.outdir, stack);
  if (!existsSync(stateFile)) return { stack, recorded: 0, ...(planned !== undefined ? { planned } : {}), stateFile };
  return { stack, stateFile, recorded: stateResourceCount(stateFile), ...(planned !== undefined ? { planned } : {}) };
}

/** accounts.json as synth reads it, to name accounts and profiles; `undefined` when it cannot be read. */
function readConfig(env: NodeJS.ProcessEnv, cwd: string): BootstrapConfig | undefined {
  try {
    return loadConfig(readSettings(env, cwd).accountsFile);
  } catch (error) {
    if (error instanceof ConfigError) return undefined;
    throw error;
  }
}
