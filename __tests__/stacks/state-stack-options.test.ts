// The state stack's opt-ins: SSE-KMS with a bucket key (a created key or the account's own) and
// server access logs to a hardened log bucket.
import * as path from 'node:path';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketLoggingA } from '@cdktf/provider-aws/lib/s3-bucket-logging';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { Testing } from 'cdktf';
import { type AccountConfig, validateConfig } from '../../src/config';
import { KEY_ADMINISTRATION_WRITE_ACTIONS, stateKeyPolicy } from '../../src/constructs/key-policy';
import { PolicyGuard } from '../../src/guard';
import { StateStack, type StateStackProps, stateStackId } from '../../stacks/state-stack';

type Resources = Record<string, Record<string, Record<string, unknown>>>;

interface SynthesizedStack {
  resource: Resources;
  data?: Resources;
  output: Record<string, { value: string; description: string }>;
}

const OWN_KEY = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
/** The deployer of an account deployed with its profile's own credentials (see StateStack.deployerArns). */
const DEPLOYER_LOCALS = ['${local.deployer-role-arn}', '${local.deployer-role-any-path-arn}'];

const config = validateConfig(
  {
    platform: 'acme',
    region: 'eu-west-1',
    stateBucket: { kms: true, accessLogs: true, accessLogRetentionDays: 30 },
    accounts: {
      dev: 'acme-dev',
      prod: { profile: 'acme-prod', accountId: '123456789012', kmsKeyArn: OWN_KEY },
    },
  },
  'accounts.json',
);
const plain = validateConfig(
  { platform: 'acme', region: 'eu-west-1', accounts: { dev: 'acme-dev', prod: 'acme-prod' } },
  'accounts.json',
);

function accountOf(from: typeof config, name: string): AccountConfig {
  const found = from.accounts.find((candidate) => candidate.name === name);
  if (found === undefined) throw new Error(`no account ${name}`);
  return found;
}

function build(account: AccountConfig, props: Partial<StateStackProps> = {}) {
  const app = Testing.app();
  const stack = new StateStack(app, stateStackId(account.name), {
    platform: 'acme',
    account,
    stateDir: path.join(app.outdir, '..', 'terraform-state'),
    ...props,
  });
  const synthesized = Testing.synth(stack);
  return { app, stack, synthesized, json: JSON.parse(synthesized) as SynthesizedStack };
}

/** The one resource of `type` at the construct path `at` (e.g. `access-log-bucket/versioning`). */
function resource(json: SynthesizedStack, type: string, at: string): Record<string, unknown> {
  const prefix = `${at.replace(/\//g, '_')}_`;
  const found = Object.entries(json.resource[type] ?? {}).filter(([name]) => name.startsWith(prefix));
  if (found.length !== 1) throw new Error(`expected one ${type} at ${at}, found ${found.length}`);
  return (found[0] as [string, Record<string, unknown>])[1];
}

/** Addresses of the stack's AWS resources (other features may add resources of other providers). */
function addresses(json: SynthesizedStack): string[] {
  return Object.entries(json.resource)
    .filter(([type]) => type.startsWith('aws_'))
    .flatMap(([type, resources]) => Object.keys(resources).map((name) => `${type}.${name}`))
    .sort();
}

const STATE_BUCKET_ADDRESSES = [
  'aws_s3_bucket.state-bucket_828F7150',
  'aws_s3_bucket_lifecycle_configuration.state-bucket_lifecycle_C2B75840',
  'aws_s3_bucket_ownership_controls.state-bucket_ownership-controls_17DDDFF5',
  'aws_s3_bucket_policy.state-bucket_tls-only-policy_95DA31FD',
  'aws_s3_bucket_public_access_block.state-bucket_public-access-block_498D68DA',
  'aws_s3_bucket_server_side_encryption_configuration.state-bucket_encryption_09E6F87B',
  'aws_s3_bucket_versioning.state-bucket_versioning_933ED8BF',
];

describe('StateStack without the SSE-KMS and access-log options', () => {
  const { synthesized, json } = build(accountOf(plain, 'dev'));

  test('it creates no KMS key, no log bucket and no logging, and keeps SSE-S3', () => {
    expect(synthesized).not.toHaveResource(KmsKey);
    expect(synthesized).not.toHaveResource(KmsAlias);
    expect(synthesized).not.toHaveResource(S3BucketLoggingA);
    expect(synthesized).not.toHaveDataSource(DataAwsCallerIdentity);
    expect(Object.keys(json.resource.aws_s3_bucket ?? {})).toEqual(['state-bucket_828F7150']);
    expect(synthesized).toHaveResourceWithProperties(S3BucketServerSideEncryptionConfigurationA, {
      rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: 'AES256' } }],
    });
  });

  test('it has no KMS or access-log outputs', () => {
    expect(Object.keys(json.output).sort()).toEqual(['state_bucket_arn', 'state_bucket_name', 'state_bucket_region']);
  });
});

describe('StateStack with stateBucket.kms and no kmsKeyArn (a created key)', () => {
  const account = { ...accountOf(config, 'dev') };
  delete (account as { accessLogBucketName?: string }).accessLogBucketName;
  const { synthesized, json } = build(account);
  const keyAddress = Object.keys(json.resource.aws_kms_key ?? {})[0] ?? 'missing';

  test('the key rotates automatically, has a 30-day deletion window, a description and prevent_destroy', () => {
    expect(synthesized).toHaveResourceWithProperties(KmsKey, {
      enable_key_rotation: true,
      deletion_window_in_days: 30,
      description: 'Encrypts the Terraform state in acme-dev-state (bootstrap-aws)',
      lifecycle: { prevent_destroy: true },
    });
  });

  test('the key has the alias alias/<platform>-<account>-state', () => {
    expect(synthesized).toHaveResourceWithProperties(KmsAlias, {
      name: 'alias/acme-dev-state',
      target_key_id: `\${aws_kms_key.${keyAddress}.key_id}`,
    });
  });

  test('default encryption is SSE-KMS with the created key and an S3 Bucket Key', () => {
    expect(synthesized).toHaveResourceWithProperties(S3BucketServerSideEncryptionConfigurationA, {
      rule: [
        {
          apply_server_side_encryption_by_default: {
            sse_algorithm: 'aws:kms',
            kms_master_key_id: `\${aws_kms_key.${keyAddress}.arn}`,
          },
          bucket_key_enabled: true,
        },
      ],
    });
  });

  test('the output state_bucket_kms_key_arn gives the key ARN with a description', () => {
    expect(json.output.state_bucket_kms_key_arn?.value).toBe(`\${aws_kms_key.${keyAddress}.arn}`);
    expect(json.output.state_bucket_kms_key_arn?.description).toMatch(/kms:Decrypt/);
  });

  test('the key has an explicit policy: use through S3 only, administration by the principal that deploys the stack', () => {
    const policy = JSON.parse(String(resource(json, KmsKey.tfResourceType, 'state-bucket-key').policy)) as unknown;
    // The account, partition and DNS suffix are read from AWS at plan time; the region is the account's.
    expect(policy).toEqual(
      stateKeyPolicy({
        partition: '${data.aws_partition.partition.partition}',
        dnsSuffix: '${data.aws_partition.partition.dns_suffix}',
        region: 'eu-west-1',
        accountId: '${data.aws_caller_identity.caller-identity.account_id}',
        deployerArns: DEPLOYER_LOCALS,
      }),
    );
    expect(synthesized).toHaveDataSource(DataAwsPartition);
    expect(synthesized).toHaveDataSource(DataAwsCallerIdentity);
  });

  test("a profile's own credentials: the deployer is the caller's session turned into its role's ARN, with and without a path", () => {
    const session = '/^arn:([^:]+):sts::([0-9]+):assumed-role/([^/]+)/.*$/';
    const caller = 'data.aws_caller_identity.caller-identity.arn';
    expect((json as unknown as { locals: unknown }).locals).toEqual({
      'deployer-role-arn': `\${replace(${caller}, "${session}", "arn:$1:iam::$2:role/$3")}`,
      'deployer-role-any-path-arn': `\${replace(${caller}, "${session}", "arn:$1:iam::$2:role/*/$3")}`,
    });
  });

  test('an account reached through a role (roleArn): that role is the deployer, known at synth', () => {
    const roleArn = 'arn:aws:iam::123456789012:role/platform-admin';
    const { json: reached } = build({ ...account, roleArn });
    const policy = JSON.parse(String(resource(reached, KmsKey.tfResourceType, 'state-bucket-key').policy)) as {
      Statement: { Sid: string; Condition: unknown }[];
    };
    expect(policy.Statement.find((statement) => statement.Sid === 'OnlyKeyAdministratorsAdminister')?.Condition).toEqual({
      ArnNotLike: {
        'aws:PrincipalArn': [
          'arn:${data.aws_partition.partition.partition}:iam::${data.aws_caller_identity.caller-identity.account_id}:root',
          roleArn,
        ],
      },
    });
    expect((reached as unknown as { locals?: unknown }).locals).toBeUndefined();
  });

  test('kmsKeyAdminArns of the account become the key administrators of its policy', () => {
    const admin = 'arn:aws:iam::123456789012:role/key-admin';
    const { json: withAdmin } = build({ ...account, kmsKeyAdminArns: [admin] });
    const policy = JSON.parse(String(resource(withAdmin, KmsKey.tfResourceType, 'state-bucket-key').policy)) as {
      Statement: Record<string, unknown>[];
    };
    expect(policy.Statement.at(-1)).toMatchObject({
      Effect: 'Deny',
      Action: [...KEY_ADMINISTRATION_WRITE_ACTIONS],
      Condition: {
        ArnNotLike: {
          'aws:PrincipalArn': [
            'arn:${data.aws_partition.partition.partition}:iam::${data.aws_caller_identity.caller-identity.account_id}:root',
            admin,
          ],
        },
      },
    });
  });

  test('the key and alias addresses are permanent and the state bucket’s addresses are unchanged', () => {
    expect(addresses(json)).toEqual(
      [
        'aws_kms_alias.state-bucket-key_alias_DAE28581',
        'aws_kms_key.state-bucket-key_8B080D06',
        ...STATE_BUCKET_ADDRESSES,
      ].sort(),
    );
  });
});

describe('StateStack with an account kmsKeyArn', () => {
  const account = { ...accountOf(config, 'prod') };
  delete (account as { accessLogBucketName?: string }).accessLogBucketName;
  const { synthesized, json } = build(account);

  test('default encryption is SSE-KMS with that key and an S3 Bucket Key, and no key is created', () => {
    expect(synthesized).not.toHaveResource(KmsKey);
    expect(synthesized).not.toHaveResource(KmsAlias);
    expect(synthesized).toHaveResourceWithProperties(S3BucketServerSideEncryptionConfigurationA, {
      rule: [
        {
          apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms', kms_master_key_id: OWN_KEY },
          bucket_key_enabled: true,
        },
      ],
    });
  });

  test('the output state_bucket_kms_key_arn is that ARN', () => {
    expect(json.output.state_bucket_kms_key_arn?.value).toBe(OWN_KEY);
  });

  test('the state bucket’s addresses are unchanged', () => {
    expect(addresses(json)).toEqual(STATE_BUCKET_ADDRESSES);
  });
});

describe('StateStack with the lock table and SSE-KMS', () => {
  const lockTableName = 'acme-dev-state-lock';

  test('with a created key the lock table is encrypted with it, and the key policy lets DynamoDB use it', () => {
    const { json } = build({ ...accountOf(config, 'dev'), lockTableName });
    const keyAddress = Object.keys(json.resource.aws_kms_key ?? {})[0] ?? 'missing';
    expect(resource(json, DynamodbTable.tfResourceType, 'state-lock-table').server_side_encryption).toEqual({
      enabled: true,
      kms_key_arn: `\${aws_kms_key.${keyAddress}.arn}`,
    });
    const policy = JSON.parse(String(resource(json, KmsKey.tfResourceType, 'state-bucket-key').policy)) as unknown;
    expect(policy).toEqual(
      stateKeyPolicy({
        partition: '${data.aws_partition.partition.partition}',
        dnsSuffix: '${data.aws_partition.partition.dns_suffix}',
        region: 'eu-west-1',
        accountId: '${data.aws_caller_identity.caller-identity.account_id}',
        lockTable: true,
        deployerArns: DEPLOYER_LOCALS,
      }),
    );
  });

  test('with the account’s own kmsKeyArn the lock table is encrypted with that key', () => {
    const { synthesized } = build({ ...accountOf(config, 'prod'), lockTableName });
    expect(synthesized).toHaveResourceWithProperties(DynamodbTable, {
      server_side_encryption: { enabled: true, kms_key_arn: OWN_KEY },
    });
  });

  test('without SSE-KMS the lock table keeps DynamoDB’s own encryption (no kms_key_arn)', () => {
    const { json } = build({ ...accountOf(plain, 'dev'), lockTableName });
    expect(resource(json, DynamodbTable.tfResourceType, 'state-lock-table').server_side_encryption).toEqual({
      enabled: true,
    });
  });
});

describe('StateStack with stateBucket.accessLogs', () => {
  const { synthesized, json } = build(accountOf(config, 'prod'), { accessLogRetentionDays: 30 });
  const logBucket = 'access-log-bucket_B377A41D';
  const stateBucket = 'state-bucket_828F7150';

  test('the log bucket is <platform>-<account>-state-logs, kept on destroy and never force-destroyed', () => {
    expect(synthesized).toHaveResourceWithProperties(S3Bucket, {
      bucket: 'acme-prod-state-logs',
      force_destroy: false,
      lifecycle: { prevent_destroy: true },
    });
  });

  test('the log bucket is versioned, private and owner-enforced', () => {
    expect(resource(json, S3BucketVersioningA.tfResourceType, 'access-log-bucket/versioning')).toMatchObject({
      versioning_configuration: { status: 'Enabled' },
    });
    expect(resource(json, S3BucketPublicAccessBlock.tfResourceType, 'access-log-bucket/public-access-block')).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(resource(json, S3BucketOwnershipControls.tfResourceType, 'access-log-bucket/ownership-controls')).toMatchObject({
      rule: { object_ownership: 'BucketOwnerEnforced' },
    });
  });

  test('the log bucket stays on SSE-S3 even when the state bucket uses SSE-KMS', () => {
    expect(
      resource(json, S3BucketServerSideEncryptionConfigurationA.tfResourceType, 'access-log-bucket/encryption'),
    ).toMatchObject({
      rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: 'AES256' } }],
    });
    expect(resource(json, S3BucketServerSideEncryptionConfigurationA.tfResourceType, 'state-bucket/encryption')).toMatchObject({
      rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms' } }],
    });
  });

  test('the log bucket denies requests without TLS and lets only the logging service put logs of the state bucket', () => {
    const policy = resource(json, 'aws_s3_bucket_policy', 'access-log-bucket/tls-only-policy');
    const arn = `\${aws_s3_bucket.${logBucket}.arn}`;
    expect(JSON.parse(String(policy.policy))).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'AllowS3ServerAccessLogDelivery',
          Effect: 'Allow',
          Principal: { Service: 'logging.s3.amazonaws.com' },
          Action: 's3:PutObject',
          Resource: `${arn}/*`,
          Condition: {
            ArnLike: { 'aws:SourceArn': `\${aws_s3_bucket.${stateBucket}.arn}` },
            StringEquals: { 'aws:SourceAccount': '${data.aws_caller_identity.caller-identity.account_id}' },
          },
        },
        {
          Sid: 'DenyInsecureTransport',
          Effect: 'Deny',
          Principal: '*',
          Action: 's3:*',
          Resource: [arn, `${arn}/*`],
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        },
      ],
    });
    expect(synthesized).toHaveDataSource(DataAwsCallerIdentity);
  });

  test('logs expire after accessLogRetentionDays, noncurrent versions and incomplete uploads are cleaned up', () => {
    expect(resource(json, S3BucketLifecycleConfiguration.tfResourceType, 'access-log-bucket/lifecycle')).toMatchObject({
      rule: [
        {
          id: 'expire-objects',
          status: 'Enabled',
          filter: [{}],
          expiration: [{ days: 30 }],
          noncurrent_version_expiration: [{ noncurrent_days: 90 }],
          abort_incomplete_multipart_upload: [{ days_after_initiation: 7 }],
        },
      ],
    });
    // The state bucket's current versions still never expire.
    const stateRules = resource(json, S3BucketLifecycleConfiguration.tfResourceType, 'state-bucket/lifecycle').rule as unknown[];
    expect(stateRules).toHaveLength(1);
    expect(stateRules[0]).not.toHaveProperty('expiration');
  });

  test('logs are kept 365 days by default', () => {
    const { json: defaults } = build(accountOf(config, 'prod'));
    expect(resource(defaults, S3BucketLifecycleConfiguration.tfResourceType, 'access-log-bucket/lifecycle')).toMatchObject({
      rule: [expect.objectContaining({ expiration: [{ days: 365 }] })],
    });
  });

  test('the state bucket logs to the log bucket under the prefix <state bucket>/, once the log policy exists', () => {
    expect(synthesized).toHaveResourceWithProperties(S3BucketLoggingA, {
      bucket: `\${aws_s3_bucket.${stateBucket}.id}`,
      target_bucket: `\${aws_s3_bucket.${logBucket}.id}`,
      target_prefix: 'acme-prod-state/',
      depends_on: ['aws_s3_bucket_policy.access-log-bucket_tls-only-policy_0BF35C05'],
    });
  });

  test('outputs give the log bucket’s name and ARN with descriptions', () => {
    expect(json.output.access_log_bucket_name?.value).toBe(`\${aws_s3_bucket.${logBucket}.bucket}`);
    expect(json.output.access_log_bucket_arn?.value).toBe(`\${aws_s3_bucket.${logBucket}.arn}`);
    expect(json.output.access_log_bucket_name?.description.length).toBeGreaterThan(10);
    expect(json.output.access_log_bucket_arn?.description.length).toBeGreaterThan(10);
  });

  test('the log bucket’s addresses are permanent and the state bucket’s are unchanged', () => {
    expect(addresses(json)).toEqual(
      [
        ...STATE_BUCKET_ADDRESSES,
        'aws_s3_bucket.access-log-bucket_B377A41D',
        'aws_s3_bucket_lifecycle_configuration.access-log-bucket_lifecycle_C88200B8',
        'aws_s3_bucket_logging.state-bucket_access-logging_C0BF124E',
        'aws_s3_bucket_ownership_controls.access-log-bucket_ownership-controls_8F6ACD14',
        'aws_s3_bucket_policy.access-log-bucket_tls-only-policy_0BF35C05',
        'aws_s3_bucket_public_access_block.access-log-bucket_public-access-block_04899B6C',
        'aws_s3_bucket_server_side_encryption_configuration.access-log-bucket_encryption_5E94D5B1',
        'aws_s3_bucket_versioning.access-log-bucket_versioning_139F6E50',
      ].sort(),
    );
  });

  test('a stack that may be destroyed lifts prevent_destroy from the log bucket and the key too', () => {
    const { json: destroyable } = build(accountOf(config, 'dev'), { preventDestroy: false });
    expect(resource(destroyable, S3Bucket.tfResourceType, 'access-log-bucket').lifecycle).toEqual({ prevent_destroy: false });
    expect(resource(destroyable, KmsKey.tfResourceType, 'state-bucket-key').lifecycle).toEqual({ prevent_destroy: false });
  });
});

describe('StateStack with every option on', () => {
  test('the policy guard finds nothing: the log bucket passes every S3 rule', () => {
    const app = Testing.app();
    for (const account of config.accounts) {
      new StateStack(app, stateStackId(account.name), {
        platform: 'acme',
        account,
        stateDir: path.join(app.outdir, '..', 'terraform-state'),
      });
    }
    const report = new PolicyGuard().check(app);
    expect(report.errors).toEqual([]);
  });

  // terraform validate takes seconds: one state stack with every option on stands for all of them.
  test('the synthesized stack with every option on (created key, access logs, lock table, adopt, accountId, endpoint) is valid Terraform', () => {
    const everything = {
      ...accountOf(config, 'dev'),
      accountId: '123456789012',
      adopt: true,
      lockTableName: 'acme-dev-state-lock',
    };
    const { stack } = build(everything, {
      endpointUrl: 'http://127.0.0.1:5000',
      accessLogRetentionDays: 30,
      noncurrentVersionExpirationDays: 30,
    });
    expect(Testing.fullSynth(stack)).toBeValidTerraform();
  });
});

describe("StateStack with the pipeline's roles (pipelineAccess, the runner in the production account)", () => {
  const lockTableName = 'acme-prod-state-lock';
  const prod = { ...accountOf(config, 'prod'), lockTableName };
  delete (prod as { accessLogBucketName?: string }).accessLogBucketName;
  const DEPLOY = 'arn:aws:iam::123456789012:role/acme-pipeline-deploy';
  const RUNNER = 'arn:aws:iam::123456789012:role/acme-pipeline-runner';
  const { json } = build(prod, { deployRoleName: 'acme-pipeline-deploy', runnerRoleName: 'acme-pipeline-runner' });
  const bucketPolicy = JSON.parse(String(resource(json, 'aws_s3_bucket_policy', 'state-bucket').policy)) as {
    Statement: { Sid: string; Condition?: Record<string, Record<string, unknown>> }[];
  };

  test('the bucket policy holds both roles by aws:PrincipalArn (ARNs from the account ID), never as principals', () => {
    const held = bucketPolicy.Statement.filter((statement) => statement.Condition?.ArnEquals !== undefined);
    expect(held.map((statement) => [statement.Sid, statement.Condition?.ArnEquals?.['aws:PrincipalArn']])).toEqual([
      ['PipelineOnlyReachesStateObjects', [DEPLOY, RUNNER]],
      ['PipelineNeverWritesBootstrapState', [DEPLOY, RUNNER]],
    ]);
    expect(JSON.stringify(bucketPolicy)).not.toMatch(/"Principal":\{"AWS":"arn:/);
  });

  test('with SSE-KMS the bucket policy refuses objects under another key or algorithm, for everyone', () => {
    expect(bucketPolicy.Statement.map((statement) => statement.Sid).slice(-3)).toEqual([
      'DenyObjectsNotSseKms',
      'DenyObjectsUnderOtherKeys',
      'DenyObjectsUnderAwsManagedKey',
    ]);
    expect(bucketPolicy.Statement.at(-2)?.Condition?.StringNotEquals).toEqual({
      's3:x-amz-server-side-encryption-aws-kms-key-id': OWN_KEY,
    });
  });

  test('the lock table gets a resource policy that holds both roles to its items; its address is permanent', () => {
    const policy = resource(json, 'aws_dynamodb_resource_policy', 'state-lock-table');
    const table = Object.keys(json.resource.aws_dynamodb_table ?? {})[0] ?? 'missing';
    expect(policy.resource_arn).toBe(`\${aws_dynamodb_table.${table}.arn}`);
    expect(JSON.parse(String(policy.policy))).toMatchObject({
      Statement: [
        { Condition: { ArnEquals: { 'aws:PrincipalArn': [DEPLOY, RUNNER] } }, Effect: 'Deny', Sid: 'PipelineOnlyUsesLockItems' },
      ],
    });
    // Never edit this to make the test pass: a changed address is a replaced policy (harmless) but a broken id promise.
    expect(Object.keys(json.resource.aws_dynamodb_resource_policy ?? {})).toEqual(['state-lock-table_resource-policy_7232BE23']);
  });

  test('without an account ID the ARNs come from the caller identity', () => {
    const { json: unknownId } = build(
      { ...accountOf(config, 'dev'), lockTableName: 'acme-dev-state-lock' },
      { deployRoleName: 'acme-pipeline-deploy' },
    );
    const policy = JSON.parse(String(resource(unknownId, 'aws_dynamodb_resource_policy', 'state-lock-table').policy)) as {
      Statement: { Condition: { ArnEquals: Record<string, unknown> } }[];
    };
    expect(policy.Statement[0]?.Condition.ArnEquals['aws:PrincipalArn']).toEqual([
      'arn:aws:iam::${data.aws_caller_identity.caller-identity.account_id}:role/acme-pipeline-deploy',
    ]);
  });

  test('without pipeline roles there is no lock-table policy and the bucket policy has no pipeline statement', () => {
    const { json: none } = build(prod);
    expect(none.resource.aws_dynamodb_resource_policy).toBeUndefined();
    expect(String(resource(none, 'aws_s3_bucket_policy', 'state-bucket').policy)).not.toContain('Pipeline');
  });
});

describe('StateStack after an interrupted first deploy with a created key and a lock table (issue 24)', () => {
  const withTable = validateConfig(
    {
      platform: 'acme',
      region: 'eu-west-1',
      stateBucket: { kms: true, lockTable: true },
      accounts: { dev: 'acme-dev', prod: 'acme-prod' },
    },
    'accounts.json',
  );
  const dev = accountOf(withTable, 'dev');
  const OWNED = {
    'bootstrap-aws:platform': 'acme',
    'bootstrap-aws:account': 'dev',
    'bootstrap-aws:stack': 'state-dev',
  };

  test('the key and the table carry the ownership tags, written with them on creation', () => {
    const { json } = build(dev);
    const only = (type: string) => Object.values(json.resource[type] ?? {});
    expect(only('aws_kms_key').map((key) => key.tags)).toEqual([OWNED]);
    expect(only('aws_dynamodb_table').map((table) => table.tags)).toEqual([OWNED]);
  });

  test('a resume list naming them makes synth import the key, alias and table of this stack only', () => {
    const entries = [
      'acme-dev-state',
      'kms-key:state-dev=1234abcd-12ab-34cd-56ef-1234567890ab',
      'kms-alias:state-dev=alias/acme-dev-state',
      'lock-table:state-dev=acme-dev-state-lock',
      'kms-key:state-qa=ffffffff-12ab-34cd-56ef-1234567890ab',
    ];
    const { json } = build(dev, { resumeBuckets: entries });
    const imports = (json as unknown as { import?: { to: string; id: string }[] }).import ?? [];
    expect(imports.map(({ to, id }) => `${to.split('.')[0] ?? ''} ${id}`).sort()).toEqual([
      'aws_dynamodb_table acme-dev-state-lock',
      'aws_kms_alias alias/acme-dev-state',
      'aws_kms_key 1234abcd-12ab-34cd-56ef-1234567890ab',
      'aws_s3_bucket acme-dev-state',
    ]);
  });

  test('without a resume list nothing is imported', () => {
    const { json } = build(dev);
    expect((json as unknown as { import?: unknown[] }).import).toBeUndefined();
  });
});
