// Pipeline access against moto, three accounts reached from one hub profile through roles (distinct moto
// accounts), every state option on (SSE-KMS with a created key, the lock table): state and access stacks
// deployed; an existing OIDC provider refused, then adopted; the runner's credentials assume dev's deploy
// role and a consumer project keeps its state (and its DynamoDB lock) in dev's account through the runner
// backend config; the deploy role reaches its state objects and nothing else of dev's bucket; a
// GitHub-shaped token gets into dev.
// moto's behaviour, not AWS's: it checks no trust policy, no token (signature, issuer, audience, subject)
// and no role's existence, and credentials from sts:AssumeRole* act in the account of the role ARN. So
// this proves the path and the resources; who is admitted is proven by __tests__/stacks/access-stack-trust.test.ts.
// The bucket policy's pipeline statements are enforced here by moto with the project's patch
// (src/sandbox/moto-python/sitecustomize.py: AWS's evaluation of bucket policies, with aws:PrincipalArn).
// moto enforces no KMS key policy (but for DescribeKey) and no DynamoDB resource policy, and no identity
// policy at all: the key's and the lock table's protection, and the deploy role's and runner's use of the
// key through S3 and DynamoDB, are proven by the evaluator in __tests__/stacks/state-reach.test.ts.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  CreateOpenIDConnectProviderCommand,
  GetOpenIDConnectProviderCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListOpenIDConnectProvidersCommand,
} from '@aws-sdk/client-iam';
import { GetResourcePolicyCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteBucketPolicyCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  ListBucketsCommand,
  ListObjectVersionsCommand,
  PutBucketPolicyCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { AssumeRoleCommand, AssumeRoleWithWebIdentityCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { backendConfigPath } from '../../src/backend-config';
import { DUMMY_ACCESS_KEY_ID, DUMMY_SECRET_ACCESS_KEY } from '../../src/sandbox/aws-files';
import type { MotoServer } from '../../src/sandbox/moto';
import { runProcess } from '../../src/process/run';
import { type Day2Sandbox, startDay2Sandbox, started } from './day2-support';

const GITHUB = 'token.actions.githubusercontent.com';
const IDS = { dev: '111111111111', qa: '222222222222', prod: '333333333333' } as const;
const RUNNER = `arn:aws:iam::${IDS.prod}:role/acc-pipeline-runner`;
const deployRole = (account: keyof typeof IDS): string => `arn:aws:iam::${IDS[account]}:role/acc-pipeline-deploy`;
const KEY = 'network/terraform.tfstate';

interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}
const hubKey: Credentials = { accessKeyId: DUMMY_ACCESS_KEY_ID, secretAccessKey: DUMMY_SECRET_ACCESS_KEY };

/** accounts.json; `adoptInProd` adds prod's adoption of its existing GitHub provider. */
function accountsFile(adoptInProd: boolean): object {
  const adopt = { pipelineAccess: { adoptOidcProviders: [GITHUB] } };
  return {
    platform: 'acc',
    accountDefaults: { profile: 'hub-admin', roleName: 'OrganizationAccountAccessRole' },
    accounts: {
      dev: { accountId: IDS.dev },
      qa: { accountId: IDS.qa, ...adopt },
      prod: { accountId: IDS.prod, ...(adoptInProd ? adopt : {}) },
    },
    stateBucket: { kms: true, lockTable: true },
    pipelineAccess: {
      policyArns: ['arn:aws:iam::aws:policy/PowerUserAccess'],
      trust: { github: [{ repository: 'acme/infrastructure', branch: 'main' }] },
      permissionsBoundary: 'create',
    },
  };
}

let sandbox: Day2Sandbox | undefined;
const sb = (): Day2Sandbox => started(sandbox);
let prodRefusal = '';

/** Credentials of a session of `roleArn`, from `credentials` (moto checks no trust). */
async function assume(endpoint: string, roleArn: string, credentials: Credentials = hubKey): Promise<Credentials> {
  const sts = new STSClient({ endpoint, region: 'us-east-1', credentials });
  try {
    const { Credentials: session } = await sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'e2e' }));
    return {
      accessKeyId: session?.AccessKeyId ?? '',
      secretAccessKey: session?.SecretAccessKey ?? '',
      sessionToken: session?.SessionToken ?? '',
    };
  } finally {
    sts.destroy();
  }
}

/** An IAM client acting in `account`, through the hub's role there. */
async function iamIn(endpoint: string, account: keyof typeof IDS): Promise<IAMClient> {
  const credentials = await assume(endpoint, `arn:aws:iam::${IDS[account]}:role/OrganizationAccountAccessRole`);
  return new IAMClient({ endpoint, region: 'us-east-1', credentials });
}

/** Creates a GitHub OIDC provider in `account`, as another team would have. */
async function createGithubProvider(moto: MotoServer, account: keyof typeof IDS): Promise<void> {
  const iam = await iamIn(moto.endpoint, account);
  try {
    await iam.send(new CreateOpenIDConnectProviderCommand({ Url: `https://${GITHUB}`, ClientIDList: ['sts.amazonaws.com'] }));
  } finally {
    iam.destroy();
  }
}

beforeAll(async () => {
  sandbox = await startDay2Sandbox(async (moto) => {
    await createGithubProvider(moto, 'qa');
    await createGithubProvider(moto, 'prod');
    return accountsFile(false);
  });
  await sandbox.synth();
  await sandbox.deploy(['state-dev', 'state-qa', 'state-prod']);
  await sandbox.deploy(['access-dev', 'access-qa']);
  const before = sandbox.log.length;
  await expect(sandbox.deploy(['access-prod'])).rejects.toThrow();
  prodRefusal = sandbox.log.slice(before).join('\n');
}, 900_000);

afterAll(async () => {
  await sandbox?.stop();
});

test('each account gets its deploy role: trust of the runner and of the GitHub repository, the listed policy, its own state', async () => {
  for (const account of ['dev', 'qa'] as const) {
    const iam = await iamIn(sb().moto.endpoint, account);
    try {
      const { Role } = await iam.send(new GetRoleCommand({ RoleName: 'acc-pipeline-deploy' }));
      expect(Role?.MaxSessionDuration).toBe(3600);
      const trust = JSON.parse(decodeURIComponent(Role?.AssumeRolePolicyDocument ?? '{}')) as {
        Statement: { Sid: string; Principal: Record<string, string>; Condition: Record<string, Record<string, unknown>> }[];
      };
      expect(trust.Statement.map((statement) => [statement.Sid, statement.Principal])).toEqual([
        ['PipelineRunner', { AWS: `arn:aws:iam::${IDS.prod}:root` }],
        ['GithubActions', { Federated: `arn:aws:iam::${IDS[account]}:oidc-provider/${GITHUB}` }],
      ]);
      expect(trust.Statement[0]?.Condition).toEqual({ ArnEquals: { 'aws:PrincipalArn': RUNNER } });
      const { AttachedPolicies } = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'acc-pipeline-deploy' }));
      expect(AttachedPolicies?.map((policy) => policy.PolicyArn)).toEqual(['arn:aws:iam::aws:policy/PowerUserAccess']);
      const { PolicyDocument } = await iam.send(
        new GetRolePolicyCommand({ RoleName: 'acc-pipeline-deploy', PolicyName: 'terraform-state-access' }),
      );
      const policy = decodeURIComponent(PolicyDocument ?? '');
      expect(policy).toContain(`"arn:aws:s3:::acc-${account}-state/*"`);
      // The created state key, found by its alias: a key of this account.
      expect(policy).toMatch(new RegExp(`"Resource":"arn:aws:kms:us-east-1:${IDS[account]}:key/[0-9a-f-]+"`));
      const { OpenIDConnectProviderList } = await iam.send(new ListOpenIDConnectProvidersCommand({}));
      expect(OpenIDConnectProviderList?.map((provider) => provider.Arn)).toEqual([
        `arn:aws:iam::${IDS[account]}:oidc-provider/${GITHUB}`,
      ]);
      const provider = await iam.send(
        new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: OpenIDConnectProviderList?.[0]?.Arn }),
      );
      expect(provider.ClientIDList).toEqual(['sts.amazonaws.com']);
    } finally {
      iam.destroy();
    }
  }
}, 120_000);

test("the created boundary is on dev's deploy role, lets it assume and pass only roles under its role path, and the stack outputs both for consumers", async () => {
  // moto stores the boundary and reports it, but enforces none: that the Deny holds is proven by the evaluator
  // in __tests__/stacks/access-stack-boundary.test.ts; here, that AWS's API takes the document and the outputs are right.
  const iam = await iamIn(sb().moto.endpoint, 'dev');
  try {
    const boundaryArn = `arn:aws:iam::${IDS.dev}:policy/acc-pipeline-deploy-boundary`;
    const { Role } = await iam.send(new GetRoleCommand({ RoleName: 'acc-pipeline-deploy' }));
    expect(Role?.PermissionsBoundary?.PermissionsBoundaryArn).toBe(boundaryArn);
    const { Policy } = await iam.send(new GetPolicyCommand({ PolicyArn: boundaryArn }));
    const { PolicyVersion } = await iam.send(
      new GetPolicyVersionCommand({ PolicyArn: boundaryArn, VersionId: Policy?.DefaultVersionId }),
    );
    const document = JSON.parse(decodeURIComponent(PolicyVersion?.Document ?? '{}')) as { Statement: Record<string, unknown>[] };
    expect(document.Statement.find((statement) => statement.Sid === 'DenyRolesOutsideBoundedPath')).toEqual({
      Action: ['sts:AssumeRole', 'sts:AssumeRoot', 'sts:SetSourceIdentity', 'sts:TagSession', 'iam:PassRole'],
      Effect: 'Deny',
      NotResource: `arn:aws:iam::${IDS.dev}:role/acc-pipeline-deploy-boundary/*`,
      Sid: 'DenyRolesOutsideBoundedPath',
    });
    const state = JSON.parse(readFileSync(path.join(sb().workspace.stateDir, 'access-dev.tfstate'), 'utf8')) as {
      outputs: Record<string, { value: unknown }>;
    };
    expect(state.outputs.permissions_boundary_arn?.value).toBe(boundaryArn);
    expect(state.outputs.permissions_boundary_role_path?.value).toBe('/acc-pipeline-deploy-boundary/');
  } finally {
    iam.destroy();
  }
});

test('an existing provider the account does not adopt stops the deploy before anything is created; adopting it lets the deploy through', async () => {
  expect(prodRefusal).toContain(
    `the account already has an OIDC provider for ${GITHUB}, and IAM allows one per issuer; to take it over, set accounts.prod.pipelineAccess to {"adoptOidcProviders": ["${GITHUB}"]}`,
  );
  const iam = await iamIn(sb().moto.endpoint, 'prod');
  try {
    await expect(iam.send(new GetRoleCommand({ RoleName: 'acc-pipeline-deploy' }))).rejects.toMatchObject({
      name: 'NoSuchEntityException',
    });
    writeFileSync(sb().accountsFile, JSON.stringify(accountsFile(true), null, 2));
    await sb().synth();
    await sb().deploy(['access-prod']);
    const { Role } = await iam.send(new GetRoleCommand({ RoleName: 'acc-pipeline-deploy' }));
    expect(Role?.Arn).toBe(deployRole('prod'));
    const { OpenIDConnectProviderList } = await iam.send(new ListOpenIDConnectProvidersCommand({}));
    expect(OpenIDConnectProviderList).toHaveLength(1);
  } finally {
    iam.destroy();
  }
}, 300_000);

test("the runner's credentials assume dev's deploy role, and a consumer project keeps its state in dev's bucket through the runner backend config", async () => {
  const { endpoint } = sb().moto;
  const runner = await assume(endpoint, RUNNER);
  const inDev = await assume(endpoint, deployRole('dev'), runner);
  const sts = new STSClient({ endpoint, region: 'us-east-1', credentials: inDev });
  try {
    const identity = await sts.send(new GetCallerIdentityCommand({}));
    expect(identity.Account).toBe(IDS.dev);
  } finally {
    sts.destroy();
  }

  const dir = path.join(sb().workspace.root, 'consumer');
  mkdirSync(dir);
  writeFileSync(
    path.join(dir, 'main.tf'),
    'terraform {\n  backend "s3" {}\n}\n\nresource "terraform_data" "example" {\n  input = "deployed by the runner"\n}\n',
  );
  // What only this test adds to the user-facing file: the way to moto (S3 and the role's STS).
  const motoBackend = path.join(dir, 'moto.s3.tfbackend');
  writeFileSync(
    motoBackend,
    [
      `endpoints = { s3 = "${endpoint}", sts = "${endpoint}", dynamodb = "${endpoint}" }`,
      'use_path_style = true',
      'skip_credentials_validation = true',
      'skip_requesting_account_id = true',
      'skip_metadata_api_check = true',
      'skip_region_validation = true',
      '',
    ].join('\n'),
  );
  // The runner's environment: its instance credentials, no profile.
  const env: NodeJS.ProcessEnv = {
    ...sb().workspace.env,
    AWS_ACCESS_KEY_ID: runner.accessKeyId,
    AWS_SECRET_ACCESS_KEY: runner.secretAccessKey,
    AWS_SESSION_TOKEN: runner.sessionToken,
  };
  delete env.AWS_PROFILE;
  const terraform = async (args: string[]): Promise<void> => {
    const result = await runProcess('terraform', [...args, '-input=false', '-no-color'], { cwd: dir, env });
    if (result.code !== 0) throw new Error(`terraform ${args[0] ?? ''} failed:\n${result.tail.join('\n')}`);
  };
  await terraform([
    'init',
    `-backend-config=${backendConfigPath(sb().workspace.outdir, 'dev', 'runner')}`,
    `-backend-config=${motoBackend}`,
    `-backend-config=key=${KEY}`,
  ]);
  await terraform(['apply', '-auto-approve']);

  const s3 = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: inDev });
  try {
    const { Buckets } = await s3.send(new ListBucketsCommand({}));
    expect(Buckets?.map((bucket) => bucket.Name)).toEqual(['acc-dev-state']);
    const object = await s3.send(new GetObjectCommand({ Bucket: 'acc-dev-state', Key: KEY }));
    expect(object.ServerSideEncryption).toBe('aws:kms');
    const state = JSON.parse((await object.Body?.transformToString()) ?? '{}') as { resources: { type: string }[] };
    expect(state.resources.map((resource) => resource.type)).toEqual(['terraform_data']);
  } finally {
    s3.destroy();
  }
  // The lock table, whose resource policy keeps the pipeline to its items (not enforced by moto, see above).
  const dynamodb = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: inDev });
  try {
    const { Policy } = await dynamodb.send(
      new GetResourcePolicyCommand({ ResourceArn: `arn:aws:dynamodb:us-east-1:${IDS.dev}:table/acc-dev-state-lock` }),
    );
    expect(JSON.parse(Policy ?? '{}')).toMatchObject({
      Statement: [{ Sid: 'PipelineOnlyUsesLockItems', Condition: { ArnEquals: { 'aws:PrincipalArn': [deployRole('dev')] } } }],
    });
  } finally {
    dynamodb.destroy();
  }
}, 300_000);

test("the deploy role's credentials reach dev's state objects and nothing else of its bucket (moto with the project's bucket-policy patch)", async () => {
  const { endpoint } = sb().moto;
  const inDev = await assume(endpoint, deployRole('dev'), await assume(endpoint, RUNNER));
  const s3 = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: inDev });
  const bucket = 'acc-dev-state';
  const refused: unknown = expect.objectContaining({ $metadata: expect.objectContaining({ httpStatusCode: 403 }) as unknown });
  try {
    // Allowed: a state object of its own, written with the bucket's default encryption, and deleted again.
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'e2e/terraform.tfstate', Body: '{}' }));
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'e2e/terraform.tfstate' }));
    const { Versions } = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: KEY }));
    const version = Versions?.[0]?.VersionId;
    expect(version).toBeDefined();
    // Refused: destroying history, writing the bootstrap state, changing the bucket, another encryption.
    await expect(s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: KEY, VersionId: version }))).rejects.toEqual(refused);
    await expect(
      s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'bootstrap/pipeline-prod.tfstate', Body: '{}' })),
    ).rejects.toEqual(refused);
    await expect(
      s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'e2e/plain.tfstate', Body: '{}', ServerSideEncryption: 'AES256' })),
    ).rejects.toEqual(refused);
    await expect(
      s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: '{"Version":"2012-10-17","Statement":[]}' })),
    ).rejects.toEqual(refused);
    await expect(s3.send(new DeleteBucketPolicyCommand({ Bucket: bucket }))).rejects.toEqual(refused);
    await expect(
      s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Suspended' } })),
    ).rejects.toEqual(refused);
    // The version is still there.
    const after = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: KEY }));
    expect(after.Versions?.map((entry) => entry.VersionId)).toContain(version);
  } finally {
    s3.destroy();
  }
}, 120_000);

test("a GitHub-shaped token for the configured repository gets into dev's account through AssumeRoleWithWebIdentity", async () => {
  const { endpoint } = sb().moto;
  // Shaped like GitHub's token; moto reads none of it (AWS checks its signature against the provider).
  const encode = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  const token = [
    encode({ alg: 'RS256', typ: 'JWT' }),
    encode({
      iss: `https://${GITHUB}`,
      aud: 'sts.amazonaws.com',
      sub: 'repo:acme/infrastructure:ref:refs/heads/main',
      exp: Math.floor(Date.now() / 1000) + 300,
    }),
    'signature',
  ].join('.');
  // An unsigned call, as configure-aws-credentials makes it: no credentials at all.
  const sts = new STSClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'unused', secretAccessKey: 'unused' } });
  let session: Credentials;
  try {
    const { Credentials: granted, AssumedRoleUser } = await sts.send(
      new AssumeRoleWithWebIdentityCommand({
        RoleArn: deployRole('dev'),
        RoleSessionName: 'github-actions',
        WebIdentityToken: token,
      }),
    );
    expect(AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${IDS.dev}:assumed-role/acc-pipeline-deploy/github-actions`);
    session = {
      accessKeyId: granted?.AccessKeyId ?? '',
      secretAccessKey: granted?.SecretAccessKey ?? '',
      sessionToken: granted?.SessionToken ?? '',
    };
  } finally {
    sts.destroy();
  }
  const s3 = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: session });
  try {
    const { Buckets } = await s3.send(new ListBucketsCommand({}));
    expect(Buckets?.map((bucket) => bucket.Name)).toEqual(['acc-dev-state']);
  } finally {
    s3.destroy();
  }
}, 120_000);

test("status --live lists every account's access stack as deployed, its deploy role and OIDC provider present, with no drift", async () => {
  const result = await sb().script('status', ['--live']);
  for (const account of ['dev', 'qa', 'prod'] as const) {
    expect(result.output).toMatch(
      new RegExp(
        `^access-${account}\\s+${account}\\s+yes\\s+acc-pipeline-deploy\\s+1\\s+hub-admin\\s+\\d+ of \\d+ exist\\s+none$`,
        'm',
      ),
    );
  }
  expect(result.output).toContain('3 of 3 access stack(s) deployed');
  expect(result.output).not.toMatch(/^drift: access-/m);
}, 120_000);
