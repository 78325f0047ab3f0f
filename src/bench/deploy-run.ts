// `npm run bench -- --deploy`: the sandbox's deploy of the state stacks (src/sandbox/*, as `npm run sandbox`
// runs it) for generated configs of 1, 50 and 100 accounts, each on a fresh moto, with the default parallelism.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadConfig } from '../config';
import { cdktfDeploy, cdktfSynth, synthesizedStacks } from '../sandbox/cdktf';
import { type MotoServer, startMoto } from '../sandbox/moto';
import { busyLimitInEffect, chooseBusyLimit, chooseParallelism } from '../process/parallelism';
import { clockTicks, pageSize } from '../process/proc';
import { killRunningChildren } from '../process/run';
import { createWorkspace, type Workspace } from '../sandbox/workspace';
import { PROVIDER_MIRROR_ENV } from '../terraform/cli-config';
import { findProviderMirror } from '../terraform/provider-mirror';
import type { DeployRun, Machine } from './deploy-report';
import { stackActivity, TreeSampler, waitedChildrenCpuSeconds } from './process-tree';

/** Account counts measured by default. */
export const DEFAULT_DEPLOY_SIZES = [1, 50, 100] as const;

/** How often the process tree's memory is sampled. */
export const SAMPLE_INTERVAL_MS = 1000;

/**
 * `accounts` accounts, `prod` and `acct-0001`… with every setting at its default and `"pipeline": false`:
 * the state stacks alone, one per account, since the question is how a deploy scales with accounts.
 */
export function deployBenchConfig(accounts: number): object {
  const entries: Record<string, string> = { prod: 'bench-prod' };
  for (let i = 1; i < accounts; i++) entries[`acct-${String(i).padStart(4, '0')}`] = `bench-acct-${String(i).padStart(4, '0')}`;
  return { platform: 'bench', pipeline: false, accounts: entries };
}

/** Resources to release if the run is interrupted. */
interface Live {
  moto?: MotoServer;
  workspace?: Workspace;
}
const live: Live = {};

/** Stops what a run started; safe to call more than once (the SIGINT handler of scripts/bench.ts). */
export async function stopDeployRun(): Promise<void> {
  killRunningChildren();
  await live.moto?.stop();
  live.workspace?.remove();
  live.moto = undefined;
  live.workspace = undefined;
}

/**
 * One run: fresh moto, workspace, synth, then the deploy of `state-*` exactly as `npm run sandbox`
 * does it, while the process tree is sampled. Rejects when a stack is not deployed.
 * `progress` gets a line for each stack finished.
 */
export async function runDeploySize(accounts: number, work: string, progress: (line: string) => void): Promise<DeployRun> {
  const file = path.join(work, `accounts-${accounts}.json`);
  writeFileSync(file, JSON.stringify(deployBenchConfig(accounts), null, 2));
  const config = loadConfig(file);
  const parallelism = chooseParallelism(process.env);
  const busyLimit = chooseBusyLimit(process.env);
  const ticks = clockTicks();
  const loadAverage = os.loadavg()[0] ?? 0;
  const sampler = new TreeSampler(process.pid, pageSize(), SAMPLE_INTERVAL_MS);
  const cpuStart = waitedChildrenCpuSeconds(ticks);
  const start = performance.now();
  let deploySeconds = 0;
  let deployCpuSeconds = 0;
  let peak;
  let deployStartMs = Number.POSITIVE_INFINITY;
  try {
    // State stacks only: no role takes an AWS-managed policy, and moto loading ~1,000 of them into each of 100
    // accounts makes its heap (and its garbage collector's work on every request) several times larger.
    live.moto = await startMoto({ loadManagedPolicies: false });
    const moto = live.moto;
    live.workspace = await createWorkspace({ config, accountsFile: file, endpoint: moto.endpoint });
    const ws = live.workspace;
    sampler.stacksDir = path.join(ws.outdir, 'stacks');
    await cdktfSynth({ outdir: ws.outdir, env: ws.env });
    const stacks = synthesizedStacks(ws.outdir).filter((stack) => stack.startsWith('state-'));
    if (stacks.length !== accounts) throw new Error(`synth wrote ${stacks.length} state stacks for ${accounts} accounts`);

    let done = 0;
    const deployStart = performance.now();
    deployStartMs = deployStart;
    const deployCpuStart = waitedChildrenCpuSeconds(ticks);
    await cdktfDeploy({
      outdir: ws.outdir,
      env: ws.env,
      stacks: ['state-*'],
      parallelism: parallelism.value,
      busyLimit,
      outputsFile: ws.outputsFile,
      onLine: (line) => {
        // cdktfDeploy prefixes each of terraform's messages with the stack name.
        if (/Apply complete!/.test(line)) {
          done++;
          const stack = /^(state-\S+)\s/.exec(line.trim())?.[1];
          progress(`    ${done}/${accounts} ${stack ?? 'stacks'} deployed after ${elapsed(deployStart)}`);
        }
      },
    });
    deploySeconds = (performance.now() - deployStart) / 1000;
    deployCpuSeconds = waitedChildrenCpuSeconds(ticks) - deployCpuStart;
    // A deploy that exits 0 without every stack deployed must not count as fast.
    const outputs = JSON.parse(readFileSync(ws.outputsFile, 'utf8')) as Record<string, unknown>;
    const deployed = stacks.filter((stack) => outputs[stack] !== undefined).length;
    if (deployed !== accounts) throw new Error(`the deploy reported outputs of ${deployed} of ${accounts} state stacks`);
  } finally {
    await stopDeployRun();
    peak = sampler.stop();
  }
  const activity = stackActivity(sampler.samples, ticks, deployStartMs);
  return {
    accounts,
    parallelism: parallelism.value,
    parallelismReason: parallelism.reason,
    busyLimit: busyLimitInEffect(busyLimit) ?? null,
    loadAverage,
    deploySeconds,
    totalSeconds: (performance.now() - start) / 1000,
    peakRssBytes: peak.rssBytes,
    ...(peak.pssBytes !== undefined ? { peakPssBytes: peak.pssBytes } : {}),
    deployCpuSeconds,
    totalCpuSeconds: waitedChildrenCpuSeconds(ticks) - cpuStart,
    sampleSeconds: SAMPLE_INTERVAL_MS / 1000,
    timeline: activity.timeline,
    stacks: activity.stacks,
  };
}

/** Uses the offline provider mirror of this machine, as `npm run sandbox` does. Returns its folder, if any. */
export function useProviderMirror(): string | undefined {
  const mirror = findProviderMirror(process.env);
  if (mirror !== undefined && (process.env[PROVIDER_MIRROR_ENV] ?? '').trim() === '') process.env[PROVIDER_MIRROR_ENV] = mirror;
  return mirror;
}

export function currentMachineDescription(): Machine {
  const version = spawnSync('terraform', ['version', '-json'], { encoding: 'utf8' });
  let terraform = 'not found';
  try {
    terraform = (JSON.parse(version.stdout) as { terraform_version?: string }).terraform_version ?? terraform;
  } catch {
    // Not installed: the deploy fails with the sandbox's own message.
  }
  return {
    cores: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown CPU',
    totalMemoryBytes: os.totalmem(),
    node: process.version,
    terraform,
    date: new Date().toISOString().slice(0, 10),
  };
}

function elapsed(since: number): string {
  return `${((performance.now() - since) / 1000).toFixed(0)} s`;
}
