import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { type AccountConfig, type BootstrapConfig, ConfigError, loadConfig, readSettings, type Settings } from '../config';
import { matchesStackPattern } from '../cli/cdktf-command';
import { PROJECT_ROOT } from '../terraform/cdktf-cli';
import { stateResourceCount } from '../terraform/state-file';
import { parseDeployArgs, shellQuote } from './command';
import { acquireDeployLock, currentHolder, systemProcesses } from './lock';
import { synthOutdir } from './progress';
import { type FirstDeployPlan, planFirstDeploys, removeMarker, stateRecordsBuckets, writeMarker } from './resume';
import { runStacks, type StacksRun } from './run-stacks';
import type { DeployOptions } from './options';
import { checkStateFiles, setAsideCutOffFirstDeploys } from './state-check';

export type { DeployOptions } from './options';
export { taintedBuckets } from './untaint';
export { deployAdvice, DEPLOY_USAGE, deployCommand, parseDeployArgs, shellQuote } from './command';

/** Exit code after an interrupt, as for a shell command ended by Ctrl-C. */
export const INTERRUPTED_EXIT_CODE = 130;

/** The deploy lock in the state folder; the synth output folder has its own, `<outdir>.deploy.lock`. */
export const DEPLOY_LOCK_FILE = 'deploy.lock';

/** The lock files a deploy takes: the state folder's (its state) and the synth output's (its synth). */
export function deployLockFiles(stateDir: string, outdir: string): string[] {
  return [path.join(stateDir, DEPLOY_LOCK_FILE), `${outdir}.${DEPLOY_LOCK_FILE}`];
}

/** The wrapper's own option: show terraform's output, not only the progress view. */
export const VERBOSE_FLAG = '--verbose';

/**
 * `npm run deploy`: synthesizes with the CLI, then deploys each selected stack with terraform itself
 * (src/deploy/run-stacks.ts). Which stacks deployed, failed or did not finish comes from terraform's exit status,
 * its `-json` events and the state files, never from text on a screen. The terminal gets a progress view;
 * terraform's full output goes to a log file (and to the terminal with `--verbose`). Then it says what is done and
 * what not, and the command to finish; after Ctrl-C, what the state holds; after a credential error, which profile
 * and `npm run doctor -- --live`.
 * Resolves with the exit code: 0 when every stack deployed, 1 otherwise, {@link INTERRUPTED_EXIT_CODE} after an interrupt.
 * @throws ConfigError for bad input, before anything runs.
 */
export async function runDeploy(options: DeployOptions): Promise<number> {
  const args = parseDeployArgs(options.args);
  const cwd = options.cwd ?? PROJECT_ROOT;
  const rerun = `npm run deploy -- ${options.args.map(shellQuote).join(' ')}`.trimEnd();
  const settings = readSettings(options.env, cwd);
  const outdir = synthOutdir(args.output, cwd);
  const processes = options.processes ?? systemProcesses;
  // Taken before synth: a second deploy must neither re-synthesize the output folder nor touch the state.
  const lock = acquireDeployLock({
    files: deployLockFiles(settings.stateDir, outdir),
    holder: currentHolder(rerun, cwd, processes),
    processes,
  });
  if (!lock.ok) throw new ConfigError([lock.message]);
  try {
    for (const notice of lock.notices) options.stderr.write(`${notice}\n`);
    const config = readConfig(options.env, cwd);
    const selected = (stack: string): boolean => args.patterns.some((pattern) => matchesStackPattern(stack, pattern));
    // The pipeline stack's state may live in the production bucket; a local file left from before is not its state.
    const remotePipeline = config?.pipeline?.stateBackend === 's3' ? `pipeline-${config.productionAccount}` : undefined;
    for (const notice of setAsideCutOffFirstDeploys(settings.stateDir, selected)) options.stderr.write(`${notice}\n`);
    const badStates = checkStateFiles(settings.stateDir, (stack) => selected(stack) && stack !== remotePipeline);
    if (badStates.length > 0) throw new ConfigError(badStates);
    const firstDeploys = config !== undefined ? await prepareFirstDeploys(options, config, settings, selected, rerun) : undefined;
    for (const note of firstDeploys?.notes ?? []) options.stdout.write(`${note}\n`);
    const workDir = mkdtempSync(path.join(os.tmpdir(), 'bootstrap-deploy-'));
    let run: StacksRun;
    try {
      run = await runStacks({
        options,
        args,
        cwd,
        rerun,
        outdir,
        stateDir: settings.stateDir,
        config,
        imports: firstDeploys?.imports ?? [],
        workDir,
        onProcesses: (running) => {
          lock.recordChildren(
            running.map((child) => {
              const processId = processes.identity(child.pid);
              return { ...child, ...(processId !== undefined ? { processId } : {}) };
            }),
          );
        },
      });
    } finally {
      rmSync(workDir, { recursive: true, force: true });
    }
    settleMarkers(firstDeploys, run);
    return run.exitCode;
  } finally {
    lock.release();
  }
}

/**
 * A marker stays until its stack deployed and its state records its buckets: a rerun then knows the buckets it
 * finds are its own. A marker this deploy wrote goes as well when terraform never started creating anything for
 * its stack and the state records nothing (a credential error, say): nothing of the stack can exist from it.
 */
function settleMarkers(firstDeploys: FirstDeployPlan | undefined, run: StacksRun): void {
  for (const [stack, marker] of firstDeploys?.markers ?? []) {
    const [stateFile, buckets] = firstDeploys?.markerBuckets.get(stack) ?? ['', []];
    const deployed = run.deployed.includes(stack);
    if (deployed && stateRecordsBuckets(stateFile, buckets)) removeMarker(marker);
    const createdNothing = !run.changesStarted.has(stack) && stateResourceCount(stateFile) === 0;
    if (!deployed && firstDeploys?.newMarkers.has(stack) === true && createdNothing) removeMarker(marker);
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
    // The S3 SDK loads only when a bucket has to be looked at.
    const client =
      options.s3For?.(account) ??
      (await import('../aws/account-s3-client')).accountS3Client(account, account.region, options.env);
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
      env: options.env,
    });
  } finally {
    for (const client of clients) client.destroy();
  }
  if ('refusals' in plan) throw new ConfigError(plan.refusals);
  if (plan.newMarkers.size > 0) mkdirSync(settings.stateDir, { recursive: true });
  for (const marker of plan.newMarkers.values()) writeMarker(marker, rerun);
  return plan;
}

/** accounts.json as synth reads it, to name accounts and profiles; `undefined` when it cannot be read. */
export function readConfig(env: NodeJS.ProcessEnv, cwd: string): BootstrapConfig | undefined {
  try {
    return loadConfig(readSettings(env, cwd).accountsFile);
  } catch (error) {
    if (error instanceof ConfigError) return undefined;
    throw error;
  }
}
