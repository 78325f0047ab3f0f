// `npm run status` for the pipeline stack: deployed or not from its state (local file, or the production
// bucket with "stateBackend": "s3"), and with --live which key resources are gone. AWS is faked.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Testing } from 'cdktf';
import { type AccountConfig, type PipelineConfig, validateConfig } from '../../src/config';
import { collectPipelineStatus, type PipelineClients, PIPELINE_KEY_RESOURCES } from '../../src/status/pipeline';
import { recordedResources } from '../../src/terraform/state-file';
import { PipelineStack } from '../../stacks/pipeline-stack';
import { awsError, type FakeAnswers, fakeAws } from '../support/fake-aws';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'pipeline-status-test-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const ACCOUNTS = { platform: 'acme', accounts: { dev: 'acme-dev', prod: { profile: 'acme-prod', region: 'eu-west-1' } } };
const local = validateConfig(ACCOUNTS, 'accounts.json');
const inS3 = validateConfig({ ...ACCOUNTS, pipeline: { stateBackend: 's3' } }, 'accounts.json');

/** The key resources of a deployed pipeline-prod, as Terraform names and records them. */
const RECORDED = [
  { type: 'aws_vpc', name: 'network_vpc_4E8F0223', id: 'vpc-1111' },
  { type: 'aws_security_group', name: 'security-group_7A44B4EA', id: 'sg-2222' },
  { type: 'aws_iam_role', name: 'network_flow-log_role_7465F8A7', id: 'acme-pipeline-vpc-flow-logs' },
  { type: 'aws_iam_role', name: 'runner-role_C3515548', id: 'acme-pipeline-runner' },
  { type: 'aws_iam_instance_profile', name: 'runner-role_instance-profile_09D097DB', id: 'acme-pipeline-runner' },
  { type: 'aws_launch_template', name: 'runner-launch-template_7B7FDDF2', id: 'lt-3333' },
];

function stateText(resources: readonly { type: string; name: string; id: string }[]): string {
  return JSON.stringify({
    version: 4,
    resources: [
      { mode: 'data', type: 'aws_partition', name: 'partition', instances: [{ attributes: { id: 'aws' } }] },
      ...resources.map(({ type, name, id }) => ({ mode: 'managed', type, name, instances: [{ attributes: { id } }] })),
    ],
  });
}

/** EC2 and IAM answers of an account where every recorded key resource exists. */
const EVERYTHING_EXISTS: FakeAnswers = {
  DescribeVpcsCommand: () => ({ Vpcs: [{ VpcId: 'vpc-1111' }] }),
  DescribeSecurityGroupsCommand: () => ({ SecurityGroups: [{ GroupId: 'sg-2222' }] }),
  DescribeLaunchTemplatesCommand: () => ({ LaunchTemplates: [{ LaunchTemplateId: 'lt-3333' }] }),
  GetRoleCommand: () => ({ Role: {} }),
  GetInstanceProfileCommand: () => ({ InstanceProfile: {} }),
};

function clients(answers: FakeAnswers, sent: string[] = []): () => PipelineClients {
  return () => fakeAws(answers, sent);
}

describe('with the local backend', () => {
  const status = (live?: () => PipelineClients) =>
    collectPipelineStatus({ config: local, stack: 'pipeline-prod', stateDir: dir, ...(live !== undefined ? { live } : {}) });

  test('there is no pipeline stack with "pipeline": false', async () => {
    const external = validateConfig({ ...ACCOUNTS, pipeline: false }, 'accounts.json');
    expect(await collectPipelineStatus({ config: external, stack: 'pipeline-prod', stateDir: dir })).toBeUndefined();
  });

  test('without a state file it is not deployed', async () => {
    expect(await status()).toMatchObject({
      stack: 'pipeline-prod',
      backend: 'local',
      stateLocation: path.join(dir, 'pipeline-prod.tfstate'),
      deployed: false,
      resources: [],
      unrecorded: [],
    });
  });

  test('a state file with resources is deployed, with the IDs of the key resources', async () => {
    writeFileSync(path.join(dir, 'pipeline-prod.tfstate'), stateText(RECORDED));
    const found = await status();
    expect(found?.deployed).toBe(true);
    expect(found?.resources).toEqual([
      { what: 'VPC', type: 'aws_vpc', id: 'vpc-1111' },
      { what: 'runner security group', type: 'aws_security_group', id: 'sg-2222' },
      { what: 'runner role', type: 'aws_iam_role', id: 'acme-pipeline-runner' },
      { what: 'runner instance profile', type: 'aws_iam_instance_profile', id: 'acme-pipeline-runner' },
      { what: 'runner launch template', type: 'aws_launch_template', id: 'lt-3333' },
    ]);
    expect(found?.unrecorded).toEqual([]);
    expect(found?.gone).toBeUndefined();
  });

  test('a deployed state that lacks a key resource names it (a deploy that stopped half-way)', async () => {
    writeFileSync(path.join(dir, 'pipeline-prod.tfstate'), stateText(RECORDED.filter((r) => r.type !== 'aws_launch_template')));
    expect((await status())?.unrecorded).toEqual(['runner launch template']);
  });

  test('a corrupt state file is a problem with its fix', async () => {
    writeFileSync(path.join(dir, 'pipeline-prod.tfstate'), '{"resou');
    expect((await status())?.problem).toBe(
      `${path.join(dir, 'pipeline-prod.tfstate')} is not valid JSON; restore it from its .backup file`,
    );
  });

  test('--live finds every key resource in place', async () => {
    writeFileSync(path.join(dir, 'pipeline-prod.tfstate'), stateText(RECORDED));
    const sent: string[] = [];
    const found = await status(clients(EVERYTHING_EXISTS, sent));
    expect(found?.gone).toEqual([]);
    expect(sent.sort()).toEqual([
      'DescribeLaunchTemplatesCommand',
      'DescribeSecurityGroupsCommand',
      'DescribeVpcsCommand',
      'GetInstanceProfileCommand',
      'GetRoleCommand',
    ]);
  });

  test('--live names each key resource AWS or moto no longer knows', async () => {
    writeFileSync(path.join(dir, 'pipeline-prod.tfstate'), stateText(RECORDED));
    const found = await status(
      clients({
        ...EVERYTHING_EXISTS,
        DescribeVpcsCommand: () => {
          throw awsError('InvalidVpcID.NotFound');
        },
        // moto answers an unknown launch template ID with an empty list; AWS with InvalidLaunchTemplateId.NotFound.
        DescribeLaunchTemplatesCommand: () => ({ LaunchTemplates: [] }),
        GetInstanceProfileCommand: () => {
          throw awsError('NoSuchEntityException');
        },
      }),
    );
    expect(found?.gone).toEqual([
      { what: 'VPC', type: 'aws_vpc', id: 'vpc-1111' },
      { what: 'runner instance profile', type: 'aws_iam_instance_profile', id: 'acme-pipeline-runner' },
      { what: 'runner launch template', type: 'aws_launch_template', id: 'lt-3333' },
    ]);
  });

  test('--live reports an AWS error with the permissions the check needs', async () => {
    writeFileSync(path.join(dir, 'pipeline-prod.tfstate'), stateText(RECORDED));
    const found = await status(
      clients({
        ...EVERYTHING_EXISTS,
        GetRoleCommand: () => {
          throw awsError('AccessDenied', 'not authorized to perform: iam:GetRole');
        },
      }),
    );
    expect(found?.gone).toBeUndefined();
    expect(found?.error).toMatch(
      /^could not check its resources with profile acme-prod \(AccessDenied: not authorized to perform: iam:GetRole\); the profile needs ec2:DescribeVpcs, .* iam:GetRole and iam:GetInstanceProfile$/,
    );
  });
});

describe('with "stateBackend": "s3"', () => {
  const status = (live?: () => PipelineClients) =>
    collectPipelineStatus({ config: inS3, stack: 'pipeline-prod', stateDir: dir, ...(live !== undefined ? { live } : {}) });
  const object = (text: string) => () => ({ Body: { transformToString: () => Promise.resolve(text) } });

  test('without --live the state is not read: nothing leaves the machine', async () => {
    writeFileSync(path.join(dir, 'pipeline-prod.tfstate'), stateText(RECORDED));
    const found = await status();
    expect(found).toMatchObject({ backend: 's3', stateLocation: 's3://acme-prod-state/bootstrap/pipeline-prod.tfstate' });
    expect(found?.deployed).toBeUndefined();
  });

  test('--live reads the state object in the production bucket, not the local file kept from before the move', async () => {
    writeFileSync(path.join(dir, 'pipeline-prod.tfstate'), stateText(RECORDED));
    const keys: unknown[] = [];
    const found = await status(
      clients({
        ...EVERYTHING_EXISTS,
        GetObjectCommand: (input) => {
          keys.push(input);
          return object(stateText(RECORDED.filter((r) => r.type !== 'aws_vpc')))();
        },
      }),
    );
    expect(keys).toEqual([{ Bucket: 'acme-prod-state', Key: 'bootstrap/pipeline-prod.tfstate' }]);
    expect(found?.deployed).toBe(true);
    expect(found?.unrecorded).toEqual(['VPC']);
    expect(found?.gone).toEqual([]);
  });

  test('no state object means not deployed', async () => {
    const found = await status(
      clients({
        GetObjectCommand: () => {
          throw awsError('NoSuchKey');
        },
      }),
    );
    expect(found).toMatchObject({ deployed: false, resources: [] });
    expect(found?.problem).toBeUndefined();
  });

  test('no state object while the local file still records resources says how to move the state', async () => {
    writeFileSync(path.join(dir, 'pipeline-prod.tfstate'), stateText(RECORDED));
    const found = await status(
      clients({
        GetObjectCommand: () => {
          throw awsError('NoSuchKey');
        },
      }),
    );
    expect(found?.problem).toBe(
      `"pipeline.stateBackend" is "s3" but the state is still in ${path.join(dir, 'pipeline-prod.tfstate')}; move it with "npm run deploy -- pipeline-prod --migrate-state" (see docs/move-pipeline-state.md)`,
    );
  });

  test('a state object that cannot be read is an error naming the profile', async () => {
    const found = await status(
      clients({
        GetObjectCommand: () => {
          throw awsError('AccessDenied', 'Access Denied');
        },
      }),
    );
    expect(found?.deployed).toBeUndefined();
    expect(found?.error).toBe('could not read its state with profile acme-prod (AccessDenied: Access Denied)');
  });
});

test('each key resource pattern matches exactly one resource of the synthesized pipeline stack', () => {
  const prod = local.accounts.find((account) => account.name === 'prod') as AccountConfig;
  const app = Testing.app();
  const stack = new PipelineStack(app, 'pipeline-prod', {
    platform: 'acme',
    account: prod,
    stateDir: dir,
    pipeline: local.pipeline as PipelineConfig,
  });
  const json = JSON.parse(Testing.synth(stack)) as { resource: Record<string, Record<string, unknown>> };
  // The synthesized names are the names a state records.
  const names = Object.entries(json.resource).flatMap(([type, resources]) =>
    Object.keys(resources).map((name) => ({ type, name, id: `${name}-id` })),
  );
  const recorded = recordedResources(stateText(names)) ?? [];
  for (const wanted of PIPELINE_KEY_RESOURCES) {
    expect([wanted.what, recorded.filter((r) => r.type === wanted.type && wanted.name.test(r.name)).length]).toEqual([
      wanted.what,
      1,
    ]);
  }
});
