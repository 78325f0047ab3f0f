/**
 * Naming rules shared by the platform name, account names and the derived bucket name.
 * Names are never rewritten: a name that breaks a rule is refused with the reason.
 */

/** S3's limit on bucket names; longer names are refused by the API. */
export const MAX_BUCKET_NAME_LENGTH = 63;
/** Prefixes S3 reserves; a bucket name starting with one is refused by the API. */
const RESERVED_BUCKET_PREFIXES = ['xn--', 'sthree-', 'amzn-s3-demo-'];

/** The opt-in DynamoDB lock table of an account: `<platform>-<account>-state-lock`. */
export function lockTableName(platform: string, account: string): string {
  return `${platform}-${account}-state-lock`;
}

/** The opt-in server access-log bucket of an account: `<platform>-<account>-state-logs`. */
export function accessLogBucketName(platform: string, account: string): string {
  return `${platform}-${account}-state-logs`;
}

/** Alias of the KMS key this project creates for an account's state bucket: `alias/<platform>-<account>-state`. */
export function stateKeyAliasName(platform: string, account: string): string {
  return `alias/${platform}-${account}-state`;
}

/** The state bucket of an account: `<platform>-<account>-state`. */
export function stateBucketName(platform: string, account: string): string {
  return `${platform}-${account}-state`;
}

/**
 * The rule of {@link nameProblem} as one regular expression, for the JSON Schema editors check
 * accounts.json with (src/config/json-schema.ts); __tests__/config/json-schema.test.ts keeps the two equal.
 */
export const NAME_PATTERN = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

/**
 * Why `value` is not a valid platform or account name, or `undefined` when it is.
 * Allowed: lowercase letters, digits and hyphens, starting and ending with a letter or digit
 * (it becomes part of a bucket name and of a stack id).
 */
export function nameProblem(value: string): string | undefined {
  if (value.length === 0) return 'is empty';
  if (value.includes('.')) return `"${value}" contains a period, which breaks TLS for S3 virtual-hosted addressing`;
  if (/[A-Z]/.test(value)) return `"${value}" contains uppercase letters, which S3 bucket names do not allow`;
  if (/\s/.test(value)) return `"${value}" contains whitespace`;
  if (/[^a-z0-9-]/.test(value)) return `"${value}" contains characters other than lowercase letters, digits and hyphens`;
  if (value.startsWith('-') || value.endsWith('-')) return `"${value}" starts or ends with a hyphen`;
  return undefined;
}

/** The prefix S3 reserves that `name` starts with, or `undefined`. */
export function reservedBucketPrefix(name: string): string | undefined {
  return RESERVED_BUCKET_PREFIXES.find((prefix) => name.startsWith(prefix));
}
