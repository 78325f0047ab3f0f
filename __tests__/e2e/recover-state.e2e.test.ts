// terraform-state/ lost (issue 14, fault 6): one account's state stack (SSE-KMS with its own key and alias,
// access logs to a log bucket, a lock table), pipeline-prod (VPC, subnets, routes, security groups, flow
// log with its key and log group, runner role, instance profile, launch template) and access-prod (deploy
// role, inline and attached policies, the GitHub OIDC provider) are deployed to moto once; then the state
// folder is deleted and `npm run recover-state` brings every resource back with import blocks. Nothing is
// created or deleted: IDs AWS chose (bucket creation date, key ID, VPC ID, role ID) are unchanged, an
// object written after the loss is still there, and a plan afterwards has nothing to do.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { KMSClient, ListAliasesCommand } from '@aws-sdk/client-kms';
import {
  DeleteBucketLifecycleCommand,
  GetBucketLifecycleConfigurationCommand,
  GetObjectCommand,
  ListBucketsCommand,
  PutBucketLifecycleConfigurationCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { IMPORTS_FILE } from '../../src/recover';
import { stackDir } from '../../src/sandbox/cdktf';
import { terraformPlan } from '../../src/sandbox/terraform';
import { type Day2Sandbox, startDay2Sandbox, started } from './day2-support';
import { runWrapper } from './fault-support';

const ACCOUNT_ID = '210987654321';
const BUCKET = 'rec-prod-state';
const LOG_BUCKET = 'rec-prod-state-logs';

let sandbox: Day2Sandbox | undefined;
const sb = (): Day2Sandbox => started(sandbox);

interface Identities {
  readonly buckets: Record<string, string>;
  readonly keys: Record<string, string>;
  readonly vpcs: string[];
  readonly roles: Record<string, string>;
}

/** What AWS chose when the resources were created: any of them recreated would change here. */
async function identities(): Promise<Identities> {
  const settings = { endpoint: sb().moto.endpoint, region: 'us-east-1', credentials: sb().workspace.credentialsOf('prod') };
  const kms = new KMSClient(settings);
  const ec2 = new EC2Client(settings);
  const iam = new IAMClient(settings);
  try {
    const { Buckets } = await sb().s3('prod').send(new ListBucketsCommand({}));
    const { Aliases } = await kms.send(new ListAliasesCommand({}));
    const { Vpcs } = await ec2.send(
      new DescribeVpcsCommand({ Filters: [{ Name: 'tag:managed-by', Values: ['bootstrap-aws'] }] }),
    );
    const roles: Record<string, string> = {};
    for (const name of ['rec-pipeline-runner', 'rec-pipeline-deploy', 'rec-pipeline-vpc-flow-logs']) {
      roles[name] = (await iam.send(new GetRoleCommand({ RoleName: name }))).Role?.RoleId ?? 'missing';
    }
    return {
      buckets: Object.fromEntries((Buckets ?? []).map((bucket) => [bucket.Name ?? '', bucket.CreationDate?.toISOString() ?? ''])),
      keys: Object.fromEntries(
        (Aliases ?? [])
          .filter((alias) => alias.AliasName?.startsWith('alias/rec-'))
          .map((alias) => [alias.AliasName ?? '', alias.TargetKeyId ?? '']),
      ),
      vpcs: (Vpcs ?? []).map((vpc) => vpc.VpcId ?? ''),
      roles,
    };
  } finally {
    kms.destroy();
    ec2.destroy();
    iam.destroy();
  }
}

let before: Identities;

beforeAll(async () => {
  sandbox = await startDay2Sandbox({
    platform: 'rec',
    accounts: { prod: { profile: 'rec-prod', accountId: ACCOUNT_ID } },
    stateBucket: { kms: true, accessLogs: true, lockTable: true },
    pipelineAccess: {
      policyArns: ['arn:aws:iam::aws:policy/PowerUserAccess'],
      trust: { github: [{ repository: 'acme/infrastructure', branch: 'main' }] },
    },
  });
  await sandbox.synth();
  await sandbox.deploy(['state-prod', 'pipeline-prod']);
  // The access stack reads the state key's alias: after the state stack.
  await sandbox.deploy(['access-prod']);
  before = await identities();
}, 600_000);

afterAll(async () => {
  await sandbox?.stop();
});

const stateFile = (stack: string): string => path.join(sb().workspace.stateDir, `${stack}.tfstate`);
const recover = (args: readonly string[]) => sb().script('recover-state', args, { CDKTF_OUTDIR: sb().workspace.outdir });

test('recover-state refuses a stack whose state file exists, naming it, and leaves the file as it was', async () => {
  const kept = readFileSync(stateFile('state-prod'), 'utf8');
  const result = await recover(['state-prod']);
  expect(result.output).toContain(
    `error: state-prod: ${stateFile('state-prod')} exists (${Buffer.byteLength(kept)} bytes); recover-state never overwrites a state file`,
  );
  expect(result.code).toBe(1);
  expect(readFileSync(stateFile('state-prod'), 'utf8')).toBe(kept);
}, 120_000);

describe('after terraform-state/ is lost', () => {
  beforeAll(async () => {
    rmSync(sb().workspace.stateDir, { recursive: true, force: true });
    await sb()
      .s3('prod')
      .send(new PutObjectCommand({ Bucket: BUCKET, Key: 'team/terraform.tfstate', Body: '{"version":4,"serial":7}' }));
  });

  test('a deploy of pipeline-prod and access-prod is refused in one line naming recover-state; nothing is created (issue 24)', async () => {
    // npm run deploy, as a user would: the existing-resource check of each stack runs before anything else.
    // One stack a run: a failed stack stops the stacks waiting behind it.
    const result = await runWrapper(sb().workspace, ['pipeline-prod']);
    expect(result.code).not.toBe(0);
    expect(result.output).toMatch(
      /error: pipeline-prod: AWS already has VPC named rec-pipeline-vpc, IAM role rec-pipeline-runner, instance profile rec-pipeline-runner, IAM role rec-pipeline-vpc-flow-logs, log group \/rec-pipeline\/vpc-flow-logs, launch template rec-pipeline-runner, KMS alias alias\/rec-pipeline-flow-logs, which its state \(\S+pipeline-prod\.tfstate\) does not record/,
    );
    expect(result.output).toContain('Do not deploy: run npm run recover-state -- pipeline-prod');
    const access = await runWrapper(sb().workspace, ['access-prod']);
    expect(access.code).not.toBe(0);
    expect(access.output).toMatch(/error: access-prod: AWS already has IAM role rec-pipeline-deploy, which its state/);
    expect(access.output).toContain('run npm run recover-state -- access-prod');
    // Nothing created: still one VPC of the project (counted through the SDK), and the same roles and keys.
    expect(await identities()).toEqual(before);
  }, 400_000);

  test('a resource of the stack missing in AWS: refused before any plan, naming it; no state file written', async () => {
    const s3 = sb().s3('prod');
    const { Rules } = await s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: LOG_BUCKET }));
    await s3.send(new DeleteBucketLifecycleCommand({ Bucket: LOG_BUCKET }));
    try {
      const result = await recover(['state-prod']);
      expect(result.output).toMatch(
        /^error: state-prod: aws_s3_bucket_lifecycle_configuration\.access-log-bucket_lifecycle_\w+ was not found in AWS: the lifecycle configuration of rec-prod-state-logs does not exist/m,
      );
      expect(result.output).toContain(
        'error: state-prod: refused: importing the rest would make the next deploy create those 1 resource(s)',
      );
      expect(result.code).toBe(1);
      expect(existsSync(stateFile('state-prod'))).toBe(false);
      expect(existsSync(path.join(stackDir(sb().workspace.outdir, 'state-prod'), IMPORTS_FILE))).toBe(false);
    } finally {
      await s3.send(new PutBucketLifecycleConfigurationCommand({ Bucket: LOG_BUCKET, LifecycleConfiguration: { Rules } }));
    }
  }, 120_000);

  test('every stack comes back with nothing created or deleted, and a plan shows no changes', async () => {
    const result = await recover(['--allow-updates']);
    if (result.code !== 0) throw new Error(`recover-state failed:\n${result.output}`);
    // The state and access stacks need no in-place change: only the arguments AWS never reports, and the lock
    // table's resource policy flag that hashicorp/aws 5.100.0's import leaves unset (its policy put again as is).
    // State: 20 with the lock table's resource policy; access: 7 with the deploy role's no-cross-account-assume policy
    // and the existing-resource check (issue 24).
    expect(result.output).toMatch(/^state-prod: the plan imports 20, creates, replaces and destroys nothing; applying it$/m);
    expect(result.output).toMatch(/^access-prod: the plan imports 7, creates, replaces and destroys nothing; applying it$/m);
    expect(result.output).toMatch(
      /^state-prod: aws_kms_key\.state-bucket-key_\w+: bypass_policy_lockout_safety_check, deletion_window_in_days set in the state only/m,
    );
    expect(result.output).toMatch(
      /^state-prod: aws_dynamodb_resource_policy\.state-lock-table_resource-policy_\w+: confirm_remove_self_resource_access left unset by the import, set to the default/m,
    );
    // moto 5.2.1 copies the launch template's own tags into its version's data (see pipeline.e2e.test.ts), so the
    // imported template differs in tag_specifications and needs --allow-updates here; on AWS it does not.
    // 26 with the runner role's pipeline-vpc-only policy (issue 22 item 9) and the existing-resource check (issue 24).
    expect(result.output).toMatch(
      /^pipeline-prod: the plan imports 26, 1 changed in place \(--allow-updates\), creates, replaces/m,
    );
    const stacks = ['state-prod', 'access-prod', 'pipeline-prod'];
    for (const stack of stacks) {
      expect(result.output).toContain(`${stack}: recovered into ${stateFile(stack)}; "terraform plan" shows no changes`);
      expect(existsSync(path.join(stackDir(sb().workspace.outdir, stack), IMPORTS_FILE))).toBe(false);
    }
    // Checked here too, not only by recover-state itself.
    const plans = await Promise.all(
      stacks.map((stack) => terraformPlan(stackDir(sb().workspace.outdir, stack), sb().workspace.env)),
    );
    expect(plans).toEqual(['no-changes', 'no-changes', 'no-changes']);
    expect(result.output).toContain('Recovered 3 stack(s); 0 left alone.');
    const object = await sb()
      .s3('prod')
      .send(new GetObjectCommand({ Bucket: BUCKET, Key: 'team/terraform.tfstate' }));
    expect(await object.Body?.transformToString()).toBe('{"version":4,"serial":7}');
  }, 400_000);

  test('nothing was recreated: buckets, keys, the VPC and the roles are the ones deployed', async () => {
    const after = await identities();
    expect(after).toEqual(before);
    expect(Object.keys(after.buckets).sort()).toEqual([BUCKET, LOG_BUCKET]);
    expect(Object.keys(after.keys).sort()).toEqual(['alias/rec-pipeline-flow-logs', 'alias/rec-prod-state']);
    expect(after.vpcs).toHaveLength(1);
  }, 120_000);

  test('run again, every stack now has state and is left alone', async () => {
    const result = await recover([]);
    expect(result.output).toContain(`note: state-prod: ${stateFile('state-prod')} exists; left alone`);
    expect(result.output).toContain('Recovered 0 stack(s); 3 left alone.');
    expect(result.code).toBe(0);
  }, 120_000);
});
