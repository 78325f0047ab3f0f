import { runApp } from '../support/run-app';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Testing } from 'cdktf';
import { validateConfig, type AccountConfig, type PipelineConfig } from '../../src/config';
import { logGroupKeyPolicy } from '../../src/constructs/key-policy';
import { UNREACHABLE_PROXY } from '../../src/constructs/aws-provider';
import { PolicyGuard } from '../../src/guard';
import { PipelineStack, pipelineStackId } from '../../stacks/pipeline-stack';

interface SynthesizedStack {
  terraform: { backend: { local: { path: string } } };
  provider: { aws: Record<string, unknown>[] };
  resource: Record<string, Record<string, Record<string, unknown>>>;
  data: Record<string, Record<string, Record<string, unknown>>>;
  output: Record<string, { value: unknown; description: string; precondition?: unknown }>;
}

interface BuildOptions {
  endpointUrl?: string;
  stateBlocked?: string;
  /** accounts.json's `stateBucket` section. */
  stateBucket?: Record<string, unknown>;
  /** More fields of the production account, e.g. `kmsKeyArn`. */
  production?: Record<string, unknown>;
}

function build(pipeline: Record<string, unknown> = {}, options: BuildOptions = {}) {
  const config = validateConfig(
    {
      platform: 'acme',
      region: 'eu-west-1',
      accounts: { dev: 'acme-dev', prod: { profile: 'acme-prod', accountId: '123456789012', ...options.production } },
      ...(options.stateBucket !== undefined ? { stateBucket: options.stateBucket } : {}),
      pipeline,
    },
    'accounts.json',
  );
  const account = config.accounts.find((candidate) => candidate.name === 'prod') as AccountConfig;
  const app = Testing.app();
  const stack = new PipelineStack(app, pipelineStackId('prod'), {
    platform: 'acme',
    account,
    stateDir: path.join(app.outdir, '..', 'terraform-state'),
    pipeline: config.pipeline as PipelineConfig,
    ...(options.endpointUrl !== undefined ? { endpointUrl: options.endpointUrl } : {}),
    ...(options.stateBlocked !== undefined ? { stateBlocked: options.stateBlocked } : {}),
  });
  const synthesized = Testing.synth(stack);
  return { app, stack, synthesized, json: JSON.parse(synthesized) as SynthesizedStack };
}

describe('PipelineStack', () => {
  const { synthesized, json } = build();

  test('the stack id is pipeline-<production account>', () => {
    expect(pipelineStackId('prod')).toBe('pipeline-prod');
    expect(pipelineStackId('live')).toBe('pipeline-live');
  });

  test('its state lives in a local file outside the synth output, at a machine-independent relative path', () => {
    expect(json.terraform.backend.local.path).toBe('../../../terraform-state/pipeline-prod.tfstate');
  });

  test('the provider uses the production account profile, region, allowed account and tags', () => {
    expect(synthesized).toHaveProviderWithProperties(AwsProvider, {
      profile: 'acme-prod',
      region: 'eu-west-1',
      allowed_account_ids: ['123456789012'],
      default_tags: [{ tags: { platform: 'acme', account: 'prod', 'managed-by': 'bootstrap-aws' } }],
    });
    expect(json.provider.aws[0]).not.toHaveProperty('endpoints');
  });

  test('with a local AWS double the provider is set up for it (path-style S3, AWS unreachable), nothing else changes', () => {
    const local = build({}, { endpointUrl: 'http://127.0.0.1:5000' });
    expect(local.json.provider.aws[0]).toMatchObject({
      s3_use_path_style: true,
      https_proxy: UNREACHABLE_PROXY,
      no_proxy: '127.0.0.1',
    });
    expect(local.json.resource).toEqual(json.resource);
  });

  test('the flow-log role trusts the service only for the deploying account, as AWS reports it', () => {
    const trust = Object.entries(json.data.aws_iam_policy_document ?? {}).find(([id]) => id.includes('flow-log_role-trust'))?.[1];
    expect(trust?.statement).toEqual([
      expect.objectContaining({
        condition: [
          { test: 'StringEquals', variable: 'aws:SourceAccount', values: ['${data.aws_caller_identity.caller.account_id}'] },
        ],
      }) as unknown,
    ]);
  });

  test('the partition is looked up, so ARNs work outside the aws partition', () => {
    expect(synthesized).toHaveDataSource(DataAwsPartition);
    const documents = JSON.stringify(json.data.aws_iam_policy_document);
    expect(documents).toContain('arn:${data.aws_partition.partition.partition}:s3:::acme-prod-state');
  });

  test('names derive from the name prefix (default <platform>-pipeline)', () => {
    const names = (result: { json: SynthesizedStack }) => [
      Object.values(result.json.resource.aws_iam_role ?? {})
        .map((role) => role.name)
        .sort(),
      Object.values(result.json.resource.aws_security_group ?? {}).map((group) => group.name),
      Object.values(result.json.resource.aws_launch_template ?? {}).map((template) => template.name),
      Object.values(result.json.resource.aws_iam_instance_profile ?? {}).map((profile) => profile.name),
    ];
    expect(names({ json })).toEqual([
      ['acme-pipeline-runner', 'acme-pipeline-vpc-flow-logs'],
      ['acme-pipeline-runner'],
      ['acme-pipeline-runner'],
      ['acme-pipeline-runner'],
    ]);
    expect(names(build({ namePrefix: 'ci' }))).toEqual([
      ['ci-runner', 'ci-vpc-flow-logs'],
      ['ci-runner'],
      ['ci-runner'],
      ['ci-runner'],
    ]);
  });

  test('the launch template gets a public IP without NAT (public subnets) and none with NAT (private subnets)', () => {
    const nic = (result: { json: SynthesizedStack }) =>
      (Object.values(result.json.resource.aws_launch_template ?? {})[0]?.network_interfaces as Record<string, unknown>[])[0];
    expect(nic({ json })?.associate_public_ip_address).toBe('true');
    expect(nic(build({ natGateway: true }))?.associate_public_ip_address).toBe('false');
  });

  test('config reaches every construct: CIDR, zones, retention, rules, roles, instance type, AMI', () => {
    const custom = build({
      cidr: '172.16.0.0/20',
      azCount: 3,
      flowLogRetentionDays: 30,
      ingress: [{ cidr: '10.1.0.0/16', port: 8443, protocol: 'tcp', description: 'Webhooks' }],
      egress: [{ cidr: '10.2.0.0/16', port: 5432, protocol: 'tcp', description: 'Postgres' }],
      assumableRoleArns: ['arn:aws:iam::111111111111:role/deploy'],
      instanceType: 'm7g.large',
      amiId: 'ami-0123456789abcdef0',
    });
    const one = (type: string) => Object.values(custom.json.resource[type] ?? {});
    expect(one('aws_vpc')[0]?.cidr_block).toBe('172.16.0.0/20');
    expect(one('aws_subnet')).toHaveLength(3);
    expect(one('aws_cloudwatch_log_group')[0]?.retention_in_days).toBe(30);
    expect(one('aws_vpc_security_group_ingress_rule').map((rule) => rule.from_port)).toEqual([8443]);
    expect(
      one('aws_vpc_security_group_egress_rule')
        .map((rule) => rule.from_port)
        .sort(),
    ).toEqual([443, 5432]);
    expect(
      one('aws_iam_role_policy')
        .map((policy) => policy.name)
        .sort(),
    ).toEqual(['assume-deploy-roles', 'pipeline-vpc-only', 'state-bucket-access', 'write-flow-log-group']);
    expect(one('aws_launch_template')[0]).toMatchObject({ instance_type: 'm7g.large', image_id: 'ami-0123456789abcdef0' });
  });

  test('outputs are snake_case, described, and point at the right attributes', () => {
    const outputs = json.output;
    for (const [name, output] of Object.entries(outputs)) {
      expect(name).toMatch(/^[a-z]+(_[a-z]+)*$/);
      expect(output.description.length).toBeGreaterThan(10);
    }
    const value = (name: string) => outputs[name]?.value;
    expect(value('vpc_id')).toMatch(/^\$\{aws_vpc\.network_vpc_\w+\.id\}$/);
    expect(value('public_subnet_ids')).toEqual([
      expect.stringMatching(/^\$\{aws_subnet\.network_public-subnet-0_\w+\.id\}$/) as unknown,
      expect.stringMatching(/^\$\{aws_subnet\.network_public-subnet-1_\w+\.id\}$/) as unknown,
    ]);
    expect(value('private_subnet_ids')).toEqual([]);
    expect(value('runner_subnet_ids')).toEqual(value('public_subnet_ids'));
    expect(value('security_group_id')).toMatch(/^\$\{aws_security_group\.security-group_\w+\.id\}$/);
    expect(value('runner_role_arn')).toMatch(/^\$\{aws_iam_role\.runner-role_\w+\.arn\}$/);
    expect(value('runner_role_name')).toMatch(/^\$\{aws_iam_role\.runner-role_\w+\.name\}$/);
    expect(value('runner_instance_profile_name')).toMatch(
      /^\$\{aws_iam_instance_profile\.runner-role_instance-profile_\w+\.name\}$/,
    );
    expect(value('runner_instance_profile_arn')).toMatch(
      /^\$\{aws_iam_instance_profile\.runner-role_instance-profile_\w+\.arn\}$/,
    );
    expect(value('launch_template_id')).toMatch(/^\$\{aws_launch_template\.runner-launch-template_\w+\.id\}$/);
    expect(value('launch_template_name')).toMatch(/^\$\{aws_launch_template\.runner-launch-template_\w+\.name\}$/);
    expect(value('flow_log_group_name')).toMatch(/^\$\{aws_cloudwatch_log_group\.network_flow-log_log-group_\w+\.name\}$/);
  });

  test('with NAT the private subnets are output and are where runners go', () => {
    const nat = build({ natGateway: true });
    expect(nat.json.output.private_subnet_ids?.value).toEqual([
      expect.stringMatching(/private-subnet-0/) as unknown,
      expect.stringMatching(/private-subnet-1/) as unknown,
    ]);
    expect(nat.json.output.runner_subnet_ids?.value).toEqual(nat.json.output.private_subnet_ids?.value);
  });

  test('the existing-resource check names the VPC, roles, instance profile, log group, launch template and key alias, and every resource waits for it', () => {
    const full = build({ natGateway: true }, { stateBucket: { kms: true } });
    const command = JSON.stringify(full.json.resource.terraform_data?.['existing-resource-check']);
    expect(command).toContain(
      '--resource vpc=acme-pipeline-vpc --resource role=acme-pipeline-runner --resource instance-profile=acme-pipeline-runner ' +
        '--resource role=acme-pipeline-vpc-flow-logs --resource log-group=/acme-pipeline/vpc-flow-logs ' +
        '--resource launch-template=acme-pipeline-runner --resource kms-alias=alias/acme-pipeline-flow-logs --stack pipeline-prod',
    );
    expect(command).toContain('"AWS_PROFILE":"acme-prod"');
    const resources = Object.entries(full.json.resource).filter(([type]) => type !== 'terraform_data');
    for (const [, byId] of resources) {
      for (const resource of Object.values(byId)) expect(resource.depends_on).toContain('terraform_data.existing-resource-check');
    }
  });

  test('resource addresses are stable: renaming a construct id would replace a real resource', () => {
    const full = build({
      natGateway: true,
      ingress: [{ cidr: '10.1.0.0/16', port: 8443, protocol: 'tcp', description: 'w' }],
      assumableRoleArns: ['arn:aws:iam::111111111111:role/d'],
    });
    const addresses = [
      ...Object.entries(full.json.resource),
      ...Object.entries(full.json.data).map(([type, byId]) => [`data.${type}`, byId] as const),
    ].flatMap(([type, byId]) => Object.keys(byId).map((id) => `${type}.${id}`));
    // Never edit this list to make the test pass: a changed address is a replaced resource.
    expect(addresses.sort()).toEqual([
      'aws_cloudwatch_log_group.network_flow-log_log-group_C85D8AEC',
      'aws_default_security_group.network_default-security-group_F40826B8',
      'aws_eip.network_nat-eip_4B0DC1C0',
      'aws_flow_log.network_flow-log_A4E1C079',
      'aws_iam_instance_profile.runner-role_instance-profile_09D097DB',
      'aws_iam_role.network_flow-log_role_7465F8A7',
      'aws_iam_role.runner-role_C3515548',
      'aws_iam_role_policy.network_flow-log_role-policy_DC546738',
      'aws_iam_role_policy.runner-role_assume-roles_812CE14B',
      'aws_iam_role_policy.runner-role_source-vpc_98CFBCE1',
      'aws_iam_role_policy.runner-role_state-access_6AE1B409',
      'aws_iam_role_policy_attachment.runner-role_ssm-managed-instance-core_06CEB514',
      'aws_internet_gateway.network_internet-gateway_E855E801',
      'aws_launch_template.runner-launch-template_7B7FDDF2',
      'aws_nat_gateway.network_nat-gateway_4C1427FE',
      'aws_route.network_private-default-route_FB6625D5',
      'aws_route.network_public-default-route_9AB86AC6',
      'aws_route_table.network_private-route-table_8FAD2D7B',
      'aws_route_table.network_public-route-table_A6CE870C',
      'aws_route_table_association.network_private-subnet-0-route-table_0730044A',
      'aws_route_table_association.network_private-subnet-1-route-table_46ED3E55',
      'aws_route_table_association.network_public-subnet-0-route-table_088F8520',
      'aws_route_table_association.network_public-subnet-1-route-table_0FBE7A79',
      'aws_security_group.security-group_7A44B4EA',
      'aws_subnet.network_private-subnet-0_0C797916',
      'aws_subnet.network_private-subnet-1_F0ACDF2C',
      'aws_subnet.network_public-subnet-0_3247A438',
      'aws_subnet.network_public-subnet-1_63BED862',
      'aws_vpc.network_vpc_4E8F0223',
      'aws_vpc_endpoint.network_s3-endpoint_3093E6A5',
      'aws_vpc_security_group_egress_rule.security-group_egress-https_4F08FC59',
      'aws_vpc_security_group_ingress_rule.security-group_ingress-tcp-8443-10100_16_D1BE1025',
      'data.aws_availability_zones.network_zones_2241F3F0',
      'data.aws_caller_identity.caller',
      'data.aws_iam_policy_document.network_flow-log_role-policy-document_8F5A35B0',
      'data.aws_iam_policy_document.network_flow-log_role-trust_85DFA3F0',
      'data.aws_iam_policy_document.runner-role_assume-roles-document_6A99B498',
      'data.aws_iam_policy_document.runner-role_source-vpc-document_EA09272F',
      'data.aws_iam_policy_document.runner-role_state-access-document_32EB3638',
      'data.aws_iam_policy_document.runner-role_trust_6EE1BB9A',
      'data.aws_partition.partition',
      // Added by issue 24 (a new construct, no existing address changed).
      'terraform_data.existing-resource-check',
    ]);
  });

  // terraform validate takes seconds: one stack with every resource kind and the s3 backend.
  test('the synthesized stack (NAT, rules, roles, s3 backend, flow-log key: every kind of block) is valid Terraform', () => {
    const full = build(
      {
        natGateway: true,
        ingress: [{ cidr: '10.1.0.0/16', port: 8443, protocol: 'tcp', description: 'w' }],
        egress: [{ cidr: '2001:db8::/32', port: 53, protocol: 'udp', description: 'dns' }],
        assumableRoleArns: ['arn:aws:iam::111111111111:role/d'],
        amiId: 'ami-0123456789abcdef0',
        stateBackend: 's3',
      },
      { stateBucket: { kms: true } },
    );
    // init -backend=false: the bucket is not reachable from a unit test (the e2e suite uses it for real).
    const previous = process.env.TF_CLI_ARGS_init;
    process.env.TF_CLI_ARGS_init = '-backend=false';
    try {
      expect(Testing.fullSynth(full.stack)).toBeValidTerraform();
    } finally {
      if (previous === undefined) delete process.env.TF_CLI_ARGS_init;
      else process.env.TF_CLI_ARGS_init = previous;
    }
  });
});

/** The runner's statement that lets it use the state key through S3. */
function runnerKeyStatement(json: SynthesizedStack): { resources: string[]; condition: unknown[] } | undefined {
  const documents = (json.data.aws_iam_policy_document ?? {}) as Record<
    string,
    { statement: { sid: string; resources: string[]; condition: unknown[] }[] }
  >;
  const [, document] = Object.entries(documents).find(([id]) => id.startsWith('runner-role_state-access-document')) ?? [];
  return document?.statement.find((statement) => statement.sid === 'UseStateKeyThroughS3');
}
const runnerStateKey = (json: SynthesizedStack): unknown => runnerKeyStatement(json)?.resources;
const runnerStateKeyConditions = (json: SynthesizedStack): unknown[] => runnerKeyStatement(json)?.condition ?? [];

describe('PipelineStack when the production state bucket uses SSE-KMS', () => {
  const keyed = build({}, { stateBucket: { kms: true } });
  const keyAddress = Object.keys(keyed.json.resource.aws_kms_key ?? {})[0] ?? 'missing';

  test('without SSE-KMS the flow-log group keeps CloudWatch Logs’ own encryption and no key is created', () => {
    const { synthesized, json } = build();
    expect(synthesized).not.toHaveResource(KmsKey);
    expect(Object.values(json.resource.aws_cloudwatch_log_group ?? {})[0]).not.toHaveProperty('kms_key_id');
    expect(json.output).not.toHaveProperty('flow_log_kms_key_arn');
  });

  test('a key of the stack encrypts the flow-log group; it rotates, has an alias and stays destroyable', () => {
    expect(keyed.synthesized).toHaveResourceWithProperties(KmsKey, {
      description: 'Encrypts the VPC flow logs in /acme-pipeline/vpc-flow-logs (bootstrap-aws)',
      enable_key_rotation: true,
      deletion_window_in_days: 30,
      lifecycle: { prevent_destroy: false },
    });
    expect(keyed.synthesized).toHaveResourceWithProperties(KmsAlias, {
      name: 'alias/acme-pipeline-flow-logs',
      target_key_id: `\${aws_kms_key.${keyAddress}.key_id}`,
    });
    expect(keyed.synthesized).toHaveResourceWithProperties(CloudwatchLogGroup, {
      name: '/acme-pipeline/vpc-flow-logs',
      kms_key_id: `\${aws_kms_key.${keyAddress}.arn}`,
    });
    expect(keyed.json.output.flow_log_kms_key_arn?.value).toBe(`\${aws_kms_key.${keyAddress}.arn}`);
  });

  test('the key policy lets only CloudWatch Logs use the key, for the flow-log group, named without referring to it', () => {
    const key = Object.values(keyed.json.resource.aws_kms_key ?? {})[0];
    expect(JSON.parse(String(key?.policy))).toEqual(
      logGroupKeyPolicy({
        partition: '${data.aws_partition.partition.partition}',
        dnsSuffix: '${data.aws_partition.partition.dns_suffix}',
        region: 'eu-west-1',
        accountId: '${data.aws_caller_identity.caller.account_id}',
        logGroupName: '/acme-pipeline/vpc-flow-logs',
      }),
    );
  });

  test('the production account’s own kmsKeyArn also turns the flow-log key on (the state key is not used for logs)', () => {
    const ownKey = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    const own = build({}, { production: { kmsKeyArn: ownKey } });
    expect(own.synthesized).toHaveResource(KmsKey);
    expect(JSON.stringify(own.json.resource)).not.toContain(ownKey);
    // Only the runner's state access names it: the key through S3 (runner-role's own tests check the statements).
    expect(runnerStateKey(own.json)).toEqual([ownKey]);
    expect(runnerStateKeyConditions(own.json)).toHaveLength(1);
  });

  test('a created state key is named by its alias (kms:ResourceAliases), not looked up: the stack plans before state-prod exists', () => {
    expect(keyed.json.data.aws_kms_alias).toBeUndefined();
    expect(runnerStateKey(keyed.json)).toEqual([
      'arn:${data.aws_partition.partition.partition}:kms:eu-west-1:${data.aws_caller_identity.caller.account_id}:key/*',
    ]);
    expect(runnerStateKeyConditions(keyed.json)).toContainEqual({
      test: 'ForAnyValue:StringEquals',
      variable: 'kms:ResourceAliases',
      values: ['alias/acme-prod-state'],
    });
  });

  test('the policy guard finds nothing in the stack with the key (BA-KMS-1 included)', () => {
    expect(new PolicyGuard().check(keyed.app).errors).toEqual([]);
  });

  test('the key’s addresses are permanent and every other address is unchanged', () => {
    const names = (json: SynthesizedStack) =>
      Object.entries(json.resource).flatMap(([type, byId]) => Object.keys(byId).map((id) => `${type}.${id}`));
    const before = names(build().json);
    const added = names(keyed.json).filter((address) => !before.includes(address));
    expect(before.filter((address) => !names(keyed.json).includes(address))).toEqual([]);
    // Never edit this list to make the test pass: a changed address is a replaced key.
    expect(added.sort()).toEqual(['aws_kms_alias.flow-log-key_alias_D8A50112', 'aws_kms_key.flow-log-key_7F5866A1']);
  });
});

describe('main.ts and the pipeline stack', () => {
  /** Synthesizes `accounts` with the real entry point; returns the stack names of the manifest. */
  function synthStacks(accounts: unknown): string[] {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bootstrap-pipeline-main-'));
    try {
      const { status, stderr, outdir } = runApp(accounts, dir);
      if (status !== 0) throw new Error(`synth failed: ${stderr}`);
      const manifest = JSON.parse(readFileSync(path.join(outdir, 'manifest.json'), 'utf8')) as { stacks: object };
      return Object.keys(manifest.stacks).sort();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  test('by default (internal pattern) a pipeline stack named after the production account is synthesized with the state stacks', () => {
    expect(synthStacks({ platform: 'acme', productionAccount: 'live', accounts: { dev: 'd', live: 'l' } })).toEqual([
      'pipeline-live',
      'state-dev',
      'state-live',
    ]);
  });

  test('"pipeline": false (external pattern) synthesizes no pipeline stack', () => {
    expect(synthStacks({ platform: 'acme', accounts: { dev: 'd', prod: 'p' }, pipeline: false })).toEqual([
      'state-dev',
      'state-prod',
    ]);
  });

  test('"pipeline": false synthesizes without any production account', () => {
    expect(synthStacks({ platform: 'acme', accounts: { dev: 'd', live: 'l' }, pipeline: false })).toEqual([
      'state-dev',
      'state-live',
    ]);
  });
});

describe('PipelineStack state backend', () => {
  const backendOf = (result: { synthesized: string }) =>
    (JSON.parse(result.synthesized) as { terraform: { backend: Record<string, Record<string, unknown>> } }).terraform.backend;

  test('with "stateBackend": "s3" its state is in the production bucket under bootstrap/pipeline-prod.tfstate, encrypted and natively locked', () => {
    expect(backendOf(build({ stateBackend: 's3' }))).toEqual({
      s3: {
        bucket: 'acme-prod-state',
        key: 'bootstrap/pipeline-prod.tfstate',
        region: 'eu-west-1',
        profile: 'acme-prod',
        encrypt: true,
        use_lockfile: true,
      },
    });
  });

  test('by default and with "stateBackend": "local" its state is the local file and there is no s3 backend', () => {
    const local = { local: { path: '../../../terraform-state/pipeline-prod.tfstate' } };
    expect(backendOf(build())).toEqual(local);
    expect(backendOf(build({ stateBackend: 'local' }))).toEqual(local);
  });

  test('with a local AWS double the s3 backend is sent to it, path-style and without AWS-only checks', () => {
    expect(backendOf(build({ stateBackend: 's3' }, { endpointUrl: 'http://127.0.0.1:5000' })).s3).toEqual({
      bucket: 'acme-prod-state',
      key: 'bootstrap/pipeline-prod.tfstate',
      region: 'eu-west-1',
      profile: 'acme-prod',
      encrypt: true,
      use_lockfile: true,
      endpoints: { s3: 'http://127.0.0.1:5000' },
      use_path_style: true,
      skip_credentials_validation: true,
      skip_requesting_account_id: true,
      skip_metadata_api_check: true,
      skip_region_validation: true,
    });
  });

  test('the s3 backend and the resources hold no machine path, and only the existing-resource check depends on the backend', () => {
    const s3 = build({ stateBackend: 's3' });
    expect(s3.synthesized).not.toContain(s3.app.outdir);
    expect(s3.synthesized).not.toContain(os.tmpdir());
    expect(s3.synthesized).not.toContain(os.homedir());
    const { terraform_data: s3Checks, ...s3Resources } = s3.json.resource;
    const { terraform_data: localChecks, ...localResources } = build().json.resource;
    expect(s3Resources).toEqual(localResources);
    // The check reads the state where the backend keeps it: the S3 object, or the local file.
    expect(JSON.stringify(s3Checks)).toContain('--state-bucket acme-prod-state --state-key bootstrap/pipeline-prod.tfstate');
    expect(JSON.stringify(localChecks)).toMatch(/--state-file \S+pipeline-prod\.tfstate/);
  });

  test('a blocked state makes the plan fail with the reason (an output precondition), before any change', () => {
    const blocked = build({ stateBackend: 's3' }, { stateBlocked: 'pipeline-prod: move the state first' });
    expect(blocked.json.output.vpc_id).toMatchObject({
      precondition: [
        {
          condition: '${(length(data.aws_partition.partition.partition) < 1)}',
          error_message: 'pipeline-prod: move the state first',
        },
      ],
    });
    expect(JSON.stringify(build({ stateBackend: 's3' }).json.output)).not.toContain('precondition');
    // Blocked, it stays on the local backend: the failing deploy's terraform init records no move.
    const backend = (blocked.json as unknown as { terraform: { backend: Record<string, unknown> } }).terraform.backend;
    expect(Object.keys(backend)).toEqual(['local']);
  });
});
