import { LaunchTemplate } from '@cdktf/provider-aws/lib/launch-template';
import { Construct } from 'constructs';

export interface RunnerLaunchTemplateProps {
  /** Name of the launch template (and `Name` tag of the instances and volumes launched from it). */
  readonly name: string;
  /** ARN of the runner's instance profile. */
  readonly instanceProfileArn: string;
  /** The runners' security group. */
  readonly securityGroupId: string;
  /**
   * Give the runner a public IPv4 address. Needed in a public subnet (no NAT gateway) to reach the
   * internet; a runner in a private subnet goes out through the NAT gateway instead.
   * @default false
   */
  readonly associatePublicIpAddress?: boolean;
  /**
   * EC2 instance type.
   * @default "t3.small"
   */
  readonly instanceType?: string;
  /**
   * AMI of the runner.
   * @default undefined: no AMI in the template; pass one at launch (`--image-id`).
   */
  readonly amiId?: string;
  /**
   * Root device name of the AMI, whose volume is encrypted: `/dev/xvda` for Amazon Linux,
   * `/dev/sda1` for Ubuntu. A wrong name adds a second (encrypted) volume instead.
   * @default "/dev/xvda"
   */
  readonly rootDeviceName?: string;
}

/**
 * How to launch a pipeline runner (nothing is launched here): the instance profile, the security
 * group, instance metadata through IMDSv2 only with a hop limit of 1 (containers on the runner
 * cannot reach the role's credentials through the metadata service), an encrypted gp3 root volume,
 * and a public address only when the runner lives in a public subnet.
 *
 * Permanent construct id: `launch-template`.
 */
export class RunnerLaunchTemplate extends Construct {
  public readonly launchTemplate: LaunchTemplate;

  constructor(scope: Construct, id: string, props: RunnerLaunchTemplateProps) {
    super(scope, id);
    const tags = { Name: props.name };

    this.launchTemplate = new LaunchTemplate(this, 'launch-template', {
      name: props.name,
      description: 'Self-managed pipeline runner (bootstrap-aws internal pattern)',
      instanceType: props.instanceType ?? 't3.small',
      ...(props.amiId !== undefined ? { imageId: props.amiId } : {}),
      iamInstanceProfile: { arn: props.instanceProfileArn },
      metadataOptions: {
        httpEndpoint: 'enabled',
        httpTokens: 'required',
        httpPutResponseHopLimit: 1,
      },
      blockDeviceMappings: [
        {
          deviceName: props.rootDeviceName ?? '/dev/xvda',
          ebs: { encrypted: 'true', volumeType: 'gp3', deleteOnTermination: 'true' },
        },
      ],
      networkInterfaces: [
        {
          deviceIndex: 0,
          securityGroups: [props.securityGroupId],
          associatePublicIpAddress: String(props.associatePublicIpAddress ?? false),
          deleteOnTermination: 'true',
        },
      ],
      tagSpecifications: [
        { resourceType: 'instance', tags },
        { resourceType: 'volume', tags },
      ],
      tags,
    });
  }
}
