// `npm run status [-- --live]` against moto: deployment from the local state, then the bucket's
// settings read through S3 with the account's profile, and drift made with the SDK flagged.
import { DeletePublicAccessBlockCommand, PutBucketVersioningCommand } from '@aws-sdk/client-s3';
import { type Day2Sandbox, startDay2Sandbox } from './day2-support';

const BUCKET = 'status-prod-state';

let sandbox: Day2Sandbox | undefined;

function sb(): Day2Sandbox {
  if (sandbox === undefined) throw new Error('the sandbox did not start; see the beforeAll error');
  return sandbox;
}

beforeAll(async () => {
  sandbox = await startDay2Sandbox({
    platform: 'status',
    accounts: { dev: 'status-dev', prod: 'status-prod' },
    stateBucket: { noncurrentVersionExpirationDays: 30 },
  });
  await sandbox.synth();
  await sandbox.deploy(['state-prod']);
}, 600_000);

afterAll(async () => {
  await sandbox?.stop();
});

test('status shows which state stacks are deployed, with bucket, region and profile', async () => {
  const result = await sb().script('status');
  expect(result.output).toMatch(/^dev\s+state-dev\s+no\s+status-dev-state\s+us-east-1\s+status-dev$/m);
  expect(result.output).toMatch(/^prod\s+state-prod\s+yes\s+status-prod-state\s+us-east-1\s+status-prod$/m);
  expect(result.output).toContain('1 of 2 state stack(s) deployed');
  expect(result.code).toBe(0);
}, 120_000);

test('status --live reads the deployed bucket’s settings and finds no drift right after a deploy', async () => {
  const result = await sb().script('status', ['--live']);
  expect(result.output).toMatch(
    /^prod\s+state-prod\s+yes\s+status-prod-state\s+us-east-1\s+status-prod\s+Enabled\s+AES256\s+all 4 on\s+BucketOwnerEnforced\s+deny non-TLS\s+noncurrent 30d, multipart 7d\s+none$/m,
  );
  expect(result.output).not.toMatch(/drift:/);
  expect(result.code).toBe(0);
}, 120_000);

test('status --live flags settings changed behind Terraform’s back and exits 1', async () => {
  const s3 = sb().s3();
  await s3.send(new PutBucketVersioningCommand({ Bucket: BUCKET, VersioningConfiguration: { Status: 'Suspended' } }));
  await s3.send(new DeletePublicAccessBlockCommand({ Bucket: BUCKET }));
  const result = await sb().script('status', ['--live']);
  expect(result.output).toMatch(/^prod\s+state-prod\s+yes\s.*\sSuspended\s+AES256\s+none\s+BucketOwnerEnforced\s.*\sDRIFT$/m);
  expect(result.output).toContain(
    'drift: state-prod (status-prod-state): versioning is Suspended, expected Enabled; find out who changed it, then run "npx cdktf deploy state-prod" to restore it',
  );
  expect(result.output).toContain('drift: state-prod (status-prod-state): public-access block is none, expected all 4 flags on');
  expect(result.code).toBe(1);
}, 120_000);
