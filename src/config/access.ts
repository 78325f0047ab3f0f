/**
 * How an account is reached: a profile alone, or a profile that assumes a role in the account
 * (a hub profile and `OrganizationAccountAccessRole`, say).
 */

/** Session name of every role session this project opens; shows in the member account's CloudTrail. */
export const ROLE_SESSION_NAME = 'bootstrap-aws';

/** The ARN partition of a region: `aws-cn` for China, `aws-us-gov` for GovCloud, else `aws`. */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

/**
 * The DNS suffix of a region's service endpoints, as `kms:ViaService` names them
 * (`s3.<region>.<suffix>`): `amazonaws.com.cn` in China, else `amazonaws.com`. The same value as the
 * provider's `aws_partition` `dns_suffix`, which the key policy uses, so both sides name one service.
 */
export function dnsSuffixOf(region: string): string {
  return region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
}

/** `arn:<partition>:iam::<accountId>:role/<roleName>`: the role `accountDefaults.roleName` names in an account. */
export function roleArnIn(accountId: string, roleName: string, region: string): string {
  return `arn:${partitionOf(region)}:iam::${accountId}:role/${roleName}`;
}

/** The account ID in an IAM role ARN, or undefined when `arn` is not one. */
export function roleAccountId(arn: string): string | undefined {
  return /^arn:[a-z-]+:iam::(\d{12}):role\//.exec(arn)?.[1];
}
