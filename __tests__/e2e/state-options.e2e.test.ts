// The state bucket's opt-ins deployed to moto with the real `cdktf deploy`: SSE-KMS with a bucket
// key (account "keyed": a key the stack creates, with its key policy; account "byok": an existing
// key, made in moto with the SDK before the accounts file is written), server access logs to a
// hardened log bucket, and the lock table encrypted with the account's key (both accounts).
// Deployed once, both stacks in parallel; every test reads that deployment.
//
// moto stores key policies and returns them as written, but does not evaluate them: it refuses only
// DescribeKey under a Deny on "Resource": "*", and ignores every condition. So the limits the policy
// sets on AWS (use only through S3 and DynamoDB, deletion and disabling only by the root user and
// kmsKeyAdminArns, AWS's lockout safety check on CreateKey/PutKeyPolicy) are not exercised here; the
// unit tests (__tests__/constructs/key-policy.test.ts) pin the documents themselves.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  CreateKeyCommand,
  DescribeKeyCommand,
  GetKeyPolicyCommand,
  GetKeyRotationStatusCommand,
  KMSClient,
  ListAliasesCommand,
  ListKeysCommand,
} from '@aws-sdk/client-kms';
import {
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketLoggingCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketPolicyCommand,
  GetBucketVersioningCommand,
  GetPublicAccessBlockCommand,
  PutBucketEncryptionCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { backendConfigPath } from '../../src/backend-config';
import { stateKeyPolicy } from '../../src/constructs/key-policy';
import { SANDBOX_ROLE_NAME } from '../../src/sandbox/credentials';
import { DUMMY_ACCESS_KEY_ID, DUMMY_SECRET_ACCESS_KEY } from '../../src/sandbox/aws-files';
import { stackDir } from '../../src/sandbox/cdktf';
import { terraformPlan } from '../../src/sandbox/terraform';
import { type Day2Sandbox, startDay2Sandbox } from './day2-support';
import { canDeploy } from './preconditions';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

/** moto's default account: every resource there belongs to it. */
const MOTO_ACCOUNT = '123456789012';
const RETENTION_DAYS = 30;
const ACCOUNTS = ['keyed', 'byok'] as const;

let sandbox: Day2Sandbox | undefined;
/** ARN of the key made in moto before the deploy, the "byok" account's kmsKeyArn. */
let ownKeyArn = '';
/** The existing key's policy before the deploy (moto's default), which the deploy must leave alone. */
let ownKeyPolicy = '';

function sb(): Day2Sandbox {
  if (sandbox === undefined) throw new Error('the sandbox did not start; see the beforeAll error');
  return sandbox;
}

type Account = (typeof ACCOUNTS)[number];
/** Clients acting in each account's own moto account (each sees only its own keys, tables and buckets). */
const clients = new Map<Account, { kms: KMSClient; s3: S3Client; dynamodb: DynamoDBClient }>();
function clientsOf(account: Account): { kms: KMSClient; s3: S3Client; dynamodb: DynamoDBClient } {
  let found = clients.get(account);
  if (found === undefined) {
    const settings = {
      endpoint: sb().moto.endpoint,
      region: 'us-east-1',
      credentials: sb().workspace.credentialsOf(account),
    };
    found = { kms: new KMSClient(settings), s3: sb().s3(account), dynamodb: new DynamoDBClient(settings) };
    clients.set(account, found);
  }
  return found;
}
const kmsOf = (account: Account): KMSClient => clientsOf(account).kms;
const s3Of = (account: Account): S3Client => clientsOf(account).s3;
const dynamodbOf = (account: Account): DynamoDBClient => clientsOf(account).dynamodb;
/** The moto account an account landed in: byok's is given, keyed's made up by the sandbox. */
function accountIdOf(account: Account): string {
  const id = sb().workspace.accounts.accountIds.get(account);
  if (id === undefined) throw new Error(`no account ID for ${account}`);
  return id;
}

/** The outputs a stack's local state file records. */
function outputs(account: string): Record<string, string> {
  const state = JSON.parse(readFileSync(path.join(sb().workspace.stateDir, `state-${account}.tfstate`), 'utf8')) as {
    outputs: Record<string, { value: string }>;
  };
  return Object.fromEntries(Object.entries(state.outputs).map(([name, output]) => [name, output.value]));
}

/** ARN of the key the "keyed" stack created, found through its alias. */
async function createdKeyArn(): Promise<string> {
  const aliases = await kmsOf('keyed').send(new ListAliasesCommand({}));
  const alias = aliases.Aliases?.find((candidate) => candidate.AliasName === 'alias/opts-keyed-state');
  if (alias?.TargetKeyId === undefined) throw new Error('no alias alias/opts-keyed-state');
  const key = await kmsOf('keyed').send(new DescribeKeyCommand({ KeyId: alias.TargetKeyId }));
  return key.KeyMetadata?.Arn ?? 'missing';
}

const describeDeploy = canDeploy() ? describe : describe.skip;

describeDeploy('SSE-KMS and access-log options deployed to moto', () => {
  beforeAll(async () => {
    sandbox = await startDay2Sandbox(async (moto) => {
      // Made with moto's plain keys, so in 123456789012: byok's accountId below.
      const kms = new KMSClient({
        endpoint: moto.endpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: DUMMY_ACCESS_KEY_ID, secretAccessKey: DUMMY_SECRET_ACCESS_KEY },
      });
      const created = await kms.send(new CreateKeyCommand({ Description: 'an existing key, brought by the account' }));
      ownKeyArn = created.KeyMetadata?.Arn ?? '';
      // PolicyName: AWS defaults it to "default"; moto 5.2.1 answers NotFoundException without it.
      ownKeyPolicy = (await kms.send(new GetKeyPolicyCommand({ KeyId: ownKeyArn, PolicyName: 'default' }))).Policy ?? '';
      kms.destroy();
      return {
        platform: 'opts',
        productionAccount: 'keyed',
        pipeline: false,
        stateBucket: { kms: true, accessLogs: true, accessLogRetentionDays: RETENTION_DAYS, lockTable: true },
        accounts: {
          keyed: 'opts-keyed',
          byok: { profile: 'opts-byok', accountId: MOTO_ACCOUNT, kmsKeyArn: ownKeyArn },
        },
      };
    });
    await sandbox.synth();
    await sandbox.deploy(ACCOUNTS.map((account) => `state-${account}`));
  }, 600_000);

  afterAll(async () => {
    for (const { kms, s3, dynamodb } of clients.values()) {
      kms.destroy();
      s3.destroy();
      dynamodb.destroy();
    }
    await sandbox?.stop();
  });

  test('the existing key was made in moto in the account’s region', () => {
    expect(ownKeyArn).toMatch(/^arn:aws:kms:us-east-1:123456789012:key\/[0-9a-f-]+$/);
  });

  test('keyed: the created key rotates automatically and is found by its alias alias/opts-keyed-state', async () => {
    const arn = await createdKeyArn();
    expect(arn).not.toBe(ownKeyArn);
    const key = await kmsOf('keyed').send(new DescribeKeyCommand({ KeyId: arn }));
    expect(key.KeyMetadata).toMatchObject({
      Enabled: true,
      KeyState: 'Enabled',
      KeyUsage: 'ENCRYPT_DECRYPT',
      Description: 'Encrypts the Terraform state in opts-keyed-state (bootstrap-aws)',
    });
    const rotation = await kmsOf('keyed').send(new GetKeyRotationStatusCommand({ KeyId: arn }));
    expect(rotation.KeyRotationEnabled).toBe(true);
  });

  test('keyed: the created key has the explicit key policy, read back through the KMS API', async () => {
    const policy = await kmsOf('keyed').send(new GetKeyPolicyCommand({ KeyId: await createdKeyArn(), PolicyName: 'default' }));
    // Account and partition as AWS (here moto) reports them at plan time; with the lock table on,
    // DynamoDB may use the key too.
    expect(JSON.parse(policy.Policy ?? '{}')).toEqual(
      stateKeyPolicy({
        partition: 'aws',
        dnsSuffix: 'amazonaws.com',
        region: 'us-east-1',
        accountId: accountIdOf('keyed'),
        lockTable: true,
        // The profile deploys with its own credentials (a session of the sandbox's role): Terraform's
        // replace() of the caller's session ARN gives its role, with and without a path.
        deployerArns: [
          `arn:aws:iam::${accountIdOf('keyed')}:role/${SANDBOX_ROLE_NAME}`,
          `arn:aws:iam::${accountIdOf('keyed')}:role/*/${SANDBOX_ROLE_NAME}`,
        ],
      }),
    );
  });

  test('byok: the existing key’s policy is left as it was (the account owns it)', async () => {
    const policy = await kmsOf('byok').send(new GetKeyPolicyCommand({ KeyId: ownKeyArn, PolicyName: 'default' }));
    expect(policy.Policy).toBe(ownKeyPolicy);
  });

  test.each([
    ['keyed', createdKeyArn],
    ['byok', () => Promise.resolve(ownKeyArn)],
  ] as const)('%s: the lock table is encrypted with the account’s state key', async (account, keyArn) => {
    const table = await dynamodbOf(account).send(new DescribeTableCommand({ TableName: `opts-${account}-state-lock` }));
    expect(table.Table?.SSEDescription).toMatchObject({ Status: 'ENABLED', SSEType: 'KMS', KMSMasterKeyArn: await keyArn() });
  });

  test('keyed: the state bucket encrypts with the created key (SSE-KMS) and an S3 Bucket Key', async () => {
    const encryption = await s3Of('keyed').send(new GetBucketEncryptionCommand({ Bucket: 'opts-keyed-state' }));
    expect(encryption.ServerSideEncryptionConfiguration?.Rules).toEqual([
      {
        ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: await createdKeyArn() },
        BucketKeyEnabled: true,
      },
    ]);
  });

  test('byok: the state bucket encrypts with the existing key and an S3 Bucket Key, and no key is created for it', async () => {
    const encryption = await s3Of('byok').send(new GetBucketEncryptionCommand({ Bucket: 'opts-byok-state' }));
    expect(encryption.ServerSideEncryptionConfiguration?.Rules).toEqual([
      { ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: ownKeyArn }, BucketKeyEnabled: true },
    ]);
    const keys = await kmsOf('byok').send(new ListKeysCommand({}));
    const aliases = await kmsOf('byok').send(new ListAliasesCommand({}));
    // The provider reads the lock tables by comparing their key with the AWS-managed key
    // alias/aws/dynamodb (DescribeKey), which moto then creates, as KMS creates an AWS-managed key on
    // first use. It is not a key of this project: only customer keys are counted.
    const awsManaged = new Set(
      (aliases.Aliases ?? []).filter((alias) => alias.AliasName?.startsWith('alias/aws/')).map((alias) => alias.TargetKeyId),
    );
    const customerKeys = (keys.Keys ?? []).filter((key) => !awsManaged.has(key.KeyId)).map((key) => key.KeyArn);
    // byok's account holds its own key alone; the created key is in keyed's account.
    expect(customerKeys).toEqual([ownKeyArn]);
    expect(await createdKeyArn()).toContain(`:${accountIdOf('keyed')}:key/`);
    expect((aliases.Aliases ?? []).map((alias) => alias.AliasName)).not.toContain('alias/opts-byok-state');
  });

  test('the outputs give the key ARN and the log bucket’s name and ARN', async () => {
    expect(outputs('keyed')).toMatchObject({
      state_bucket_kms_key_arn: await createdKeyArn(),
      access_log_bucket_name: 'opts-keyed-state-logs',
      access_log_bucket_arn: 'arn:aws:s3:::opts-keyed-state-logs',
    });
    expect(outputs('byok')).toMatchObject({
      state_bucket_kms_key_arn: ownKeyArn,
      access_log_bucket_name: 'opts-byok-state-logs',
      access_log_bucket_arn: 'arn:aws:s3:::opts-byok-state-logs',
    });
  });

  test('the backend configs name the existing key, and leave "encrypt" out for the created one', () => {
    const text = (account: string): string => readFileSync(backendConfigPath(sb().workspace.outdir, account), 'utf8');
    expect(text('byok')).toMatch(/^encrypt {6}= true$/m);
    expect(text('byok')).toContain(`kms_key_id   = "${ownKeyArn}"`);
    expect(text('keyed')).not.toMatch(/^encrypt\b/m);
    expect(text('keyed')).not.toMatch(/^kms_key_id\b/m);
  });

  describe.each(ACCOUNTS)('the access-log bucket of %s', (account) => {
    const logBucket = `opts-${account}-state-logs`;
    const stateBucket = `opts-${account}-state`;

    test('is versioned and encrypted with SSE-S3 (log delivery cannot use SSE-KMS)', async () => {
      const versioning = await s3Of(account).send(new GetBucketVersioningCommand({ Bucket: logBucket }));
      expect(versioning.Status).toBe('Enabled');
      const encryption = await s3Of(account).send(new GetBucketEncryptionCommand({ Bucket: logBucket }));
      expect(encryption.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault).toEqual({
        SSEAlgorithm: 'AES256',
      });
    });

    test('is private: all four public-access-block flags and BucketOwnerEnforced ownership', async () => {
      const block = await s3Of(account).send(new GetPublicAccessBlockCommand({ Bucket: logBucket }));
      expect(block.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        IgnorePublicAcls: true,
        BlockPublicPolicy: true,
        RestrictPublicBuckets: true,
      });
      const ownership = await s3Of(account).send(new GetBucketOwnershipControlsCommand({ Bucket: logBucket }));
      expect(ownership.OwnershipControls?.Rules).toEqual([{ ObjectOwnership: 'BucketOwnerEnforced' }]);
    });

    test('denies requests without TLS and lets only the logging service put logs of the state bucket', async () => {
      const policy = await s3Of(account).send(new GetBucketPolicyCommand({ Bucket: logBucket }));
      const arn = `arn:aws:s3:::${logBucket}`;
      expect((JSON.parse(policy.Policy ?? '{}') as { Statement: unknown[] }).Statement).toEqual([
        {
          Sid: 'AllowS3ServerAccessLogDelivery',
          Effect: 'Allow',
          Principal: { Service: 'logging.s3.amazonaws.com' },
          Action: 's3:PutObject',
          Resource: `${arn}/*`,
          Condition: {
            ArnLike: { 'aws:SourceArn': `arn:aws:s3:::${stateBucket}` },
            StringEquals: { 'aws:SourceAccount': accountIdOf(account) },
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
      ]);
    });

    test(`expires logs after ${RETENTION_DAYS} days, and noncurrent versions and incomplete uploads too`, async () => {
      const lifecycle = await s3Of(account).send(new GetBucketLifecycleConfigurationCommand({ Bucket: logBucket }));
      expect(lifecycle.Rules).toHaveLength(1);
      expect(lifecycle.Rules?.[0]).toMatchObject({
        ID: 'expire-objects',
        Status: 'Enabled',
        Expiration: { Days: RETENTION_DAYS },
        NoncurrentVersionExpiration: { NoncurrentDays: 90 },
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
      });
    });

    test('receives the state bucket’s server access logs under the prefix <state bucket>/', async () => {
      const logging = await s3Of(account).send(new GetBucketLoggingCommand({ Bucket: stateBucket }));
      expect(logging.LoggingEnabled).toMatchObject({ TargetBucket: logBucket, TargetPrefix: `${stateBucket}/` });
    });
  });

  test('a second plan of both stacks reports no changes', async () => {
    const { outdir, env } = sb().workspace;
    const results = await Promise.all(ACCOUNTS.map((account) => terraformPlan(stackDir(outdir, `state-${account}`), env)));
    expect(results).toEqual(['no-changes', 'no-changes']);
  }, 300_000);

  test('status --live finds no drift right after the deploy', async () => {
    const result = await sb().script('status', ['--live']);
    expect(result.output).toMatch(/^keyed\s+state-keyed\s+yes\s.*\saws:kms\s.*\snone$/m);
    expect(result.output).toMatch(/^byok\s+state-byok\s+yes\s.*\saws:kms\s.*\snone$/m);
    expect(result.output).not.toMatch(/drift:/);
    expect(result.code).toBe(0);
  }, 120_000);

  test('status --live flags a state bucket switched back to SSE-S3 behind Terraform’s back', async () => {
    await s3Of('byok').send(
      new PutBucketEncryptionCommand({
        Bucket: 'opts-byok-state',
        ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      }),
    );
    const result = await sb().script('status', ['--live']);
    expect(result.output).toContain(
      'drift: state-byok (opts-byok-state): default encryption is AES256, expected aws:kms (SSE-KMS); find out who changed it, then run "npm run deploy -- state-byok" to restore it',
    );
    expect(result.output).toContain('drift: state-byok (opts-byok-state): the S3 Bucket Key is off');
    expect(result.output).not.toMatch(/drift: state-keyed/);
    expect(result.code).toBe(1);
  }, 120_000);
});
