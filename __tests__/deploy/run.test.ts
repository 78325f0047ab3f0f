// `npm run deploy` around a fake synth (fixtures/fake-cdktf.js) and a fake terraform speaking -json
// (fixtures/fake-terraform.js): no provider, no AWS. Each stack's outcome comes from terraform's exit status
// and events; Ctrl-C must let terraform stop cleanly, a second one must kill it, and a credential error must
// point at the doctor.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { runDeploy, shellQuote, taintedBuckets } from '../../src/deploy';
import { cliForNode } from '../../src/cli/node-cli';

/** The plain command the deploy shows: `npx cdktf`, or `npx cdktn` on Node >= 22.19 (src/cli/node-cli.ts). */
const NPX = cliForNode().npx;

const FAKE_CDKTF = path.join(__dirname, 'fixtures', 'fake-cdktf.js');
const FAKE_TERRAFORM = path.join(__dirname, 'fixtures', 'fake-terraform.js');

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'deploy-run-test-'));
  // The app synth runs, as cdktf.json names it.
  writeFileSync(
    path.join(dir, 'cdktf.json'),
    JSON.stringify({ app: `${shellQuote(process.execPath)} ${shellQuote(FAKE_CDKTF)}` }),
  );
});
afterEach(() => {
  // A failed test must not leave the fake terraform running.
  const pid = terraformPid();
  if (pid !== undefined && isRunning(pid)) process.kill(pid, 'SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** Terraform's full output so far, from the wrapper's log file. */
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

/** Runs the wrapper with the fake synth and terraform in `mode`, and no offline mirror. */
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
    terraform: FAKE_TERRAFORM,
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

const terraformCalls = (): string[] => readFileSync(path.join(dir, 'terraform.log'), 'utf8').trim().split('\n');

test('synthesizes, runs terraform init and apply in each stack’s folder, and shows what runs and a line per stack', async () => {
  const fake = run('ok', ['state-*', '--parallelism', '2'], { FAKE_STACKS: 'state-dev,state-qa,pipeline-prod' });
  expect(await fake.done).toBe(0);
  const lines = fake.output().split('\n');
  expect(lines.slice(0, 5)).toEqual([
    `$ CDKTF_OUTDIR=${path.join(dir, 'cdktf.out')} ${shellQuote(process.execPath)} ${shellQuote(FAKE_CDKTF)}  (the app, as "${NPX} synth" runs it)`,
    `$ terraform init -input=false -json && terraform apply -auto-approve -input=false -json  (in ${path.join(dir, 'cdktf.out', 'stacks')}/<stack>, for each stack)`,
    `  by hand, the same deploy (it asks before each stack): ${NPX} deploy 'state-*' --parallelism 2`,
    '  2 stack(s) at a time (from --parallelism); another starts only while fewer than 4 use CPU',
    `  terraform's full output: ${path.join(dir, 'deploy.log')} (--verbose shows it here)`,
  ]);
  expect(lines).toContain('state-dev: deploying');
  expect(lines).toContainEqual(expect.stringMatching(/^state-qa: deployed \(2 added, 0 changed, 0 destroyed\) in \d+s$/));
  expect(lines).toContainEqual(expect.stringMatching(/^Deployed 2 stack\(s\) in \d+s\.$/));
  expect(fake.output()).not.toContain('pipeline-prod');
  expect(terraformCalls().sort()).toEqual([
    'state-dev: apply -auto-approve -input=false -json',
    'state-dev: init -input=false -json',
    'state-qa: apply -auto-approve -input=false -json',
    'state-qa: init -input=false -json',
  ]);
  // Terraform's raw events are in the log, not on the terminal.
  expect(logText()).toContain('state-qa apply: {"@level":"info","@message":"Apply complete! Resources: 2 added');
  expect(fake.output()).not.toContain('@message');
  // The synth ran with the checkpoint off and imports nothing.
  expect(JSON.parse(readFileSync(path.join(dir, 'synth.json'), 'utf8'))).toMatchObject({
    args: [],
    resume: '',
    checkpoint: '1',
    outdir: path.join(dir, 'cdktf.out'),
  });
}, 30_000);

test('offline, synth and terraform run with the CLI config that names the mirror, which lives only as long as the deploy', async () => {
  const mirror = path.join(dir, 'mirror');
  mkdirSync(path.join(mirror, 'registry.terraform.io', 'hashicorp', 'aws', '5.100.0'), { recursive: true });
  const fake = run('ok', ['state-dev', '--verbose'], { BOOTSTRAP_PROVIDER_MIRROR: mirror });
  expect(await fake.done).toBe(0);
  const { cliConfig } = JSON.parse(readFileSync(path.join(dir, 'synth.json'), 'utf8')) as { cliConfig: string };
  expect(fake.output()).toContain(`$ TF_CLI_CONFIG_FILE=${cliConfig} CDKTF_OUTDIR=`);
  expect(fake.output()).toContain(`${NPX} deploy state-dev --parallelism `);
  expect(fake.output()).toContain(' --skip-provider-lock\n');
  // --verbose shows terraform's events as their messages.
  expect(fake.output()).toContain('state-dev  Apply complete! Resources: 2 added, 0 changed, 0 destroyed.\n');
  expect(existsSync(cliConfig)).toBe(false);
}, 30_000);

test('--outputs-file writes each deployed stack’s outputs as cdktf does, from the apply’s report where it has them all', async () => {
  // state-qa's apply reports its outputs with their values; state-dev's has a sensitive one, so it is asked for.
  const fake = run('ok', ['state-*', '--outputs-file', 'outputs.json'], {
    FAKE_STACKS: 'state-dev,state-qa',
    FAKE_OUTPUTS_EVENT: 'state-qa',
    FAKE_SENSITIVE_OUTPUT: 'state-dev',
  });
  expect(await fake.done).toBe(0);
  expect(JSON.parse(readFileSync(path.join(dir, 'outputs.json'), 'utf8'))).toEqual({
    'state-dev': { state_bucket_name: 'state-dev-bucket' },
    'state-qa': { state_bucket_name: 'state-qa-bucket-from-apply' },
  });
  expect(terraformCalls().filter((call) => call.includes('output'))).toEqual(['state-dev: output -json']);
}, 30_000);

test('an option it does not support is refused before anything runs', async () => {
  await expect(run('ok', ['state-dev', '--var-file', 'x.tfvars']).done).rejects.toThrow(/--var-file is not supported/);
  expect(existsSync(path.join(dir, 'synth.json'))).toBe(false);
});

test('a failed synth deploys nothing and shows the app’s error once', async () => {
  const fake = run('ok', ['state-dev'], { FAKE_SYNTH: 'fail' });
  expect(await fake.done).toBe(1);
  expect(fake.output().match(/accounts\.dev\.profile: expected a string/g)).toHaveLength(1);
  expect(fake.output()).toContain('Synth failed (exit code 1): no stack was deployed.');
  expect(existsSync(path.join(dir, 'terraform.log'))).toBe(false);
}, 30_000);

test('after a credential error the other stacks still deploy, and it names each failed stack’s profile and the doctor', async () => {
  const accountsFile = path.join(dir, 'accounts.json');
  writeFileSync(
    accountsFile,
    JSON.stringify({ platform: 'acme', accounts: { dev: 'acme-dev', qa: 'acme-qa', prod: 'acme-prod' } }),
  );
  const fake = run('credentials', ['state-*'], {
    BOOTSTRAP_ACCOUNTS_FILE: accountsFile,
    FAKE_STACKS: 'state-dev,state-qa,state-prod',
    FAKE_FAIL: 'state-dev,state-qa',
  });
  expect(await fake.done).toBe(1);
  const lines = fake.output().split('\n');
  // Terraform's error, once per stack, with the stack's name.
  expect(lines.filter((line) => line === 'state-dev  Error: failed to get shared config profile, acme-dev')).toHaveLength(1);
  expect(lines).toContainEqual(
    expect.stringMatching(/^state-dev: FAILED: failed to get shared config profile, acme-dev in \d+s$/),
  );
  expect(lines).toContainEqual(expect.stringMatching(/^state-prod: deployed \(2 added, 0 changed, 0 destroyed\) in \d+s$/));
  expect(lines).toContain('Deployed (1): state-prod');
  expect(lines).toContain('Failed (2): state-dev, state-qa');
  expect(lines).toContain(
    "Fix the failures, then run the same command to deploy the rest (deployed stacks show no changes): npm run deploy -- 'state-*'",
  );
  expect(lines.slice(-3, -1)).toEqual([
    'state-dev: Terraform found no usable AWS credentials in profile acme-dev (accounts.dev); check it with "npm run doctor -- --live"',
    'state-qa: Terraform found no usable AWS credentials in profile acme-qa (accounts.qa); check it with "npm run doctor -- --live"',
  ]);
}, 30_000);

test('a first deploy that failed before terraform created anything leaves no .creating marker behind', async () => {
  const accountsFile = path.join(dir, 'accounts.json');
  writeFileSync(accountsFile, JSON.stringify({ platform: 'acme', accounts: { dev: 'acme-dev' } }));
  const fake = run('credentials', ['state-dev'], { BOOTSTRAP_ACCOUNTS_FILE: accountsFile });
  expect(await fake.done).toBe(1);
  expect(existsSync(path.join(dir, 'terraform-state', 'state-dev.tfstate.creating'))).toBe(false);
}, 30_000);

test('a state held by another Terraform is named with who holds it', async () => {
  const fake = run('lock');
  expect(await fake.done).toBe(1);
  expect(fake.output()).toContain(
    'state-dev: its state x.tfstate is locked by another Terraform (OperationTypeApply by bob@box), one not started by npm run deploy',
  );
}, 30_000);

test('Ctrl-C passes one interrupt to terraform, which stops cleanly; the stack and those not started are not finished', async () => {
  const fake = run('apply', ['state-*', '--parallelism', '1'], { FAKE_STACKS: 'state-dev,state-qa' });
  await waitFor(() => logText().includes('Still creating'), 'the fake apply');
  fake.interrupt();
  expect(await fake.done).toBe(130);
  expect(existsSync(path.join(dir, 'stopped-gracefully'))).toBe(true);
  expect(fake.output()).toContain('SIGINT: passed on to the running terraform');
  expect(fake.output()).not.toContain('execution halted');
  expect(fake.output()).not.toContain('FAILED');
  expect(fake.output()).toContain(
    [
      'Not finished (2): state-dev, state-qa',
      'Interrupted: Terraform stopped cleanly; its state records everything it created.',
      // The stack that was running, its state file and what it holds (the fake terraform wrote none).
      `  state-dev: ${path.join(dir, 'terraform-state', 'state-dev.tfstate')} records 0 resource(s); 2 of its 2 resources are left to create`,
      "Run the same command again to finish: npm run deploy -- 'state-*' --parallelism 1 ",
    ].join('\n'),
  );
  // The stack that had not started never started.
  expect(terraformCalls().filter((call) => call.startsWith('state-qa'))).toEqual([]);
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
  await waitFor(() => logText().includes('Gracefully shutting down'), 'terraform to get the interrupt');
  await new Promise((resolve) => setTimeout(resolve, 1100));
  fake.interrupt();
  expect(await fake.done).toBe(130);
  const pid = terraformPid();
  expect(pid).toBeDefined();
  await waitFor(() => !isRunning(pid ?? 0), 'terraform to be killed');
  expect(fake.output()).toMatch(
    /Killed: Terraform was stopped at once.*\n {2}state-dev: \S+state-dev\.tfstate records 0 resource\(s\)[^\n]*\nRun the same command again to finish: npm run deploy -- state-dev /,
  );
}, 30_000);

test('Ctrl-C during synth stops it and deploys nothing', async () => {
  const fake = run('ok', ['state-dev'], { FAKE_SYNTH: 'idle' });
  await waitFor(() => existsSync(path.join(dir, 'synth.json')), 'the fake synth');
  await new Promise((resolve) => setTimeout(resolve, 200));
  fake.interrupt();
  expect(await fake.done).toBe(130);
  expect(fake.output()).toContain('Interrupted during synth: no stack was deployed.');
  expect(existsSync(path.join(dir, 'terraform.log'))).toBe(false);
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
