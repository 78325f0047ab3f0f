import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Testing } from 'cdktf';
import type { SecurityGroupRuleConfig } from '../../src/config';
import { PipelineSecurityGroup, type PipelineSecurityGroupProps } from '../../src/constructs/pipeline-security-group';

type Resources = Record<string, Record<string, Record<string, unknown>>>;

function synth(props: Partial<PipelineSecurityGroupProps> = {}) {
  const synthesized = Testing.synthScope((scope) => {
    new PipelineSecurityGroup(scope, 'security-group', { vpcId: 'vpc-123', name: 'acme-pipeline-runner', ...props });
  });
  const json = JSON.parse(synthesized) as { resource: Resources };
  return { synthesized, json, all: (type: string) => Object.values(json.resource[type] ?? {}) };
}

const WEBHOOKS: SecurityGroupRuleConfig = { cidr: '10.1.0.0/16', port: 8443, protocol: 'tcp', description: 'Webhooks' };
const DNS6: SecurityGroupRuleConfig = { cidr: '2001:db8::/32', port: 53, protocol: 'udp', description: 'DNS' };

describe('PipelineSecurityGroup', () => {
  const { synthesized, all } = synth();

  test('the group has a name, a description, the VPC and no inline rules', () => {
    const [group] = all(SecurityGroup.tfResourceType);
    expect(group).toMatchObject({ name: 'acme-pipeline-runner', vpc_id: 'vpc-123', description: expect.any(String) as unknown });
    expect(group).not.toHaveProperty('ingress');
    expect(group).not.toHaveProperty('egress');
  });

  test('by default there is no ingress rule at all', () => {
    expect(all(VpcSecurityGroupIngressRule.tfResourceType)).toEqual([]);
  });

  test('by default the only egress rule is HTTPS to anywhere, with a description', () => {
    const egress = all(VpcSecurityGroupEgressRule.tfResourceType);
    expect(egress).toHaveLength(1);
    expect(synthesized).toHaveResourceWithProperties(VpcSecurityGroupEgressRule, {
      cidr_ipv4: '0.0.0.0/0',
      ip_protocol: 'tcp',
      from_port: 443,
      to_port: 443,
      description: 'HTTPS to the pipeline service, AWS APIs and SSM',
    });
  });

  test('configured rules are added one resource each, IPv4 and IPv6, with their descriptions', () => {
    const custom = synth({ ingress: [WEBHOOKS], egress: [DNS6] });
    expect(custom.synthesized).toHaveResourceWithProperties(VpcSecurityGroupIngressRule, {
      cidr_ipv4: '10.1.0.0/16',
      ip_protocol: 'tcp',
      from_port: 8443,
      to_port: 8443,
      description: 'Webhooks',
    });
    expect(custom.synthesized).toHaveResourceWithProperties(VpcSecurityGroupEgressRule, {
      cidr_ipv6: '2001:db8::/32',
      ip_protocol: 'udp',
      from_port: 53,
      to_port: 53,
      description: 'DNS',
    });
    expect(custom.all(VpcSecurityGroupEgressRule.tfResourceType)).toHaveLength(2);
  });

  test('rule construct ids come from the rule, so reordering the config replaces nothing', () => {
    const ids = (rules: SecurityGroupRuleConfig[]) =>
      Object.keys(synth({ ingress: rules }).json.resource[VpcSecurityGroupIngressRule.tfResourceType] ?? {}).sort();
    expect(ids([WEBHOOKS, DNS6])).toEqual(ids([DNS6, WEBHOOKS]));
    // cdktf drops the dots from the construct id `ingress-tcp-8443-10.1.0.0_16`.
    expect(ids([WEBHOOKS])).toEqual(['security-group_ingress-tcp-8443-10100_16_D1BE1025']);
  });
});
