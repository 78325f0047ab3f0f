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
import { Testing } from 'cdktf';
import { PipelineNetwork, type PipelineNetworkProps } from '../../src/constructs/pipeline-network';

type Resources = Record<string, Record<string, Record<string, unknown>>>;

function synth(props: Partial<PipelineNetworkProps> = {}) {
  const synthesized = Testing.synthScope((scope) => {
    new PipelineNetwork(scope, 'network', { namePrefix: 'acme-pipeline', region: 'eu-west-1', ...props });
  });
  const json = JSON.parse(synthesized) as { resource: Resources; data: Resources };
  const all = (type: string) => Object.values(json.resource[type] ?? {});
  return { synthesized, json, all };
}

describe('PipelineNetwork', () => {
  const { synthesized, all, json } = synth();

  test('the VPC has the default CIDR 10.0.0.0/16 with DNS support and hostnames on', () => {
    expect(synthesized).toHaveResourceWithProperties(Vpc, {
      cidr_block: '10.0.0.0/16',
      enable_dns_support: true,
      enable_dns_hostnames: true,
      tags: { Name: 'acme-pipeline-vpc' },
    });
  });

  test('the VPC takes the configured CIDR', () => {
    expect(synth({ cidr: '172.16.0.0/20' }).synthesized).toHaveResourceWithProperties(Vpc, { cidr_block: '172.16.0.0/20' });
  });

  test('the default security group is managed with no ingress and no egress rule (all stripped)', () => {
    const groups = all(DefaultSecurityGroup.tfResourceType);
    expect(groups).toHaveLength(1);
    expect(groups[0]).toMatchObject({ vpc_id: expect.stringContaining('aws_vpc.') as unknown });
    expect(groups[0]).not.toHaveProperty('ingress');
    expect(groups[0]).not.toHaveProperty('egress');
  });

  test('zones come from the region: available, real availability zones only, enough of them checked at plan', () => {
    expect(synthesized).toHaveDataSourceWithProperties(DataAwsAvailabilityZones, {
      state: 'available',
      filter: [{ name: 'zone-type', values: ['availability-zone'] }],
      lifecycle: {
        postcondition: [
          {
            condition: '${length(self.names) >= 2}',
            error_message: expect.stringContaining('lower pipeline.azCount') as unknown,
          },
        ],
      },
    });
  });

  test('by default: two public subnets with derived CIDRs, each in its own zone by index, no auto public IP', () => {
    const subnets = all(Subnet.tfResourceType);
    expect(subnets.map((subnet) => [subnet.cidr_block, subnet.availability_zone, subnet.map_public_ip_on_launch])).toEqual([
      ['10.0.0.0/20', expect.stringMatching(/^\$\{data\.aws_availability_zones\.\w+\.names\.0\}$/) as unknown, false],
      ['10.0.16.0/20', expect.stringMatching(/^\$\{data\.aws_availability_zones\.\w+\.names\.1\}$/) as unknown, false],
    ]);
  });

  test('azCount sets the number of subnets and the zones checked', () => {
    const three = synth({ azCount: 3 });
    expect(three.all(Subnet.tfResourceType).map((subnet) => subnet.cidr_block)).toEqual([
      '10.0.0.0/20',
      '10.0.16.0/20',
      '10.0.32.0/20',
    ]);
    expect(three.synthesized).toHaveDataSourceWithProperties(DataAwsAvailabilityZones, {
      lifecycle: { postcondition: [expect.objectContaining({ condition: '${length(self.names) >= 3}' }) as unknown] },
    });
  });

  test('an internet gateway and a public route table with a default route to it, associated with every public subnet', () => {
    expect(all(InternetGateway.tfResourceType)).toHaveLength(1);
    expect(all(RouteTable.tfResourceType)).toHaveLength(1);
    expect(synthesized).toHaveResourceWithProperties(Route, {
      destination_cidr_block: '0.0.0.0/0',
      gateway_id: expect.stringContaining('aws_internet_gateway.') as unknown,
    });
    const associations = all(RouteTableAssociation.tfResourceType);
    expect(associations).toHaveLength(2);
    expect(new Set(associations.map((association) => association.route_table_id)).size).toBe(1);
  });

  test('without natGateway: no NAT gateway, no Elastic IP, no private subnet', () => {
    expect(all(NatGateway.tfResourceType)).toHaveLength(0);
    expect(all(Eip.tfResourceType)).toHaveLength(0);
    expect(Object.keys(json.resource[Subnet.tfResourceType] ?? {}).filter((id) => id.includes('private'))).toEqual([]);
  });

  test('with natGateway: one NAT gateway in the first public subnet, private subnets routed to it', () => {
    const nat = synth({ natGateway: true, azCount: 2 });
    expect(nat.all(Eip.tfResourceType)).toEqual([expect.objectContaining({ domain: 'vpc' }) as unknown]);
    const [gateway] = nat.all(NatGateway.tfResourceType);
    expect(gateway?.subnet_id).toMatch(/aws_subnet\.network_public-subnet-0_\w+\.id/);
    expect(nat.synthesized).toHaveResourceWithProperties(Route, {
      destination_cidr_block: '0.0.0.0/0',
      nat_gateway_id: expect.stringContaining('aws_nat_gateway.') as unknown,
    });
    const cidrs = Object.fromEntries(
      Object.entries(nat.json.resource[Subnet.tfResourceType] ?? {}).map(([id, subnet]) => [
        id.replace(/_\w+$/, ''),
        subnet.cidr_block,
      ]),
    );
    expect(cidrs).toEqual({
      'network_public-subnet-0': '10.0.0.0/20',
      'network_public-subnet-1': '10.0.16.0/20',
      'network_private-subnet-0': '10.0.128.0/20',
      'network_private-subnet-1': '10.0.144.0/20',
    });
    expect(nat.all(RouteTable.tfResourceType)).toHaveLength(2);
    expect(nat.all(RouteTableAssociation.tfResourceType)).toHaveLength(4);
  });

  test('an S3 gateway endpoint for the region sits on every route table', () => {
    expect(synthesized).toHaveResourceWithProperties(VpcEndpoint, {
      service_name: 'com.amazonaws.eu-west-1.s3',
      vpc_endpoint_type: 'Gateway',
      route_table_ids: [expect.stringContaining('aws_route_table.network_public-route-table') as unknown],
    });
    const nat = synth({ natGateway: true });
    const [endpoint] = nat.all(VpcEndpoint.tfResourceType);
    expect(endpoint?.route_table_ids).toEqual([
      expect.stringContaining('aws_route_table.network_public-route-table') as unknown,
      expect.stringContaining('aws_route_table.network_private-route-table') as unknown,
    ]);
  });

  test('resource addresses are stable: renaming a construct id would replace the resource', () => {
    const nat = synth({ natGateway: true });
    const addresses = Object.entries(nat.json.resource).flatMap(([type, byId]) => Object.keys(byId).map((id) => `${type}.${id}`));
    // The same addresses as in the deployed pipeline stack; never change this list.
    expect(addresses.sort()).toEqual([
      'aws_cloudwatch_log_group.network_flow-log_log-group_C85D8AEC',
      'aws_default_security_group.network_default-security-group_F40826B8',
      'aws_eip.network_nat-eip_4B0DC1C0',
      'aws_flow_log.network_flow-log_A4E1C079',
      'aws_iam_role.network_flow-log_role_7465F8A7',
      'aws_iam_role_policy.network_flow-log_role-policy_DC546738',
      'aws_internet_gateway.network_internet-gateway_E855E801',
      'aws_nat_gateway.network_nat-gateway_4C1427FE',
      'aws_route.network_private-default-route_FB6625D5',
      'aws_route.network_public-default-route_9AB86AC6',
      'aws_route_table.network_private-route-table_8FAD2D7B',
      'aws_route_table.network_public-route-table_A6CE870C',
      'aws_route_table_association.network_private-subnet-0-route-table_0730044A',
      'aws_route_table_association.network_private-subnet-1-route-table_46ED3E55',
      'aws_route_table_association.network_public-subnet-0-route-table_088F8520',
      'aws_route_table_association.network_public-subnet-1-route-table_0FBE7A79',
      'aws_subnet.network_private-subnet-0_0C797916',
      'aws_subnet.network_private-subnet-1_F0ACDF2C',
      'aws_subnet.network_public-subnet-0_3247A438',
      'aws_subnet.network_public-subnet-1_63BED862',
      'aws_vpc.network_vpc_4E8F0223',
      'aws_vpc_endpoint.network_s3-endpoint_3093E6A5',
    ]);
  });
});
