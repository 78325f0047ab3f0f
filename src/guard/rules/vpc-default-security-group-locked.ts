import { DefaultSecurityGroup } from '@cdktf/provider-aws/lib/default-security-group';
import { SecurityGroupRule } from '@cdktf/provider-aws/lib/security-group-rule';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { asList, pointsAt } from '../context';
import type { GuardRule, Violation } from '../rule';

const RULE_TYPES = [
  SecurityGroupRule.tfResourceType,
  VpcSecurityGroupIngressRule.tfResourceType,
  VpcSecurityGroupEgressRule.tfResourceType,
];

/**
 * BA-VPC-2: every VPC's default security group is managed and has no rules.
 *
 * AWS creates each VPC's default security group allowing all traffic between its members and all
 * outbound traffic, and attaches it to anything launched without an explicit group. Managing it
 * with an `aws_default_security_group` that has no rules makes Terraform strip those rules, so a
 * forgotten security group fails closed instead of open.
 */
export const vpcDefaultSecurityGroupLocked: GuardRule = {
  id: 'BA-VPC-2',
  title: "Every VPC's default security group is managed and has no rules",
  explanation:
    'AWS creates the default security group allowing all traffic between members and all egress, and uses it for anything launched without a group; managed with no rules, Terraform strips them, so a forgotten group fails closed.',
  resourceTypes: [Vpc.tfResourceType],
  check(vpc, context) {
    const defaults = context.siblingsReferencing(vpc, DefaultSecurityGroup.tfResourceType, 'vpc_id');
    if (defaults.length === 0) {
      return [
        {
          what: "the VPC's default security group is not managed, so it keeps AWS's allow-all rules",
          fix: 'add a DefaultSecurityGroup in the same stack with vpcId: <vpc>.id and no ingress or egress (Terraform then removes all its rules)',
        },
      ];
    }
    const violations: Violation[] = [];
    for (const group of defaults) {
      if (asList(group.config.ingress).length > 0 || asList(group.config.egress).length > 0) {
        violations.push({
          what: `its default security group ${group.path} has ingress or egress rules`,
          fix: 'remove every ingress and egress block from the DefaultSecurityGroup and put the traffic in a dedicated SecurityGroup',
        });
      }
    }
    // Separate rule resources can add rules to the default group too, by either of its ids.
    const attached = context
      .stackElements(vpc.construct)
      .filter((element) => RULE_TYPES.includes(element.type))
      .filter(
        (rule) =>
          pointsAt(rule.config.security_group_id, vpc, { attributes: ['default_security_group_id'] }) ||
          defaults.some((group) => pointsAt(rule.config.security_group_id, group)),
      );
    for (const rule of attached) {
      violations.push({
        what: `the rule ${rule.path} adds traffic to the VPC's default security group`,
        fix: 'attach the rule to a dedicated SecurityGroup instead, and leave the default group empty',
      });
    }
    return violations;
  },
};
