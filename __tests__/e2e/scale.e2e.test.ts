// Twelve accounts reached from one hub, deployed with `npm run deploy` and the parallelism it derives
// from this machine (no --parallelism, no BOOTSTRAP_DEPLOY_PARALLELISM): every stack finishes, and
// every account, a moto account of its own, holds its own state bucket and no other.
import { ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { PROJECT_ROOT } from '../../src/terraform/cdktf-cli';
import { DEPLOY_PARALLELISM_ENV } from '../../src/process/parallelism';
import { runProcess, type RunResult } from '../../src/process/run';
import { type Day2Sandbox, startDay2Sandbox, started } from './day2-support';

/** dev01 … dev11 through the hub's OrganizationAccountAccessRole, and the hub account itself as prod. */
const MEMBERS = Array.from({ length: 11 }, (_, index) => `dev${String(index + 1).padStart(2, '0')}`);
const ACCOUNTS = [...MEMBERS, 'prod'];

let sandbox: Day2Sandbox | undefined;
let run: RunResult & { output: string };

const sb = (): Day2Sandbox => started(sandbox);

beforeAll(async () => {
  sandbox = await startDay2Sandbox({
    platform: 'scale',
    pipeline: false,
    accountDefaults: { profile: 'scale-hub', roleName: 'OrganizationAccountAccessRole' },
    accounts: {
      ...Object.fromEntries(MEMBERS.map((name, index) => [name, { accountId: String(100000000001 + index) }])),
      prod: { profile: 'scale-hub' },
    },
  });
  const ws = sandbox.workspace;
  const env = Object.fromEntries(Object.entries(ws.env).filter(([name]) => name !== DEPLOY_PARALLELISM_ENV));
  const result = await runProcess(
    process.execPath,
    ['--require', './scripts/ts-runner.js', 'scripts/deploy.ts', 'state-*', '--output', ws.outdir],
    { cwd: PROJECT_ROOT, env, keepLines: 10_000 },
  );
  run = { ...result, output: result.tail.join('\n') };
}, 900_000);

afterAll(async () => {
  await sandbox?.stop();
});

test('npm run deploy picks its parallelism from the machine and deploys all twelve state stacks', () => {
  expect({ code: run.code, output: run.output }).toEqual({
    code: 0,
    output: expect.stringContaining('Deployed 12 stack(s) in') as unknown,
  });
  const chosen = /^ {2}(\d+) stack\(s\) at a time \(from this machine: /m.exec(run.output);
  expect(Number(chosen?.[1])).toBeGreaterThanOrEqual(2);
  expect(run.output).toMatch(/^Progress: 12 done, 0 running, 0 waiting, 0 failed of 12; /m);
  // Terraform's change summary of each stack (its -json change_summary event).
  for (const name of ACCOUNTS) {
    expect(run.output).toMatch(new RegExp(`^state-${name}: deployed \\(\\d+ added, 0 changed, 0 destroyed\\) in `, 'm'));
  }
});

test('each of the twelve accounts holds exactly its own state bucket', async () => {
  const ids = ACCOUNTS.map((name) => sb().workspace.accounts.accountIds.get(name));
  expect(new Set(ids).size).toBe(12);
  for (const name of ACCOUNTS) {
    const s3 = new S3Client({
      endpoint: sb().moto.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: sb().workspace.credentialsOf(name),
    });
    try {
      const { Buckets = [] } = await s3.send(new ListBucketsCommand({}));
      expect({ name, buckets: Buckets.map((bucket) => bucket.Name) }).toEqual({ name, buckets: [`scale-${name}-state`] });
    } finally {
      s3.destroy();
    }
  }
});
