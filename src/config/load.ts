import { readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { findNodeAtLocation, type Node, type ParseError, parseTree, printParseErrorCode } from 'jsonc-parser';
import { type z, ZodArray, ZodDefault, ZodNullable, ZodObject, ZodOptional, ZodPipe, ZodRecord } from 'zod';
import { ConfigError, formatJsonPath } from './errors';
import { roleAccountId, roleArnIn } from './access';
import type { AccountConfig, BootstrapConfig } from './model';
import {
  accessLogBucketName,
  lockTableName,
  MAX_BUCKET_NAME_LENGTH,
  nameProblem,
  reservedBucketPrefix,
  stateBucketName,
  stateKeyAliasName,
} from './names';
import { pipelineAccessCrossFieldProblems, runnerTrusted } from './pipeline-access-checks';
import { defaultDeployRoleName, PIPELINE_ACCESS_DEFAULTS, type PipelineAccessSection } from './pipeline-access-schema';
import { defaultNamePrefix, pipelineCrossFieldProblems, runnerRoleName } from './pipeline-schema';
import type { PipelineAccessConfig, TrustConfig } from './model';
import { accountsFileSchema, DEFAULT_PRODUCTION_ACCOUNT, DEFAULT_REGION } from './schema';

/** The shape of a region code, as the schema checks it. */
const REGION_CODE = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/** Where accounts.json is read from when `BOOTSTRAP_ACCOUNTS_FILE` is not set. */
export const DEFAULT_ACCOUNTS_FILE = 'accounts.json';

/**
 * Reads and validates accounts.json. Every problem found is reported at once in a
 * {@link ConfigError}; nothing is returned unless the whole file is valid.
 */
export function loadConfig(file: string): BootstrapConfig {
  const shown = displayName(file);
  return loadConfigText(readConfigText(file, shown), shown);
}

/**
 * Validates the text of an accounts file exactly as {@link loadConfig} does (the import checks its
 * merged result with it before writing); `shown` names the file in messages.
 */
export function loadConfigText(text: string, shown: string): BootstrapConfig {
  const { raw, tree } = parseJson(text, shown);
  // JavaScript objects list integer-like keys ("2024") first, so the accounts' order comes from the file.
  const accountsNode = findNodeAtLocation(tree, ['accounts']);
  const accountOrder =
    accountsNode?.type === 'object' ? accountsNode.children?.map((p) => String(p.children?.[0]?.value)) : undefined;
  return validateConfig(raw, shown, accountOrder);
}

/**
 * Validates already-parsed JSON; `file` is only used in messages.
 * @param accountOrder the account names in the order the file lists them; without it, the order of
 *   `Object.keys`, which puts integer-like names such as "2024" first.
 */
export function validateConfig(raw: unknown, file: string, accountOrder?: readonly string[]): BootstrapConfig {
  const problems: string[] = [];
  const result = accountsFileSchema.safeParse(raw);
  const issues = result.success ? [] : result.error.issues;
  // `platfrom: unknown key; did you mean "platform"?` already says that "platform" is missing.
  const suggested = new Set(
    issues.flatMap((issue) =>
      issue.code === 'unrecognized_keys'
        ? issue.keys.map((key) => formatJsonPath([...issue.path, closest(key, allowedKeys(issue.path)) ?? key]))
        : [],
    ),
  );
  for (const issue of issues) {
    const missing = issue.code === 'invalid_type' && valueAt(raw, issue.path) === undefined;
    if (!(missing && suggested.has(formatJsonPath(issue.path)))) problems.push(...formatIssue(issue, raw, file));
  }
  problems.push(...crossFieldProblems(raw, file));
  problems.push(...pipelineCrossFieldProblems(raw, file));
  problems.push(...pipelineAccessCrossFieldProblems(raw, file));
  const unique = [...new Set(problems)];
  if (unique.length > 0 || !result.success) throw new ConfigError(unique);

  const data = result.data;
  const pipelineAccess = data.pipelineAccess;
  const roleName = pipelineAccess !== undefined ? (pipelineAccess.roleName ?? defaultDeployRoleName(data.platform)) : undefined;
  const namePrefix = data.pipeline !== null ? (data.pipeline.namePrefix ?? defaultNamePrefix(data.platform)) : undefined;
  // The runner's ARN, for every trust that names the runner. The cross-field checks guarantee the
  // production account's ID whenever a trust does.
  const productionEntry = data.accounts[data.productionAccount];
  const productionId =
    productionEntry?.accountId ?? (productionEntry?.roleArn !== undefined ? roleAccountId(productionEntry.roleArn) : undefined);
  const runnerArn =
    productionId !== undefined && namePrefix !== undefined && productionEntry !== undefined
      ? roleArnIn(productionId, runnerRoleName(namePrefix), productionEntry.region ?? data.region)
      : undefined;
  const trustOf = (trust: PipelineAccessSection['trust']): TrustConfig =>
    resolveTrust(trust, runnerTrusted(trust.runner, data.pipeline === null ? false : data.pipeline) ? runnerArn : undefined);
  const entries = Object.entries(data.accounts);
  if (accountOrder !== undefined) entries.sort(([a], [b]) => accountOrder.indexOf(a) - accountOrder.indexOf(b));
  const accounts: AccountConfig[] = entries.map(([name, account]) => {
    const region = account.region ?? data.region;
    const defaults = data.accountDefaults;
    // The cross-field checks guarantee a profile, and an accountId where the default role needs one.
    const profile = account.profile ?? defaults?.profile ?? '';
    const roleArn =
      account.roleArn ??
      (account.profile === undefined && defaults !== undefined && account.accountId !== undefined
        ? roleArnIn(account.accountId, defaults.roleName, region)
        : undefined);
    const accountId = account.accountId ?? (roleArn !== undefined ? roleAccountId(roleArn) : undefined);
    return {
      name,
      profile,
      ...(roleArn !== undefined ? { roleArn } : {}),
      ...(account.externalId !== undefined ? { externalId: account.externalId } : {}),
      ...(accountId !== undefined ? { accountId } : {}),
      region,
      stateBucketName: stateBucketName(data.platform, name),
      ...(data.stateBucket.lockTable ? { lockTableName: lockTableName(data.platform, name) } : {}),
      adopt: account.adopt,
      allowDestroy: account.allowDestroy,
      ...(account.kmsKeyArn !== undefined ? { kmsKeyArn: account.kmsKeyArn } : {}),
      ...(data.stateBucket.kms && account.kmsKeyArn === undefined
        ? { stateKeyAlias: stateKeyAliasName(data.platform, name) }
        : {}),
      ...(account.kmsKeyAdminArns !== undefined && account.kmsKeyAdminArns.length > 0
        ? { kmsKeyAdminArns: account.kmsKeyAdminArns }
        : {}),
      ...(data.stateBucket.accessLogs ? { accessLogBucketName: accessLogBucketName(data.platform, name) } : {}),
      ...(pipelineAccess !== undefined && roleName !== undefined && account.pipelineAccess !== null
        ? {
            pipelineAccess: {
              ...(accountId !== undefined ? { deployRoleArn: roleArnIn(accountId, roleName, region) } : {}),
              adoptOidcProviders: account.pipelineAccess.adoptOidcProviders,
              // The account's own trust and policies replace the top-level ones, whole.
              policyArns: account.pipelineAccess.policyArns ?? pipelineAccess.policyArns,
              trust: trustOf(account.pipelineAccess.trust ?? pipelineAccess.trust),
            },
          }
        : {}),
    };
  });
  return {
    file,
    platform: data.platform,
    productionAccount: data.productionAccount,
    accounts,
    stateBucket: {
      noncurrentVersionExpirationDays: data.stateBucket.noncurrentVersionExpirationDays,
      lockTable: data.stateBucket.lockTable,
      kms: data.stateBucket.kms,
      accessLogs: data.stateBucket.accessLogs,
      accessLogRetentionDays: data.stateBucket.accessLogRetentionDays,
    },
    suppressions: data.suppressions,
    ...(data.pipeline !== null && namePrefix !== undefined ? { pipeline: { ...data.pipeline, namePrefix } } : {}),
    ...(pipelineAccess !== undefined && roleName !== undefined
      ? {
          pipelineAccess: resolvePipelineAccess(
            pipelineAccess,
            roleName,
            trustOf(pipelineAccess.trust),
            accounts.some((account) => account.pipelineAccess?.trust.runnerRoleArn !== undefined) ? runnerArn : undefined,
          ),
        }
      : {}),
  };
}

/** The `"pipelineAccess"` section with its defaults; `trust` is its own, resolved (its runner is per account). */
function resolvePipelineAccess(
  section: PipelineAccessSection,
  roleName: string,
  trust: TrustConfig,
  runnerRoleArn: string | undefined,
): PipelineAccessConfig {
  return {
    roleName,
    maxSessionDuration: section.maxSessionDuration,
    policyArns: section.policyArns,
    ...(section.permissionsBoundaryArn !== undefined ? { permissionsBoundaryArn: section.permissionsBoundaryArn } : {}),
    ...(section.permissionsBoundary !== undefined ? { permissionsBoundary: section.permissionsBoundary } : {}),
    ...(runnerRoleArn !== undefined ? { runnerRoleArn } : {}),
    github: trust.github,
    gitlab: trust.gitlab,
    ...(trust.circleci !== undefined ? { circleci: trust.circleci } : {}),
  };
}

/** A `trust` object with its defaults: GitLab's instance and audience, and the runner's role ARN when trusted. */
function resolveTrust(trust: PipelineAccessSection['trust'], runnerRoleArn: string | undefined): TrustConfig {
  return {
    ...(runnerRoleArn !== undefined ? { runnerRoleArn } : {}),
    github: trust.github,
    gitlab: trust.gitlab.map((entry) => {
      const url = entry.url ?? PIPELINE_ACCESS_DEFAULTS.gitlabUrl;
      return { project: entry.project, branch: entry.branch, url, audience: entry.audience ?? url };
    }),
    ...(trust.circleci !== undefined ? { circleci: trust.circleci } : {}),
  };
}

/** `file` relative to the working directory when it is below it, as messages name it. */
export function displayName(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative !== '' && !relative.startsWith('..') ? relative : file;
}

/** The text of an accounts file, without a byte-order mark; a missing, empty or unreadable file is a ConfigError. */
export function readConfigText(file: string, shown: string): string {
  let stats;
  try {
    stats = statSync(file);
  } catch (error) {
    if (isErrno(error, 'ENOENT')) {
      throw new ConfigError([
        `${shown}: file not found; create it with "cp accounts.example.json accounts.json" and edit it, or set BOOTSTRAP_ACCOUNTS_FILE to its path`,
      ]);
    }
    throw new ConfigError([`${shown}: cannot be read (${errnoCode(error)}); check the path and its permissions`]);
  }
  if (stats.isDirectory()) {
    throw new ConfigError([`${shown}: is a directory, not a file; point BOOTSTRAP_ACCOUNTS_FILE at the accounts JSON file`]);
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError([`${shown}: cannot be read (${errnoCode(error)}); check the file's permissions`]);
  }
  // An editor's byte-order mark is encoding, not content.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === '') {
    throw new ConfigError([`${shown}: is empty; copy accounts.example.json and edit it`]);
  }
  return text;
}

/** Strict JSON (no comments, no trailing commas, no repeated keys), or a ConfigError naming the line. */
export function parseJson(text: string, shown: string): { raw: unknown; tree: Node } {
  const errors: ParseError[] = [];
  const tree = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const first = errors[0];
  if (first !== undefined || tree === undefined) {
    let offset = first?.offset ?? 0;
    let what = first !== undefined ? describeParseError(printParseErrorCode(first.error)) : 'no JSON value';
    // The parser stops at the "}" or "]" after a trailing comma; point at the comma, which is what to fix.
    const trailingComma = /,\s*$/.exec(text.slice(0, offset));
    if (trailingComma !== null && /^[}\]]/.test(text.slice(offset))) {
      offset = trailingComma.index;
      what = 'trailing comma';
    }
    const { line, column } = lineAndColumn(text, offset);
    throw new ConfigError([
      `${shown}:${line}:${column}: invalid JSON: ${what}; fix the syntax there (strict JSON: no comments, no trailing commas)`,
    ]);
  }
  const duplicates = duplicateKeys(tree, text);
  if (duplicates.length > 0) {
    throw new ConfigError(
      duplicates.map(
        ({ jsonPath, line }) =>
          `${shown}:${line}: ${jsonPath}: key appears more than once, and JSON would silently keep only the last; remove or rename one`,
      ),
    );
  }
  return { raw: JSON.parse(text) as unknown, tree };
}

function describeParseError(code: string): string {
  const words: Record<string, string> = {
    InvalidSymbol: 'unexpected character',
    InvalidNumberFormat: 'invalid number',
    PropertyNameExpected: 'expected a quoted key',
    ValueExpected: 'expected a value',
    ColonExpected: 'expected ":"',
    CommaExpected: 'expected ","',
    CloseBraceExpected: 'expected "}"',
    CloseBracketExpected: 'expected "]"',
    EndOfFileExpected: 'unexpected content after the JSON value',
    InvalidCommentToken: 'comments are not allowed',
    UnexpectedEndOfComment: 'unterminated comment',
    UnexpectedEndOfString: 'unterminated string',
    UnexpectedEndOfNumber: 'unterminated number',
    InvalidUnicode: 'invalid unicode escape',
    InvalidEscapeCharacter: 'invalid escape character',
    InvalidCharacter: 'invalid character in string',
  };
  return words[code] ?? code;
}

function duplicateKeys(root: Node, text: string): { jsonPath: string; line: number }[] {
  const found: { jsonPath: string; line: number }[] = [];
  const walk = (node: Node, at: PropertyKey[]): void => {
    if (node.type === 'object') {
      const seen = new Set<string>();
      for (const property of node.children ?? []) {
        const [keyNode, valueNode] = property.children ?? [];
        if (keyNode === undefined) continue;
        const key = String(keyNode.value);
        if (seen.has(key)) found.push({ jsonPath: formatJsonPath([...at, key]), line: lineAndColumn(text, keyNode.offset).line });
        seen.add(key);
        if (valueNode !== undefined) walk(valueNode, [...at, key]);
      }
    } else if (node.type === 'array') {
      (node.children ?? []).forEach((child, index) => {
        walk(child, [...at, index]);
      });
    }
  };
  walk(root, []);
  return found;
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: (before[before.length - 1]?.length ?? 0) + 1 };
}

function formatIssue(issue: z.core.$ZodIssue, raw: unknown, file: string): string[] {
  let at = [...issue.path];
  // The short form `"dev": "acme-dev"` has no "profile" key of its own: point at the account.
  if (at.length === 3 && at[0] === 'accounts' && at[2] === 'profile' && typeof valueAt(raw, at.slice(0, 2)) === 'string') {
    at = at.slice(0, 2);
  }
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => {
      const allowed = allowedKeys(at);
      const suggestion = closest(key, allowed);
      const hint = suggestion !== undefined ? `did you mean "${suggestion}"? ` : '';
      return `${file}: ${formatJsonPath([...at, key])}: unknown key; ${hint}remove or rename it (allowed here: ${allowed.join(', ')})`;
    });
  }
  return [`${file}: ${formatJsonPath(at)}: ${issue.message}`];
}

/** Keys the schema accepts at `at`, found by walking the schema, so new sections need no change here. */
function allowedKeys(at: readonly PropertyKey[]): string[] {
  let schema: z.ZodType | undefined = accountsFileSchema;
  for (const key of at) {
    schema = schema === undefined ? undefined : childSchema(unwrap(schema), key);
  }
  const target = schema === undefined ? undefined : unwrap(schema);
  return target instanceof ZodObject ? Object.keys(target.shape) : [];
}

function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (;;) {
    if (current instanceof ZodOptional || current instanceof ZodDefault || current instanceof ZodNullable)
      current = current.unwrap() as z.ZodType;
    else if (current instanceof ZodPipe) current = current.out as z.ZodType;
    else return current;
  }
}

function childSchema(schema: z.ZodType, key: PropertyKey): z.ZodType | undefined {
  if (schema instanceof ZodObject) return (schema.shape as Record<string, z.ZodType>)[String(key)];
  if (schema instanceof ZodRecord) return schema.valueType as z.ZodType;
  if (schema instanceof ZodArray) return schema.element as z.ZodType;
  return undefined;
}

/** Checks that need more than one field: account names, bucket names, the production account. */
function crossFieldProblems(raw: unknown, file: string): string[] {
  if (!isPlainObject(raw)) return [];
  const problems: string[] = [];
  const platform = typeof raw.platform === 'string' && nameProblem(raw.platform) === undefined ? raw.platform : undefined;
  // A platform like "xn--acme" gives every bucket a reserved prefix: one problem, on "platform".
  const platformPrefix = platform === undefined ? undefined : reservedBucketPrefix(`${platform}-`);
  if (platformPrefix !== undefined) {
    problems.push(
      `${file}: platform: "${platform}" starts every bucket name with "${platformPrefix}", a prefix S3 reserves; choose another platform name`,
    );
  }
  const accounts = isPlainObject(raw.accounts) ? raw.accounts : undefined;
  if (accounts === undefined) return problems;
  const names = Object.keys(accounts);
  if (names.length === 0) {
    problems.push(`${file}: accounts: has no accounts; add at least one, e.g. "accounts": {"prod": "acme-prod"}`);
  }
  for (const name of names) {
    const problem = nameProblem(name);
    if (problem !== undefined) {
      problems.push(
        `${file}: ${formatJsonPath(['accounts', name])}: account name ${problem}; use lowercase letters, digits and hyphens, starting and ending with a letter or digit, e.g. "dev"`,
      );
      continue;
    }
    problems.push(...accessProblems(raw, name, file));
    problems.push(...kmsKeyArnProblems(raw, name, file));
    problems.push(...kmsKeyAdminProblems(raw, name, file));
    if (platform === undefined) continue;
    const bucket = stateBucketName(platform, name);
    if (bucket.length > MAX_BUCKET_NAME_LENGTH) {
      problems.push(
        `${file}: ${formatJsonPath(['accounts', name])}: gives the bucket name "${bucket}" of ${bucket.length} characters, over S3's limit of ${MAX_BUCKET_NAME_LENGTH}; shorten the platform or account name`,
      );
    } else if (isPlainObject(raw.stateBucket) && raw.stateBucket.accessLogs === true) {
      // Only the access-log bucket's longer name overflows: say which option makes it.
      const logBucket = accessLogBucketName(platform, name);
      if (logBucket.length > MAX_BUCKET_NAME_LENGTH) {
        problems.push(
          `${file}: ${formatJsonPath(['accounts', name])}: with "stateBucket.accessLogs" on, gives the access-log bucket name "${logBucket}" of ${logBucket.length} characters, over S3's limit of ${MAX_BUCKET_NAME_LENGTH}; shorten the platform or account name (together at most ${MAX_BUCKET_NAME_LENGTH - '--state-logs'.length} characters) or turn accessLogs off`,
        );
      }
    }
    const reserved = reservedBucketPrefix(bucket);
    if (reserved !== undefined && platformPrefix === undefined) {
      problems.push(
        `${file}: ${formatJsonPath(['accounts', name])}: gives the bucket name "${bucket}", which starts with the prefix "${reserved}" that S3 reserves; rename the account`,
      );
    }
  }
  // Only the pipeline stack needs the implicit "prod"; an explicit productionAccount must always name an
  // account, since more than the pipeline stack refers to it.
  const production = raw.productionAccount === undefined ? DEFAULT_PRODUCTION_ACCOUNT : raw.productionAccount;
  const needed = raw.productionAccount !== undefined || raw.pipeline !== false;
  if (needed && typeof production === 'string' && names.length > 0 && !names.includes(production)) {
    const where = raw.productionAccount === undefined ? 'accounts' : 'productionAccount';
    problems.push(
      `${file}: ${where}: the production account "${production}" is not among the accounts (${names.join(', ')}); add a "${production}" account or set "productionAccount" to one of them`,
    );
  }
  return problems;
}

/**
 * How the account is reached must be complete: a profile of its own or `accountDefaults`; with the
 * default role, an `accountId` to put in its ARN; a `roleArn` of the account's own `accountId`; an
 * `externalId` only with a role.
 */
function accessProblems(raw: Record<string, unknown>, name: string, file: string): string[] {
  const account = isPlainObject(raw.accounts) ? raw.accounts[name] : undefined;
  if (!isPlainObject(account)) return [];
  const hasDefaults = raw.accountDefaults !== undefined;
  const defaultsExample = '"accountDefaults": {"profile": "acme-hub", "roleName": "OrganizationAccountAccessRole"}';
  const problems: string[] = [];
  if (account.profile === undefined && !hasDefaults) {
    problems.push(
      account.roleArn !== undefined
        ? `${file}: ${formatJsonPath(['accounts', name, 'profile'])}: no profile to assume the roleArn with; add "profile": "acme-hub" to the account, or ${defaultsExample} to the file`
        : `${file}: ${formatJsonPath(['accounts', name, 'profile'])}: is missing; add it, e.g. "profile": "acme-dev", or add ${defaultsExample} to reach the account through a role`,
    );
  } else if (account.profile === undefined && account.roleArn === undefined && account.accountId === undefined) {
    problems.push(
      `${file}: ${formatJsonPath(['accounts', name, 'accountId'])}: is needed to reach the account through accountDefaults.roleName; add "accountId": "222222222222", or a "profile" of its own`,
    );
  }
  const roleAccount = typeof account.roleArn === 'string' ? roleAccountId(account.roleArn) : undefined;
  if (roleAccount !== undefined && typeof account.accountId === 'string' && /^\d{12}$/.test(account.accountId)) {
    if (roleAccount !== account.accountId) {
      problems.push(
        `${file}: ${formatJsonPath(['accounts', name, 'roleArn'])}: the role is in account ${roleAccount}, but accountId is ${account.accountId}; use a role of account ${account.accountId}, or fix (or remove) the accountId`,
      );
    }
  }
  const reachedThroughRole = account.roleArn !== undefined || (account.profile === undefined && hasDefaults);
  if (account.externalId !== undefined && !reachedThroughRole) {
    problems.push(
      `${file}: ${formatJsonPath(['accounts', name, 'externalId'])}: is only sent when assuming a role, and the account is reached with its profile alone; add "roleArn", or remove externalId`,
    );
  }
  return problems;
}

/**
 * An account's `kmsKeyArn` must name a key in the account's own region (S3 default encryption
 * cannot use a key from another region) and, when `accountId` is set, of that account.
 */
function kmsKeyArnProblems(raw: Record<string, unknown>, name: string, file: string): string[] {
  const account = isPlainObject(raw.accounts) ? raw.accounts[name] : undefined;
  if (!isPlainObject(account) || typeof account.kmsKeyArn !== 'string') return [];
  // Shape problems are the schema's to report.
  const arn = /^arn:[a-z-]+:kms:([a-z]{2}(?:-[a-z]+)+-\d+):(\d{12}):key\/[0-9a-zA-Z-]+$/.exec(account.kmsKeyArn);
  if (arn === null) return [];
  const [, keyRegion, keyAccount] = arn;
  const where = formatJsonPath(['accounts', name, 'kmsKeyArn']);
  const problems: string[] = [];
  const region = account.region ?? raw.region ?? DEFAULT_REGION;
  if (typeof region === 'string' && REGION_CODE.test(region) && region !== keyRegion) {
    problems.push(
      `${file}: ${where}: the key is in region ${String(keyRegion)}, but the account's state bucket is in ${region}, and S3 encrypts only with a key of the bucket's region; use a key from ${region}`,
    );
  }
  const known = knownAccountId(account);
  if (known !== undefined && known.id !== keyAccount) {
    problems.push(
      `${file}: ${where}: the key belongs to account ${String(keyAccount)}, not to this account's ${known.from} ${known.id}; use a key of account ${known.id}`,
    );
  }
  return problems;
}

/**
 * The account's ID as far as the raw file says it: `accountId`, else the account of `roleArn`. (An
 * account reached through `accountDefaults` always has `accountId`.) Undefined when neither is valid.
 */
function knownAccountId(account: Record<string, unknown>): { id: string; from: string } | undefined {
  if (typeof account.accountId === 'string' && /^\d{12}$/.test(account.accountId))
    return { id: account.accountId, from: 'accountId' };
  const fromRole = typeof account.roleArn === 'string' ? roleAccountId(account.roleArn) : undefined;
  return fromRole !== undefined ? { id: fromRole, from: 'ID (from roleArn)' } : undefined;
}

/**
 * `kmsKeyAdminArns` administer the key this project creates: an account without one (SSE-KMS off,
 * or its own `kmsKeyArn`) has nothing they would apply to. Administrators must be of the key's
 * account when `accountId` says which that is.
 */
function kmsKeyAdminProblems(raw: Record<string, unknown>, name: string, file: string): string[] {
  const account = isPlainObject(raw.accounts) ? raw.accounts[name] : undefined;
  if (!isPlainObject(account) || !Array.isArray(account.kmsKeyAdminArns)) return [];
  const where = formatJsonPath(['accounts', name, 'kmsKeyAdminArns']);
  if (typeof account.kmsKeyArn === 'string') {
    return [
      `${file}: ${where}: the account brings its own key (kmsKeyArn), whose policy bootstrap-aws does not write; remove kmsKeyAdminArns and name the administrators in that key's policy`,
    ];
  }
  if (!isPlainObject(raw.stateBucket) || raw.stateBucket.kms !== true) {
    return [
      `${file}: ${where}: no KMS key is created for the account (stateBucket.kms is off), so there is nothing to administer; remove it, or set "stateBucket": {"kms": true}`,
    ];
  }
  const known = knownAccountId(account);
  if (known === undefined) return [];
  return account.kmsKeyAdminArns.flatMap((arn, index) => {
    const owner = typeof arn === 'string' ? /^arn:[a-z-]+:iam::(\d{12}):/.exec(arn)?.[1] : undefined;
    return owner !== undefined && owner !== known.id
      ? [
          `${file}: ${formatJsonPath(['accounts', name, 'kmsKeyAdminArns', index])}: the principal belongs to account ${owner}, not to this account's ${known.from} ${known.id}; name a role or user of account ${known.id}`,
        ]
      : [];
  });
}

function valueAt(raw: unknown, at: readonly PropertyKey[]): unknown {
  let current = raw;
  for (const key of at) {
    if (!isPlainObject(current) && !Array.isArray(current)) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The allowed key closest to a typo, to suggest it: within 2 edits, or a quarter of the key's
 * length for long keys (`noncurrentVersionExpiration` → `noncurrentVersionExpirationDays`).
 */
function closest(key: string, allowed: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of allowed) {
    const distance = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance && distance <= Math.max(2, Math.floor(candidate.length / 4))) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j] ?? 0;
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min(above + 1, (row[j - 1] ?? 0) + 1, diagonal + cost);
      diagonal = above;
    }
  }
  return row[b.length] ?? 0;
}

function isErrno(error: unknown, code: string): boolean {
  return errnoCode(error) === code;
}

function errnoCode(error: unknown): string {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : 'unknown error';
}
