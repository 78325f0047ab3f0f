import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { FlowLog } from '@cdktf/provider-aws/lib/flow-log';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { Testing } from 'cdktf';
import { VpcFlowLog } from '../../src/constructs/vpc-flow-log';

function synth(retentionDays?: number, accountId?: string): string {
  return Testing.synthScope((scope) => {
    new VpcFlowLog(scope, 'flow-log', {
      vpcId: 'vpc-123',
      namePrefix: 'acme-pipeline',
      ...(retentionDays !== undefined ? { retentionDays } : {}),
      ...(accountId !== undefined ? { accountId } : {}),
    });
  });
}

describe('VpcFlowLog', () => {
  const synthesized = synth();

  test('the log group keeps records 90 days by default', () => {
    expect(synthesized).toHaveResourceWithProperties(CloudwatchLogGroup, {
      name: '/acme-pipeline/vpc-flow-logs',
      retention_in_days: 90,
    });
  });

  test('the retention is configurable', () => {
    expect(synth(30)).toHaveResourceWithProperties(CloudwatchLogGroup, { retention_in_days: 30 });
  });

  test('all traffic of the VPC is logged to the group through the role', () => {
    expect(synthesized).toHaveResourceWithProperties(FlowLog, {
      vpc_id: 'vpc-123',
      traffic_type: 'ALL',
      log_destination_type: 'cloud-watch-logs',
      log_destination: expect.stringMatching(/^\$\{aws_cloudwatch_log_group\.[\w-]+\.arn\}$/) as unknown,
      iam_role_arn: expect.stringMatching(/^\$\{aws_iam_role\.[\w-]+\.arn\}$/) as unknown,
    });
  });

  test('the role is trusted by the VPC Flow Logs service only', () => {
    expect(synthesized).toHaveResourceWithProperties(IamRole, {
      name: 'acme-pipeline-vpc-flow-logs',
      assume_role_policy: expect.stringMatching(
        /^\$\{data\.aws_iam_policy_document\.flow-log_role-trust_[\w-]+\.json\}$/,
      ) as unknown,
    });
    expect(synthesized).toHaveDataSourceWithProperties(DataAwsIamPolicyDocument, {
      statement: [
        {
          sid: 'VpcFlowLogsService',
          effect: 'Allow',
          actions: ['sts:AssumeRole'],
          principals: [{ type: 'Service', identifiers: ['vpc-flow-logs.amazonaws.com'] }],
        },
      ],
    });
  });

  test('with an account, the service may assume the role only on behalf of that account', () => {
    expect(synth(undefined, '123456789012')).toHaveDataSourceWithProperties(DataAwsIamPolicyDocument, {
      statement: [
        {
          sid: 'VpcFlowLogsService',
          effect: 'Allow',
          actions: ['sts:AssumeRole'],
          principals: [{ type: 'Service', identifiers: ['vpc-flow-logs.amazonaws.com'] }],
          condition: [{ test: 'StringEquals', variable: 'aws:SourceAccount', values: ['123456789012'] }],
        },
      ],
    });
  });

  test('the role may write streams and events of its own log group and nothing else', () => {
    expect(synthesized).toHaveResourceWithProperties(IamRolePolicy, { name: 'write-flow-log-group' });
    expect(synthesized).toHaveDataSourceWithProperties(DataAwsIamPolicyDocument, {
      statement: [
        {
          sid: 'WriteFlowLogGroup',
          effect: 'Allow',
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
          resources: [
            expect.stringMatching(/^\$\{aws_cloudwatch_log_group\.[\w-]+\.arn\}$/) as unknown,
            expect.stringMatching(/^\$\{aws_cloudwatch_log_group\.[\w-]+\.arn\}:\*$/) as unknown,
          ],
        },
      ],
    });
  });
});
