// The logic of recover-state that needs neither AWS nor Terraform: lookup order and reference
// resolution, the import blocks, refusing existing state, and the verdict on the import plan.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  changedAttributes,
  classifyPlan,
  existingStateProblem,
  type Finder,
  importFile,
  partitionOf,
  planImports,
  planVerdict,
  type PlannedChange,
  referencedAddresses,
  resolveConfig,
} from '../../src/recover/plan';
import type { StackResource } from '../../src/recover/stack';

const resource = (type: string, name: string, config: Record<string, unknown>): StackResource => ({
  type,
  name,
  address: `${type}.${name}`,
  config,
});

const vpc = resource('aws_vpc', 'vpc', { cidr_block: '10.0.0.0/16', tags: { Name: 'acme-pipeline-vpc' } });
const subnet = resource('aws_subnet', 'subnet', { vpc_id: '${aws_vpc.vpc.id}', cidr_block: '10.0.0.0/20' });
const route = resource('aws_route_table_association', 'assoc', {
  subnet_id: '${aws_subnet.subnet.id}',
  route_table_id: '${aws_route_table.rt.id}',
});
const table = resource('aws_route_table', 'rt', { vpc_id: '${aws_vpc.vpc.id}', tags: { Name: 'public' } });

test('references are found anywhere in a block, data sources and depends_on left out', () => {
  expect(
    referencedAddresses({
      policy: '{"Resource":"${aws_s3_bucket.state.arn}/*"}',
      role: '${aws_iam_role.runner.name}',
      zone: '${data.aws_availability_zones.zones.names.0}',
      depends_on: ['terraform_data.check'],
      nested: { arn: '${aws_iam_instance_profile.profile.arn}' },
    }),
  ).toEqual(['aws_s3_bucket.state', 'aws_iam_role.runner', 'aws_iam_instance_profile.profile']);
});

test('whole-value references resolve to what was found, the partition is filled in, the rest stays', () => {
  const found = new Map([
    ['aws_iam_role.runner', { importId: 'acme-runner', attrs: { id: 'acme-runner', name: 'acme-runner' } }],
  ]);
  expect(
    resolveConfig(
      {
        role: '${aws_iam_role.runner.name}',
        policy_arn: 'arn:${data.aws_partition.partition.partition}:iam::aws:policy/AmazonSSMManagedInstanceCore',
        other: '${aws_iam_role.missing.id}',
        count: 3,
      },
      found,
      partitionOf('cn-north-1'),
    ),
  ).toEqual({ role: 'acme-runner', policy_arn: 'arn:aws-cn:iam::aws:policy/AmazonSSMManagedInstanceCore', count: 3 });
  expect([partitionOf('eu-west-1'), partitionOf('us-gov-west-1')]).toEqual(['aws', 'aws-us-gov']);
});

test('each resource is looked up after those it refers to, with their IDs filled in, whatever the file order', async () => {
  const seen: string[] = [];
  const find: Finder = (item, config) => {
    seen.push(`${item.address} ${JSON.stringify(config.vpc_id ?? config.subnet_id ?? '')}`);
    const id =
      { aws_vpc: 'vpc-1', aws_subnet: 'subnet-1', aws_route_table: 'rtb-1' }[item.type] ??
      `${String(config.subnet_id)}/${String(config.route_table_id)}`;
    return Promise.resolve({ kind: 'found', found: { importId: id, attrs: { id } } });
  };
  const plan = await planImports([route, subnet, table, vpc], find, 'aws');
  expect(seen).toEqual([
    'aws_vpc.vpc ""',
    'aws_subnet.subnet "vpc-1"',
    'aws_route_table.rt "vpc-1"',
    'aws_route_table_association.assoc "subnet-1"',
  ]);
  expect(plan.missing).toEqual([]);
  expect(importFile(plan)).toEqual({
    import: [
      { to: 'aws_vpc.vpc', id: 'vpc-1' },
      { to: 'aws_subnet.subnet', id: 'subnet-1' },
      { to: 'aws_route_table.rt', id: 'rtb-1' },
      { to: 'aws_route_table_association.assoc', id: 'subnet-1/rtb-1' },
    ],
  });
});

test('a resource not found is reported with the reason, and what depends on it is looked up without its ID', async () => {
  const find: Finder = (item, config) => {
    if (item.type === 'aws_vpc') return Promise.resolve({ kind: 'missing', reason: 'no VPC named acme-pipeline-vpc' });
    if (config.vpc_id === undefined) return Promise.resolve({ kind: 'missing', reason: 'its VPC was not found' });
    return Promise.resolve({ kind: 'found', found: { importId: 'x', attrs: {} } });
  };
  const plan = await planImports([subnet, vpc], find, 'aws');
  expect(plan.imports).toEqual([]);
  expect(plan.missing).toEqual([
    { address: 'aws_vpc.vpc', reason: 'no VPC named acme-pipeline-vpc' },
    { address: 'aws_subnet.subnet', reason: 'its VPC was not found' },
  ]);
});

describe('existing state', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'recover-plan-test-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  test('a state file that exists, even empty, is refused with its name and size; none passes', () => {
    const file = path.join(dir, 'state-dev.tfstate');
    expect(existingStateProblem('state-dev', { kind: 'local', path: file })).toBeUndefined();
    writeFileSync(file, '');
    expect(existingStateProblem('state-dev', { kind: 'local', path: file })).toBe(
      `state-dev: ${file} exists (0 bytes); recover-state never overwrites a state file: run "npm run deploy -- state-dev" if it is intact, or move it aside (e.g. to ${file}.lost) and run recover-state again`,
    );
  });

  test('a state file that holds only the failed check of a refused deploy passes; one with any other resource does not', () => {
    const file = path.join(dir, 'pipeline-prod.tfstate');
    const resource = (type: string) => ({
      mode: 'managed',
      type,
      name: 'r',
      instances: [{ status: 'tainted', attributes: { id: 'x' } }],
    });
    const data = { mode: 'data', type: 'aws_partition', name: 'p', instances: [{ attributes: { id: 'aws' } }] };
    writeFileSync(file, JSON.stringify({ version: 4, resources: [data, resource('terraform_data')] }));
    expect(existingStateProblem('pipeline-prod', { kind: 'local', path: file })).toBeUndefined();
    writeFileSync(file, JSON.stringify({ version: 4, resources: [resource('terraform_data'), resource('aws_vpc')] }));
    expect(existingStateProblem('pipeline-prod', { kind: 'local', path: file })).toContain('recover-state never overwrites');
  });

  test('a stack whose state is in S3 lost nothing with terraform-state/', () => {
    expect(
      existingStateProblem('pipeline-prod', {
        kind: 'remote',
        type: 's3',
        where: 's3://acme-prod-state/pipeline/terraform.tfstate',
      }),
    ).toBe(
      'pipeline-prod: its state is in the s3 backend (s3://acme-prod-state/pipeline/terraform.tfstate), not in terraform-state/, so it was not lost; nothing to recover',
    );
  });
});

const change = (
  address: string,
  actions: string[],
  extra: Partial<PlannedChange['change']> = {},
  mode = 'managed',
): PlannedChange => ({
  address,
  mode,
  type: address.split('.')[0] ?? '',
  change: { actions, ...extra },
});

test('an import-only plan passes; its imports are counted and data reads ignored', () => {
  const plan = classifyPlan([
    change('aws_s3_bucket.state', ['no-op'], { importing: { id: 'acme-dev-state' } }),
    change('aws_vpc.vpc', ['no-op'], { importing: { id: 'vpc-1' } }),
    change('data.aws_iam_policy_document.trust', ['read'], {}, 'data'),
  ]);
  expect(plan).toEqual({
    imports: ['aws_s3_bucket.state', 'aws_vpc.vpc'],
    updates: [],
    stateOnly: [],
    unsetDefaults: [],
    creates: [],
    deletes: [],
    replaces: [],
  });
  expect(planVerdict('state-dev', plan, false)).toEqual({ ok: true, problems: [] });
});

test('creates, destroys and replacements are refused, each listed, even with --allow-updates', () => {
  const plan = classifyPlan([
    change('aws_s3_bucket_logging.logging', ['create']),
    change('aws_subnet.old', ['delete']),
    change('aws_kms_key.key', ['delete', 'create'], { importing: { id: 'k' } }),
    change('aws_vpc.vpc', ['create', 'delete']),
  ]);
  const verdict = planVerdict('state-dev', plan, true);
  expect(verdict.ok).toBe(false);
  expect(verdict.problems).toEqual([
    'state-dev: the plan would create aws_s3_bucket_logging.logging',
    'state-dev: the plan would destroy aws_subnet.old',
    'state-dev: the plan would replace (destroy and create) aws_kms_key.key, aws_vpc.vpc',
  ]);
});

test('an update in place of AWS settings is refused with the attributes unless --allow-updates is given', () => {
  const plan = classifyPlan([
    change('aws_launch_template.runner', ['update'], {
      importing: { id: 'lt-1' },
      before: { name: 'r', tag_specifications: [1, 2, 3], latest_version: 1 },
      after: { name: 'r', tag_specifications: [1, 2] },
      after_unknown: { latest_version: true },
    }),
  ]);
  expect(plan.updates).toEqual([{ address: 'aws_launch_template.runner', attributes: ['tag_specifications'] }]);
  expect(planVerdict('pipeline-prod', plan, false).problems).toEqual([
    "pipeline-prod: the plan would change aws_launch_template.runner (tag_specifications) in place (the live settings differ from the stack's); if the stack's settings are the ones to keep, run recover-state again with --allow-updates",
  ]);
  expect(planVerdict('pipeline-prod', plan, true)).toEqual({ ok: true, problems: [] });
});

test('arguments AWS never reports (a KMS key’s deletion window) are a state-only update that needs no flag', () => {
  const plan = classifyPlan([
    change('aws_kms_key.key', ['update'], {
      importing: { id: 'k' },
      before: { deletion_window_in_days: null, bypass_policy_lockout_safety_check: null, description: 'd' },
      after: { deletion_window_in_days: 30, bypass_policy_lockout_safety_check: false, description: 'd' },
    }),
    change('aws_kms_key.other', ['update'], {
      before: { deletion_window_in_days: null, description: 'old' },
      after: { deletion_window_in_days: 30, description: 'new' },
    }),
  ]);
  expect(plan.stateOnly).toEqual([
    { address: 'aws_kms_key.key', attributes: ['bypass_policy_lockout_safety_check', 'deletion_window_in_days'] },
  ]);
  expect(plan.updates).toEqual([{ address: 'aws_kms_key.other', attributes: ['deletion_window_in_days', 'description'] }]);
  expect(planVerdict('state-dev', { ...plan, updates: [] }, false).ok).toBe(true);
  expect(changedAttributes({ actions: ['update'], before: { a: null }, after: {} })).toEqual([]);
});

test('a DynamoDB resource policy’s confirm_remove_self_resource_access, unset by the import, set to its default needs no flag; any other value or change does', () => {
  const plan = classifyPlan([
    change('aws_dynamodb_resource_policy.lock', ['update'], {
      importing: { id: 'arn:aws:dynamodb:us-east-1:111111111111:table/locks' },
      before: { confirm_remove_self_resource_access: null, policy: '{}' },
      after: { confirm_remove_self_resource_access: false, policy: '{}' },
    }),
    change('aws_dynamodb_resource_policy.confirmed', ['update'], {
      before: { confirm_remove_self_resource_access: null, policy: '{}' },
      after: { confirm_remove_self_resource_access: true, policy: '{}' },
    }),
    change('aws_dynamodb_resource_policy.edited', ['update'], {
      before: { confirm_remove_self_resource_access: null, policy: '{}' },
      after: { confirm_remove_self_resource_access: false, policy: '{"Statement":[]}' },
    }),
  ]);
  expect(plan.unsetDefaults).toEqual([
    { address: 'aws_dynamodb_resource_policy.lock', attributes: ['confirm_remove_self_resource_access'] },
  ]);
  expect(plan.updates).toEqual([
    { address: 'aws_dynamodb_resource_policy.confirmed', attributes: ['confirm_remove_self_resource_access'] },
    { address: 'aws_dynamodb_resource_policy.edited', attributes: ['confirm_remove_self_resource_access', 'policy'] },
  ]);
  expect(planVerdict('state-prod', { ...plan, updates: [] }, false)).toEqual({ ok: true, problems: [] });
});
