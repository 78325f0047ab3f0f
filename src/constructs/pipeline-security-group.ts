import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Construct } from 'constructs';
import type { SecurityGroupRuleConfig } from '../config/model';

/** The rule every runner needs: HTTPS to anywhere (its pipeline service, SSM, package mirrors). */
export const DEFAULT_HTTPS_EGRESS: SecurityGroupRuleConfig = {
  cidr: '0.0.0.0/0',
  port: 443,
  protocol: 'tcp',
  description: 'HTTPS to the pipeline service, AWS APIs and SSM',
};

export interface PipelineSecurityGroupProps {
  readonly vpcId: string;
  /** Name of the security group. */
  readonly name: string;
  /**
   * Extra inbound rules, each with a description.
   * @default []: no inbound traffic at all; runners are reached through SSM Session Manager.
   */
  readonly ingress?: readonly SecurityGroupRuleConfig[];
  /**
   * Extra outbound rules, added to {@link DEFAULT_HTTPS_EGRESS}.
   * @default []: HTTPS out only.
   */
  readonly egress?: readonly SecurityGroupRuleConfig[];
}

/**
 * The runners' security group: no inbound rule and HTTPS as the only outbound rule by default;
 * every other rule comes from an explicit config entry with a description. Rules are separate
 * `aws_vpc_security_group_*_rule` resources (one per rule, each with its own description), and the
 * group has no inline rules, so Terraform removes anything added to it by hand.
 *
 * Permanent construct ids: `security-group`, `egress-https`, and `ingress-<protocol>-<port>-<cidr>`
 * / `egress-<protocol>-<port>-<cidr>` for config rules, so reordering the config replaces nothing.
 */
export class PipelineSecurityGroup extends Construct {
  public readonly securityGroup: SecurityGroup;
  public readonly ingressRules: readonly VpcSecurityGroupIngressRule[];
  public readonly egressRules: readonly VpcSecurityGroupEgressRule[];

  constructor(scope: Construct, id: string, props: PipelineSecurityGroupProps) {
    super(scope, id);

    this.securityGroup = new SecurityGroup(this, 'security-group', {
      name: props.name,
      description: 'Pipeline runners: no inbound, HTTPS outbound, extra rules from accounts.json only',
      vpcId: props.vpcId,
      tags: { Name: props.name },
      // Terraform removes AWS's default allow-all egress rule when it creates the group.
      revokeRulesOnDelete: true,
    });
    const groupId = this.securityGroup.id;

    this.ingressRules = (props.ingress ?? []).map(
      (rule) => new VpcSecurityGroupIngressRule(this, `ingress-${ruleId(rule)}`, { securityGroupId: groupId, ...ruleArgs(rule) }),
    );
    this.egressRules = [
      new VpcSecurityGroupEgressRule(this, 'egress-https', { securityGroupId: groupId, ...ruleArgs(DEFAULT_HTTPS_EGRESS) }),
      ...(props.egress ?? []).map(
        (rule) => new VpcSecurityGroupEgressRule(this, `egress-${ruleId(rule)}`, { securityGroupId: groupId, ...ruleArgs(rule) }),
      ),
    ];
  }
}

/** `tcp-443-10.1.0.0_16`: a construct id from the rule's identity (`/` is not allowed in ids). */
function ruleId(rule: SecurityGroupRuleConfig): string {
  return `${rule.protocol}-${rule.port}-${rule.cidr}`.replace(/[/:]/g, '_');
}

function ruleArgs(rule: SecurityGroupRuleConfig) {
  return {
    ...(rule.cidr.includes(':') ? { cidrIpv6: rule.cidr } : { cidrIpv4: rule.cidr }),
    ipProtocol: rule.protocol,
    fromPort: rule.port,
    toPort: rule.port,
    description: rule.description,
  };
}
