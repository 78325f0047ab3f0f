// Proof, with a real IAM policy evaluator (@cloud-copilot/iam-simulate, test-only), that the pipeline's
// principals reach their state and nothing more (issue 22, items 3-5): every decision below evaluates,
// as AWS does, the principal's identity policies (PowerUserAccess from the fixture, plus the inline
// policies the access or pipeline stack synthesizes), the deploy role's permissions boundary (the one the
// access stack creates; denials are also checked without it), together with the resource's own policy as the state
// stack synthesizes it: the bucket policy (S3), the key policy (KMS: the evaluator applies KMS's rule
// that the key policy must allow, here through the account root, before IAM policies count), the lock
// table's resource policy (DynamoDB). Terraform references are replaced by the values AWS would give.
// Each call is `runSimulation` (strict): the context keys are those S3, KMS and DynamoDB set for the
// action (aws:PrincipalArn, the SSE headers, kms:ViaService, kms:GrantIsForAWSResource).
// moto enforces none of the KMS and DynamoDB policies, and the bucket policy only with the project's
// patch (src/sandbox/moto-python/sitecustomize.py; __tests__/e2e/access.e2e.test.ts shows what it can).
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { Testing } from 'cdktf';
import { type AccountConfig, validateConfig } from '../../src/config';
import { runnerRoleName } from '../../src/config/pipeline-schema';
import { AccessStack, accessStackId } from '../../stacks/access-stack';
import { PipelineStack, pipelineStackId } from '../../stacks/pipeline-stack';
import { StateStack, stateStackId } from '../../stacks/state-stack';
import { ADMINISTRATOR_ACCESS, POWER_USER_ACCESS } from './fixtures/aws-managed-policies';

const DEV = '111111111111';
const PROD = '222222222222';
const REGION = 'eu-west-1';
/** The role dev's profile assumes (accountDefaults.roleName): dev's state stack is deployed with it. */
const DEV_DEPLOYER = `arn:aws:iam::${DEV}:role/platform-admin`;
/** prod is deployed with its own profile: an SSO session, whose role has a path its session ARN hides. */
const PROD_DEPLOYER = `arn:aws:iam::${PROD}:role/aws-reserved/sso.amazonaws.com/${REGION}/AWSReservedSSO_Admin_0123abcd`;
const PROD_DEPLOYER_SESSION = `arn:aws:sts::${PROD}:assumed-role/AWSReservedSSO_Admin_0123abcd/jane`;

const keyArn = (account: string): string => `arn:aws:kms:${REGION}:${account}:key/0b1c2d3e-4f50-4612-8abc-${account}`;
const bucketArn = (name: string): string => `arn:aws:s3:::acme-${name}-state`;
const tableArn = (name: string, account: string): string => `arn:aws:dynamodb:${REGION}:${account}:table/acme-${name}-state-lock`;
const via = (service: string): string => `${service}.${REGION}.amazonaws.com`;

function configWith(extra: Record<string, unknown> = {}) {
  return validateConfig(
    {
      platform: 'acme',
      region: REGION,
      accountDefaults: { profile: 'acme-hub', roleName: 'platform-admin' },
      accounts: { dev: { accountId: DEV, ...extra }, prod: { profile: 'acme-prod', accountId: PROD } },
      stateBucket: { kms: true, lockTable: true },
      pipelineAccess: {
        policyArns: ['arn:aws:iam::aws:policy/PowerUserAccess'],
        trust: { github: [{ repository: 'acme/infrastructure', branch: 'main' }] },
        permissionsBoundary: 'create',
      },
    },
    'accounts.json',
  );
}
const config = configWith();
const accountOf = (name: string, from = config): AccountConfig => {
  const account = from.accounts.find((candidate) => candidate.name === name);
  if (account === undefined) throw new Error(`fixture lost ${name}`);
  return account;
};
const DEPLOY_ROLE = (account: string): string => `arn:aws:iam::${account}:role/acme-pipeline-deploy`;
const RUNNER_ROLE = `arn:aws:iam::${PROD}:role/${runnerRoleName('acme-pipeline')}`;

type Blocks = Record<string, Record<string, Record<string, unknown>>>;
interface Synthesized {
  readonly resource: Blocks;
  readonly data: Blocks;
}

/**
 * `text` with each Terraform interpolation replaced by what AWS gives in `account`: the ARNs of the
 * stack's resources, the partition, the account ID, and the deployer's ARN as replace() derives it from
 * the caller's session ARN `callerArn`.
 */
function resolve(text: string, name: string, account: string, callerArn: string, locals: Record<string, string> = {}): string {
  return text.replace(/\$\{((?:[^{}"]|"[^"]*")*)\}/g, (_match, expression: string) => {
    const local = /^local\.([\w-]+)$/.exec(expression);
    if (local !== null) return resolve(String(locals[String(local[1])]), name, account, callerArn);
    const replace = /^replace\(data\.aws_caller_identity\.[\w-]+\.arn, "\/(.*)\/", "(.*)"\)$/.exec(expression);
    if (replace !== null) return callerArn.replace(new RegExp(String(replace[1])), String(replace[2]));
    const known: [RegExp, string][] = [
      [/^aws_s3_bucket\.state-bucket_\w+\.arn$/, bucketArn(name)],
      [/^aws_kms_key\.state-bucket-key_\w+\.arn$/, keyArn(account)],
      [/^data\.aws_kms_alias\.state-key-alias\.target_key_arn$/, keyArn(account)],
      [/^aws_dynamodb_table\.state-lock-table_\w+\.arn$/, tableArn(name, account)],
      [/^data\.aws_partition\.partition\.partition$/, 'aws'],
      [/^data\.aws_partition\.partition\.dns_suffix$/, 'amazonaws.com'],
      [/^data\.aws_caller_identity\.[\w-]+\.account_id$/, account],
    ];
    const value = known.find(([pattern]) => pattern.test(expression))?.[1];
    if (value === undefined) throw new Error(`no value for \${${expression}}`);
    return value;
  });
}

/** The bucket, key and lock-table policies of an account's state stack, as main.ts builds it. */
function statePolicies(name: string, from = config, callerArn = `arn:aws:sts::${DEV}:assumed-role/platform-admin/s`) {
  const account = accountOf(name, from);
  const accountId = String(account.accountId);
  const app = Testing.app();
  const stack = new StateStack(app, stateStackId(name), {
    platform: from.platform,
    account,
    stateDir: '/tmp/state',
    ...(account.pipelineAccess !== undefined && from.pipelineAccess !== undefined
      ? { deployRoleName: from.pipelineAccess.roleName }
      : {}),
    ...(name === from.productionAccount && from.pipeline !== undefined
      ? { runnerRoleName: runnerRoleName(from.pipeline.namePrefix) }
      : {}),
  });
  const json = JSON.parse(Testing.synth(stack)) as Synthesized & { locals?: Record<string, string> };
  const only = (blocks: Record<string, Record<string, unknown>> | undefined, attribute: string): object => {
    const [block] = Object.values(blocks ?? {});
    return JSON.parse(resolve(String(block?.[attribute]), name, accountId, callerArn, json.locals)) as object;
  };
  return {
    bucket: only(json.resource.aws_s3_bucket_policy, 'policy'),
    key: only(json.resource.aws_kms_key, 'policy'),
    table: only(json.resource.aws_dynamodb_resource_policy, 'policy'),
  };
}

/**
 * The deploy role's inline policies (terraform-state-access, and the others the access stack gives it) and
 * the permissions boundary it creates (`"permissionsBoundary": "create"`), as the account's access stack
 * synthesizes them.
 */
function deployRolePolicies(name: string): { inline: object[]; boundary: object } {
  const account = accountOf(name);
  if (config.pipelineAccess === undefined) throw new Error('fixture lost pipelineAccess');
  const app = Testing.app();
  const stack = new AccessStack(app, accessStackId(name), {
    platform: config.platform,
    account,
    pipelineAccess: config.pipelineAccess,
    stateDir: '/tmp/state',
  });
  const json = JSON.parse(Testing.synth(stack)) as Synthesized;
  const document = (block: Record<string, unknown> | undefined): object =>
    JSON.parse(resolve(String(block?.policy), name, String(account.accountId), '')) as object;
  const [boundary] = Object.values(json.resource.aws_iam_policy ?? {});
  if (boundary === undefined) throw new Error('the access stack created no boundary');
  return { inline: Object.values(json.resource.aws_iam_role_policy ?? {}).map(document), boundary: document(boundary) };
}

/** The runner's state-access policy as pipeline-prod synthesizes it (a policy-document data source). */
function runnerInlinePolicy(): object {
  if (config.pipeline === undefined) throw new Error('fixture lost the pipeline');
  const app = Testing.app();
  const stack = new PipelineStack(app, pipelineStackId('prod'), {
    platform: config.platform,
    account: accountOf('prod'),
    stateDir: '/tmp/state',
    pipeline: config.pipeline,
  });
  const json = JSON.parse(Testing.synth(stack)) as Synthesized;
  const [, document] =
    Object.entries(json.data.aws_iam_policy_document ?? {}).find(([id]) => id.startsWith('runner-role_state-access-document')) ??
    [];
  interface DocumentStatement {
    sid: string;
    effect: string;
    actions: string[];
    resources: string[];
    condition?: { test: string; variable: string; values: string[] }[];
  }
  const statements = (document?.statement ?? []) as DocumentStatement[];
  const value = (text: string): string => resolve(text, 'prod', PROD, '');
  return {
    Version: '2012-10-17',
    Statement: statements.map((statement) => ({
      Sid: statement.sid,
      Effect: statement.effect,
      Action: statement.actions,
      Resource: statement.resources.map(value),
      ...(statement.condition !== undefined
        ? {
            Condition: Object.fromEntries(
              statement.condition.map((condition) => [condition.test, { [condition.variable]: condition.values.map(value) }]),
            ),
          }
        : {}),
    })),
  };
}

interface Principal {
  /** The role's ARN: aws:PrincipalArn. */
  readonly roleArn: string;
  /** The session's ARN, when the role's name is not its ARN's last segment (a path). */
  readonly sessionArn?: string;
  readonly identityPolicies: readonly object[];
  /** The role's permissions boundary. @default none */
  readonly boundary?: object;
}

/** AWS's decision on `action` by a session of `principal` on `resource` (which lives in `account`), with its resource policy. */
async function decide(
  principal: Principal,
  action: string,
  resource: string,
  resourcePolicy: object,
  context: Record<string, string | string[]> = {},
): Promise<string> {
  const [, account, name] = /^arn:aws:iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(principal.roleArn) ?? [];
  const result = await runSimulation(
    {
      request: {
        principal: principal.sessionArn ?? `arn:aws:sts::${String(account)}:assumed-role/${String(name)}/session`,
        action,
        resource: { resource, accountId: String(account) },
        contextVariables: { 'aws:PrincipalArn': principal.roleArn, ...context },
      },
      identityPolicies: principal.identityPolicies.map((policy, index) => ({ name: `identity-${index}`, policy })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy,
      ...(principal.boundary !== undefined
        ? { permissionBoundaryPolicies: [{ name: 'boundary', policy: principal.boundary }] }
        : {}),
    },
    {},
  );
  if (result.resultType === 'error') throw new Error(`the evaluator refused the input: ${JSON.stringify(result.errors)}`);
  return result.overallResult;
}

const dev = statePolicies('dev');
const prod = statePolicies('prod', config, PROD_DEPLOYER_SESSION);
const devRole = deployRolePolicies('dev');
/** dev's deploy role as the access stack makes it: PowerUserAccess, its inline policies, the boundary it creates. */
const devDeployRole: Principal = {
  roleArn: DEPLOY_ROLE(DEV),
  identityPolicies: [POWER_USER_ACCESS, ...devRole.inline],
  boundary: devRole.boundary,
};
/** The same role with no managed policy: its inline policies alone (what `stateAccessPolicy` gives). */
const devDeployRoleInlineOnly: Principal = {
  roleArn: DEPLOY_ROLE(DEV),
  identityPolicies: devRole.inline,
  boundary: devRole.boundary,
};
/** The same role without the boundary: the resource policies alone must hold it. */
const devDeployRoleUnbounded: Principal = { roleArn: DEPLOY_ROLE(DEV), identityPolicies: [POWER_USER_ACCESS, ...devRole.inline] };
const runnerOwn = runnerInlinePolicy();
const runner: Principal = { roleArn: RUNNER_ROLE, identityPolicies: [runnerOwn] };
/** The runner as if someone attached PowerUserAccess to it: the resource policies still hold it. */
const widenedRunner: Principal = { roleArn: RUNNER_ROLE, identityPolicies: [POWER_USER_ACCESS, runnerOwn] };
const devAdmin: Principal = { roleArn: DEV_DEPLOYER, identityPolicies: [ADMINISTRATOR_ACCESS] };

describe('the evaluator evaluates what these policies rely on (sanity cases)', () => {
  const ROLE = DEPLOY_ROLE(DEV);
  const policy = {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Deny',
        Principal: '*',
        NotAction: 's3:Get*',
        Resource: 'arn:aws:s3:::b/*',
        Condition: { ArnEquals: { 'aws:PrincipalArn': ROLE } },
      },
      {
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:PutObject',
        Resource: 'arn:aws:s3:::b/ifexists/*',
        Condition: { StringNotEqualsIfExists: { 's3:x-amz-server-side-encryption': 'aws:kms' } },
      },
    ],
  };
  const someone = (roleArn: string): Principal => ({ roleArn, identityPolicies: [POWER_USER_ACCESS] });

  test('a Deny with NotAction and ArnEquals on aws:PrincipalArn denies the named role all but the listed actions, and no other role', async () => {
    expect(await decide(someone(ROLE), 's3:GetObject', 'arn:aws:s3:::b/k', policy)).toBe('Allowed');
    expect(await decide(someone(ROLE), 's3:DeleteObject', 'arn:aws:s3:::b/k', policy)).toBe('ExplicitlyDenied');
    expect(await decide(someone(`arn:aws:iam::${DEV}:role/other`), 's3:DeleteObject', 'arn:aws:s3:::b/k', policy)).toBe(
      'Allowed',
    );
  });

  test('a missing key makes a ...IfExists condition true (as AWS documents), so such a Deny refuses a request without the header', async () => {
    const other = someone(`arn:aws:iam::${DEV}:role/other`);
    expect(await decide(other, 's3:PutObject', 'arn:aws:s3:::b/ifexists/k', policy)).toBe('ExplicitlyDenied');
    const kms = { 's3:x-amz-server-side-encryption': 'aws:kms' };
    expect(await decide(other, 's3:PutObject', 'arn:aws:s3:::b/ifexists/k', policy, kms)).toBe('Allowed');
  });
});

describe("dev's deploy role (PowerUserAccess and its inline policy) on dev's bucket", () => {
  const BUCKET = bucketArn('dev');
  const STATE = `${BUCKET}/network/terraform.tfstate`;

  test.each([
    ['s3:ListBucket', BUCKET, {}],
    ['s3:GetObject', STATE, {}],
    ['s3:PutObject', STATE, {}],
    [
      's3:PutObject',
      STATE,
      { 's3:x-amz-server-side-encryption': 'aws:kms', 's3:x-amz-server-side-encryption-aws-kms-key-id': keyArn(DEV) },
    ],
    ['s3:PutObject', `${STATE}.tflock`, {}],
    ['s3:DeleteObject', `${STATE}.tflock`, {}],
    ['s3:GetObject', `${BUCKET}/bootstrap/pipeline-prod.tfstate`, {}],
  ])('may %s %s (state objects, S3 lock files; bootstrap/ only read) %j', async (action, resource, context) => {
    expect(await decide(devDeployRole, action, resource, dev.bucket, context)).toBe('Allowed');
  });

  test.each([
    ['s3:PutBucketPolicy', BUCKET],
    ['s3:DeleteBucketPolicy', BUCKET],
    ['s3:PutBucketVersioning', BUCKET],
    ['s3:PutLifecycleConfiguration', BUCKET],
    ['s3:PutEncryptionConfiguration', BUCKET],
    ['s3:PutBucketPublicAccessBlock', BUCKET],
    ['s3:PutBucketOwnershipControls', BUCKET],
    ['s3:PutBucketLogging', BUCKET],
    ['s3:DeleteBucket', BUCKET],
    ['s3:DeleteObjectVersion', STATE],
    ['s3:PutObjectAcl', STATE],
    ['s3:PutObject', `${BUCKET}/bootstrap/pipeline-prod.tfstate`],
    ['s3:DeleteObject', `${BUCKET}/bootstrap/pipeline-prod.tfstate`],
  ])('may not %s %s, with or without its boundary', async (action, resource) => {
    expect(await decide(devDeployRole, action, resource, dev.bucket)).toBe('ExplicitlyDenied');
    expect(await decide(devDeployRoleUnbounded, action, resource, dev.bucket)).toBe('ExplicitlyDenied');
  });
});

describe("with SSE-KMS, dev's bucket refuses an object under anything but dev's key, whoever writes it", () => {
  const STATE = `${bucketArn('dev')}/network/terraform.tfstate`;
  test.each([
    ['SSE-S3', { 's3:x-amz-server-side-encryption': 'AES256' }],
    [
      'DSSE-KMS with the key',
      { 's3:x-amz-server-side-encryption': 'aws:kms:dsse', 's3:x-amz-server-side-encryption-aws-kms-key-id': keyArn(DEV) },
    ],
    [
      'another key',
      { 's3:x-amz-server-side-encryption': 'aws:kms', 's3:x-amz-server-side-encryption-aws-kms-key-id': keyArn(PROD) },
    ],
    ['aws:kms without a key ID (the AWS-managed aws/s3 key)', { 's3:x-amz-server-side-encryption': 'aws:kms' }],
  ])('%s is refused to the deploy role and to an administrator', async (_what, context) => {
    expect(await decide(devDeployRole, 's3:PutObject', STATE, dev.bucket, context)).toBe('ExplicitlyDenied');
    expect(await decide(devAdmin, 's3:PutObject', STATE, dev.bucket, context)).toBe('ExplicitlyDenied');
  });

  test('no encryption header (the bucket default, the key: what a backend without "encrypt" sends) passes', async () => {
    expect(await decide(devAdmin, 's3:PutObject', STATE, dev.bucket)).toBe('Allowed');
  });
});

describe("dev's deploy role on dev's lock table", () => {
  const TABLE = tableArn('dev', DEV);
  test.each(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem', 'dynamodb:DescribeTable'])(
    'may %s',
    async (action) => {
      expect(await decide(devDeployRole, action, TABLE, dev.table)).toBe('Allowed');
    },
  );
  test.each([
    'dynamodb:UpdateTable',
    'dynamodb:DeleteTable',
    'dynamodb:PutResourcePolicy',
    'dynamodb:DeleteResourcePolicy',
    'dynamodb:UpdateContinuousBackups',
    'dynamodb:Scan',
  ])('may not %s, with or without its boundary', async (action) => {
    expect(await decide(devDeployRole, action, TABLE, dev.table)).toBe('ExplicitlyDenied');
    expect(await decide(devDeployRoleUnbounded, action, TABLE, dev.table)).toBe('ExplicitlyDenied');
  });
  test('an administrator keeps the table: UpdateTable is allowed to it', async () => {
    expect(await decide(devAdmin, 'dynamodb:UpdateTable', TABLE, dev.table)).toBe('Allowed');
  });
});

describe("dev's deploy role on dev's created state key", () => {
  const KEY = keyArn(DEV);
  const s3 = { 'kms:ViaService': via('s3'), 'kms:CallerAccount': DEV };
  const dynamodb = { 'kms:ViaService': via('dynamodb'), 'kms:CallerAccount': DEV };

  test.each([
    ['kms:GenerateDataKey', s3],
    ['kms:Decrypt', s3],
    ['kms:Encrypt', s3],
    ['kms:Decrypt', dynamodb],
    ['kms:Encrypt', dynamodb],
    ['kms:GenerateDataKey', dynamodb],
    ['kms:DescribeKey', dynamodb],
  ])('may %s through %j, with its inline policy alone (no managed policy)', async (action, context) => {
    expect(await decide(devDeployRoleInlineOnly, action, KEY, dev.key, context)).toBe('Allowed');
    expect(await decide(devDeployRole, action, KEY, dev.key, context)).toBe('Allowed');
  });

  test('may let DynamoDB create the lock table grant (kms:GrantIsForAWSResource), with its inline policy alone', async () => {
    const grant = { ...dynamodb, 'kms:GrantIsForAWSResource': 'true' };
    expect(await decide(devDeployRoleInlineOnly, 'kms:CreateGrant', KEY, dev.key, grant)).toBe('Allowed');
    expect(await decide(devDeployRole, 'kms:CreateGrant', KEY, dev.key, grant)).toBe('Allowed');
  });

  test.each([
    'kms:PutKeyPolicy',
    'kms:DisableKeyRotation',
    'kms:UpdateAlias',
    'kms:DeleteAlias',
    'kms:RevokeGrant',
    'kms:RetireGrant',
    'kms:ScheduleKeyDeletion',
    'kms:DisableKey',
    'kms:TagResource',
  ])('may not %s (PowerUserAccess allows kms:*), with or without its boundary', async (action) => {
    expect(await decide(devDeployRole, action, KEY, dev.key)).toBe('ExplicitlyDenied');
    expect(await decide(devDeployRoleUnbounded, action, KEY, dev.key)).toBe('ExplicitlyDenied');
  });

  test.each([
    ['kms:Decrypt directly', 'kms:Decrypt', { 'kms:CallerAccount': DEV }],
    ['kms:Decrypt through another service', 'kms:Decrypt', { 'kms:ViaService': via('secretsmanager'), 'kms:CallerAccount': DEV }],
    ['kms:CreateGrant directly', 'kms:CreateGrant', { 'kms:GrantIsForAWSResource': 'false' }],
    [
      'kms:CreateGrant through DynamoDB, not for an AWS resource',
      'kms:CreateGrant',
      { ...dynamodb, 'kms:GrantIsForAWSResource': 'false' },
    ],
    ['kms:CreateGrant through S3', 'kms:CreateGrant', { ...s3, 'kms:GrantIsForAWSResource': 'true' }],
  ])('may not use it %s, with or without its boundary', async (_what, action, context) => {
    expect(await decide(devDeployRole, action, KEY, dev.key, context)).toBe('ExplicitlyDenied');
    expect(await decide(devDeployRoleUnbounded, action, KEY, dev.key, context)).toBe('ExplicitlyDenied');
  });
});

describe("the runner on the production account's state (its bucket, key and lock table)", () => {
  const BUCKET = bucketArn('prod');
  const STATE = `${BUCKET}/runner/terraform.tfstate`;
  const TABLE = tableArn('prod', PROD);
  const KEY = keyArn(PROD);
  // The runner's policy names the created key by its alias (kms:ResourceAliases), which AWS sets from the key.
  const aliases = { 'kms:ResourceAliases': ['alias/acme-prod-state'] };
  const s3 = { 'kms:ViaService': via('s3'), 'kms:CallerAccount': PROD, ...aliases };
  const dynamodb = { 'kms:ViaService': via('dynamodb'), 'kms:CallerAccount': PROD, ...aliases };

  test("with its own policies, a key without the state key's alias is not the runner's", async () => {
    const other = { ...s3, 'kms:ResourceAliases': ['alias/someone-else'] };
    expect(await decide(runner, 'kms:Decrypt', KEY, prod.key, other)).not.toBe('Allowed');
  });

  test("with its own policies, reads and writes its state under SSE-KMS: the key through S3 and DynamoDB, the lock table's items", async () => {
    expect(await decide(runner, 's3:ListBucket', BUCKET, prod.bucket)).toBe('Allowed');
    expect(await decide(runner, 's3:PutObject', STATE, prod.bucket)).toBe('Allowed');
    expect(await decide(runner, 's3:GetObject', STATE, prod.bucket)).toBe('Allowed');
    expect(await decide(runner, 's3:DeleteObject', `${STATE}.tflock`, prod.bucket)).toBe('Allowed');
    for (const action of ['kms:GenerateDataKey', 'kms:Decrypt']) {
      expect(await decide(runner, action, KEY, prod.key, s3)).toBe('Allowed');
      expect(await decide(runner, action, KEY, prod.key, dynamodb)).toBe('Allowed');
    }
    expect(await decide(runner, 'kms:CreateGrant', KEY, prod.key, { ...dynamodb, 'kms:GrantIsForAWSResource': 'true' })).toBe(
      'Allowed',
    );
    expect(await decide(runner, 'dynamodb:PutItem', TABLE, prod.table)).toBe('Allowed');
    expect(await decide(runner, 'dynamodb:DeleteItem', TABLE, prod.table)).toBe('Allowed');
  });

  test('with its own policies, it may not use the key directly', async () => {
    expect(await decide(runner, 'kms:Decrypt', KEY, prod.key, { 'kms:CallerAccount': PROD })).not.toBe('Allowed');
  });

  test.each([
    ['s3:PutBucketPolicy', BUCKET, 'bucket'],
    ['s3:DeleteBucketPolicy', BUCKET, 'bucket'],
    ['s3:PutBucketVersioning', BUCKET, 'bucket'],
    ['s3:PutLifecycleConfiguration', BUCKET, 'bucket'],
    ['s3:PutEncryptionConfiguration', BUCKET, 'bucket'],
    ['s3:PutBucketPublicAccessBlock', BUCKET, 'bucket'],
    ['s3:DeleteBucket', BUCKET, 'bucket'],
    ['s3:DeleteObjectVersion', STATE, 'bucket'],
    ['s3:PutObject', `${BUCKET}/bootstrap/pipeline-prod.tfstate`, 'bucket'],
    ['dynamodb:UpdateTable', TABLE, 'table'],
    ['dynamodb:DeleteTable', TABLE, 'table'],
    ['kms:PutKeyPolicy', KEY, 'key'],
    ['kms:DisableKeyRotation', KEY, 'key'],
    ['kms:UpdateAlias', KEY, 'key'],
    ['kms:DeleteAlias', KEY, 'key'],
    ['kms:RevokeGrant', KEY, 'key'],
    ['kms:ScheduleKeyDeletion', KEY, 'key'],
    ['kms:Decrypt', KEY, 'key'],
  ] as const)('even with PowerUserAccess attached, it may not %s', async (action, resource, policy) => {
    expect(await decide(widenedRunner, action, resource, prod[policy])).toBe('ExplicitlyDenied');
  });

  test("prod's deploy role is held the same way on prod's state, and dev's bucket names no runner", () => {
    const pipelineArns = (document: object): unknown =>
      (document as { Statement: { Sid: string; Condition?: { ArnEquals?: Record<string, unknown> } }[] }).Statement.find(
        (statement) => statement.Sid === 'PipelineOnlyReachesStateObjects',
      )?.Condition?.ArnEquals?.['aws:PrincipalArn'];
    expect(pipelineArns(prod.bucket)).toEqual([DEPLOY_ROLE(PROD), RUNNER_ROLE]);
    expect(pipelineArns(dev.bucket)).toEqual([DEPLOY_ROLE(DEV)]);
  });
});

describe('key administration', () => {
  const writes = [
    'kms:PutKeyPolicy',
    'kms:DisableKeyRotation',
    'kms:UpdateAlias',
    'kms:DeleteAlias',
    'kms:RevokeGrant',
    'kms:ScheduleKeyDeletion',
  ];

  test("by default the principal that deploys the state stack (dev: the role its profile assumes) administers the key, so AWS's lockout check passes", async () => {
    for (const action of writes) expect(await decide(devAdmin, action, keyArn(DEV), dev.key)).toBe('Allowed');
  });

  test('another administrator of the account may not administer it', async () => {
    const other: Principal = { roleArn: `arn:aws:iam::${DEV}:role/other-admin`, identityPolicies: [ADMINISTRATOR_ACCESS] };
    for (const action of writes) expect(await decide(other, action, keyArn(DEV), dev.key)).toBe('ExplicitlyDenied');
    expect(await decide(other, 'kms:DescribeKey', keyArn(DEV), dev.key)).toBe('Allowed');
  });

  test("prod, deployed by an SSO session, is administered by that session's role whatever its path, and by no other role", async () => {
    const deployer: Principal = {
      roleArn: PROD_DEPLOYER,
      sessionArn: PROD_DEPLOYER_SESSION,
      identityPolicies: [ADMINISTRATOR_ACCESS],
    };
    for (const action of writes) expect(await decide(deployer, action, keyArn(PROD), prod.key)).toBe('Allowed');
    const other: Principal = {
      roleArn: `arn:aws:iam::${PROD}:role/aws-reserved/sso.amazonaws.com/${REGION}/AWSReservedSSO_ReadOnly_4567`,
      sessionArn: `arn:aws:sts::${PROD}:assumed-role/AWSReservedSSO_ReadOnly_4567/joe`,
      identityPolicies: [ADMINISTRATOR_ACCESS],
    };
    expect(await decide(other, 'kms:PutKeyPolicy', keyArn(PROD), prod.key)).toBe('ExplicitlyDenied');
  });

  test('kmsKeyAdminArns replace the deployer: the named administrator may, the deployer then may not (it must be listed)', async () => {
    const ADMIN = `arn:aws:iam::${DEV}:role/key-admin`;
    const withAdmins = statePolicies('dev', configWith({ kmsKeyAdminArns: [ADMIN] }));
    const admin: Principal = { roleArn: ADMIN, identityPolicies: [ADMINISTRATOR_ACCESS] };
    for (const action of writes) expect(await decide(admin, action, keyArn(DEV), withAdmins.key)).toBe('Allowed');
    expect(await decide(devAdmin, 'kms:PutKeyPolicy', keyArn(DEV), withAdmins.key)).toBe('ExplicitlyDenied');
    expect(await decide(devDeployRole, 'kms:PutKeyPolicy', keyArn(DEV), withAdmins.key)).toBe('ExplicitlyDenied');
  });
});
