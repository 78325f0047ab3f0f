import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { SecurityGroupRule } from '@cdktf/provider-aws/lib/security-group-rule';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { asList, type TfElement } from '../context';
import type { GuardRule, Violation } from '../rule';

/** The only traffic that may reach the whole internet: outbound HTTPS and HTTP (package mirrors, AWS APIs). */
const OPEN_EGRESS_PORTS = [443, 80];

/** One rule in a single shape, from any of the resources that can define one. */
interface SgRule {
  readonly direction: 'ingress' | 'egress';
  readonly protocol: string;
  readonly fromPort: number | undefined;
  readonly toPort: number | undefined;
  readonly cidrs: readonly string[];
}

/**
 * BA-SG-1: no security-group rule is open to the whole internet (0.0.0.0/0 or ::/0), except
 * outbound TCP to port 443 or 80.
 *
 * An ingress rule from anywhere exposes a service to every scanner on the internet; an egress rule
 * to anywhere on any port lets a compromised host exfiltrate data or reach command-and-control
 * servers over any protocol. Outbound HTTPS/HTTP is what a pipeline runner needs (AWS APIs,
 * package registries); everything else must name its peers.
 */
export const securityGroupOpenToWorld: GuardRule = {
  id: 'BA-SG-1',
  title: 'No security-group rule is open to 0.0.0.0/0 or ::/0, except egress on TCP 443/80',
  explanation:
    'Ingress from anywhere exposes a service to every scanner on the internet; egress to anywhere on any port lets a compromised host exfiltrate data or reach command-and-control over any protocol. Only outbound HTTPS/HTTP may be open.',
  resourceTypes: [
    SecurityGroup.tfResourceType,
    SecurityGroupRule.tfResourceType,
    VpcSecurityGroupIngressRule.tfResourceType,
    VpcSecurityGroupEgressRule.tfResourceType,
  ],
  check(resource) {
    return rulesOf(resource).flatMap((rule) => violation(rule) ?? []);
  },
};

function rulesOf(resource: TfElement): SgRule[] {
  const config = resource.config;
  const blocks = (direction: SgRule['direction']): SgRule[] =>
    asList(config[direction]).map((raw) => fromBlock(direction, raw as Record<string, unknown>));
  switch (resource.type) {
    case SecurityGroup.tfResourceType:
      return [...blocks('ingress'), ...blocks('egress')];
    case SecurityGroupRule.tfResourceType:
      return [fromBlock(config.type === 'egress' ? 'egress' : 'ingress', config)];
    default:
      return [
        {
          direction: resource.type === VpcSecurityGroupEgressRule.tfResourceType ? 'egress' : 'ingress',
          protocol: protocol(config.ip_protocol),
          fromPort: port(config.from_port),
          toPort: port(config.to_port),
          cidrs: [config.cidr_ipv4, config.cidr_ipv6].filter((c): c is string => typeof c === 'string'),
        },
      ];
  }
}

function fromBlock(direction: SgRule['direction'], block: Record<string, unknown>): SgRule {
  return {
    direction,
    protocol: protocol(block.protocol),
    fromPort: port(block.from_port),
    toPort: port(block.to_port),
    cidrs: [...asList(block.cidr_blocks), ...asList(block.ipv6_cidr_blocks)].filter((c): c is string => typeof c === 'string'),
  };
}

/** The protocol as Terraform reads it; absent means `-1`, all traffic. */
function protocol(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '-1';
}

function port(value: unknown): number | undefined {
  const number = typeof value === 'string' ? Number(value) : value;
  return typeof number === 'number' && Number.isFinite(number) ? number : undefined;
}

function violation(rule: SgRule): Violation | undefined {
  // Any prefix of length 0 is the whole address space, however it is spelled (0.0.0.0/0, ::/0, ::0/0).
  const open = rule.cidrs.filter((cidr) => cidr.trim().endsWith('/0'));
  if (open.length === 0) return undefined;
  const tcp = ['tcp', '6'].includes(rule.protocol.toLowerCase());
  const allowed =
    rule.direction === 'egress' &&
    tcp &&
    rule.fromPort !== undefined &&
    rule.fromPort === rule.toPort &&
    OPEN_EGRESS_PORTS.includes(rule.fromPort);
  if (allowed) return undefined;
  const allTraffic = ['-1', 'all'].includes(rule.protocol.toLowerCase());
  const ports = allTraffic
    ? 'all protocols and ports'
    : `${rule.protocol} ${rule.fromPort === rule.toPort ? `port ${String(rule.fromPort)}` : `ports ${String(rule.fromPort)}-${String(rule.toPort)}`}`;
  const peer = rule.direction === 'ingress' ? `from ${open.join(' and ')}` : `to ${open.join(' and ')}`;
  return {
    what: `${rule.direction} ${peer} on ${ports} is open to the whole internet`,
    fix:
      rule.direction === 'ingress'
        ? 'allow only known CIDR ranges, prefix lists or security groups as the source'
        : 'name the destinations (CIDR ranges, prefix lists, security groups) or limit the open rule to TCP port 443 or 80',
  };
}
