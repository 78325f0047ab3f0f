// Shared set-up of the day-2 end-to-end suites (backend configs, account guard, doctor, status):
// a throwaway moto, an accounts file, temp folders and the sandbox environment, torn down in afterAll.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { HeadBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { loadConfig } from '../../src/config';
import { cdktfDeploy, cdktfSynth } from '../../src/sandbox/cdktf';
import { PROJECT_ROOT } from '../../src/terraform/cdktf-cli';
import { sandboxS3Client } from '../../src/sandbox/s3-client';
import { startMoto, type MotoServer } from '../../src/sandbox/moto';
import { runProcess, type RunResult } from '../../src/process/run';
import { createWorkspace, type Workspace } from '../../src/sandbox/workspace';

export interface Day2Sandbox {
  readonly moto: MotoServer;
  readonly workspace: Workspace;
  readonly accountsFile: string;
  /** Lines printed by synth, deploys and scripts, for failure messages. */
  readonly log: string[];
  /** An S3 client acting in the moto account the named bootstrap account lands in (each sees only its own buckets). */
  s3(account: string, region?: string): S3Client;
  synth(): Promise<void>;
  deploy(stacks: readonly string[]): Promise<void>;
  /** Runs `node --require ./scripts/ts-runner.js scripts/<script>.ts ...args` in the sandbox environment. */
  script(script: string, args?: readonly string[], env?: NodeJS.ProcessEnv): Promise<RunResult & { output: string }>;
  stop(): Promise<void>;
}

export interface Day2Options {
  /** Profile → the moto account it really reaches (see `planSandboxAccounts`). @default {} */
  readonly profileAccounts?: Readonly<Record<string, string>>;
}

/**
 * Starts moto and prepares a workspace for `accounts`, every account in a moto account of its own; on
 * any failure everything started is stopped. `accounts` may be a function of the running moto, for a
 * file that names resources made there first (e.g. an existing KMS key's ARN).
 */
export async function startDay2Sandbox(
  accounts: object | ((moto: MotoServer) => Promise<object>),
  options: Day2Options = {},
): Promise<Day2Sandbox> {
  const moto = await startMoto();
  const accountsDir = mkdtempSync(path.join(os.tmpdir(), 'day2-accounts-'));
  let workspace: Workspace | undefined;
  const stop = async (): Promise<void> => {
    workspace?.remove();
    rmSync(accountsDir, { recursive: true, force: true });
    await moto.stop();
  };
  try {
    const accountsFile = path.join(accountsDir, 'accounts.json');
    const content: object =
      typeof accounts === 'function' ? await (accounts as (moto: MotoServer) => Promise<object>)(moto) : accounts;
    writeFileSync(accountsFile, JSON.stringify(content, null, 2));
    const ws = await createWorkspace({
      config: loadConfig(accountsFile),
      accountsFile,
      endpoint: moto.endpoint,
      ...(options.profileAccounts !== undefined ? { profileAccounts: options.profileAccounts } : {}),
    });
    workspace = ws;
    const log: string[] = [];
    const onLine = (line: string): void => {
      log.push(line);
    };
    return {
      moto,
      workspace: ws,
      accountsFile,
      log,
      s3: (account, region = 'us-east-1') => sandboxS3Client(moto.endpoint, region, ws.credentialsOf(account)),
      synth: () => cdktfSynth({ outdir: ws.outdir, env: ws.env, onLine }),
      deploy: (stacks) => cdktfDeploy({ outdir: ws.outdir, env: ws.env, stacks, parallelism: 2, onLine }),
      script: async (script, args = [], env = {}) => {
        const result = await runProcess(
          process.execPath,
          ['--require', './scripts/ts-runner.js', path.join('scripts', `${script}.ts`), ...args],
          {
            cwd: PROJECT_ROOT,
            env: { ...ws.env, ...env },
          },
        );
        return { ...result, output: result.tail.join('\n') };
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The sandbox a suite's beforeAll started; a clear error in each test when beforeAll failed to start it. */
export function started(sandbox: Day2Sandbox | undefined): Day2Sandbox {
  if (sandbox === undefined) throw new Error('the sandbox did not start; see the beforeAll error');
  return sandbox;
}

/** True when the bucket exists on the S3 endpoint behind `s3`. */
export async function bucketExists(s3: S3Client, bucket: string): Promise<boolean> {
  try {
    await s3.send(new HeadBucketCommand({ Bucket: bucket }));
    return true;
  } catch (error) {
    if (error instanceof Error && (error.name === 'NotFound' || error.name === 'NoSuchBucket')) return false;
    throw error;
  }
}
