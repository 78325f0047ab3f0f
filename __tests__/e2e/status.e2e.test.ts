// `npm run status [-- --live]` against moto: deployment from the local state, then the bucket's
// settings read through S3 with the account's profile, and drift made with the SDK flagged; the same
// for pipeline-prod, whose key resources are looked up with the production account's profile.
import { DeleteLaunchTemplateCommand, EC2Client } from '@aws-sdk/client-ec2';
import { DeleteBucketCommand, DeletePublicAccessBlockCommand, PutBucketVersioningCommand } from '@aws-sdk/client-s3';
import { type Day2Sandbox, startDay2Sandbox } from './day2-support';

const BUCKET = 'status-prod-state';
const LAUNCH_TEMPLATE = 'status-pipeline-runner';

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
  // Side by side: pipeline-prod keeps its state in a local file, so it does not need state-prod.
  await sandbox.deploy(['state-prod', 'pipeline-prod']);
}, 600_000);

afterAll(async () => {
  await sandbox?.stop();
});

test('status shows which state stacks are deployed, with bucket, region and profile', async () => {
  const result = await sb().script('status');
  expect(result.output).toMatch(/^dev\s+state-dev\s+no\s+status-dev-state\s+us-east-1\s+status-dev$/m);
  expect(result.output).toMatch(/^prod\s+state-prod\s+yes\s+status-prod-state\s+us-east-1\s+status-prod$/m);
  expect(result.output).toMatch(/^pipeline-prod\s+prod\s+yes\s+local\s+us-east-1\s+status-prod$/m);
  expect(result.output).toContain('1 of 2 state stack(s) deployed; pipeline-prod deployed');
  expect(result.code).toBe(0);
}, 120_000);

test('status --live reads the deployed bucket’s settings and finds no drift right after a deploy', async () => {
  const result = await sb().script('status', ['--live']);
  expect(result.output).toMatch(
    /^prod\s+state-prod\s+yes\s+status-prod-state\s+us-east-1\s+status-prod\s+Enabled\s+AES256\s+all 4 on\s+BucketOwnerEnforced\s+deny non-TLS\s+noncurrent 30d, multipart 7d\s+none$/m,
  );
  expect(result.output).toMatch(/^pipeline-prod\s+prod\s+yes\s+local\s+us-east-1\s+status-prod\s+5 of 5 exist\s+none$/m);
  expect(result.output).not.toMatch(/drift:/);
  expect(result.output).toContain('1 of 2 state stack(s) deployed; pipeline-prod deployed; no drift.');
  expect(result.code).toBe(0);
}, 120_000);

test('status --live flags a pipeline resource deleted behind Terraform’s back and exits 1', async () => {
  const ec2 = new EC2Client({
    endpoint: sb().moto.endpoint,
    region: 'us-east-1',
    credentials: sb().workspace.credentialsOf('prod'),
  });
  try {
    await ec2.send(new DeleteLaunchTemplateCommand({ LaunchTemplateName: LAUNCH_TEMPLATE }));
  } finally {
    ec2.destroy();
  }
  const result = await sb().script('status', ['--live']);
  expect(result.output).toMatch(/^pipeline-prod\s+prod\s+yes\s+local\s+.*\s+4 of 5 exist\s+DRIFT$/m);
  expect(result.output).toMatch(
    /^drift: pipeline-prod: the runner launch template lt-[0-9a-f]+ is gone \(deleted outside Terraform\); find out who deleted it, then run "npm run deploy -- pipeline-prod" to recreate it$/m,
  );
  expect(result.output).toContain('1 of 2 state stack(s) deployed; pipeline-prod deployed; 1 finding(s) above need attention.');
  expect(result.code).toBe(1);
}, 120_000);

test('status --live flags settings changed behind Terraform’s back and exits 1', async () => {
  const s3 = sb().s3('prod');
  await s3.send(new PutBucketVersioningCommand({ Bucket: BUCKET, VersioningConfiguration: { Status: 'Suspended' } }));
  await s3.send(new DeletePublicAccessBlockCommand({ Bucket: BUCKET }));
  const result = await sb().script('status', ['--live']);
  expect(result.output).toMatch(/^prod\s+state-prod\s+yes\s.*\sSuspended\s+AES256\s+none\s+BucketOwnerEnforced\s.*\sDRIFT$/m);
  expect(result.output).toContain(
    'drift: state-prod (status-prod-state): versioning is Suspended, expected Enabled; find out who changed it, then run "npm run deploy -- state-prod" to restore it',
  );
  expect(result.output).toContain('drift: state-prod (status-prod-state): public-access block is none, expected all 4 flags on');
  expect(result.code).toBe(1);
}, 120_000);

test('status --live reports a deleted state bucket as drift, does not count it as deployed, and exits 1', async () => {
  // The bucket holds no objects (pipeline-prod's state is local), so S3 lets it go.
  await sb()
    .s3('prod')
    .send(new DeleteBucketCommand({ Bucket: BUCKET }));
  const result = await sb().script('status', ['--live']);
  expect(result.output).toMatch(/^prod\s+state-prod\s+GONE\s+status-prod-state\s+us-east-1\s+status-prod(\s+-){6}\s+DRIFT$/m);
  expect(result.output).toMatch(
    /^drift: state-prod \(status-prod-state\): the bucket is gone: .*state-prod\.tfstate records it, so it was deleted outside Terraform, with every state file it held; run "npm run deploy -- state-prod" to recreate it empty, then put back those state files from a backup$/m,
  );
  expect(result.output).not.toContain('could not read the bucket');
  expect(result.output).toContain('0 of 2 state stack(s) deployed and 1 whose bucket is gone;');
  expect(result.code).toBe(1);
}, 120_000);
