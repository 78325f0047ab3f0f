import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { SecurityGroupRule } from '@cdktf/provider-aws/lib/security-group-rule';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { securityGroupOpenToWorld } from '../../../src/guard/rules';
import { findings } from '../fixtures';

describe('BA-SG-1 security-group rules open to the internet', () => {
  test('egress to 0.0.0.0/0 and ::/0 on TCP 443 and 80, and ingress from a private range, pass', () => {
    const lines = findings(securityGroupOpenToWorld, (stack) => {
      const group = new SecurityGroup(stack, 'runner', {
        name: 'runner',
        egress: [{ protocol: 'tcp', fromPort: 80, toPort: 80, cidrBlocks: ['0.0.0.0/0'], ipv6CidrBlocks: ['::/0'] }],
      });
      new VpcSecurityGroupEgressRule(stack, 'https', {
        securityGroupId: group.id,
        ipProtocol: 'tcp',
        fromPort: 443,
        toPort: 443,
        cidrIpv6: '::/0',
      });
      new VpcSecurityGroupIngressRule(stack, 'ssh-office', {
        securityGroupId: group.id,
        ipProtocol: 'tcp',
        fromPort: 22,
        toPort: 22,
        cidrIpv4: '10.20.0.0/16',
      });
    });
    expect(lines).toEqual([]);
  });

  test('ingress from 0.0.0.0/0 fails, even on port 443', () => {
    const lines = findings(securityGroupOpenToWorld, (stack) => {
      new VpcSecurityGroupIngressRule(stack, 'https-in', {
        securityGroupId: 'sg-123',
        ipProtocol: 'tcp',
        fromPort: 443,
        toPort: 443,
        cidrIpv4: '0.0.0.0/0',
      });
    });
    expect(lines).toEqual([
      'BA-SG-1 fixture/https-in: ingress from 0.0.0.0/0 on tcp port 443 is open to the whole internet; allow only known CIDR ranges, prefix lists or security groups as the source',
    ]);
  });

  test('egress to ::/0 on all protocols fails (inline block of a SecurityGroup)', () => {
    const lines = findings(securityGroupOpenToWorld, (stack) => {
      new SecurityGroup(stack, 'runner', {
        egress: [{ protocol: '-1', fromPort: 0, toPort: 0, ipv6CidrBlocks: ['::/0'] }],
      });
    });
    expect(lines).toEqual([
      expect.stringMatching(/^BA-SG-1 fixture\/runner: egress to ::\/0 on all protocols and ports is open/),
    ]);
  });

  test('egress to 0.0.0.0/0 on a port range that includes 443 fails (SecurityGroupRule)', () => {
    const lines = findings(securityGroupOpenToWorld, (stack) => {
      new SecurityGroupRule(stack, 'range', {
        type: 'egress',
        securityGroupId: 'sg-123',
        protocol: 'tcp',
        fromPort: 80,
        toPort: 443,
        cidrBlocks: ['0.0.0.0/0'],
      });
    });
    expect(lines).toEqual([expect.stringContaining('egress to 0.0.0.0/0 on tcp ports 80-443 is open')]);
  });

  test('egress to 0.0.0.0/0 on UDP 443 fails: only TCP is allowed', () => {
    const lines = findings(securityGroupOpenToWorld, (stack) => {
      new VpcSecurityGroupEgressRule(stack, 'quic', {
        securityGroupId: 'sg-123',
        ipProtocol: 'udp',
        fromPort: 443,
        toPort: 443,
        cidrIpv4: '0.0.0.0/0',
      });
    });
    expect(lines).toHaveLength(1);
  });
});
