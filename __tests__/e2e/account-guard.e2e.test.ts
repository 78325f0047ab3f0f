// Wrong-account guard: an account with `accountId` deploys only with credentials of that account.
// Every profile acts in a moto account of its own; guard-dev's really reaches prod's account here
// (the mistake rehearsed: accounts.json says another ID for it).
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { CommandError } from '../../src/process/run';
import { bucketExists, type Day2Sandbox, startDay2Sandbox } from './day2-support';

const PROD_ACCOUNT_ID = '111111111111';
const OTHER_ACCOUNT_ID = '210987654321';

let sandbox: Day2Sandbox | undefined;
let devS3: S3Client;
let prodS3: S3Client;

function sb(): Day2Sandbox {
  if (sandbox === undefined) throw new Error('the sandbox did not start; see the beforeAll error');
  return sandbox;
}

beforeAll(async () => {
  sandbox = await startDay2Sandbox(
    {
      platform: 'guard',
      accounts: {
        prod: { profile: 'guard-prod', accountId: PROD_ACCOUNT_ID },
        dev: { profile: 'guard-dev', accountId: OTHER_ACCOUNT_ID },
      },
    },
    { profileAccounts: { 'guard-dev': PROD_ACCOUNT_ID } },
  );
  // guard-dev's credentials act in prod's account: where a bucket made with them would be.
  devS3 = sandbox.s3('dev');
  prodS3 = sandbox.s3('prod');
  await sandbox.synth();
}, 300_000);

afterAll(async () => {
  await sandbox?.stop();
});

test('a deploy whose credentials belong to another account than accountId fails before anything is created', async () => {
  const failure = await sb()
    .deploy(['state-dev'])
    .then(
      () => undefined,
      (error: unknown) => error,
    );
  expect(failure).toBeInstanceOf(CommandError);
  const output = (failure as CommandError).result.tail.join('\n');
  expect(output).toContain('AWS account ID not allowed');
  expect(output).toContain(PROD_ACCOUNT_ID);
  expect(await bucketExists(devS3, 'guard-dev-state')).toBe(false);
  // Nor did Terraform record anything: the local state is absent or empty.
  const stateFile = path.join(sb().workspace.stateDir, 'state-dev.tfstate');
  const resources = existsSync(stateFile)
    ? (JSON.parse(readFileSync(stateFile, 'utf8')) as { resources: unknown[] }).resources
    : [];
  expect(resources).toEqual([]);
}, 300_000);

test('a deploy whose credentials belong to the configured accountId succeeds', async () => {
  await sb().deploy(['state-prod']);
  expect(await bucketExists(prodS3, 'guard-prod-state')).toBe(true);
}, 600_000);
