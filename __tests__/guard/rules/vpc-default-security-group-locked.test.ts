import { DefaultSecurityGroup } from '@cdktf/provider-aws/lib/default-security-group';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { vpcDefaultSecurityGroupLocked } from '../../../src/guard/rules';
import { findings } from '../fixtures';

describe('BA-VPC-2 locked default security group', () => {
  test('a VPC whose default security group is managed with no rules passes', () => {
    const lines = findings(vpcDefaultSecurityGroupLocked, (stack) => {
      const vpc = new Vpc(stack, 'vpc', { cidrBlock: '10.0.0.0/16' });
      new DefaultSecurityGroup(stack, 'default-sg', { vpcId: vpc.id });
    });
    expect(lines).toEqual([]);
  });

  test('a VPC whose default security group is not managed fails', () => {
    const lines = findings(vpcDefaultSecurityGroupLocked, (stack) => {
      new Vpc(stack, 'vpc', { cidrBlock: '10.0.0.0/16' });
    });
    expect(lines).toEqual([
      expect.stringMatching(
        /^BA-VPC-2 fixture\/vpc: the VPC's default security group is not managed, .+; add a DefaultSecurityGroup .+/,
      ),
    ]);
  });

  test('a default security group with rules fails', () => {
    const lines = findings(vpcDefaultSecurityGroupLocked, (stack) => {
      const vpc = new Vpc(stack, 'vpc', { cidrBlock: '10.0.0.0/16' });
      new DefaultSecurityGroup(stack, 'default-sg', {
        vpcId: vpc.id,
        ingress: [{ protocol: '-1', fromPort: 0, toPort: 0, cidrBlocks: ['10.0.0.0/16'] }],
      });
    });
    expect(lines).toEqual([expect.stringContaining('its default security group fixture/default-sg has ingress or egress rules')]);
  });

  test('a rule resource attached to the default group through the VPC fails', () => {
    const lines = findings(vpcDefaultSecurityGroupLocked, (stack) => {
      const vpc = new Vpc(stack, 'vpc', { cidrBlock: '10.0.0.0/16' });
      new DefaultSecurityGroup(stack, 'default-sg', { vpcId: vpc.id });
      new VpcSecurityGroupIngressRule(stack, 'sneaky', {
        securityGroupId: vpc.defaultSecurityGroupId,
        ipProtocol: 'tcp',
        fromPort: 22,
        toPort: 22,
        cidrIpv4: '10.0.0.0/8',
      });
    });
    expect(lines).toEqual([expect.stringContaining("the rule fixture/sneaky adds traffic to the VPC's default security group")]);
  });
});
