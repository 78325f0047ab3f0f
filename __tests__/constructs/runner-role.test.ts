import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { IamInstanceProfile } from '@cdktf/provider-aws/lib/iam-instance-profile';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { runSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import { Testing } from 'cdktf';
import { RunnerRole } from '../../src/constructs/runner-role';

const PIPELINE_VPC = 'vpc-0a1b2c3d4e5f60718';
// The production account's own deploy role: same account, so the identity policies alone decide.
const DEPLOY_ROLE = 'arn:aws:iam::222222222222:role/acme-pipeline-deploy';

type Blocks = Record<string, Record<string, Record<string, unknown>>>;
interface Statement {
  sid?: string;
  effect?: string;
  actions?: string[];
  resources?: string[];
  condition?: { test: string; variable: string; values: string[] }[];
}

function synth(assumableRoleArns?: string[]) {
  const synthesized = Testing.synthScope((scope) => {
    new RunnerRole(scope, 'runner-role', {
      name: 'acme-pipeline-runner',
      partition: 'aws',
      stateBucketName: 'acme-prod-state',
      vpcId: PIPELINE_VPC,
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
    expect(
      Object.values(json.resource[IamRolePolicy.tfResourceType] ?? {})
        .map((policy) => policy.name)
        .sort(),
    ).toEqual(['pipeline-vpc-only', 'state-bucket-access']);
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
    const statements = Object.values(all.data[DataAwsIamPolicyDocument.tfResourceType] ?? {})
      .flatMap((document) => document.statement as Statement[])
      .filter((statement) => statement.effect !== 'Deny');
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

  test('without a VPC there is no pin (the pipeline stack always passes its VPC)', () => {
    const unpinned = JSON.parse(
      Testing.synthScope((scope) => {
        new RunnerRole(scope, 'runner-role', { name: 'r', partition: 'aws', stateBucketName: 'acme-prod-state' });
      }),
    ) as { resource: Blocks };
    expect(Object.values(unpinned.resource[IamRolePolicy.tfResourceType] ?? {}).map((policy) => policy.name)).toEqual([
      'state-bucket-access',
    ]);
  });

  test('every action is denied unless the credentials were delivered to an instance in the pipeline VPC', () => {
    expect(synthesized).toHaveResourceWithProperties(IamRolePolicy, { name: 'pipeline-vpc-only' });
    expect(synthesized).toHaveDataSourceWithProperties(DataAwsIamPolicyDocument, {
      statement: [
        {
          sid: 'DenyOutsidePipelineVpc',
          effect: 'Deny',
          actions: ['*'],
          resources: ['*'],
          condition: [
            { test: 'StringNotEquals', variable: 'aws:Ec2InstanceSourceVPC', values: [PIPELINE_VPC] },
            { test: 'BoolIfExists', variable: 'aws:ViaAWSService', values: ['false'] },
          ],
        },
      ],
    });
  });
});

/** The role's inline policies as IAM receives them (JSON), from the synthesized policy documents. */
function identityPolicies(): { name: string; policy: unknown }[] {
  const { json } = synth([DEPLOY_ROLE]);
  return Object.entries(json.data[DataAwsIamPolicyDocument.tfResourceType] ?? {})
    .filter(([id]) => !id.startsWith('runner-role_trust'))
    .map(([id, document]) => ({
      name: id,
      policy: {
        Version: '2012-10-17',
        Statement: (document.statement as Statement[]).map((statement) => ({
          Effect: statement.effect,
          Action: statement.actions,
          Resource: statement.resources,
          ...(statement.condition !== undefined
            ? {
                Condition: Object.fromEntries(
                  statement.condition.map((condition) => [condition.test, { [condition.variable]: condition.values }]),
                ),
              }
            : {}),
        })),
      },
    }));
}

// The runner's inline policies evaluated together, as AWS does for one request of the role (the
// AWS-managed SSM policy is left out: it allows nothing these cases ask for). moto does not evaluate
// identity policies at all, so only the evaluator can show this.
describe('RunnerRole, evaluated with an IAM policy evaluator: the pipeline-VPC pin', () => {
  const policies = identityPolicies();
  const session = 'arn:aws:sts::222222222222:assumed-role/acme-pipeline-runner/i-0123456789abcdef0';

  async function evaluate(action: string, resource: string, context: Record<string, string>): Promise<string> {
    const simulation: Simulation = {
      request: {
        principal: session,
        action,
        resource: { resource, accountId: '222222222222' },
        contextVariables: { 'aws:PrincipalArn': 'arn:aws:iam::222222222222:role/acme-pipeline-runner', ...context },
      },
      identityPolicies: policies,
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    };
    const result = await runSimulation(simulation, {});
    if (result.resultType === 'error') throw new Error(`the evaluator refused the input: ${JSON.stringify(result.errors)}`);
    return result.overallResult;
  }

  test.each([
    ['s3:GetObject', 'arn:aws:s3:::acme-prod-state/bootstrap/pipeline-prod.tfstate'],
    ['s3:PutObject', 'arn:aws:s3:::acme-prod-state/dev/terraform.tfstate'],
    ['sts:AssumeRole', DEPLOY_ROLE],
  ])('%s is allowed with credentials of an instance in the pipeline VPC', async (action, resource) => {
    expect(await evaluate(action, resource, { 'aws:Ec2InstanceSourceVPC': PIPELINE_VPC })).toBe('Allowed');
  });

  test.each([
    ['s3:GetObject', 'arn:aws:s3:::acme-prod-state/bootstrap/pipeline-prod.tfstate'],
    ['sts:AssumeRole', DEPLOY_ROLE],
  ])(
    '%s is denied with credentials of an instance in another VPC (the instance profile launched elsewhere)',
    async (action, resource) => {
      expect(await evaluate(action, resource, { 'aws:Ec2InstanceSourceVPC': 'vpc-0ffffffffffffffff' })).toBe('ExplicitlyDenied');
    },
  );

  test.each([
    ['s3:GetObject', 'arn:aws:s3:::acme-prod-state/bootstrap/pipeline-prod.tfstate'],
    ['sts:AssumeRole', DEPLOY_ROLE],
  ])('%s is denied with credentials that carry no instance VPC at all', async (action, resource) => {
    expect(await evaluate(action, resource, {})).toBe('ExplicitlyDenied');
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
