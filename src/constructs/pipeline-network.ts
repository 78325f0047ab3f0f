import { DataAwsAvailabilityZones } from '@cdktf/provider-aws/lib/data-aws-availability-zones';
import { DefaultSecurityGroup } from '@cdktf/provider-aws/lib/default-security-group';
import { Eip } from '@cdktf/provider-aws/lib/eip';
import { InternetGateway } from '@cdktf/provider-aws/lib/internet-gateway';
import { NatGateway } from '@cdktf/provider-aws/lib/nat-gateway';
import { Route } from '@cdktf/provider-aws/lib/route';
import { RouteTable } from '@cdktf/provider-aws/lib/route-table';
import { RouteTableAssociation } from '@cdktf/provider-aws/lib/route-table-association';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { VpcEndpoint } from '@cdktf/provider-aws/lib/vpc-endpoint';
import { Fn, Token } from 'cdktf';
import { Construct } from 'constructs';
import { subnetLayout } from '../network/subnet-layout';
import { VpcFlowLog } from './vpc-flow-log';

/** The pipeline VPC's `Name` tag: `<namePrefix>-vpc` (the existing-resource check finds the VPC by it). */
export function pipelineVpcName(namePrefix: string): string {
  return `${namePrefix}-vpc`;
}

export interface PipelineNetworkProps {
  /** Prefix of the `Name` tags and of the flow-log resources' names. */
  readonly namePrefix: string;
  /** Region of the provider; names the S3 gateway endpoint's service (`com.amazonaws.<region>.s3`). */
  readonly region: string;
  /**
   * IPv4 CIDR of the VPC, /16 to /24; subnets are cut from it by `subnetLayout`.
   * @default "10.0.0.0/16"
   */
  readonly cidr?: string;
  /**
   * Availability zones to spread subnets over: the first `azCount` zones of the region (state
   * `available`, type `availability-zone`; local and wavelength zones are left out). A plan fails
   * with a clear message when the region has fewer.
   * @default 2
   */
  readonly azCount?: number;
  /**
   * Add one private subnet per zone, routed to the internet through a single NAT gateway in the
   * first public subnet. The NAT gateway and its Elastic IP are billed by the hour and per GB.
   * @default false: public subnets only; nothing in the stack is billed by the hour.
   */
  readonly natGateway?: boolean;
  /**
   * Days VPC flow logs are kept in CloudWatch Logs.
   * @default 90
   */
  readonly flowLogRetentionDays?: number;
  /**
   * The account the VPC lives in; the flow-log role trusts the service only for this account.
   * @default undefined: no `aws:SourceAccount` condition on the flow-log role.
   */
  readonly accountId?: string;
  /**
   * KMS key (an ARN) that encrypts the flow-log group; see `VpcFlowLogProps.kmsKeyArn`.
   * @default undefined: CloudWatch Logs' own encryption at rest.
   */
  readonly flowLogKmsKeyArn?: string;
}

/**
 * The pipeline's dedicated VPC: DNS support and hostnames on, the default security group stripped
 * of every rule, one public subnet per zone behind an internet gateway, optionally private subnets
 * behind a NAT gateway, an S3 gateway endpoint on every route table (state traffic stays off the
 * internet) and flow logs of all traffic to CloudWatch Logs.
 *
 * Construct ids are part of the Terraform addresses and permanent: `vpc`, `default-security-group`,
 * `zones`, `public-subnet-<n>`, `private-subnet-<n>`, `internet-gateway`, `public-route-table`,
 * `public-default-route`, `public-subnet-<n>-route-table`, `nat-eip`, `nat-gateway`,
 * `private-route-table`, `private-default-route`, `private-subnet-<n>-route-table`, `s3-endpoint`,
 * `flow-log`. `<n>` is the zone's index, so adding zones only adds resources.
 */
export class PipelineNetwork extends Construct {
  public readonly vpc: Vpc;
  public readonly defaultSecurityGroup: DefaultSecurityGroup;
  public readonly zones: DataAwsAvailabilityZones;
  public readonly publicSubnets: readonly Subnet[];
  public readonly privateSubnets: readonly Subnet[];
  public readonly internetGateway: InternetGateway;
  public readonly publicRouteTable: RouteTable;
  public readonly privateRouteTable?: RouteTable;
  public readonly natGateway?: NatGateway;
  public readonly s3Endpoint: VpcEndpoint;
  public readonly flowLog: VpcFlowLog;

  constructor(scope: Construct, id: string, props: PipelineNetworkProps) {
    super(scope, id);
    const prefix = props.namePrefix;
    const azCount = props.azCount ?? 2;
    const layout = subnetLayout(props.cidr ?? '10.0.0.0/16', azCount);
    const name = (suffix: string): Record<string, string> => ({ Name: `${prefix}-${suffix}` });

    this.vpc = new Vpc(this, 'vpc', {
      cidrBlock: props.cidr ?? '10.0.0.0/16',
      // Both are needed for the SSM agent and the S3 endpoint to resolve AWS service names.
      enableDnsSupport: true,
      enableDnsHostnames: true,
      tags: { Name: pipelineVpcName(prefix) },
    });

    // Managing the default security group without rule blocks removes all of its rules, so an
    // instance launched without a security group gets no access at all.
    this.defaultSecurityGroup = new DefaultSecurityGroup(this, 'default-security-group', {
      vpcId: this.vpc.id,
      tags: name('default-deny-all'),
    });

    this.zones = new DataAwsAvailabilityZones(this, 'zones', {
      state: 'available',
      filter: [{ name: 'zone-type', values: ['availability-zone'] }],
      lifecycle: {
        postcondition: [
          {
            condition: `\${length(self.names) >= ${azCount}}`,
            errorMessage: `pipeline.azCount is ${azCount}, but the region has fewer availability zones; lower pipeline.azCount in accounts.json`,
          },
        ],
      },
    });
    // Indexing (not element(), which wraps around) keeps two subnets out of the same zone.
    const zoneName = (index: number): string => Token.asString(Fn.lookupNested(this.zones.names, [index]));

    this.publicSubnets = layout.publicCidrs.map(
      (cidr, index) =>
        new Subnet(this, `public-subnet-${index}`, {
          vpcId: this.vpc.id,
          cidrBlock: cidr,
          availabilityZone: zoneName(index),
          // Launch templates decide about public addresses explicitly; the subnet never assigns one.
          mapPublicIpOnLaunch: false,
          tags: name(`public-${index}`),
        }),
    );

    this.internetGateway = new InternetGateway(this, 'internet-gateway', { vpcId: this.vpc.id, tags: name('igw') });
    this.publicRouteTable = new RouteTable(this, 'public-route-table', { vpcId: this.vpc.id, tags: name('public') });
    new Route(this, 'public-default-route', {
      routeTableId: this.publicRouteTable.id,
      destinationCidrBlock: '0.0.0.0/0',
      gatewayId: this.internetGateway.id,
    });
    this.publicSubnets.forEach((subnet, index) => {
      new RouteTableAssociation(this, `public-subnet-${index}-route-table`, {
        subnetId: subnet.id,
        routeTableId: this.publicRouteTable.id,
      });
    });

    const routeTables = [this.publicRouteTable];
    if (props.natGateway ?? false) {
      const eip = new Eip(this, 'nat-eip', { domain: 'vpc', tags: name('nat'), dependsOn: [this.internetGateway] });
      const firstPublic = this.publicSubnets[0];
      if (firstPublic === undefined) throw new Error('azCount must be at least 1');
      // One NAT gateway, not one per zone: the pipeline tolerates a zone outage better than the cost.
      this.natGateway = new NatGateway(this, 'nat-gateway', {
        allocationId: eip.id,
        subnetId: firstPublic.id,
        tags: name('nat'),
        dependsOn: [this.internetGateway],
      });
      this.privateRouteTable = new RouteTable(this, 'private-route-table', { vpcId: this.vpc.id, tags: name('private') });
      new Route(this, 'private-default-route', {
        routeTableId: this.privateRouteTable.id,
        destinationCidrBlock: '0.0.0.0/0',
        natGatewayId: this.natGateway.id,
      });
      const privateTable = this.privateRouteTable;
      this.privateSubnets = layout.privateCidrs.map((cidr, index) => {
        const subnet = new Subnet(this, `private-subnet-${index}`, {
          vpcId: this.vpc.id,
          cidrBlock: cidr,
          availabilityZone: zoneName(index),
          mapPublicIpOnLaunch: false,
          tags: name(`private-${index}`),
        });
        new RouteTableAssociation(this, `private-subnet-${index}-route-table`, {
          subnetId: subnet.id,
          routeTableId: privateTable.id,
        });
        return subnet;
      });
      routeTables.push(privateTable);
    } else {
      this.privateSubnets = [];
    }

    this.s3Endpoint = new VpcEndpoint(this, 's3-endpoint', {
      vpcId: this.vpc.id,
      serviceName: `com.amazonaws.${props.region}.s3`,
      vpcEndpointType: 'Gateway',
      routeTableIds: routeTables.map((table) => table.id),
      tags: name('s3'),
    });

    this.flowLog = new VpcFlowLog(this, 'flow-log', {
      vpcId: this.vpc.id,
      namePrefix: prefix,
      ...(props.flowLogRetentionDays !== undefined ? { retentionDays: props.flowLogRetentionDays } : {}),
      ...(props.accountId !== undefined ? { accountId: props.accountId } : {}),
      ...(props.flowLogKmsKeyArn !== undefined ? { kmsKeyArn: props.flowLogKmsKeyArn } : {}),
    });
  }
}
