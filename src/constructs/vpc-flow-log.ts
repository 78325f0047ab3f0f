import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { FlowLog } from '@cdktf/provider-aws/lib/flow-log';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { Construct } from 'constructs';

export interface VpcFlowLogProps {
  /** The VPC whose traffic is logged. */
  readonly vpcId: string;
  /** Names the log group (`/<namePrefix>/vpc-flow-logs`) and the role (`<namePrefix>-vpc-flow-logs`). */
  readonly namePrefix: string;
  /**
   * Days CloudWatch Logs keeps the records; must be a value CloudWatch accepts.
   * @default 90
   */
  readonly retentionDays?: number;
  /**
   * The account the flow log belongs to: the role then trusts the flow-logs service only when it
   * acts for this account (`aws:SourceAccount`), which AWS recommends against the confused deputy.
   * @default undefined: no condition; the service may assume the role on behalf of any account.
   */
  readonly accountId?: string;
  /**
   * Encrypt the log group with this customer-managed KMS key (an ARN). Its policy must let the
   * CloudWatch Logs service of the region use it for this group (see `logGroupKeyPolicy`).
   * @default undefined: CloudWatch Logs' own encryption at rest.
   */
  readonly kmsKeyArn?: string;
}

/** The flow-log role's name: `<namePrefix>-vpc-flow-logs`. */
export function flowLogRoleName(namePrefix: string): string {
  return `${namePrefix}-vpc-flow-logs`;
}

/** The flow-log group of a name prefix: `/<namePrefix>/vpc-flow-logs`. */
export function flowLogGroupName(namePrefix: string): string {
  return `/${namePrefix}/vpc-flow-logs`;
}

/**
 * Flow logs of all accepted and rejected traffic of a VPC, delivered to a CloudWatch log group
 * with a retention (optionally encrypted with a customer-managed key), through a role only the
 * flow-logs service can assume and that may only write to that one log group (it does not create
 * log groups).
 *
 * Permanent construct ids: `log-group`, `role-trust`, `role`, `role-policy-document`,
 * `role-policy`, `flow-log`.
 */
export class VpcFlowLog extends Construct {
  public readonly logGroup: CloudwatchLogGroup;
  public readonly role: IamRole;
  public readonly flowLog: FlowLog;

  constructor(scope: Construct, id: string, props: VpcFlowLogProps) {
    super(scope, id);

    this.logGroup = new CloudwatchLogGroup(this, 'log-group', {
      name: flowLogGroupName(props.namePrefix),
      retentionInDays: props.retentionDays ?? 90,
      ...(props.kmsKeyArn !== undefined ? { kmsKeyId: props.kmsKeyArn } : {}),
    });

    const trust = new DataAwsIamPolicyDocument(this, 'role-trust', {
      statement: [
        {
          sid: 'VpcFlowLogsService',
          effect: 'Allow',
          actions: ['sts:AssumeRole'],
          principals: [{ type: 'Service', identifiers: ['vpc-flow-logs.amazonaws.com'] }],
          ...(props.accountId !== undefined
            ? { condition: [{ test: 'StringEquals', variable: 'aws:SourceAccount', values: [props.accountId] }] }
            : {}),
        },
      ],
    });
    this.role = new IamRole(this, 'role', {
      name: flowLogRoleName(props.namePrefix),
      description: 'Lets VPC Flow Logs write the pipeline VPC flow records to its CloudWatch log group',
      assumeRolePolicy: trust.json,
    });

    const permissions = new DataAwsIamPolicyDocument(this, 'role-policy-document', {
      statement: [
        {
          sid: 'WriteFlowLogGroup',
          effect: 'Allow',
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
          // The group itself and its streams (`<group arn>:*`); nothing else in the account.
          resources: [this.logGroup.arn, `${this.logGroup.arn}:*`],
        },
      ],
    });
    new IamRolePolicy(this, 'role-policy', {
      name: 'write-flow-log-group',
      role: this.role.id,
      policy: permissions.json,
    });

    this.flowLog = new FlowLog(this, 'flow-log', {
      vpcId: props.vpcId,
      trafficType: 'ALL',
      logDestinationType: 'cloud-watch-logs',
      logDestination: this.logGroup.arn,
      iamRoleArn: this.role.arn,
      tags: { Name: `${props.namePrefix}-vpc` },
    });
  }
}
