import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { FlowLog } from '@cdktf/provider-aws/lib/flow-log';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { vpcFlowLogs } from '../../../src/guard/rules';
import { findings } from '../fixtures';

describe('BA-VPC-1 VPC flow logs', () => {
  test('a VPC with a flow log passes', () => {
    const lines = findings(vpcFlowLogs, (stack) => {
      const vpc = new Vpc(stack, 'vpc', { cidrBlock: '10.0.0.0/16' });
      const group = new CloudwatchLogGroup(stack, 'logs', { retentionInDays: 90 });
      new FlowLog(stack, 'flow-log', {
        vpcId: vpc.id,
        trafficType: 'ALL',
        logDestination: group.arn,
        iamRoleArn: 'arn:aws:iam::1:role/x',
      });
    });
    expect(lines).toEqual([]);
  });

  test('a VPC without a flow log fails, even when another VPC has one', () => {
    const lines = findings(vpcFlowLogs, (stack) => {
      const logged = new Vpc(stack, 'logged', { cidrBlock: '10.0.0.0/16' });
      new FlowLog(stack, 'flow-log', { vpcId: logged.id, trafficType: 'ALL', logDestination: 'arn:aws:s3:::logs' });
      new Vpc(stack, 'vpc', { cidrBlock: '10.1.0.0/16' });
    });
    expect(lines).toEqual([expect.stringMatching(/^BA-VPC-1 fixture\/vpc: the VPC has no flow log; add a FlowLog .+/)]);
  });
});
