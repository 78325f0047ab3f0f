import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { TerraformStack, Testing } from 'cdktf';
import {
  boundedRolePath,
  MANAGED_POLICY_MAX_CHARS,
  PermissionsBoundary,
  permissionsBoundaryName,
  permissionsBoundaryPolicy,
} from '../../src/constructs/permissions-boundary';

const ACCOUNT = { partition: 'aws', accountId: '111111111111' };
const BOUNDARY = 'arn:aws:iam::111111111111:policy/acme-pipeline-deploy-boundary';
const ROLE = 'arn:aws:iam::111111111111:role/acme-pipeline-deploy';
const BUCKET = 'arn:aws:s3:::acme-dev-state';
const ROLE_PATH = '/acme-pipeline-deploy-boundary/';

describe('permissionsBoundaryPolicy', () => {
  test('allows everything, then denies each way out, in this order', () => {
    const policy = permissionsBoundaryPolicy({
      account: ACCOUNT,
      boundaryArn: BOUNDARY,
      roleArn: ROLE,
      rolePath: ROLE_PATH,
      state: { bucketArn: BUCKET, kmsKeyArn: 'k', lockTableArn: 't' },
    });
    expect(policy.Statement.map((statement) => `${String(statement.Effect)} ${String(statement.Sid)}`)).toEqual([
      'Allow AllowWhatTheRolePoliciesAllow',
      'Deny DenyRolesOutsideBoundedPath',
      'Deny DenyBoundaryRemoval',
      'Deny DenyRolesAndUsersWithoutThisBoundary',
      'Deny DenyBoundaryPolicyChanges',
      'Deny DenyDeployRoleChanges',
      'Deny DenyStateBucketAdministration',
      'Deny DenyBootstrapStateWrites',
      'Deny DenyStateKeyAdministration',
      'Deny DenyStateKeyGrantsButDynamoDBs',
      'Deny DenyLockTableAdministration',
      'Deny DenyUserCredentials',
      'Deny DenySamlProviderChanges',
    ]);
    expect(policy.Statement[1]).toMatchObject({
      Action: ['sts:AssumeRole', 'sts:AssumeRoot', 'sts:SetSourceIdentity', 'sts:TagSession', 'iam:PassRole'],
      NotResource: 'arn:aws:iam::111111111111:role/acme-pipeline-deploy-boundary/*',
    });
    expect(policy.Statement[3]).toMatchObject({ Condition: { StringNotEquals: { 'iam:PermissionsBoundary': BOUNDARY } } });
    expect(policy.Statement[4]).toMatchObject({ Resource: BOUNDARY });
    expect(policy.Statement[5]).toMatchObject({ NotAction: ['iam:Get*', 'iam:List*'], Resource: ROLE });
    // With the lock table on the key: the grant DynamoDB creates for the table, and no other.
    expect(policy.Statement[8]).toMatchObject({ NotAction: expect.arrayContaining(['kms:CreateGrant']) as unknown });
    expect(policy.Statement[9]).toMatchObject({
      Action: ['kms:CreateGrant'],
      Condition: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false' } },
    });
    expect(policy.Statement[10]).toMatchObject({ Resource: ['t', 't/*'] });
  });

  test('SSE-S3 and S3 native locking: no key or lock-table statement', () => {
    const policy = permissionsBoundaryPolicy({
      account: ACCOUNT,
      boundaryArn: BOUNDARY,
      roleArn: ROLE,
      rolePath: ROLE_PATH,
      state: { bucketArn: BUCKET },
    });
    expect(policy.Statement.map((statement) => statement.Sid)).not.toContain('DenyStateKeyAdministration');
    expect(policy.Statement.map((statement) => statement.Sid)).not.toContain('DenyLockTableAdministration');
  });

  test(`with every option on and the longest names, it stays under IAM's ${MANAGED_POLICY_MAX_CHARS} characters`, () => {
    const roleName = 'r'.repeat(64);
    const accountId = '123456789012';
    const partition = 'aws-us-gov';
    const region = 'us-gov-west-1';
    const policy = permissionsBoundaryPolicy({
      account: { partition, accountId },
      boundaryArn: `arn:${partition}:iam::${accountId}:policy/${permissionsBoundaryName(roleName)}`,
      roleArn: `arn:${partition}:iam::${accountId}:role/${roleName}`,
      rolePath: boundedRolePath(roleName),
      state: {
        // A state bucket name is at most 63 characters, a lock table name at most 255 (the project's are shorter).
        bucketArn: `arn:${partition}:s3:::${'b'.repeat(63)}`,
        kmsKeyArn: `arn:${partition}:kms:${region}:${accountId}:key/mrk-0123456789abcdef0123456789abcdef`,
        lockTableArn: `arn:${partition}:dynamodb:${region}:${accountId}:table/${'t'.repeat(255)}`,
      },
    });
    // IAM counts the document without whitespace; JSON.stringify writes none.
    const size = JSON.stringify(policy).length;
    expect(size).toBeLessThan(MANAGED_POLICY_MAX_CHARS);
    // Headroom for later additions: report the size when this fails.
    expect(size).toBeLessThan(4500);
  });
});

describe('boundedRolePath', () => {
  test("is the boundary's name as a path, so that a role's ARN says which boundary it carries", () => {
    expect(boundedRolePath('acme-pipeline-deploy')).toBe(ROLE_PATH);
  });
});

describe('PermissionsBoundary', () => {
  const synthesized = Testing.synthScope((scope) => {
    new PermissionsBoundary(scope, 'permissions-boundary', {
      account: ACCOUNT,
      roleName: 'acme-pipeline-deploy',
      state: { bucketArn: BUCKET },
    });
    new IamPolicy(scope, 'other', { name: 'other', policy: '{}' });
  });

  test('one managed policy, <role>-boundary, whose document names its own ARN and the role', () => {
    expect(synthesized).toHaveResourceWithProperties(IamPolicy, { name: 'acme-pipeline-deploy-boundary' });
    const json = JSON.parse(synthesized) as { resource: { aws_iam_policy: Record<string, { name: string; policy: string }> } };
    const [id, boundary] = Object.entries(json.resource.aws_iam_policy).find(([, policy]) => policy.name !== 'other') ?? [];
    expect(id).toMatch(/^permissions-boundary_policy_/);
    expect(JSON.parse(String(boundary?.policy))).toEqual(
      permissionsBoundaryPolicy({
        account: ACCOUNT,
        boundaryArn: BOUNDARY,
        roleArn: ROLE,
        rolePath: ROLE_PATH,
        state: { bucketArn: BUCKET },
      }),
    );
  });

  test('isBoundaryPolicy recognizes its policy, and no other', () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, 'stack');
    const boundary = new PermissionsBoundary(stack, 'permissions-boundary', {
      account: ACCOUNT,
      roleName: 'acme-pipeline-deploy',
      state: { bucketArn: BUCKET },
    });
    const other = new IamPolicy(stack, 'other', { name: 'other', policy: '{}' });
    expect(PermissionsBoundary.isBoundaryPolicy(boundary.policy)).toBe(true);
    expect(PermissionsBoundary.isBoundaryPolicy(other)).toBe(false);
    expect(PermissionsBoundary.isBoundaryPolicy(boundary)).toBe(false);
  });
});
