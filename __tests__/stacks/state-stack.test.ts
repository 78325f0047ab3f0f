import { existsSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { App, Testing } from 'cdktf';
import { validateConfig, type AccountConfig, type BootstrapConfig } from '../../src/config';
import { StateStack, stateStackId } from '../../stacks/state-stack';
import { shellWord } from '../../src/constructs/existing-bucket-check';

const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

interface SynthesizedStack {
  terraform: { backend: { local: { path: string } } };
  provider: { aws: Record<string, unknown>[] };
  resource: Record<string, Record<string, Record<string, unknown>>>;
  output: Record<string, { value: string; description: string }>;
  import?: { id: string; to: string }[];
}

const multiAccount: BootstrapConfig = validateConfig(
  {
    platform: 'acme',
    region: 'eu-west-1',
    accounts: {
      dev: 'acme-dev',
      staging: { profile: 'acme-staging', region: 'eu-central-1' },
      prod: { profile: 'acme-prod', accountId: '123456789012' },
    },
    stateBucket: { noncurrentVersionExpirationDays: 30 },
  },
  'accounts.json',
);

function account(name: string): AccountConfig {
  const found = multiAccount.accounts.find((candidate) => candidate.name === name);
  if (found === undefined) throw new Error(`no account ${name}`);
  return found;
}

function buildStack(accountName: string, options: { endpointUrl?: string; days?: number } = {}) {
  const app = Testing.app();
  const stack = new StateStack(app, stateStackId(accountName), {
    platform: 'acme',
    account: account(accountName),
    stateDir: path.join(app.outdir, '..', 'terraform-state'),
    ...(options.days !== undefined ? { noncurrentVersionExpirationDays: options.days } : {}),
    ...(options.endpointUrl !== undefined ? { endpointUrl: options.endpointUrl } : {}),
  });
  const synthesized = Testing.synth(stack);
  return { app, stack, synthesized, json: JSON.parse(synthesized) as SynthesizedStack };
}

describe('StateStack', () => {
  const { synthesized, json } = buildStack('dev');

  test('the stack id is state-<account>', () => {
    expect(stateStackId('dev')).toBe('state-dev');
  });

  test('the provider uses the account profile and region and tags every resource', () => {
    expect(synthesized).toHaveProviderWithProperties(AwsProvider, {
      profile: 'acme-dev',
      region: 'eu-west-1',
      default_tags: [{ tags: { platform: 'acme', account: 'dev', 'managed-by': 'bootstrap-aws' } }],
    });
  });

  test('a per-account region overrides the top-level region', () => {
    expect(buildStack('staging').synthesized).toHaveProviderWithProperties(AwsProvider, { region: 'eu-central-1' });
  });

  test('the provider refuses other accounts only when accountId is given', () => {
    expect(json.provider.aws[0]).not.toHaveProperty('allowed_account_ids');
    expect(buildStack('prod').json.provider.aws[0]).toMatchObject({ allowed_account_ids: ['123456789012'] });
  });

  test('the provider targets real AWS unless an endpoint is given', () => {
    const provider = json.provider.aws[0] ?? {};
    expect(Object.keys(provider).sort()).toEqual(['default_tags', 'profile', 'region']);
  });

  test('the bucket is named <platform>-<account>-state, kept on destroy and never force-destroyed', () => {
    expect(synthesized).toHaveResourceWithProperties(S3Bucket, {
      bucket: 'acme-dev-state',
      force_destroy: false,
      lifecycle: { prevent_destroy: true },
    });
  });

  test('versioning is enabled', () => {
    expect(synthesized).toHaveResourceWithProperties(S3BucketVersioningA, { versioning_configuration: { status: 'Enabled' } });
  });

  test('default encryption is SSE-S3', () => {
    expect(synthesized).toHaveResourceWithProperties(S3BucketServerSideEncryptionConfigurationA, {
      rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: 'AES256' } }],
    });
  });

  test('all four public-access-block flags are on', () => {
    expect(synthesized).toHaveResourceWithProperties(S3BucketPublicAccessBlock, {
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
  });

  test('object ownership is BucketOwnerEnforced, which disables ACLs', () => {
    expect(synthesized).toHaveResourceWithProperties(S3BucketOwnershipControls, {
      rule: { object_ownership: 'BucketOwnerEnforced' },
    });
  });

  test('the bucket policy denies any request without TLS on the bucket and its objects', () => {
    const policies = json.resource.aws_s3_bucket_policy ?? {};
    const policy = Object.values(policies)[0]?.policy as string;
    const bucketAddress = Object.keys(json.resource.aws_s3_bucket ?? {})[0] ?? 'missing';
    // A JSON string whose ARNs Terraform interpolates from the bucket: `${aws_s3_bucket.<name>.arn}`.
    expect(JSON.parse(policy)).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'DenyInsecureTransport',
          Effect: 'Deny',
          Principal: '*',
          Action: 's3:*',
          Resource: [`\${aws_s3_bucket.${bucketAddress}.arn}`, `\${aws_s3_bucket.${bucketAddress}.arn}/*`],
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        },
      ],
    });
    expect(synthesized).toHaveResourceWithProperties(S3BucketPolicy, {
      depends_on: [expect.stringMatching(/^aws_s3_bucket_public_access_block\./)],
    });
  });

  test('noncurrent versions expire after the configured days and incomplete uploads are aborted after 7 days', () => {
    expect(buildStack('dev', { days: 30 }).synthesized).toHaveResourceWithProperties(S3BucketLifecycleConfiguration, {
      rule: [
        expect.objectContaining({
          status: 'Enabled',
          filter: [{}],
          noncurrent_version_expiration: [{ noncurrent_days: 30 }],
          abort_incomplete_multipart_upload: [{ days_after_initiation: 7 }],
        }),
      ],
      depends_on: [expect.stringMatching(/^aws_s3_bucket_versioning\./)],
    });
  });

  test('noncurrent versions expire after 90 days by default', () => {
    expect(synthesized).toHaveResourceWithProperties(S3BucketLifecycleConfiguration, {
      rule: [expect.objectContaining({ noncurrent_version_expiration: [{ noncurrent_days: 90 }] })],
    });
  });

  test('outputs give the bucket name, ARN and region with descriptions', () => {
    expect(Object.keys(json.output).sort()).toEqual(['state_bucket_arn', 'state_bucket_name', 'state_bucket_region']);
    expect(json.output.state_bucket_name?.value).toMatch(/^\$\{aws_s3_bucket\.[\w-]+\.bucket\}$/);
    expect(json.output.state_bucket_arn?.value).toMatch(/^\$\{aws_s3_bucket\.[\w-]+\.arn\}$/);
    expect(json.output.state_bucket_region?.value).toBe('eu-west-1');
    for (const output of Object.values(json.output)) expect(output.description.length).toBeGreaterThan(10);
  });

  test('the local state file lives outside the synth output, at a path relative to the stack folder', () => {
    // Testing.app() synthesizes into <tmp>/...; the state dir is its sibling terraform-state/.
    expect(json.terraform.backend.local.path).toBe('../../../terraform-state/state-dev.tfstate');
    expect(path.isAbsolute(json.terraform.backend.local.path)).toBe(false);
  });

  test('no lock table exists unless stateBucket.lockTable asks for one', () => {
    expect(json.resource).not.toHaveProperty('aws_dynamodb_table');
    expect(json.output).not.toHaveProperty('lock_table_name');
  });

  test('the opt-in lock table has the LockID key, encryption, point-in-time recovery and protection', () => {
    const app = Testing.app();
    const stack = new StateStack(app, 'state-dev', {
      platform: 'acme',
      account: { ...account('dev'), lockTableName: 'acme-dev-state-lock' },
      stateDir: path.join(app.outdir, '..', 'terraform-state'),
    });
    const synthesized = Testing.synth(stack);
    expect(synthesized).toHaveResourceWithProperties(DynamodbTable, {
      name: 'acme-dev-state-lock',
      hash_key: 'LockID',
      attribute: [{ name: 'LockID', type: 'S' }],
      billing_mode: 'PAY_PER_REQUEST',
      server_side_encryption: { enabled: true },
      point_in_time_recovery: { enabled: true },
      deletion_protection_enabled: true,
      lifecycle: { prevent_destroy: true },
    });
    const parsed = JSON.parse(synthesized) as SynthesizedStack;
    expect(Object.keys(parsed.resource.aws_dynamodb_table ?? {})).toEqual(['state-lock-table_6CB70A56']);
    expect(parsed.output.lock_table_name?.value).toMatch(/^\$\{aws_dynamodb_table\.[\w-]+\.name\}$/);
  });

  test('resource addresses are permanent: renaming a construct id would replace the bucket', () => {
    const addresses = Object.entries(json.resource).flatMap(([type, resources]) =>
      Object.keys(resources).map((name) => `${type}.${name}`),
    );
    expect(addresses.sort()).toEqual([
      'aws_s3_bucket.state-bucket_828F7150',
      'aws_s3_bucket_lifecycle_configuration.state-bucket_lifecycle_C2B75840',
      'aws_s3_bucket_ownership_controls.state-bucket_ownership-controls_17DDDFF5',
      'aws_s3_bucket_policy.state-bucket_tls-only-policy_95DA31FD',
      'aws_s3_bucket_public_access_block.state-bucket_public-access-block_498D68DA',
      'aws_s3_bucket_server_side_encryption_configuration.state-bucket_encryption_09E6F87B',
      'aws_s3_bucket_versioning.state-bucket_versioning_933ED8BF',
      'terraform_data.existing-bucket-check',
    ]);
  });
  // terraform validate takes seconds: one stack with every option on is validated in
  // state-stack-options.test.ts; the others differ only in values.
});

describe('StateStack: an existing bucket is refused unless the account adopts it', () => {
  const BUCKET = 'aws_s3_bucket.state-bucket_828F7150';
  const CHECK = 'terraform_data.existing-bucket-check';

  interface LocalExec {
    command: string;
    environment: Record<string, string>;
  }

  // cdktf's App creates its outdir: remove the project's cdktf.out afterwards if this suite made it.
  const projectOutdir = path.join(PROJECT_ROOT, 'cdktf.out');
  const outdirExisted = existsSync(projectOutdir);
  afterAll(() => {
    if (!outdirExisted) rmSync(projectOutdir, { recursive: true, force: true });
  });

  /** The stack synthesized as `cdktf synth` in the project does: into <project>/cdktf.out. */
  function synthIntoProject(accountConfig: AccountConfig, endpointUrl?: string): SynthesizedStack {
    const app = new App({ outdir: projectOutdir, skipValidation: true });
    const stack = new StateStack(app, stateStackId(accountConfig.name), {
      platform: 'acme',
      account: accountConfig,
      stateDir: path.join(PROJECT_ROOT, 'terraform-state'),
      ...(endpointUrl !== undefined ? { endpointUrl } : {}),
    });
    return JSON.parse(Testing.synth(stack)) as SynthesizedStack;
  }

  function localExec(json: SynthesizedStack): LocalExec {
    const check = json.resource.terraform_data?.['existing-bucket-check'] as { provisioner: { 'local-exec': LocalExec }[] };
    const provisioner = check.provisioner[0];
    if (provisioner === undefined) throw new Error('the check has no provisioner');
    return provisioner['local-exec'];
  }

  const plain = synthIntoProject(account('dev'));
  const adopted = synthIntoProject({ ...account('dev'), adopt: true });

  test('the bucket depends on the existing-bucket check, so the check runs before the bucket is created', () => {
    expect(Object.keys(plain.resource.terraform_data ?? {})).toEqual(['existing-bucket-check']);
    expect(plain.resource.aws_s3_bucket?.['state-bucket_828F7150']?.depends_on).toEqual([CHECK]);
  });

  test('the check runs the project script from the stack folder with relative paths, the profile and the region', () => {
    expect(localExec(plain)).toEqual({
      command:
        'node --require ../../../scripts/ts-runner.js ../../../scripts/check-existing-state-bucket.ts' +
        ' --bucket acme-dev-state --stack state-dev --account dev --state-file ../../../terraform-state/state-dev.tfstate',
      environment: { AWS_PROFILE: 'acme-dev', AWS_REGION: 'eu-west-1' },
    });
    expect(JSON.stringify(plain)).not.toContain(PROJECT_ROOT);
  });

  test('the check gets no endpoint of a local AWS double: it inherits AWS_ENDPOINT_URL from the deploy, like the AWS files', () => {
    expect(localExec(synthIntoProject(account('dev'), 'http://127.0.0.1:5000')).environment).toEqual({
      AWS_PROFILE: 'acme-dev',
      AWS_REGION: 'eu-west-1',
    });
  });

  test('an account reached through a role gives the check the hub profile, the role and its external ID', () => {
    const reached = {
      ...account('dev'),
      profile: 'acme-hub',
      roleArn: 'arn:aws:iam::222222222222:role/OrganizationAccountAccessRole',
      externalId: 'acme-x1',
    };
    expect(localExec(synthIntoProject(reached)).environment).toEqual({
      AWS_PROFILE: 'acme-hub',
      AWS_REGION: 'eu-west-1',
      BOOTSTRAP_ROLE_ARN: 'arn:aws:iam::222222222222:role/OrganizationAccountAccessRole',
      BOOTSTRAP_ROLE_EXTERNAL_ID: 'acme-x1',
    });
  });

  test('a path with spaces reaches the check as one shell word', () => {
    expect(shellWord('../../../my state/state-dev.tfstate')).toBe('"../../../my state/state-dev.tfstate"');
    expect(shellWord('a"$b`c\\d')).toBe('"a\\"\\$b\\`c\\\\d"');
    expect(shellWord('acme-dev-state')).toBe('acme-dev-state');
  });

  test('without adopt there is no import block and noncurrent versions expire', () => {
    expect(plain.import).toBeUndefined();
    expect(localExec(plain).command).not.toContain('--adopt');
    const lifecycle = Object.values(plain.resource.aws_s3_bucket_lifecycle_configuration ?? {})[0];
    expect(lifecycle?.rule).toEqual([expect.objectContaining({ noncurrent_version_expiration: [{ noncurrent_days: 90 }] })]);
  });

  test('with adopt the bucket is imported by its name and the check lets an existing bucket pass', () => {
    expect(adopted.import).toEqual([{ to: BUCKET, id: 'acme-dev-state' }]);
    expect(localExec(adopted).command).toMatch(/ --adopt$/);
    expect(adopted.resource.aws_s3_bucket?.['state-bucket_828F7150']?.depends_on).toEqual([CHECK]);
  });

  test('an adopted bucket keeps every noncurrent version: its lifecycle rule only aborts incomplete uploads', () => {
    const lifecycle = Object.values(adopted.resource.aws_s3_bucket_lifecycle_configuration ?? {})[0];
    expect(lifecycle?.rule).toEqual([
      {
        id: 'abort-incomplete-uploads',
        status: 'Enabled',
        filter: [{}],
        abort_incomplete_multipart_upload: [{ days_after_initiation: 7 }],
      },
    ]);
  });

  test('an adopted bucket gets the same versioning, encryption, public-access block, ownership and TLS policy', () => {
    const types = (json: SynthesizedStack) => Object.keys(json.resource).sort();
    expect(types(adopted)).toEqual(types(plain));
    for (const type of [
      'aws_s3_bucket_versioning',
      'aws_s3_bucket_server_side_encryption_configuration',
      'aws_s3_bucket_public_access_block',
      'aws_s3_bucket_ownership_controls',
      'aws_s3_bucket_policy',
    ]) {
      expect(adopted.resource[type]).toEqual(plain.resource[type]);
    }
  });

  test('the lock table, the KMS key and the access-log bucket wait for the check too, so a refused deploy creates nothing', () => {
    const json = synthIntoProject({
      ...account('dev'),
      lockTableName: 'acme-dev-state-lock',
      stateKeyAlias: 'alias/acme-dev-state',
      accessLogBucketName: 'acme-dev-state-logs',
    });
    const dependsOn = (type: string) => Object.values(json.resource[type] ?? {}).map((resource) => resource.depends_on);
    expect(dependsOn('aws_dynamodb_table')).toEqual([[CHECK]]);
    expect(dependsOn('aws_kms_key')).toEqual([[CHECK]]);
    expect(dependsOn('aws_s3_bucket')).toEqual([[CHECK], [CHECK]]);
  });
});
