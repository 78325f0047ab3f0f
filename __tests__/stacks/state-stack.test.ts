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
import { Testing } from 'cdktf';
import { validateConfig, type AccountConfig, type BootstrapConfig } from '../../src/config';
import { StateStack, stateStackId } from '../../stacks/state-stack';

interface SynthesizedStack {
  terraform: { backend: { local: { path: string } } };
  provider: { aws: Record<string, unknown>[] };
  resource: Record<string, Record<string, Record<string, unknown>>>;
  output: Record<string, { value: string; description: string }>;
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
    ]);
  });

  // One stack suffices: the others differ only in values. terraform validate takes seconds.
  test('the synthesized stack with every option set is valid Terraform', () => {
    const { stack } = buildStack('prod', { endpointUrl: 'http://127.0.0.1:5000', days: 30 });
    expect(Testing.fullSynth(stack)).toBeValidTerraform();
  });
});
