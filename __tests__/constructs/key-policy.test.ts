// The key policies of the keys this project creates, as exact documents (literal account, region
// and partition; in the stacks these are Terraform references, see __tests__/stacks).
import { logGroupKeyPolicy, stateKeyPolicy } from '../../src/constructs/key-policy';

const ACCOUNT = { partition: 'aws', dnsSuffix: 'amazonaws.com', region: 'eu-west-1', accountId: '123456789012' };
const ROOT = 'arn:aws:iam::123456789012:root';

const ADMINISTRATION = {
  Sid: 'KeyAdministrationThroughIam',
  Effect: 'Allow',
  Principal: { AWS: ROOT },
  Action: [
    'kms:CancelKeyDeletion',
    'kms:CreateAlias',
    'kms:DeleteAlias',
    'kms:DescribeKey',
    'kms:DisableKey',
    'kms:DisableKeyRotation',
    'kms:EnableKey',
    'kms:EnableKeyRotation',
    'kms:GetKeyPolicy',
    'kms:GetKeyRotationStatus',
    'kms:ListGrants',
    'kms:ListKeyPolicies',
    'kms:ListKeyRotations',
    'kms:ListResourceTags',
    'kms:PutKeyPolicy',
    'kms:RetireGrant',
    'kms:RevokeGrant',
    'kms:RotateKeyOnDemand',
    'kms:ScheduleKeyDeletion',
    'kms:TagResource',
    'kms:UntagResource',
    'kms:UpdateAlias',
    'kms:UpdateKeyDescription',
  ],
  Resource: '*',
};

const THROUGH_S3 = {
  Sid: 'StateObjectsThroughS3',
  Effect: 'Allow',
  Principal: { AWS: ROOT },
  Action: ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey*'],
  Resource: '*',
  Condition: { StringEquals: { 'kms:CallerAccount': '123456789012', 'kms:ViaService': 's3.eu-west-1.amazonaws.com' } },
};

const DENY_DESTRUCTION = {
  Sid: 'OnlyKeyAdministratorsDeleteOrDisable',
  Effect: 'Deny',
  Principal: { AWS: '*' },
  Action: ['kms:DisableKey', 'kms:ScheduleKeyDeletion'],
  Resource: '*',
  Condition: { ArnNotEquals: { 'aws:PrincipalArn': [ROOT] } },
};

/** Every action an Allow statement of `document` gives to `principal` without a condition. */
function unconditionalActions(document: { Statement: readonly Record<string, unknown>[] }, principal: string): string[] {
  return document.Statement.filter(
    (statement) =>
      statement.Effect === 'Allow' &&
      statement.Condition === undefined &&
      JSON.stringify(statement.Principal) === JSON.stringify({ AWS: principal }),
  ).flatMap((statement) => statement.Action as string[]);
}

describe('the state key policy', () => {
  test('without a lock table: the account administers the key, S3 alone uses it, only the root user deletes or disables it', () => {
    expect(stateKeyPolicy(ACCOUNT)).toEqual({
      Version: '2012-10-17',
      Statement: [ADMINISTRATION, THROUGH_S3, DENY_DESTRUCTION],
    });
  });

  test('with a lock table: DynamoDB may also use the key, create grants for AWS resources and read its metadata', () => {
    const viaDynamoDB = { 'kms:CallerAccount': '123456789012', 'kms:ViaService': 'dynamodb.eu-west-1.amazonaws.com' };
    expect(stateKeyPolicy({ ...ACCOUNT, lockTable: true })).toEqual({
      Version: '2012-10-17',
      Statement: [
        ADMINISTRATION,
        THROUGH_S3,
        {
          Sid: 'LockTableThroughDynamoDB',
          Effect: 'Allow',
          Principal: { AWS: ROOT },
          Action: ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey*', 'kms:ReEncrypt*'],
          Resource: '*',
          Condition: { StringEquals: viaDynamoDB },
        },
        {
          Sid: 'LockTableGrantsForDynamoDB',
          Effect: 'Allow',
          Principal: { AWS: ROOT },
          Action: 'kms:CreateGrant',
          Resource: '*',
          Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' }, StringEquals: viaDynamoDB },
        },
        {
          Sid: 'DynamoDBReadsKeyMetadata',
          Effect: 'Allow',
          Principal: { Service: 'dynamodb.amazonaws.com' },
          Action: ['kms:Describe*', 'kms:Get*', 'kms:List*'],
          Resource: '*',
        },
        DENY_DESTRUCTION,
      ],
    });
  });

  test('named key administrators may delete and disable the key, and then they alone (with root) change its policy', () => {
    const admins = ['arn:aws:iam::123456789012:role/key-admin', 'arn:aws:iam::123456789012:role/terraform-deploy'];
    const policy = stateKeyPolicy({ ...ACCOUNT, administratorArns: admins });
    expect(policy.Statement.at(-1)).toEqual({
      ...DENY_DESTRUCTION,
      Action: ['kms:DisableKey', 'kms:ScheduleKeyDeletion', 'kms:PutKeyPolicy'],
      Condition: { ArnNotEquals: { 'aws:PrincipalArn': [ROOT, ...admins] } },
    });
  });

  test('the account may always change the policy (no lockout) but gets no unconditional use of the key', () => {
    const actions = unconditionalActions(stateKeyPolicy({ ...ACCOUNT, lockTable: true }), ROOT);
    expect(actions).toContain('kms:PutKeyPolicy');
    expect(actions.filter((action) => /^kms:(Decrypt|Encrypt|GenerateDataKey|ReEncrypt|CreateGrant)/.test(action))).toEqual([]);
  });

  test('service names follow the partition: the China partition gets amazonaws.com.cn', () => {
    const china = stateKeyPolicy({
      partition: 'aws-cn',
      dnsSuffix: 'amazonaws.com.cn',
      region: 'cn-north-1',
      accountId: '1'.repeat(12),
    });
    expect(china.Statement[1]).toMatchObject({
      Principal: { AWS: 'arn:aws-cn:iam::111111111111:root' },
      Condition: { StringEquals: { 'kms:ViaService': 's3.cn-north-1.amazonaws.com.cn' } },
    });
  });
});

describe('the log-group key policy', () => {
  test('the account administers the key and only CloudWatch Logs of the region uses it, for that one log group', () => {
    expect(logGroupKeyPolicy({ ...ACCOUNT, logGroupName: '/acme-pipeline/vpc-flow-logs' })).toEqual({
      Version: '2012-10-17',
      Statement: [
        ADMINISTRATION,
        {
          Sid: 'CloudWatchLogsForOneLogGroup',
          Effect: 'Allow',
          Principal: { Service: 'logs.eu-west-1.amazonaws.com' },
          Action: ['kms:Decrypt*', 'kms:Describe*', 'kms:Encrypt*', 'kms:GenerateDataKey*', 'kms:ReEncrypt*'],
          Resource: '*',
          Condition: {
            ArnEquals: {
              'kms:EncryptionContext:aws:logs:arn': 'arn:aws:logs:eu-west-1:123456789012:log-group:/acme-pipeline/vpc-flow-logs',
            },
          },
        },
      ],
    });
  });
});
