// Proof that the permissions boundary the access stack creates ("permissionsBoundary": "create"), with
// the deploy role's own inline policies, contains an admin-equivalent deploy role: evaluated with a real
// IAM policy evaluator (@cloud-copilot/iam-simulate, AGPL-3.0, test-only) on the synthesized documents,
// identity policies and boundary together as AWS does. moto enforces no identity policy and no boundary
// (it authorizes every call), so no e2e test can show any of this.
//
// Not evaluated here: the state bucket's, key's and lock table's own resource policies (they deny the
// same to the pipeline on the resource side); the boundary must hold without them.
import { runSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import { Testing } from 'cdktf';
import { validateConfig } from '../../src/config';
import { AccessStack, accessStackId } from '../../stacks/access-stack';
import { ADMINISTRATOR_ACCESS, IAM_FULL_ACCESS, POWER_USER_ACCESS } from './fixtures/aws-managed-policies';

const MANAGEMENT = '111111111111';
const MEMBER = '222222222222';
const REGION = 'eu-west-1';
const ROLE = `arn:aws:iam::${MANAGEMENT}:role/acme-pipeline-deploy`;
const BOUNDARY = `arn:aws:iam::${MANAGEMENT}:policy/acme-pipeline-deploy-boundary`;
const BUCKET = 'arn:aws:s3:::acme-mgmt-state';
const KEY = `arn:aws:kms:${REGION}:${MANAGEMENT}:key/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d`;
const TABLE = `arn:aws:dynamodb:${REGION}:${MANAGEMENT}:table/acme-mgmt-state-lock`;

type Blocks = Record<string, Record<string, Record<string, unknown>>>;

/** The synthesized IAM documents of the management account's access stack (the created key by its ARN). */
function synthesized(boundary: Record<string, unknown>) {
  const config = validateConfig(
    {
      platform: 'acme',
      region: REGION,
      stateBucket: { kms: true, lockTable: true },
      productionAccount: 'mgmt',
      accounts: { mgmt: { profile: 'acme-mgmt', accountId: MANAGEMENT } },
      pipelineAccess: {
        policyArns: ['arn:aws:iam::aws:policy/AdministratorAccess'],
        trust: { github: [{ repository: 'acme/infrastructure', branch: 'main' }] },
        ...boundary,
      },
    },
    'accounts.json',
  );
  const [account] = config.accounts;
  if (account === undefined || config.pipelineAccess === undefined) throw new Error('fixture lost its account');
  const app = Testing.app();
  const stack = new AccessStack(app, accessStackId(account.name), {
    platform: config.platform,
    account,
    pipelineAccess: config.pipelineAccess,
    stateDir: '/tmp/state',
  });
  const text = Testing.synth(stack).replace(/\$\{data\.aws_kms_alias\.[^.]+\.target_key_arn\}/g, KEY);
  const json = JSON.parse(text) as { resource: Blocks };
  const document = (block: Record<string, unknown> | undefined): unknown => JSON.parse(String(block?.policy));
  const inline = Object.values(json.resource.aws_iam_role_policy ?? {});
  return {
    boundary: Object.values(json.resource.aws_iam_policy ?? {}).map(document)[0],
    roleBoundary: Object.values(json.resource.aws_iam_role ?? {})[0]?.permissions_boundary,
    inline: inline.map((block) => ({ name: String(block.name), policy: document(block) })),
  };
}

const created = synthesized({ permissionsBoundary: 'create' });
const unbounded = synthesized({});

interface Request {
  readonly action: string;
  readonly resource: string;
  readonly context?: Record<string, string>;
  /** The target role's trust, for sts:AssumeRole (its resource policy). */
  readonly resourcePolicy?: unknown;
}

/**
 * Whether the deploy role, with `managed` attached and the synthesized inline policies and boundary, may
 * do `request`; `boundary` null: none.
 */
async function evaluate(
  managed: readonly unknown[],
  request: Request,
  boundary: unknown = created.boundary,
  inline = created.inline,
) {
  const simulation: Simulation = {
    request: {
      principal: `arn:aws:sts::${MANAGEMENT}:assumed-role/acme-pipeline-deploy/ci`,
      action: request.action,
      resource: {
        resource: request.resource,
        accountId: /^arn:[^:]+:[^:]*:[^:]*:(\d{12}):/.exec(request.resource)?.[1] ?? MANAGEMENT,
      },
      contextVariables: { 'aws:PrincipalArn': ROLE, 'aws:PrincipalAccount': MANAGEMENT, ...request.context },
    },
    identityPolicies: [...managed.map((policy, index) => ({ name: `managed-${index}`, policy })), ...inline],
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    ...(request.resourcePolicy !== undefined ? { resourcePolicy: request.resourcePolicy } : {}),
    ...(boundary !== null ? { permissionBoundaryPolicies: [{ name: 'boundary', policy: boundary }] } : {}),
  };
  const result = await runSimulation(simulation, {});
  if (result.resultType === 'error') throw new Error(`the evaluator refused the input: ${JSON.stringify(result.errors)}`);
  return result.overallResult;
}

/** A role's trust of a whole account (how OrganizationAccountAccessRole trusts the management account). */
const trustOf = (account: string, actions: string | string[] = 'sts:AssumeRole') => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: actions }],
});
/** KMS's default key policy: the account's IAM policies decide (the worst case; the created key's policy is narrower). */
const ACCOUNT_KEY_POLICY = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${MANAGEMENT}:root` }, Action: 'kms:*', Resource: '*' }],
};
const ORGANIZATION_ACCESS_ROLE = `arn:aws:iam::${MEMBER}:role/OrganizationAccountAccessRole`;
/** A role the pipeline created under the boundary role path (`/<boundary name>/`). */
const BOUNDED_ROLE = `arn:aws:iam::${MANAGEMENT}:role/acme-pipeline-deploy-boundary/app-deployer`;
/**
 * sts:AssumeRoot from the management account: a root session in a member account (with a task policy such as
 * IAMCreateRootUserPassword) once the organization has centralized root access on. No resource policy decides it.
 */
const rootSession: Request = {
  action: 'sts:AssumeRoot',
  resource: `arn:aws:iam::${MEMBER}:root`,
  context: { 'sts:TaskPolicyArn': 'arn:aws:iam::aws:policy/root-task/IAMCreateRootUserPassword' },
};
const crossAccountAssume: Request = {
  action: 'sts:AssumeRole',
  resource: ORGANIZATION_ACCESS_ROLE,
  resourcePolicy: trustOf(MANAGEMENT),
};

const ALLOWED: [string, Request][] = [
  ['read a state object', { action: 's3:GetObject', resource: `${BUCKET}/env/dev/terraform.tfstate` }],
  ['write a state object', { action: 's3:PutObject', resource: `${BUCKET}/env/dev/terraform.tfstate` }],
  [
    'take an S3 lock (write, then delete its lock file)',
    { action: 's3:DeleteObject', resource: `${BUCKET}/env/dev/terraform.tfstate.tflock` },
  ],
  ['read the bootstrap state', { action: 's3:GetObject', resource: `${BUCKET}/bootstrap/pipeline-prod.tfstate` }],
  ['list the state bucket', { action: 's3:ListBucket', resource: BUCKET }],
  ['take the DynamoDB lock', { action: 'dynamodb:PutItem', resource: TABLE }],
  ['launch an instance', { action: 'ec2:RunInstances', resource: `arn:aws:ec2:${REGION}:${MANAGEMENT}:instance/*` }],
  ['create another bucket', { action: 's3:CreateBucket', resource: 'arn:aws:s3:::acme-app-assets' }],
  [
    'create a role with the boundary',
    {
      action: 'iam:CreateRole',
      resource: `arn:aws:iam::${MANAGEMENT}:role/app`,
      context: { 'iam:PermissionsBoundary': BOUNDARY },
    },
  ],
  [
    'attach a policy to a role with the boundary',
    {
      action: 'iam:AttachRolePolicy',
      resource: `arn:aws:iam::${MANAGEMENT}:role/app`,
      context: { 'iam:PermissionsBoundary': BOUNDARY, 'iam:PolicyARN': 'arn:aws:iam::aws:policy/ReadOnlyAccess' },
    },
  ],
  [
    'put the boundary on a role that has none',
    {
      action: 'iam:PutRolePermissionsBoundary',
      resource: `arn:aws:iam::${MANAGEMENT}:role/older`,
      context: { 'iam:PermissionsBoundary': BOUNDARY },
    },
  ],
  [
    'assume a role it created under the boundary role path (such a role carries the boundary)',
    { action: 'sts:AssumeRole', resource: BOUNDED_ROLE, resourcePolicy: trustOf(MANAGEMENT) },
  ],
  [
    'pass a role it created under the boundary role path to a service (a Lambda function runs as it)',
    { action: 'iam:PassRole', resource: BOUNDED_ROLE, context: { 'iam:PassedToService': 'lambda.amazonaws.com' } },
  ],
  [
    'tag a session of a role under the boundary role path',
    {
      action: 'sts:TagSession',
      resource: BOUNDED_ROLE,
      resourcePolicy: trustOf(MANAGEMENT, ['sts:AssumeRole', 'sts:TagSession']),
    },
  ],
  [
    'assume a role in a folder below the boundary role path (made there with the boundary too)',
    {
      action: 'sts:AssumeRole',
      resource: `arn:aws:iam::${MANAGEMENT}:role/acme-pipeline-deploy-boundary/team/app-deployer`,
      resourcePolicy: trustOf(MANAGEMENT),
    },
  ],
];

const DENIED: [string, Request][] = [
  ['create a role without a boundary', { action: 'iam:CreateRole', resource: `arn:aws:iam::${MANAGEMENT}:role/escape` }],
  [
    'create a role with another boundary',
    {
      action: 'iam:CreateRole',
      resource: `arn:aws:iam::${MANAGEMENT}:role/escape`,
      context: { 'iam:PermissionsBoundary': 'arn:aws:iam::aws:policy/AdministratorAccess' },
    },
  ],
  ['create a user without a boundary', { action: 'iam:CreateUser', resource: `arn:aws:iam::${MANAGEMENT}:user/escape` }],
  [
    'attach a policy to a role without the boundary',
    {
      action: 'iam:AttachRolePolicy',
      resource: `arn:aws:iam::${MANAGEMENT}:role/unbounded`,
      context: { 'iam:PolicyARN': 'arn:aws:iam::aws:policy/AdministratorAccess' },
    },
  ],
  [
    'change the trust of a role without the boundary',
    { action: 'iam:UpdateAssumeRolePolicy', resource: ORGANIZATION_ACCESS_ROLE.replace(MEMBER, MANAGEMENT) },
  ],
  [
    'put an inline policy on a user without the boundary',
    { action: 'iam:PutUserPolicy', resource: `arn:aws:iam::${MANAGEMENT}:user/admin` },
  ],
  [
    "remove a role's boundary",
    {
      action: 'iam:DeleteRolePermissionsBoundary',
      resource: `arn:aws:iam::${MANAGEMENT}:role/app`,
      context: { 'iam:PermissionsBoundary': BOUNDARY },
    },
  ],
  ["remove a user's boundary", { action: 'iam:DeleteUserPermissionsBoundary', resource: `arn:aws:iam::${MANAGEMENT}:user/app` }],
  [
    "replace a role's boundary by another",
    {
      action: 'iam:PutRolePermissionsBoundary',
      resource: `arn:aws:iam::${MANAGEMENT}:role/app`,
      context: { 'iam:PermissionsBoundary': `arn:aws:iam::${MANAGEMENT}:policy/allow-all` },
    },
  ],
  ['write a new version of the boundary', { action: 'iam:CreatePolicyVersion', resource: BOUNDARY }],
  ['make another version of the boundary the default', { action: 'iam:SetDefaultPolicyVersion', resource: BOUNDARY }],
  ['delete the boundary', { action: 'iam:DeletePolicy', resource: BOUNDARY }],
  [
    'change its own trust',
    { action: 'iam:UpdateAssumeRolePolicy', resource: ROLE, context: { 'iam:PermissionsBoundary': BOUNDARY } },
  ],
  [
    'attach a policy to itself',
    {
      action: 'iam:AttachRolePolicy',
      resource: ROLE,
      context: { 'iam:PermissionsBoundary': BOUNDARY, 'iam:PolicyARN': 'arn:aws:iam::aws:policy/IAMFullAccess' },
    },
  ],
  [
    'delete its own inline policies',
    { action: 'iam:DeleteRolePolicy', resource: ROLE, context: { 'iam:PermissionsBoundary': BOUNDARY } },
  ],
  ['lengthen its own sessions', { action: 'iam:UpdateRole', resource: ROLE, context: { 'iam:PermissionsBoundary': BOUNDARY } }],
  ['delete itself', { action: 'iam:DeleteRole', resource: ROLE, context: { 'iam:PermissionsBoundary': BOUNDARY } }],
  ['replace the state bucket policy', { action: 's3:PutBucketPolicy', resource: BUCKET }],
  ['delete the state bucket policy', { action: 's3:DeleteBucketPolicy', resource: BUCKET }],
  ['suspend versioning of the state bucket', { action: 's3:PutBucketVersioning', resource: BUCKET }],
  ['change the lifecycle of the state bucket', { action: 's3:PutLifecycleConfiguration', resource: BUCKET }],
  ['change the encryption of the state bucket', { action: 's3:PutEncryptionConfiguration', resource: BUCKET }],
  ['lift the public access block of the state bucket', { action: 's3:PutBucketPublicAccessBlock', resource: BUCKET }],
  ['delete the state bucket', { action: 's3:DeleteBucket', resource: BUCKET }],
  [
    'delete an old version of a state object',
    { action: 's3:DeleteObjectVersion', resource: `${BUCKET}/env/dev/terraform.tfstate` },
  ],
  ['write the bootstrap state', { action: 's3:PutObject', resource: `${BUCKET}/bootstrap/pipeline-prod.tfstate` }],
  ['delete the bootstrap state', { action: 's3:DeleteObject', resource: `${BUCKET}/bootstrap/pipeline-prod.tfstate` }],
  ['replace the state key policy', { action: 'kms:PutKeyPolicy', resource: KEY, resourcePolicy: ACCOUNT_KEY_POLICY }],
  [
    'schedule the state key for deletion',
    { action: 'kms:ScheduleKeyDeletion', resource: KEY, resourcePolicy: ACCOUNT_KEY_POLICY },
  ],
  [
    'disable the rotation of the state key',
    { action: 'kms:DisableKeyRotation', resource: KEY, resourcePolicy: ACCOUNT_KEY_POLICY },
  ],
  ['change the lock table', { action: 'dynamodb:UpdateTable', resource: TABLE }],
  ['delete the lock table', { action: 'dynamodb:DeleteTable', resource: TABLE }],
  ['assume OrganizationAccountAccessRole in a member account', crossAccountAssume],
  ['take a root session of a member account (centralized root access)', rootSession],
  [
    'replace the metadata (the signing keys) of an existing SAML provider, then sts:AssumeRoleWithSAML any role that trusts it',
    { action: 'iam:UpdateSAMLProvider', resource: `arn:aws:iam::${MANAGEMENT}:saml-provider/corporate-idp` },
  ],
  [
    'delete a SAML provider and create one of the same name (the same ARN, so the roles that trusted it trust the new one)',
    { action: 'iam:CreateSAMLProvider', resource: `arn:aws:iam::${MANAGEMENT}:saml-provider/corporate-idp` },
  ],
  [
    'delete a SAML provider',
    { action: 'iam:DeleteSAMLProvider', resource: `arn:aws:iam::${MANAGEMENT}:saml-provider/corporate-idp` },
  ],
  [
    "assume a role of its own account outside the boundary role path that trusts the account's root (an administrator's, say)",
    { action: 'sts:AssumeRole', resource: `arn:aws:iam::${MANAGEMENT}:role/admin`, resourcePolicy: trustOf(MANAGEMENT) },
  ],
  [
    "pass an existing role of its own account outside the boundary role path to a service (an administrator's instance role, say)",
    {
      action: 'iam:PassRole',
      resource: `arn:aws:iam::${MANAGEMENT}:role/admin-instance`,
      context: { 'iam:PassedToService': 'ec2.amazonaws.com' },
    },
  ],
  [
    'tag a session of a role of its own account outside the boundary role path',
    {
      action: 'sts:TagSession',
      resource: `arn:aws:iam::${MANAGEMENT}:role/admin`,
      resourcePolicy: trustOf(MANAGEMENT, ['sts:AssumeRole', 'sts:TagSession']),
    },
  ],
  [
    'assume a role of its own account whose path only starts like the boundary role path',
    {
      action: 'sts:AssumeRole',
      resource: `arn:aws:iam::${MANAGEMENT}:role/acme-pipeline-deploy-boundary-x/admin`,
      resourcePolicy: trustOf(MANAGEMENT),
    },
  ],
  [
    'assume a role under the same path in another account',
    {
      action: 'sts:AssumeRole',
      resource: `arn:aws:iam::${MEMBER}:role/acme-pipeline-deploy-boundary/app-deployer`,
      resourcePolicy: trustOf(MANAGEMENT),
    },
  ],
  [
    'make an access key for an existing user',
    { action: 'iam:CreateAccessKey', resource: `arn:aws:iam::${MANAGEMENT}:user/admin` },
  ],
  [
    'give an existing user a console password',
    { action: 'iam:CreateLoginProfile', resource: `arn:aws:iam::${MANAGEMENT}:user/admin` },
  ],
  [
    "reset an existing user's console password",
    { action: 'iam:UpdateLoginProfile', resource: `arn:aws:iam::${MANAGEMENT}:user/admin` },
  ],
  [
    'make an access key for a user the pipeline created with the boundary',
    {
      action: 'iam:CreateAccessKey',
      resource: `arn:aws:iam::${MANAGEMENT}:user/app`,
      context: { 'iam:PermissionsBoundary': BOUNDARY },
    },
  ],
  [
    'tag a session of a role in another account',
    { action: 'sts:TagSession', resource: ORGANIZATION_ACCESS_ROLE, resourcePolicy: trustOf(MANAGEMENT) },
  ],
  [
    'set a source identity on a role of its own account outside the boundary role path',
    {
      action: 'sts:SetSourceIdentity',
      resource: `arn:aws:iam::${MANAGEMENT}:role/admin`,
      resourcePolicy: trustOf(MANAGEMENT, ['sts:AssumeRole', 'sts:SetSourceIdentity']),
    },
  ],
  [
    'assume a role whose path is the boundary role path in other case (ARN matching is case-sensitive)',
    {
      action: 'sts:AssumeRole',
      resource: `arn:aws:iam::${MANAGEMENT}:role/ACME-PIPELINE-DEPLOY-BOUNDARY/admin`,
      resourcePolicy: trustOf(MANAGEMENT),
    },
  ],
  [
    'assume a role whose path holds the boundary role path below another folder',
    {
      action: 'sts:AssumeRole',
      resource: `arn:aws:iam::${MANAGEMENT}:role/ops/acme-pipeline-deploy-boundary/admin`,
      resourcePolicy: trustOf(MANAGEMENT),
    },
  ],
  [
    'assume a role named like the boundary, at the root path',
    {
      action: 'sts:AssumeRole',
      resource: `arn:aws:iam::${MANAGEMENT}:role/acme-pipeline-deploy-boundary`,
      resourcePolicy: trustOf(MANAGEMENT),
    },
  ],
  [
    'create a role under the boundary role path without the boundary (the role-path Deny relies on this one)',
    { action: 'iam:CreateRole', resource: BOUNDED_ROLE.replace('app-deployer', 'escape') },
  ],
];

/**
 * Known escapes the boundary does not deny (see docs/pipeline-access.md, "What it does not contain"). Each
 * leads to a session of a role the boundary does not cap through a call the boundary cannot see:
 * sts:AssumeRoleWithSAML is unsigned (the SAML provider's keys authenticate it, not the caller's policies),
 * sts:AssumeRoot is not a role. Move a case to DENIED when the boundary closes it.
 */

describe('the created permissions boundary, evaluated with the deploy role policies by an IAM policy evaluator', () => {
  test('the role carries the boundary the stack creates, by reference, and the boundary names no unresolved value', () => {
    expect(created.roleBoundary).toMatch(/^\$\{aws_iam_policy\.permissions-boundary_policy_[0-9A-F]+\.arn\}$/);
    expect(JSON.stringify(created.boundary)).not.toContain('${');
  });

  describe.each([
    ['AdministratorAccess', [ADMINISTRATOR_ACCESS]],
    ['PowerUserAccess with IAMFullAccess', [POWER_USER_ACCESS, IAM_FULL_ACCESS]],
  ])('a deploy role with %s', (_name, managed) => {
    test.each(ALLOWED)('allowed: %s', async (_what, request) => {
      await expect(evaluate(managed, request)).resolves.toBe('Allowed');
    });

    test.each(DENIED)('denied: %s', async (_what, request) => {
      await expect(evaluate(managed, request)).resolves.toBe('ExplicitlyDenied');
    });

    // The evaluator has no resource policy to allow sts:AssumeRoot in another account (AWS authorizes it
    // through Organizations), so it says ImplicitlyDenied there: what matters is that no Deny matches.
  });

  test.each(DENIED.filter(([, request]) => !request.action.startsWith('sts:')))(
    'control: without the boundary, AdministratorAccess would be allowed to %s',
    async (_what, request) => {
      await expect(evaluate([ADMINISTRATOR_ACCESS], request, null, unbounded.inline)).resolves.toBe('Allowed');
    },
  );

  describe('the inline Deny of other accounts holds whatever the boundary', () => {
    test('control: AdministratorAccess alone, without the inline Deny, may assume OrganizationAccountAccessRole', async () => {
      await expect(evaluate([ADMINISTRATOR_ACCESS], crossAccountAssume, null, [])).resolves.toBe('Allowed');
    });

    test('denied without any boundary: assume OrganizationAccountAccessRole in a member account', async () => {
      expect(unbounded.roleBoundary).toBeUndefined();
      await expect(evaluate([ADMINISTRATOR_ACCESS], crossAccountAssume, null, unbounded.inline)).resolves.toBe(
        'ExplicitlyDenied',
      );
    });

    // No control for sts:AssumeRoot: the evaluator wants a resource policy for a request into another account,
    // while AWS decides AssumeRoot on the caller's identity policies and the organization's setting alone. So the
    // cases check for ExplicitlyDenied: the Deny itself, not the evaluator's missing trust.
    test('denied without any boundary: take a root session of a member account', async () => {
      await expect(evaluate([ADMINISTRATOR_ACCESS], rootSession, null, unbounded.inline)).resolves.toBe('ExplicitlyDenied');
    });

    test('denied with a boundary of its own that allows everything', async () => {
      await expect(evaluate([ADMINISTRATOR_ACCESS], crossAccountAssume, ADMINISTRATOR_ACCESS, unbounded.inline)).resolves.toBe(
        'ExplicitlyDenied',
      );
    });

    test('allowed without any boundary: assume a role of its own account', async () => {
      await expect(
        evaluate(
          [ADMINISTRATOR_ACCESS],
          {
            action: 'sts:AssumeRole',
            resource: `arn:aws:iam::${MANAGEMENT}:role/app-deployer`,
            resourcePolicy: trustOf(MANAGEMENT),
          },
          null,
          unbounded.inline,
        ),
      ).resolves.toBe('Allowed');
    });
  });
});
