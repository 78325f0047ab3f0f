/**
 * Account names proposed for accounts imported from AWS Organizations: the AWS account name made valid
 * by the rule of {@link nameProblem}, short enough for the bucket names derived from it, and never
 * equal to a name already taken. Every change from the AWS name comes with its reason.
 */
import { accessLogBucketName, MAX_BUCKET_NAME_LENGTH, nameProblem, stateBucketName } from './names';

/** An account to name: its ID and its name in AWS Organizations. */
export interface NameRequest {
  readonly accountId: string;
  readonly awsName: string;
}

/** The proposed name of one account, and why it differs from the AWS name (empty when it does not). */
export interface NameProposal extends NameRequest {
  readonly name: string;
  readonly reasons: readonly string[];
}

export interface NameOptions {
  /** Names already in accounts.json; a proposal never equals one of them. */
  readonly taken: Iterable<string>;
  /** The file's platform, part of every bucket name. @default "" (no length budget taken by it) */
  readonly platform?: string;
  /** `stateBucket.accessLogs` is on, so the longer `-state-logs` bucket name must fit too. @default false */
  readonly accessLogs?: boolean;
}

/**
 * The longest account name whose derived bucket names fit S3's 63 characters with `platform`:
 * `<platform>-<name>-state`, and `<platform>-<name>-state-logs` when access logs are on.
 */
export function maxAccountNameLength(platform: string, accessLogs: boolean): number {
  const longest = accessLogs ? accessLogBucketName(platform, '') : stateBucketName(platform, '');
  return MAX_BUCKET_NAME_LENGTH - longest.length;
}

/**
 * Proposes a valid, unique name for every account. Accounts whose AWS name is valid as it is are
 * named first, then the others in the order of their IDs, so the same organization gives the same
 * names whatever order the API lists it in. On a collision the later account gets the last 4 digits
 * of its ID appended (the whole ID if that is taken too). Proposals come back in the order of `requests`.
 */
export function proposeAccountNames(requests: readonly NameRequest[], options: NameOptions): NameProposal[] {
  const platform = options.platform ?? '';
  const max = Math.max(1, maxAccountNameLength(platform, options.accessLogs ?? false));
  const bucketExample =
    (options.accessLogs ?? false) ? accessLogBucketName(platform, '<name>') : stateBucketName(platform, '<name>');
  const existing = new Set(options.taken);
  const proposedBy = new Map<string, NameRequest>();
  // An AWS name that is valid as it is keeps it; among the rest, the lower account ID wins.
  const valid = (request: NameRequest): number => (nameProblem(request.awsName) === undefined ? 0 : 1);
  const byId = [...requests].sort((a, b) => valid(a) - valid(b) || a.accountId.localeCompare(b.accountId));
  const proposals = new Map<NameRequest, NameProposal>();
  for (const request of byId) {
    const reasons: string[] = [];
    let base = slug(request.awsName);
    if (base !== request.awsName) {
      const problem = nameProblem(request.awsName) ?? `"${request.awsName}" is not a valid account name`;
      reasons.push(base === '' ? `${problem}, and keeps no usable character` : problem);
    }
    if (base === '') base = `account-${request.accountId}`;
    if (base.length > max) {
      reasons.push(
        `shortened to ${max} characters so that the bucket name "${bucketExample}" fits S3's ${MAX_BUCKET_NAME_LENGTH}`,
      );
      base = truncate(base, max);
    }
    let name = base;
    const holder = (candidate: string): string | undefined => {
      if (existing.has(candidate)) return `an account of accounts.json is already named "${candidate}"`;
      const other = proposedBy.get(candidate);
      return other !== undefined
        ? `"${candidate}" is already proposed for account ${other.accountId} ("${other.awsName}")`
        : undefined;
    };
    const collision = holder(name);
    if (collision !== undefined) {
      name = withSuffix(base, request.accountId.slice(-4), max);
      if (holder(name) !== undefined) name = withSuffix(base, request.accountId, max);
      // Only names in accounts.json built like ours can still collide; count up then.
      for (let n = 2; holder(name) !== undefined; n++) name = withSuffix(base, `${request.accountId}-${n}`, max);
      reasons.push(`${collision}, so the end of its account ID was appended`);
    }
    proposedBy.set(name, request);
    proposals.set(request, { ...request, name, reasons });
  }
  return requests.map((request) => proposals.get(request) as NameProposal);
}

/**
 * Lowercase letters, digits and single hyphens: accents dropped ("Produção" → "producao"), any run of
 * other characters (spaces, dots, underscores, …) a hyphen, none at either end. "" when nothing is left.
 */
export function slug(awsName: string): string {
  return awsName
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

function truncate(name: string, max: number): string {
  return name.slice(0, max).replace(/-+$/, '');
}

/** `<base>-<suffix>`, the base shortened so the whole fits `max`. */
function withSuffix(base: string, suffix: string, max: number): string {
  const head = truncate(base, Math.max(0, max - suffix.length - 1));
  return head === '' ? suffix.slice(-max) : `${head}-${suffix}`;
}
