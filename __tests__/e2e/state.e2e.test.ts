// Deploys the state stacks of two configurations to a throwaway moto server with the real
// `cdktf deploy` and terraform, then checks every promise of the state bucket through the AWS SDK.
// Each configuration is deployed ONCE (beforeAll) and every test reads that deployment: creating
// an aws_s3_bucket_lifecycle_configuration makes the provider wait ~55 s for consistency, so a
// deploy per test would take many minutes; the stacks deploy in parallel so the waits overlap.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketLocationCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketPolicyCommand,
  GetBucketTaggingCommand,
  GetBucketVersioningCommand,
  GetPublicAccessBlockCommand,
  HeadBucketCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import {
  DescribeContinuousBackupsCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ListTablesCommand,
} from '@aws-sdk/client-dynamodb';
import { type AccountConfig, type BootstrapConfig, loadConfig, validateConfig } from '../../src/config';
import { sandboxS3Client } from '../../src/sandbox/s3-client';
import { cdktfDeploy, cdktfSynth, stackDir, synthesizedStacks } from '../../src/sandbox/cdktf';
import { PROJECT_ROOT } from '../../src/terraform/cdktf-cli';
import { mapWithLimit } from '../../src/process/limit';
import { type MotoServer, startMoto } from '../../src/sandbox/moto';
import { terraformDestroy, terraformPlan } from '../../src/sandbox/terraform';
import { createWorkspace, type Workspace } from '../../src/sandbox/workspace';
import { stackOutputs } from '../../src/terraform/stack-apply';
import { canDeploy } from './preconditions';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

/** Three accounts, object-form entries, regions other than the default, a custom retention. */
const MULTI_ACCOUNT = {
  platform: 'globex',
  region: 'eu-west-1',
  productionAccount: 'live',
  accounts: {
    sandbox: 'globex-sandbox',
    staging: { profile: 'globex-staging', region: 'eu-central-1' },
    // moto's default account: exercises allowed_account_ids on a match.
    live: { profile: 'globex-live', accountId: '123456789012', region: 'us-east-1' },
  },
  // The opt-in DynamoDB lock table, for consumers on Terraform < 1.10.
  stateBucket: { noncurrentVersionExpirationDays: 30, lockTable: true },
};

interface Deployment {
  readonly label: string;
  /** The accounts file; the multi-account one is written in beforeAll. */
  accountsFile: string;
  readonly config: BootstrapConfig;
  /** Noncurrent-version retention the deployed lifecycle rule must have. */
  readonly noncurrentDays: number;
  workspace?: Workspace;
}

interface DeployedBucket {
  readonly deployment: Deployment;
  readonly account: AccountConfig;
  readonly stack: string;
}

const describeDeploy = canDeploy() ? describe : describe.skip;

describeDeploy('state stacks deployed to moto with cdktf deploy', () => {
  const exampleFile = path.join(PROJECT_ROOT, 'accounts.example.json');
  const deployments: Deployment[] = [
    { label: 'example', accountsFile: exampleFile, config: loadConfig(exampleFile), noncurrentDays: 90 },
    {
      label: 'multi-account',
      accountsFile: '',
      config: validateConfig(MULTI_ACCOUNT, 'accounts.multi.json'),
      noncurrentDays: MULTI_ACCOUNT.stateBucket.noncurrentVersionExpirationDays,
    },
  ];
  let scratch: string | undefined;
  const buckets: DeployedBucket[] = deployments.flatMap((deployment) =>
    deployment.config.accounts.map((account) => ({ deployment, account, stack: `state-${account.name}` })),
  );
  const table = buckets.map((bucket) => [bucket.account.stateBucketName, bucket] as const);
  let moto: MotoServer | undefined;
  const clients = new Map<string, S3Client>();

  /** A client acting in the account's own moto account (each sees only its own buckets). */
  const s3 = (deployment: Deployment, account: AccountConfig): S3Client => {
    if (moto === undefined) throw new Error('moto is not running');
    const key = `${deployment.label}/${account.name}`;
    let client = clients.get(key);
    if (client === undefined) {
      client = sandboxS3Client(moto.endpoint, account.region, ws(deployment).credentialsOf(account.name));
      clients.set(key, client);
    }
    return client;
  };
  const ws = (deployment: Deployment): Workspace => {
    if (deployment.workspace === undefined) throw new Error(`${deployment.label} was not deployed`);
    return deployment.workspace;
  };

  beforeAll(async () => {
    scratch = mkdtempSync(path.join(os.tmpdir(), 'bootstrap-e2e-'));
    const multi = deployments[1] as Deployment;
    multi.accountsFile = path.join(scratch, 'accounts.multi.json');
    writeFileSync(multi.accountsFile, JSON.stringify(MULTI_ACCOUNT, null, 2));
    moto = await startMoto();
    const endpoint = moto.endpoint;
    for (const deployment of deployments) {
      deployment.workspace = await createWorkspace({
        config: deployment.config,
        accountsFile: deployment.accountsFile,
        endpoint,
      });
    }
    // Both configurations at once, every stack in parallel (5 in all): the provider's ~55 s wait
    // after creating each lifecycle configuration overlaps instead of adding up.
    await Promise.all(
      deployments.map(async (deployment) => {
        const { outdir, env, outputsFile } = ws(deployment);
        await cdktfSynth({ outdir, env });
        const parallelism = Math.min(3, deployment.config.accounts.length);
        await cdktfDeploy({ outdir, env, stacks: ['state-*'], parallelism, outputsFile });
      }),
    );
  }, 600_000);

  afterAll(async () => {
    for (const client of clients.values()) client.destroy();
    await moto?.stop();
    for (const deployment of deployments) deployment.workspace?.remove();
    if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true });
  });

  test('each configuration synthesizes exactly one state stack per account', () => {
    for (const deployment of deployments) {
      const stacks = synthesizedStacks(ws(deployment).outdir).filter((stack) => stack.startsWith('state-'));
      expect(stacks.sort()).toEqual(deployment.config.accounts.map((account) => `state-${account.name}`).sort());
    }
  });

  test.each(table)('%s exists in its account region', async (bucket, { account, deployment }) => {
    await s3(deployment, account).send(new HeadBucketCommand({ Bucket: bucket }));
    const location = await s3(deployment, account).send(new GetBucketLocationCommand({ Bucket: bucket }));
    // S3 reports us-east-1 as an empty location constraint.
    expect(location.LocationConstraint ?? 'us-east-1').toBe(account.region === 'us-east-1' ? 'us-east-1' : account.region);
  });

  test.each(table)('%s has versioning enabled', async (bucket, { account, deployment }) => {
    const versioning = await s3(deployment, account).send(new GetBucketVersioningCommand({ Bucket: bucket }));
    expect(versioning.Status).toBe('Enabled');
  });

  test.each(table)('%s encrypts new objects with SSE-S3 by default', async (bucket, { account, deployment }) => {
    const encryption = await s3(deployment, account).send(new GetBucketEncryptionCommand({ Bucket: bucket }));
    const rules = encryption.ServerSideEncryptionConfiguration?.Rules ?? [];
    expect(rules).toHaveLength(1);
    expect(rules[0]?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm).toBe('AES256');
  });

  test.each(table)('%s turns on all four public-access-block flags', async (bucket, { account, deployment }) => {
    const block = await s3(deployment, account).send(new GetPublicAccessBlockCommand({ Bucket: bucket }));
    expect(block.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      IgnorePublicAcls: true,
      BlockPublicPolicy: true,
      RestrictPublicBuckets: true,
    });
  });

  test.each(table)('%s enforces bucket-owner object ownership (ACLs disabled)', async (bucket, { account, deployment }) => {
    const ownership = await s3(deployment, account).send(new GetBucketOwnershipControlsCommand({ Bucket: bucket }));
    expect(ownership.OwnershipControls?.Rules).toEqual([{ ObjectOwnership: 'BucketOwnerEnforced' }]);
  });

  test.each(table)(
    '%s denies every request without TLS on the bucket and on its objects; the production bucket holds the runner to its state objects',
    async (bucket, { account, deployment }) => {
      const policy = await s3(deployment, account).send(new GetBucketPolicyCommand({ Bucket: bucket }));
      const document = JSON.parse(policy.Policy ?? '{}') as { Statement: Record<string, unknown>[] };
      const arn = `arn:aws:s3:::${bucket}`;
      expect(document.Statement[0]).toEqual({
        Sid: 'DenyInsecureTransport',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Resource: [arn, `${arn}/*`],
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      });
      // The pipeline stack's runner role lives in the production account (docs/state-bucket.md#the-bucket-policy).
      const production = account.name === deployment.config.productionAccount && deployment.config.pipeline !== undefined;
      const runner = new RegExp(`^arn:aws:iam::\\d{12}:role/${String(deployment.config.pipeline?.namePrefix)}-runner$`);
      const held = document.Statement.slice(1).map((statement) => [
        statement.Sid,
        (statement.Condition as { ArnEquals?: Record<string, unknown> } | undefined)?.ArnEquals?.['aws:PrincipalArn'],
      ]);
      expect(held).toEqual(
        production
          ? [
              ['PipelineOnlyReachesStateObjects', [expect.stringMatching(runner)]],
              ['PipelineNeverWritesBootstrapState', [expect.stringMatching(runner)]],
            ]
          : [],
      );
    },
  );

  test.each(table)(
    '%s expires noncurrent versions after the configured days and aborts multipart uploads after 7',
    async (bucket, { account, deployment }) => {
      const lifecycle = await s3(deployment, account).send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket }));
      const rules = lifecycle.Rules ?? [];
      expect(rules).toHaveLength(1);
      expect(rules[0]).toMatchObject({
        ID: 'expire-noncurrent-versions',
        Status: 'Enabled',
        NoncurrentVersionExpiration: { NoncurrentDays: deployment.noncurrentDays },
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
      });
      // Current versions (the live state file) never expire.
      expect(rules[0]?.Expiration).toBeUndefined();
    },
  );

  test.each(table)(
    '%s carries the default tags and the ownership tags that name its stack',
    async (bucket, { account, deployment }) => {
      const tagging = await s3(deployment, account).send(new GetBucketTaggingCommand({ Bucket: bucket }));
      const tags: Record<string, string | undefined> = Object.fromEntries(
        (tagging.TagSet ?? []).map((tag): [string, string | undefined] => [tag.Key ?? '', tag.Value]),
      );
      expect(tags).toEqual({
        platform: deployment.config.platform,
        account: account.name,
        'managed-by': 'bootstrap-aws',
        // What lets a rerun import a bucket that a killed first deploy left outside the state.
        'bootstrap-aws:platform': deployment.config.platform,
        'bootstrap-aws:account': account.name,
        'bootstrap-aws:stack': `state-${account.name}`,
      });
    },
  );

  test.each(table)('%s is named, located and addressed by its stack outputs', (bucket, { account, deployment, stack }) => {
    const outputs = JSON.parse(readFileSync(ws(deployment).outputsFile, 'utf8')) as Record<string, Record<string, string>>;
    expect(outputs[stack]).toEqual({
      state_bucket_name: bucket,
      state_bucket_arn: `arn:aws:s3:::${bucket}`,
      state_bucket_region: account.region,
      ...(account.lockTableName !== undefined ? { lock_table_name: account.lockTableName } : {}),
    });
  });

  test.each(table)(
    '%s: the outputs file, taken from the apply’s own report, holds what terraform output -json says',
    async (_bucket, { deployment, stack }) => {
      const { outdir, env, outputsFile } = ws(deployment);
      const outputs = JSON.parse(readFileSync(outputsFile, 'utf8')) as Record<string, unknown>;
      expect(outputs[stack]).toEqual(await stackOutputs(stackDir(outdir, stack), env));
    },
  );

  test.each(table)('%s has a DynamoDB lock table exactly when the config opts in', async (_bucket, { account, deployment }) => {
    if (moto === undefined) throw new Error('moto is not running');
    const dynamodb = new DynamoDBClient({
      endpoint: moto.endpoint,
      region: account.region,
      credentials: ws(deployment).credentialsOf(account.name),
    });
    try {
      const expected = `${deployment.config.platform}-${account.name}-state-lock`;
      const { TableNames = [] } = await dynamodb.send(new ListTablesCommand({}));
      if (!deployment.config.stateBucket.lockTable) {
        expect(TableNames).not.toContain(expected);
        return;
      }
      expect(account.lockTableName).toBe(expected);
      const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName: expected }));
      expect(Table?.KeySchema).toEqual([{ AttributeName: 'LockID', KeyType: 'HASH' }]);
      expect(Table?.AttributeDefinitions).toEqual([{ AttributeName: 'LockID', AttributeType: 'S' }]);
      expect(Table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
      expect(Table?.SSEDescription?.Status).toBe('ENABLED');
      expect(Table?.DeletionProtectionEnabled).toBe(true);
      const backups = await dynamodb.send(new DescribeContinuousBackupsCommand({ TableName: expected }));
      expect(backups.ContinuousBackupsDescription?.PointInTimeRecoveryDescription?.PointInTimeRecoveryStatus).toBe('ENABLED');
    } finally {
      dynamodb.destroy();
    }
  });

  test.each(table)(
    '%s has its Terraform state in the state folder, outside the synth output',
    (_bucket, { deployment, stack }) => {
      const { stateDir, outdir } = ws(deployment);
      const state = JSON.parse(readFileSync(path.join(stateDir, `${stack}.tfstate`), 'utf8')) as {
        resources: { type: string }[];
      };
      expect(state.resources.map((resource) => resource.type)).toContain('aws_s3_bucket');
      expect(existsSync(path.join(stackDir(outdir, stack), 'terraform.tfstate'))).toBe(false);
    },
  );

  test('a second plan of every deployed stack reports no changes', async () => {
    const results = await mapWithLimit(buckets, 3, async ({ deployment, stack }) => {
      const { outdir, env } = ws(deployment);
      return [stack, await terraformPlan(stackDir(outdir, stack), env)] as const;
    });
    expect(Object.fromEntries(results)).toEqual(Object.fromEntries(buckets.map(({ stack }) => [stack, 'no-changes'])));
  });

  test('after rm -rf of the synth output, a fresh synth plans no changes for every stack', async () => {
    for (const deployment of deployments) {
      const { outdir, env } = ws(deployment);
      rmSync(outdir, { recursive: true, force: true });
      await cdktfSynth({ outdir, env });
    }
    const results = await mapWithLimit(buckets, 3, async ({ deployment, stack }) => {
      const { outdir, env } = ws(deployment);
      return [stack, await terraformPlan(stackDir(outdir, stack), env, true)] as const;
    });
    expect(Object.fromEntries(results)).toEqual(Object.fromEntries(buckets.map(({ stack }) => [stack, 'no-changes'])));
  });

  test('terraform destroy of a state stack is refused by prevent_destroy and the bucket and its state survive', async () => {
    const deployment = deployments[0] as Deployment;
    const account = deployment.config.accounts[0] as AccountConfig;
    const stack = `state-${account.name}`;
    const { outdir, env, stateDir } = ws(deployment);
    const stateFile = path.join(stateDir, `${stack}.tfstate`);
    const stateBefore = readFileSync(stateFile, 'utf8');

    const result = await terraformDestroy(stackDir(outdir, stack), env);

    expect(result.code).not.toBe(0);
    expect(result.tail.join('\n')).toMatch(/Instance cannot be destroyed[\s\S]*prevent_destroy/);
    await expect(s3(deployment, account).send(new HeadBucketCommand({ Bucket: account.stateBucketName }))).resolves.toBeDefined();
    const versioning = await s3(deployment, account).send(new GetBucketVersioningCommand({ Bucket: account.stateBucketName }));
    expect(versioning.Status).toBe('Enabled');
    // The bucket, its six settings and the existing-bucket check: all still recorded, the file unchanged.
    const state = JSON.parse(readFileSync(stateFile, 'utf8')) as { resources: unknown[] };
    expect(state.resources).toHaveLength(8);
    expect(readFileSync(stateFile, 'utf8')).toBe(stateBefore);
  });
});
