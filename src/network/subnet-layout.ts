import * as ipaddr from 'ipaddr.js';

/**
 * How the pipeline VPC's address space is cut into subnets.
 *
 * The VPC CIDR is split into {@link SUBNET_SLOTS} equal blocks (4 more prefix bits): public
 * subnets take slots 0, 1, 2… (one per availability zone), private subnets slots 8, 9, 10….
 * The layout depends on nothing but the VPC CIDR, so turning `natGateway` on or raising
 * `azCount` later only adds subnets: existing ones keep their CIDR and are never replaced.
 */
export const SUBNET_SLOTS = 16;
/** Extra prefix bits of a subnet over the VPC: log2 of {@link SUBNET_SLOTS}. */
export const SUBNET_NEW_BITS = 4;
/** First slot of the private subnets; slots below it are public. Also the most AZs supported. */
export const PRIVATE_SLOT_OFFSET = 8;
/** AWS accepts VPC prefixes from /16 to /28 and subnets down to /28. */
export const MIN_VPC_PREFIX = 16;
export const MIN_SUBNET_PREFIX_LENGTH = 28;
/** The smallest VPC whose subnets are still at least /28. */
export const MAX_VPC_PREFIX = MIN_SUBNET_PREFIX_LENGTH - SUBNET_NEW_BITS;

export interface SubnetLayout {
  /** One public subnet CIDR per availability zone, in AZ order. */
  readonly publicCidrs: readonly string[];
  /** One private subnet CIDR per availability zone (computed whether or not NAT is on). */
  readonly privateCidrs: readonly string[];
}

/**
 * Why `cidr` cannot be the pipeline VPC's CIDR, with the fix, or `undefined` when it can.
 * Accepts only an IPv4 network address in four-part decimal form with a prefix length.
 */
export function vpcCidrProblem(cidr: string): string | undefined {
  if (!ipaddr.IPv4.isValidCIDRFourPartDecimal(cidr)) {
    return `${JSON.stringify(cidr)} is not an IPv4 CIDR block; write e.g. "10.0.0.0/16"`;
  }
  const [, prefix] = ipaddr.IPv4.parseCIDR(cidr);
  const network = `${ipaddr.IPv4.networkAddressFromCIDR(cidr).toString()}/${prefix}`;
  if (network !== cidr) {
    return `${JSON.stringify(cidr)} has host bits set; write the network address ${JSON.stringify(network)}`;
  }
  if (prefix < MIN_VPC_PREFIX) {
    return `${JSON.stringify(cidr)} is larger than AWS allows for a VPC (/${MIN_VPC_PREFIX} at most); use a /${MIN_VPC_PREFIX} to /${MAX_VPC_PREFIX} block, e.g. "10.0.0.0/16"`;
  }
  if (prefix > MAX_VPC_PREFIX) {
    return `${JSON.stringify(cidr)} is too small: its subnets would be /${prefix + SUBNET_NEW_BITS}, below AWS's smallest subnet /${MIN_SUBNET_PREFIX_LENGTH} (the VPC is split in ${SUBNET_SLOTS} equal subnets); use a /${MIN_VPC_PREFIX} to /${MAX_VPC_PREFIX} block, e.g. "10.0.0.0/16"`;
  }
  return undefined;
}

/** Subnet CIDRs for `azCount` zones. Throws on a CIDR that {@link vpcCidrProblem} refuses. */
export function subnetLayout(vpcCidr: string, azCount: number): SubnetLayout {
  const problem = vpcCidrProblem(vpcCidr);
  if (problem !== undefined) throw new Error(`VPC CIDR ${problem}`);
  if (!Number.isInteger(azCount) || azCount < 1 || azCount > PRIVATE_SLOT_OFFSET) {
    throw new Error(`azCount must be a whole number from 1 to ${PRIVATE_SLOT_OFFSET}, got ${azCount}`);
  }
  const zones = Array.from({ length: azCount }, (_, index) => index);
  return {
    publicCidrs: zones.map((zone) => subnetCidr(vpcCidr, zone)),
    privateCidrs: zones.map((zone) => subnetCidr(vpcCidr, PRIVATE_SLOT_OFFSET + zone)),
  };
}

/** Slot `slot` of {@link SUBNET_SLOTS} of `vpcCidr`: Terraform's `cidrsubnet(vpcCidr, 4, slot)`. */
export function subnetCidr(vpcCidr: string, slot: number): string {
  const [address, prefix] = ipaddr.IPv4.parseCIDR(vpcCidr);
  const subnetPrefix = prefix + SUBNET_NEW_BITS;
  const base = toUint32(address.octets);
  const value = (base + slot * 2 ** (32 - subnetPrefix)) >>> 0;
  return `${fromUint32(value)}/${subnetPrefix}`;
}

function toUint32(octets: readonly number[]): number {
  return octets.reduce((acc, octet) => acc * 256 + octet, 0);
}

function fromUint32(value: number): string {
  return [24, 16, 8, 0].map((shift) => (value >>> shift) & 0xff).join('.');
}
