import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { Testing } from 'cdktf';
import { DeployRole, noCrossAccountAssumePolicy, policyAttachmentId, stateAccessPolicy } from '../../src/constructs/deploy-role';
import { deployRoleTrustPolicy } from '../../src/constructs/deploy-role-trust';

type Blocks = Record<string, Record<string, Record<string, unknown>>>;
const TRUST = deployRoleTrustPolicy({
  runnerRoleArn: 'arn:aws:iam::222222222222:role/acme-pipeline-runner',
  providerArn: () => 'unused',
});
const STATE = { bucketArn: 'arn:aws:s3:::acme-dev-state', region: 'eu-west-1' };
const ACCOUNT = { partition: 'aws', accountId: '111111111111' };

function synth(extra: { permissionsBoundaryArn?: string; maxSessionDuration?: number } = {}) {
  const synthesized = Testing.synthScope((scope) => {
    new DeployRole(scope, 'deploy-role', {
      name: 'acme-pipeline-deploy',
      trustPolicy: TRUST,
      policyArns: ['arn:aws:iam::aws:policy/PowerUserAccess', 'arn:aws:iam::111111111111:policy/path/extra'],
      stateAccess: STATE,
      account: ACCOUNT,
      ...extra,
    });
  });
  return { synthesized, json: JSON.parse(synthesized) as { resource: Blocks } };
}

describe('DeployRole', () => {
  const { synthesized, json } = synth();

  test('the role carries the trust document as given, a one-hour session and no boundary by default', () => {
    expect(synthesized).toHaveResourceWithProperties(IamRole, {
      name: 'acme-pipeline-deploy',
      assume_role_policy: JSON.stringify(TRUST),
      max_session_duration: 3600,
    });
    expect(Object.values(json.resource.aws_iam_role ?? {})[0]).not.toHaveProperty('permissions_boundary');
  });

  test('a session duration and a permissions boundary are passed on', () => {
    expect(
      synth({ permissionsBoundaryArn: 'arn:aws:iam::111111111111:policy/boundary', maxSessionDuration: 7200 }).synthesized,
    ).toHaveResourceWithProperties(IamRole, {
      permissions_boundary: 'arn:aws:iam::111111111111:policy/boundary',
      max_session_duration: 7200,
    });
  });

  test('each listed policy is attached, under an id made of its ARN', () => {
    const attachments = Object.values(json.resource.aws_iam_role_policy_attachment ?? {});
    // Synth sorts resources by their address.
    expect(attachments.map((attachment) => attachment.policy_arn).sort()).toEqual([
      'arn:aws:iam::111111111111:policy/path/extra',
      'arn:aws:iam::aws:policy/PowerUserAccess',
    ]);
    expect(synthesized).toHaveResourceWithProperties(IamRolePolicyAttachment, {
      role: expect.stringContaining('.name}') as unknown,
    });
    expect(policyAttachmentId('arn:aws:iam::aws:policy/PowerUserAccess')).toBe('policy-arn:aws:iam::aws:policy_PowerUserAccess');
  });

  test('the inline policies are the state access and the Deny of other accounts, and only those', () => {
    const policies = Object.fromEntries(
      Object.values(json.resource.aws_iam_role_policy ?? {}).map((policy) => [
        String(policy.name),
        JSON.parse(String(policy.policy)) as unknown,
      ]),
    );
    expect(policies).toEqual({
      'terraform-state-access': stateAccessPolicy(STATE),
      'deny-cross-account-assume': noCrossAccountAssumePolicy(ACCOUNT),
    });
    expect(Object.keys(json.resource.aws_iam_role_policy ?? {}).sort()).toEqual([
      expect.stringMatching(/^deploy-role_no-cross-account-assume_/),
      expect.stringMatching(/^deploy-role_state-access_/),
    ]);
  });

  test('the Deny of other accounts names every role ARN but those of its own account', () => {
    expect(noCrossAccountAssumePolicy(ACCOUNT)).toEqual({
      Statement: [
        {
          Action: ['sts:AssumeRole', 'sts:AssumeRoot', 'sts:SetSourceIdentity', 'sts:TagSession'],
          Effect: 'Deny',
          NotResource: 'arn:aws:iam::111111111111:role/*',
          Sid: 'DenyAssumeRoleInOtherAccounts',
        },
      ],
      Version: '2012-10-17',
    });
  });
});

describe('stateAccessPolicy', () => {
  test('SSE-S3 without lock table: list the bucket, read, write and delete its objects', () => {
    expect(stateAccessPolicy(STATE)).toEqual({
      Statement: [
        { Action: 's3:ListBucket', Effect: 'Allow', Resource: 'arn:aws:s3:::acme-dev-state', Sid: 'ListStateBucket' },
        {
          Action: ['s3:DeleteObject', 's3:GetObject', 's3:PutObject'],
          Effect: 'Allow',
          Resource: 'arn:aws:s3:::acme-dev-state/*',
          Sid: 'ReadWriteStateObjects',
        },
      ],
      Version: '2012-10-17',
    });
  });

  test('with a key and a lock table: the key through S3 and DynamoDB of the region only (the table is on the key), and the table items', () => {
    const policy = stateAccessPolicy({
      ...STATE,
      kmsKeyArn: 'arn:aws:kms:eu-west-1:111111111111:key/k',
      lockTableArn: 'arn:aws:dynamodb:eu-west-1:111111111111:table/acme-dev-state-lock',
    });
    expect(policy.Statement.slice(2)).toEqual([
      {
        Action: ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey*'],
        Condition: { StringEquals: { 'kms:ViaService': 's3.eu-west-1.amazonaws.com' } },
        Effect: 'Allow',
        Resource: 'arn:aws:kms:eu-west-1:111111111111:key/k',
        Sid: 'UseStateKeyThroughS3',
      },
      {
        Action: ['dynamodb:DeleteItem', 'dynamodb:DescribeTable', 'dynamodb:GetItem', 'dynamodb:PutItem'],
        Effect: 'Allow',
        Resource: 'arn:aws:dynamodb:eu-west-1:111111111111:table/acme-dev-state-lock',
        Sid: 'UseLockTable',
      },
      {
        Action: ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey*', 'kms:ReEncrypt*'],
        Condition: { StringEquals: { 'kms:ViaService': 'dynamodb.eu-west-1.amazonaws.com' } },
        Effect: 'Allow',
        Resource: 'arn:aws:kms:eu-west-1:111111111111:key/k',
        Sid: 'UseStateKeyThroughDynamoDB',
      },
      {
        Action: ['kms:CreateGrant'],
        Condition: {
          Bool: { 'kms:GrantIsForAWSResource': 'true' },
          StringEquals: { 'kms:ViaService': 'dynamodb.eu-west-1.amazonaws.com' },
        },
        Effect: 'Allow',
        Resource: 'arn:aws:kms:eu-west-1:111111111111:key/k',
        Sid: 'LockTableGrantsThroughDynamoDB',
      },
    ]);
  });

  test("in China the key is used through the services' amazonaws.com.cn names, as kms:ViaService and the key policy (aws_partition's dns_suffix) name them", () => {
    const policy = stateAccessPolicy({
      bucketArn: 'arn:aws-cn:s3:::acme-dev-state',
      region: 'cn-north-1',
      kmsKeyArn: 'arn:aws-cn:kms:cn-north-1:111111111111:key/k',
      lockTableArn: 'arn:aws-cn:dynamodb:cn-north-1:111111111111:table/acme-dev-state-lock',
    });
    const services = policy.Statement.flatMap((statement) => {
      const condition = statement.Condition as { StringEquals?: Record<string, string> } | undefined;
      return condition?.StringEquals?.['kms:ViaService'] ?? [];
    });
    expect(services).toEqual([
      's3.cn-north-1.amazonaws.com.cn',
      'dynamodb.cn-north-1.amazonaws.com.cn',
      'dynamodb.cn-north-1.amazonaws.com.cn',
    ]);
  });

  test('no statement has a "*" action or resource', () => {
    const policy = stateAccessPolicy({ ...STATE, kmsKeyArn: 'k', lockTableArn: 't' });
    for (const statement of policy.Statement) {
      expect([statement.Action].flat()).not.toContain('*');
      expect(statement.Resource).not.toBe('*');
    }
  });
});
