import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { IamInstanceProfile } from '@cdktf/provider-aws/lib/iam-instance-profile';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { Testing } from 'cdktf';
import { RunnerRole } from '../../src/constructs/runner-role';

type Blocks = Record<string, Record<string, Record<string, unknown>>>;
interface Statement {
  actions?: string[];
  resources?: string[];
}

function synth(assumableRoleArns?: string[]) {
  const synthesized = Testing.synthScope((scope) => {
    new RunnerRole(scope, 'runner-role', {
      name: 'acme-pipeline-runner',
      partition: 'aws',
      stateBucketName: 'acme-prod-state',
      ...(assumableRoleArns !== undefined ? { assumableRoleArns } : {}),
    });
  });
  const json = JSON.parse(synthesized) as { resource: Blocks; data: Blocks };
  return { synthesized, json };
}

describe('RunnerRole', () => {
  const { synthesized, json } = synth();

  test('the role is trusted by EC2 only', () => {
    expect(synthesized).toHaveResourceWithProperties(IamRole, {
      name: 'acme-pipeline-runner',
      assume_role_policy: expect.stringMatching(
        /^\$\{data\.aws_iam_policy_document\.runner-role_trust_[\w-]+\.json\}$/,
      ) as unknown,
    });
    expect(synthesized).toHaveDataSourceWithProperties(DataAwsIamPolicyDocument, {
      statement: [
        {
          sid: 'Ec2Service',
          effect: 'Allow',
          actions: ['sts:AssumeRole'],
          principals: [{ type: 'Service', identifiers: ['ec2.amazonaws.com'] }],
        },
      ],
    });
  });

  test('AmazonSSMManagedInstanceCore is attached', () => {
    expect(synthesized).toHaveResourceWithProperties(IamRolePolicyAttachment, {
      policy_arn: 'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore',
    });
  });

  test('the runner may list the state bucket and read, write and delete its objects, scoped to its ARN', () => {
    expect(synthesized).toHaveResourceWithProperties(IamRolePolicy, { name: 'state-bucket-access' });
    expect(synthesized).toHaveDataSourceWithProperties(DataAwsIamPolicyDocument, {
      statement: [
        { sid: 'ListStateBucket', effect: 'Allow', actions: ['s3:ListBucket'], resources: ['arn:aws:s3:::acme-prod-state'] },
        {
          sid: 'ReadWriteStateObjects',
          effect: 'Allow',
          actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
          resources: ['arn:aws:s3:::acme-prod-state/*'],
        },
      ],
    });
  });

  test('without assumable roles there is no assume-role policy at all', () => {
    expect(Object.values(json.resource[IamRolePolicy.tfResourceType] ?? {}).map((policy) => policy.name)).toEqual([
      'state-bucket-access',
    ]);
    const actions = Object.values(json.data[DataAwsIamPolicyDocument.tfResourceType] ?? {}).flatMap((document) =>
      (document.statement as Statement[])
        .filter((statement) => statement.resources !== undefined)
        .flatMap((statement) => statement.actions),
    );
    expect(actions).not.toContain('sts:AssumeRole');
  });

  test('sts:AssumeRole is granted on exactly the listed roles', () => {
    const roles = ['arn:aws:iam::111111111111:role/deploy', 'arn:aws:iam::222222222222:role/deploy'];
    const withRoles = synth(roles);
    expect(withRoles.synthesized).toHaveResourceWithProperties(IamRolePolicy, { name: 'assume-deploy-roles' });
    expect(withRoles.synthesized).toHaveDataSourceWithProperties(DataAwsIamPolicyDocument, {
      statement: [{ sid: 'AssumeDeployRoles', effect: 'Allow', actions: ['sts:AssumeRole'], resources: roles }],
    });
  });

  test('no statement grants a * action or a * resource', () => {
    const all = synth(['arn:aws:iam::111111111111:role/deploy']).json;
    const statements = Object.values(all.data[DataAwsIamPolicyDocument.tfResourceType] ?? {}).flatMap(
      (document) => document.statement as Statement[],
    );
    expect(statements.length).toBeGreaterThan(0);
    for (const statement of statements) {
      expect(statement.actions?.filter((action) => action.includes('*')) ?? []).toEqual([]);
      expect(statement.resources ?? []).not.toContain('*');
    }
  });

  test('the instance profile carries the role and the same name', () => {
    expect(synthesized).toHaveResourceWithProperties(IamInstanceProfile, {
      name: 'acme-pipeline-runner',
      role: expect.stringMatching(/^\$\{aws_iam_role\.runner-role_[\w-]+\.name\}$/) as unknown,
    });
  });
});

describe('RunnerRole under SSE-KMS (issue 22 item 5)', () => {
  const KEY = 'arn:aws:kms:eu-west-1:123456789012:key/k';
  const TABLE = 'arn:aws:dynamodb:eu-west-1:123456789012:table/acme-prod-state-lock';
  function stateDocument(props: {
    lockTableArn?: string;
  }): { sid: string; actions: string[]; resources: string[]; condition?: unknown }[] {
    const json = JSON.parse(
      Testing.synthScope((scope) => {
        new RunnerRole(scope, 'runner-role', {
          name: 'acme-pipeline-runner',
          partition: 'aws',
          stateBucketName: 'acme-prod-state',
          stateKmsKeyArn: KEY,
          region: 'eu-west-1',
          ...props,
        });
      }),
    ) as { data: Blocks };
    const [, document] =
      Object.entries(json.data.aws_iam_policy_document ?? {}).find(([id]) =>
        id.startsWith('runner-role_state-access-document'),
      ) ?? [];
    return (document?.statement ?? []) as { sid: string; actions: string[]; resources: string[]; condition?: unknown }[];
  }
  const s3 = { test: 'StringEquals', variable: 'kms:ViaService', values: ['s3.eu-west-1.amazonaws.com'] };
  const dynamodb = { test: 'StringEquals', variable: 'kms:ViaService', values: ['dynamodb.eu-west-1.amazonaws.com'] };

  test('the runner may use the production state key through S3 of its region only', () => {
    expect(stateDocument({}).slice(2)).toEqual([
      {
        sid: 'UseStateKeyThroughS3',
        effect: 'Allow',
        actions: ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey*'],
        resources: [KEY],
        condition: [s3],
      },
    ]);
  });

  test('with a lock table: its items, and the key through DynamoDB, with the grant DynamoDB creates for the table', () => {
    expect(stateDocument({ lockTableArn: TABLE }).slice(3)).toEqual([
      {
        sid: 'UseLockTable',
        effect: 'Allow',
        actions: ['dynamodb:DeleteItem', 'dynamodb:DescribeTable', 'dynamodb:GetItem', 'dynamodb:PutItem'],
        resources: [TABLE],
      },
      {
        sid: 'UseStateKeyThroughDynamoDB',
        effect: 'Allow',
        actions: ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey*', 'kms:ReEncrypt*'],
        resources: [KEY],
        condition: [dynamodb],
      },
      {
        sid: 'LockTableGrantsThroughDynamoDB',
        effect: 'Allow',
        actions: ['kms:CreateGrant'],
        resources: [KEY],
        condition: [dynamodb, { test: 'Bool', variable: 'kms:GrantIsForAWSResource', values: ['true'] }],
      },
    ]);
  });

  test("a key the production state stack creates is named by its alias: the account's keys, only with that alias", () => {
    const json = JSON.parse(
      Testing.synthScope((scope) => {
        new RunnerRole(scope, 'runner-role', {
          name: 'acme-pipeline-runner',
          partition: 'aws',
          stateBucketName: 'acme-prod-state',
          stateKmsKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/*',
          stateKmsKeyAlias: 'alias/acme-prod-state',
          region: 'eu-west-1',
        });
      }),
    ) as { data: Blocks };
    const [, document] =
      Object.entries(json.data.aws_iam_policy_document ?? {}).find(([id]) =>
        id.startsWith('runner-role_state-access-document'),
      ) ?? [];
    expect((document?.statement as unknown[])[2]).toEqual({
      sid: 'UseStateKeyThroughS3',
      effect: 'Allow',
      actions: ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey*'],
      resources: ['arn:aws:kms:eu-west-1:123456789012:key/*'],
      condition: [s3, { test: 'ForAnyValue:StringEquals', variable: 'kms:ResourceAliases', values: ['alias/acme-prod-state'] }],
    });
  });
});
