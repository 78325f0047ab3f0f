// The key policies of the keys this project creates, as exact documents (literal account, region
// and partition; in the stacks these are Terraform references, see __tests__/stacks).
import { KEY_ADMINISTRATION_WRITE_ACTIONS, logGroupKeyPolicy, stateKeyPolicy } from '../../src/constructs/key-policy';

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
  Condition: { ArnNotLike: { 'aws:PrincipalArn': [ROOT] } },
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

  test('named key administrators administer the key: every administration write is denied to all but them and root', () => {
    const admins = ['arn:aws:iam::123456789012:role/key-admin', 'arn:aws:iam::123456789012:role/terraform-deploy'];
    const policy = stateKeyPolicy({
      ...ACCOUNT,
      administratorArns: admins,
      deployerArns: ['arn:aws:iam::123456789012:role/ignored'],
    });
    expect(policy.Statement.at(-1)).toEqual({
      ...DENY_DESTRUCTION,
      Sid: 'OnlyKeyAdministratorsAdminister',
      Action: [...KEY_ADMINISTRATION_WRITE_ACTIONS],
      Condition: { ArnNotLike: { 'aws:PrincipalArn': [ROOT, ...admins] } },
    });
    for (const action of [
      'kms:PutKeyPolicy',
      'kms:DisableKeyRotation',
      'kms:UpdateAlias',
      'kms:DeleteAlias',
      'kms:RevokeGrant',
    ]) {
      expect(KEY_ADMINISTRATION_WRITE_ACTIONS).toContain(action);
    }
  });

  test('without named administrators the deployer administers the key', () => {
    const deployer = ['arn:aws:iam::123456789012:role/ops', 'arn:aws:iam::123456789012:role/*/ops'];
    const policy = stateKeyPolicy({ ...ACCOUNT, deployerArns: deployer });
    expect(policy.Statement.at(-1)).toMatchObject({
      Sid: 'OnlyKeyAdministratorsAdminister',
      Condition: { ArnNotLike: { 'aws:PrincipalArn': [ROOT, ...deployer] } },
    });
  });

  test("the pipeline's roles get only deny statements: everything but use, use other than through S3, and (with a lock table) grants but DynamoDB's", () => {
    const pipeline = ['arn:aws:iam::123456789012:role/acme-pipeline-deploy'];
    const sids = (lockTable: boolean) =>
      stateKeyPolicy({ ...ACCOUNT, lockTable, pipelinePrincipalArns: pipeline })
        .Statement.filter((statement) => String(statement.Sid).startsWith('Pipeline'))
        .map((statement) => [statement.Sid, statement.Effect]);
    expect(sids(false)).toEqual([
      ['PipelineOnlyUsesKey', 'Deny'],
      ['PipelineUsesKeyOnlyThroughStateServices', 'Deny'],
    ]);
    expect(sids(true)).toEqual([
      ['PipelineOnlyUsesKey', 'Deny'],
      ['PipelineUsesKeyOnlyThroughStateServices', 'Deny'],
      ['PipelineGrantsOnlyThroughDynamoDB', 'Deny'],
      ['PipelineGrantsOnlyForAwsResources', 'Deny'],
    ]);
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
