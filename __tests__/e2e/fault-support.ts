// Shared by the fault suites (faults-kill, faults-interrupt): `npm run deploy` started as a terminal would start
// it (a process group of its own), the processes it started, and moto paused at an exact point of a deploy.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { parseProcStat, PROC, type ProcStat, treeOf } from '../../src/process/proc';
import { loadConfig } from '../../src/config';
import { sandboxS3Client } from '../../src/sandbox/s3-client';
import { PROJECT_ROOT } from '../../src/terraform/cdktf-cli';
import type { MotoServer } from '../../src/sandbox/moto';
import { stripAnsi } from '../../src/process/run';
import { recordedResources } from '../../src/terraform/state-file';
import { createWorkspace, type Workspace } from '../../src/sandbox/workspace';

/**
 * One phase of a fault suite: an accounts file and a workspace (state folder, synth output, AWS files) of its
 * own on the suite's one moto. Phases of different accounts then run at the same time, each with its own deploy
 * lock, so their ~55 s lifecycle waits overlap instead of adding up.
 */
export interface Phase {
  readonly ws: Workspace;
  readonly accountsFile: string;
  /** An S3 client in the moto account the named bootstrap account lands in. */
  s3(account: string): S3Client;
  remove(): void;
}

export async function startPhase(moto: MotoServer, accounts: object): Promise<Phase> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fault-phase-'));
  try {
    const accountsFile = path.join(dir, 'accounts.json');
    writeFileSync(accountsFile, JSON.stringify(accounts, null, 2));
    const ws = await createWorkspace({ config: loadConfig(accountsFile), accountsFile, endpoint: moto.endpoint });
    return {
      ws,
      accountsFile,
      s3: (account) => sandboxS3Client(moto.endpoint, 'us-east-1', ws.credentialsOf(account)),
      remove: () => {
        ws.remove();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/** A running `npm run deploy` (scripts/deploy.ts). */
export interface WrapperRun {
  readonly pid: number;
  /** Resolves with the exit code (`null` when ended by a signal) once the wrapper exited. */
  readonly done: Promise<number | null>;
  /** Everything it printed so far, colours removed. */
  output(): string;
}

/**
 * Starts `npm run deploy -- <stacks> --parallelism 1 --output <workspace outdir> --verbose` in the workspace's
 * environment, in a process group of its own as a shell starts a job (so a SIGINT sent to the group is what
 * Ctrl-C sends).
 */
export function startWrapper(ws: Workspace, stacks: readonly string[], env: NodeJS.ProcessEnv = {}): WrapperRun {
  const child = spawn(
    process.execPath,
    [
      '--require',
      './scripts/ts-runner.js',
      'scripts/deploy.ts',
      ...stacks,
      '--parallelism',
      '1',
      '--output',
      ws.outdir,
      '--verbose',
    ],
    { cwd: PROJECT_ROOT, env: { ...ws.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  let text = '';
  const keep = (chunk: Buffer): void => {
    text += chunk.toString('utf8');
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const done = new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      resolve(code);
    });
  });
  if (child.pid === undefined) throw new Error('npm run deploy did not start');
  return { pid: child.pid, done, output: () => stripAnsi(text) };
}

/** Runs `npm run deploy` to its end; resolves with its exit code and output. */
export async function runWrapper(
  ws: Workspace,
  stacks: readonly string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number | null; output: string }> {
  const run = startWrapper(ws, stacks, env);
  const code = await run.done;
  return { code, output: run.output() };
}

/** Every live process of the tree under `root`, `root` included, with its command name. */
export function processTree(root: number): (ProcStat & { name: string })[] {
  const stats = PROC.pids()
    .map((pid) => {
      const text = PROC.stat(pid);
      const stat = text === undefined ? undefined : parseProcStat(text);
      return stat === undefined || text === undefined
        ? undefined
        : { ...stat, name: text.slice(text.indexOf('(') + 1, text.lastIndexOf(')')) };
    })
    .filter((stat): stat is ProcStat & { name: string } => stat !== undefined);
  const tree = new Set(treeOf(stats, root).map((stat) => stat.pid));
  return stats.filter((stat) => tree.has(stat.pid));
}

/** SIGKILLs the terraform processes under `root` (cdktf runs each in a session of its own); returns how many. */
export function killTerraform(root: number): number {
  const terraforms = processTree(root).filter((process) => process.name === 'terraform');
  for (const terraform of terraforms) process.kill(terraform.pid, 'SIGKILL');
  return terraforms.length;
}

/** SIGKILLs every process under `root` and `root` itself, as when the laptop's power goes. */
export function killTree(root: number): number {
  const tree = processTree(root);
  for (const member of tree) {
    try {
      process.kill(member.pid, 'SIGKILL');
    } catch {
      // Exited meanwhile.
    }
  }
  return tree.length;
}

/** Phases running at once take turns to pause moto: one pause ends before the next begins. */
let pauses: Promise<void> = Promise.resolve();

/**
 * Waits until `condition` holds (it may ask moto), then pauses moto (SIGSTOP) before anything else happens,
 * runs `atPoint` (the fault: a kill, an interrupt) while every AWS request waits, and resumes moto (SIGCONT).
 * The condition must stay true once true (a bucket exists, a rule is set).
 */
export async function atMotoPoint(
  moto: MotoServer,
  condition: () => Promise<boolean>,
  what: string,
  atPoint: () => Promise<void> | void,
  timeoutMs = 180_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition().catch(() => false)) break;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  const turn = pauses.then(async () => {
    process.kill(moto.pid, 'SIGSTOP');
    try {
      await atPoint();
    } finally {
      process.kill(moto.pid, 'SIGCONT');
    }
  });
  pauses = turn.catch(() => undefined);
  await turn;
}

/** Resumes a paused moto (for afterAll after a failure). */
export function resumeMoto(moto: MotoServer): void {
  process.kill(moto.pid, 'SIGCONT');
}

/** Waits for a condition of the file system or the output (no AWS request). */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** `type.name` of each managed resource a stack's local state records; none when there is no state file. */
export function stateEntries(ws: Workspace, stack: string): string[] {
  const file = path.join(ws.stateDir, `${stack}.tfstate`);
  if (!existsSync(file)) return [];
  return (recordedResources(readFileSync(file, 'utf8')) ?? []).map((resource) => `${resource.type}.${resource.name}`).sort();
}

/** `type.name` of each resource of a synthesized stack (its cdk.tf.json). */
export function synthesizedEntries(ws: Workspace, stack: string): string[] {
  const config = JSON.parse(readFileSync(path.join(ws.outdir, 'stacks', stack, 'cdk.tf.json'), 'utf8')) as {
    resource?: Record<string, Record<string, unknown>>;
  };
  return Object.entries(config.resource ?? {})
    .flatMap(([type, byName]) => Object.keys(byName).map((name) => `${type}.${name}`))
    .sort();
}

/** Writes an object, as a consumer project's state would land in the bucket. */
export async function putObject(s3: S3Client, bucket: string, key: string, body: string): Promise<void> {
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
}

export async function readObject(s3: S3Client, bucket: string, key: string): Promise<string> {
  const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return (await out.Body?.transformToString()) ?? '';
}
