// `npm run deploy` around a fake cdktf (fixtures/fake-cdktf.ts): no terraform, no AWS. Ctrl-C must let
// terraform stop cleanly, a second one must kill it, and a credential error must point at the doctor.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { runDeploy, taintedBuckets } from '../../src/deploy';
import { cliForNode } from '../../src/cli/node-cli';

/** The plain command the deploy shows: `npx cdktf`, or `npx cdktn` on Node >= 22.19 (src/cli/node-cli.ts). */
const NPX = cliForNode().npx;

const FAKE_CDKTF = path.join(__dirname, 'fixtures', 'fake-cdktf.ts');
const TS_RUNNER = path.resolve(__dirname, '..', '..', 'scripts', 'ts-runner.js');

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'deploy-run-test-'));
});
afterEach(() => {
  // A failed test must not leave the fake terraform running.
  const pid = terraformPid();
  if (pid !== undefined && isRunning(pid)) process.kill(pid, 'SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** cdktf's full output so far, from the wrapper's log file. */
function logText(): string {
  const file = path.join(dir, 'deploy.log');
  return existsSync(file) ? readFileSync(file, 'utf8') : '';
}

function terraformPid(): number | undefined {
  const file = path.join(dir, 'terraform.pid');
  return existsSync(file) ? Number(readFileSync(file, 'utf8')) : undefined;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

interface FakeRun {
  /** Resolves with the wrapper's exit code. */
  readonly done: Promise<number>;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  /** What the wrapper's SIGINT handler receives. */
  interrupt(): void;
}

/** Runs the wrapper with the fake cdktf in `mode`, and no offline mirror. */
function run(mode: string, args: readonly string[] = ['state-dev'], env: NodeJS.ProcessEnv = {}): FakeRun {
  let text = '';
  const sink = new PassThrough();
  sink.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
  });
  let handler: ((signal: NodeJS.Signals) => void) | undefined;
  const done = runDeploy({
    args,
    env: { PATH: process.env.PATH, HOME: dir, FAKE_MODE: mode, FAKE_DIR: dir, ...env },
    stdout: sink,
    stderr: sink,
    cli: [process.execPath, '--require', TS_RUNNER, FAKE_CDKTF],
    // The fake prints as cdktf-cli 0.21 does, on every Node.
    cliLayout: 'cdktf',
    cwd: dir,
    findMirror: () => undefined,
    machine: { freeMemoryBytes: 3 * 1024 ** 3, cores: 2 },
    logFile: path.join(dir, 'deploy.log'),
    onInterrupt: (registered) => {
      handler = registered;
      return () => {
        handler = undefined;
      };
    },
  });
  return {
    done,
    output: () => text,
    interrupt: () => {
      if (handler === undefined) throw new Error('no interrupt handler registered');
      handler('SIGINT');
    },
  };
}

async function waitFor(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

test('prints the command, passes cdktf’s output through unchanged, and returns its exit code', async () => {
  const fake = run('echo', ['state-*', '--parallelism', '2']);
  expect(await fake.done).toBe(0);
  const [commandLine, parallelismLine] = fake.output().split('\n');
  const cdktfLine = fake
    .output()
    .split('\n')
    .find((line) => line.startsWith('{'));
  expect(commandLine).toBe(`$ ${NPX} deploy 'state-*' --parallelism 2 --auto-approve`);
  expect(parallelismLine).toBe('  2 stack(s) at a time (from --parallelism)');
  expect(JSON.parse(cdktfLine ?? '')).toEqual({ args: ['deploy', 'state-*', '--parallelism', '2', '--auto-approve'] });
}, 30_000);

test('offline, cdktf runs with --skip-provider-lock and the CLI config that names the mirror', async () => {
  const mirror = path.join(dir, 'mirror');
  mkdirSync(path.join(mirror, 'registry.terraform.io', 'hashicorp', 'aws', '5.100.0'), { recursive: true });
  const fake = run('echo', ['state-dev'], { BOOTSTRAP_PROVIDER_MIRROR: mirror });
  expect(await fake.done).toBe(0);
  const printed = JSON.parse(
    fake
      .output()
      .split('\n')
      .find((line) => line.startsWith('{')) ?? '',
  ) as {
    args: string[];
    TF_CLI_CONFIG_FILE: string;
  };
  expect(printed.args).toEqual(['deploy', 'state-dev', '--auto-approve', '--parallelism', '3', '--skip-provider-lock']);
  expect(fake.output()).toContain(`$ TF_CLI_CONFIG_FILE=${printed.TF_CLI_CONFIG_FILE} ${NPX} deploy state-dev`);
  // The CLI config lives only as long as the deploy.
  expect(existsSync(printed.TF_CLI_CONFIG_FILE)).toBe(false);
}, 30_000);

test('after a credential error it names each stack’s profile and points at npm run doctor -- --live', async () => {
  const accountsFile = path.join(dir, 'accounts.json');
  writeFileSync(
    accountsFile,
    JSON.stringify({ platform: 'acme', accounts: { dev: 'acme-dev', qa: 'acme-qa', prod: 'acme-prod' } }),
  );
  const fake = run('credentials', ['state-*'], { BOOTSTRAP_ACCOUNTS_FILE: accountsFile });
  expect(await fake.done).toBe(1);
  expect(fake.output()).toContain('Invoking Terraform CLI failed with exit code 1\n');
  expect(fake.output()).toContain('\nFailed (2): state-dev, state-qa\n');
  expect(fake.output()).toContain(
    "\nFix the failures, then run the same command to deploy the rest (deployed stacks show no changes): npm run deploy -- 'state-*'\n",
  );
  // Only the progress view reaches the terminal; cdktf's full output is in the log.
  expect(fake.output()).not.toContain('1 Stack deploying');
  expect(readFileSync(path.join(dir, 'deploy.log'), 'utf8')).toContain('1 Stack deploying');
  expect(fake.output().split('\n').slice(-3, -1)).toEqual([
    'state-dev: Terraform found no usable AWS credentials in profile acme-dev (accounts.dev); check it with "npm run doctor -- --live"',
    'state-qa: Terraform found no usable AWS credentials in profile acme-qa (accounts.qa); check it with "npm run doctor -- --live"',
  ]);
}, 30_000);

test('Ctrl-C lets terraform stop cleanly instead of aborting cdktf, then says what to run', async () => {
  const fake = run('apply', ['state-*']);
  await waitFor(() => logText().includes('Still creating'), 'the fake apply');
  fake.interrupt();
  expect(await fake.done).toBe(130);
  expect(existsSync(path.join(dir, 'stopped-gracefully'))).toBe(true);
  expect(fake.output()).toContain('Gracefully shutting down...');
  // cdktf was not signalled: it would have aborted and hung up on terraform.
  expect(fake.output()).not.toContain('AbortError');
  expect(fake.output()).toContain(
    [
      'Invoking Terraform CLI failed with exit code 1\n',
      'Not finished (1): state-dev',
      'Interrupted: Terraform stopped cleanly; its state records everything it created.',
      // The stack that was running, its state file and what it holds (the fake terraform wrote none).
      `  state-dev: ${path.join(dir, 'terraform-state', 'state-dev.tfstate')} records 0 resource(s)`,
      "Run the same command again to finish: npm run deploy -- 'state-*' ",
    ].join('\n'),
  );
}, 30_000);

test('a signal passed on a second time within a second is the same Ctrl-C, not the one that kills', async () => {
  const fake = run('apply');
  await waitFor(() => logText().includes('Still creating'), 'the fake apply');
  fake.interrupt();
  fake.interrupt();
  expect(await fake.done).toBe(130);
  expect(existsSync(path.join(dir, 'stopped-gracefully'))).toBe(true);
  expect(fake.output()).toContain('\nInterrupted: ');
  expect(fake.output()).not.toContain('Killed: ');
}, 30_000);

test('a second Ctrl-C kills a terraform that does not stop, and says what that may have left', async () => {
  const fake = run('stubborn');
  await waitFor(() => logText().includes('Still creating'), 'the fake apply');
  fake.interrupt();
  await waitFor(() => fake.output().includes('Gracefully shutting down'), 'terraform to get the interrupt');
  await new Promise((resolve) => setTimeout(resolve, 1100));
  fake.interrupt();
  expect(await fake.done).toBe(130);
  const pid = terraformPid();
  expect(pid).toBeDefined();
  await waitFor(() => !isRunning(pid ?? 0), 'terraform to be killed');
  expect(fake.output()).toMatch(
    /Killed: Terraform was stopped at once.*\n {2}state-dev: \S+state-dev\.tfstate records 0 resource\(s\)\nRun the same command again to finish: npm run deploy -- state-dev /,
  );
}, 30_000);

test('Ctrl-C while cdktf runs no terraform stops cdktf itself', async () => {
  const fake = run('idle');
  await waitFor(() => logText().includes('waiting'), 'the fake cdktf');
  fake.interrupt();
  expect(await fake.done).toBe(130);
  expect(fake.output()).toContain('Interrupted: ');
}, 30_000);

test('the buckets a state records as tainted are found for untainting, and nothing else', () => {
  const state = JSON.stringify({
    version: 4,
    serial: 3,
    lineage: 'l',
    resources: [
      {
        mode: 'managed',
        type: 'aws_s3_bucket',
        name: 'state-bucket_828F7150',
        instances: [{ status: 'tainted', attributes: {} }],
      },
      { mode: 'managed', type: 'aws_s3_bucket', name: 'access-log-bucket_1', instances: [{ attributes: {} }] },
      { mode: 'managed', type: 'aws_s3_bucket_versioning', name: 'v', instances: [{ status: 'tainted', attributes: {} }] },
    ],
  });
  expect(taintedBuckets(state)).toEqual(['aws_s3_bucket.state-bucket_828F7150']);
  expect(taintedBuckets('{')).toEqual([]);
});
