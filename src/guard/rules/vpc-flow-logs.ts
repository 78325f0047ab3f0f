import { FlowLog } from '@cdktf/provider-aws/lib/flow-log';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import type { GuardRule } from '../rule';

/**
 * BA-VPC-1: every VPC has a flow log.
 *
 * Flow logs are the only record of which addresses a host talked to. Without them there is no way
 * to tell, after the fact, whether a compromised pipeline runner reached anything it should not
 * have, or to debug a security-group change.
 */
export const vpcFlowLogs: GuardRule = {
  id: 'BA-VPC-1',
  title: 'Every VPC has a flow log',
  explanation:
    'Flow logs are the only record of which addresses a host talked to; without them nobody can tell after the fact what a compromised runner reached, or debug a security-group change.',
  resourceTypes: [Vpc.tfResourceType],
  check(vpc, context) {
    if (context.siblingsReferencing(vpc, FlowLog.tfResourceType, 'vpc_id').length > 0) return [];
    return [
      {
        what: 'the VPC has no flow log',
        fix: 'add a FlowLog in the same stack with vpcId: <vpc>.id, trafficType: "ALL" and a log destination (a CloudwatchLogGroup with a retention, or an S3 bucket)',
      },
    ];
  },
};
