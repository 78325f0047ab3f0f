import { MAX_VPC_PREFIX, PRIVATE_SLOT_OFFSET, subnetCidr, subnetLayout, vpcCidrProblem } from '../../src/network/subnet-layout';

describe('subnetLayout', () => {
  test('a /16 is cut into /20 subnets: public from slot 0, private from slot 8', () => {
    expect(subnetLayout('10.0.0.0/16', 2)).toEqual({
      publicCidrs: ['10.0.0.0/20', '10.0.16.0/20'],
      privateCidrs: ['10.0.128.0/20', '10.0.144.0/20'],
    });
  });

  test('the smallest VPC (/24) gives /28 subnets, AWS minimum', () => {
    expect(MAX_VPC_PREFIX).toBe(24);
    expect(subnetLayout('192.168.7.0/24', 3)).toEqual({
      publicCidrs: ['192.168.7.0/28', '192.168.7.16/28', '192.168.7.32/28'],
      privateCidrs: ['192.168.7.128/28', '192.168.7.144/28', '192.168.7.160/28'],
    });
  });

  test('adding a zone keeps the CIDRs of the existing subnets (no replacement)', () => {
    const two = subnetLayout('10.20.0.0/20', 2);
    const three = subnetLayout('10.20.0.0/20', 3);
    expect(three.publicCidrs.slice(0, 2)).toEqual(two.publicCidrs);
    expect(three.privateCidrs.slice(0, 2)).toEqual(two.privateCidrs);
  });

  test('subnetCidr matches terraform cidrsubnet(cidr, 4, n), carrying across octets', () => {
    // Values from `terraform console`: cidrsubnet("172.16.0.0/12", 4, 15) = "172.31.0.0/16".
    expect(subnetCidr('172.16.0.0/12', 15)).toBe('172.31.0.0/16');
    expect(subnetCidr('10.0.0.0/16', PRIVATE_SLOT_OFFSET)).toBe('10.0.128.0/20');
    expect(subnetCidr('255.255.255.0/24', 15)).toBe('255.255.255.240/28');
  });

  test('refuses a VPC CIDR that vpcCidrProblem refuses, and an impossible zone count', () => {
    expect(() => subnetLayout('10.0.0.0/25', 2)).toThrow(/too small/);
    expect(() => subnetLayout('10.0.0.0/16', 0)).toThrow(/azCount/);
    expect(() => subnetLayout('10.0.0.0/16', PRIVATE_SLOT_OFFSET + 1)).toThrow(/azCount/);
  });
});

describe('vpcCidrProblem', () => {
  test.each(['10.0.0.0/16', '172.16.0.0/20', '192.168.0.0/24'])('accepts %s', (cidr) => {
    expect(vpcCidrProblem(cidr)).toBeUndefined();
  });

  test.each([
    ['10.0.0.0', /is not an IPv4 CIDR block/],
    ['10.0/16', /is not an IPv4 CIDR block/],
    ['10.0.0.0/33', /is not an IPv4 CIDR block/],
    ['fd00::/48', /is not an IPv4 CIDR block/],
    ['10.0.0.1/16', /host bits set; write the network address "10.0.0.0\/16"/],
    ['10.0.0.0/8', /larger than AWS allows/],
    ['10.0.0.0/26', /too small: its subnets would be \/30/],
  ])('refuses %s', (cidr, message) => {
    expect(vpcCidrProblem(cidr)).toMatch(message);
  });
});
