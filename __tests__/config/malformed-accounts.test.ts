// Malformed accounts.json files, run through the real entry point (the `app` of cdktf.json, what
// `cdktf synth` runs): each must exit 1 with exactly the expected one-line problems and write nothing.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

const repoRoot = path.resolve(__dirname, '../..');
/** Node processes at once: enough to overlap start-up I/O, few enough for a 2-core machine. */
const CONCURRENCY = 4;

/** Every top-level key the core knows; later sections (pipeline, ...) may follow in the list. */
const TOP_LEVEL_KEYS = 'platform, accounts, region, productionAccount, stateBucket(, \\$?[A-Za-z]+)*';
const NAME_RULE = 'use lowercase letters, digits and hyphens, starting and ending with a letter or digit';
const TOP_LEVEL_OBJECT =
  'the file must hold a JSON object like {"platform": "acme", "accounts": {...}}, got %s; see accounts.example.json';
const ACCOUNT_VALUE = 'must be a profile name or an object like {"profile": "acme-dev"}, got %s; write e.g. "dev": "acme-dev"';
const INVALID_JSON = 'fix the syntax there (strict JSON: no comments, no trailing commas)';

interface MalformedCase {
  /** The test's name: what is wrong with the file. */
  readonly name: string;
  /** accounts.json's content, a directory in its place, or no file at all. */
  readonly content: string | { readonly directory: true } | { readonly missing: true };
  /**
   * The stderr lines, in order, each after `error: <file>`. A string must match exactly; a RegExp is
   * anchored at both ends.
   */
  readonly expected: readonly (string | RegExp)[];
}

/** A file with `overrides` merged into the example's top level (`undefined` removes a key). */
function accounts(overrides: Record<string, unknown>): string {
  const merged: Record<string, unknown> = { platform: 'acme', accounts: { dev: 'acme-dev', prod: 'acme-prod' }, ...overrides };
  return JSON.stringify(merged, null, 2);
}

/** A file with the example's platform and the given accounts. */
function withAccounts(value: unknown): string {
  return accounts({ accounts: value });
}

const cases: readonly MalformedCase[] = [
  // Reading and JSON syntax.
  {
    name: 'a missing file suggests copying the example',
    content: { missing: true },
    expected: [
      ': file not found; create it with "cp accounts.example.json accounts.json" and edit it, or set BOOTSTRAP_ACCOUNTS_FILE to its path',
    ],
  },
  {
    name: 'a directory in place of the file',
    content: { directory: true },
    expected: [': is a directory, not a file; point BOOTSTRAP_ACCOUNTS_FILE at the accounts JSON file'],
  },
  { name: 'an empty file', content: '', expected: [': is empty; copy accounts.example.json and edit it'] },
  { name: 'a file of whitespace only', content: ' \n\t\n', expected: [': is empty; copy accounts.example.json and edit it'] },
  {
    name: 'a missing comma, reported with its line and column',
    content: '{\n  "platform": "acme"\n  "accounts": {"prod": "acme-prod"}\n}\n',
    expected: [`:3:3: invalid JSON: expected ","; ${INVALID_JSON}`],
  },
  {
    name: 'a trailing comma',
    content: '{\n  "platform": "acme",\n  "accounts": {"prod": "acme-prod"},\n}\n',
    expected: [`:3:36: invalid JSON: trailing comma; ${INVALID_JSON}`],
  },
  {
    name: 'a comment',
    content: '{\n  // our platform\n  "platform": "acme",\n  "accounts": {"prod": "acme-prod"}\n}\n',
    expected: [`:2:3: invalid JSON: comments are not allowed; ${INVALID_JSON}`],
  },
  {
    name: 'a file cut short',
    content: '{\n  "platform": "acme",\n  "accounts": {"prod": "acme-prod"\n',
    expected: [`:4:1: invalid JSON: expected "}"; ${INVALID_JSON}`],
  },
  {
    name: 'single-quoted strings',
    content: "{'platform': 'acme'}",
    expected: [`:1:2: invalid JSON: unexpected character; ${INVALID_JSON}`],
  },
  {
    name: 'a duplicate top-level key, which JSON.parse would silently resolve',
    content: '{\n  "platform": "acme",\n  "accounts": {"prod": "acme-prod"},\n  "platform": "acme2"\n}\n',
    expected: [':4: platform: key appears more than once, and JSON would silently keep only the last; remove or rename one'],
  },
  {
    name: 'a duplicate account',
    content: '{\n  "platform": "acme",\n  "accounts": {\n    "prod": "acme-prod",\n    "prod": "acme-live"\n  }\n}\n',
    expected: [':5: accounts.prod: key appears more than once, and JSON would silently keep only the last; remove or rename one'],
  },

  // The top level.
  { name: 'a top-level array', content: '[]', expected: [`: (top level): ${TOP_LEVEL_OBJECT.replace('%s', 'an array')}`] },
  {
    name: 'a top-level string',
    content: '"acme"',
    expected: [`: (top level): ${TOP_LEVEL_OBJECT.replace('%s', 'the string "acme"')}`],
  },
  { name: 'a top-level null', content: 'null', expected: [`: (top level): ${TOP_LEVEL_OBJECT.replace('%s', 'null')}`] },
  {
    name: 'an unknown top-level key that is a typo of "platform"',
    content: accounts({ platform: undefined, platfrom: 'acme' }),
    expected: [
      new RegExp(`: platfrom: unknown key; did you mean "platform"\\? remove or rename it \\(allowed here: ${TOP_LEVEL_KEYS}\\)`),
    ],
  },

  // platform.
  {
    name: 'a missing platform',
    content: accounts({ platform: undefined }),
    expected: [': platform: is missing; add it, e.g. "platform": "acme"'],
  },
  {
    name: 'a platform that is not a string',
    content: accounts({ platform: 42 }),
    expected: [': platform: must be a string, got the number 42; write e.g. "platform": "acme"'],
  },
  {
    name: 'an uppercase platform',
    content: accounts({ platform: 'Acme' }),
    expected: [
      `: platform: "Acme" contains uppercase letters, which S3 bucket names do not allow; ${NAME_RULE}, e.g. "platform": "acme"`,
    ],
  },
  {
    name: 'a platform with a period',
    content: accounts({ platform: 'acme.io' }),
    expected: [
      `: platform: "acme.io" contains a period, which breaks TLS for S3 virtual-hosted addressing; ${NAME_RULE}, e.g. "platform": "acme"`,
    ],
  },
  {
    name: 'a platform with an underscore',
    content: accounts({ platform: 'acme_corp' }),
    expected: [
      `: platform: "acme_corp" contains characters other than lowercase letters, digits and hyphens; ${NAME_RULE}, e.g. "platform": "acme"`,
    ],
  },
  {
    name: 'a platform starting with a hyphen',
    content: accounts({ platform: '-acme' }),
    expected: [`: platform: "-acme" starts or ends with a hyphen; ${NAME_RULE}, e.g. "platform": "acme"`],
  },
  {
    name: 'a platform starting with "xn--", a bucket prefix S3 reserves',
    content: accounts({ platform: 'xn--acme' }),
    expected: [': platform: "xn--acme" starts every bucket name with "xn--", a prefix S3 reserves; choose another platform name'],
  },

  // accounts.
  {
    name: 'missing accounts',
    content: accounts({ accounts: undefined }),
    expected: [': accounts: is missing; add it, e.g. "accounts": {"prod": "acme-prod"}'],
  },
  {
    name: 'no accounts',
    content: withAccounts({}),
    expected: [': accounts: has no accounts; add at least one, e.g. "accounts": {"prod": "acme-prod"}'],
  },
  {
    name: 'accounts as an array',
    content: withAccounts(['dev', 'prod']),
    expected: [
      ': accounts: must be an object mapping account names to AWS profiles, got an array; write e.g. "accounts": {"prod": "acme-prod"}',
    ],
  },
  {
    name: 'an uppercase account name',
    content: withAccounts({ Dev: 'acme-dev', prod: 'acme-prod' }),
    expected: [
      `: accounts.Dev: account name "Dev" contains uppercase letters, which S3 bucket names do not allow; ${NAME_RULE}, e.g. "dev"`,
    ],
  },
  {
    name: 'an account name with a period',
    content: withAccounts({ 'dev.eu': 'acme-dev', prod: 'acme-prod' }),
    expected: [
      `: accounts["dev.eu"]: account name "dev.eu" contains a period, which breaks TLS for S3 virtual-hosted addressing; ${NAME_RULE}, e.g. "dev"`,
    ],
  },
  {
    name: 'an account name with a space',
    content: withAccounts({ 'my dev': 'acme-dev', prod: 'acme-prod' }),
    expected: [`: accounts["my dev"]: account name "my dev" contains whitespace; ${NAME_RULE}, e.g. "dev"`],
  },
  {
    name: 'an account that is a number',
    content: withAccounts({ dev: 123456789012, prod: 'acme-prod' }),
    expected: [`: accounts.dev: ${ACCOUNT_VALUE.replace('%s', 'the number 123456789012')}`],
  },
  {
    name: 'an account that is null',
    content: withAccounts({ dev: null, prod: 'acme-prod' }),
    expected: [`: accounts.dev: ${ACCOUNT_VALUE.replace('%s', 'null')}`],
  },
  {
    name: 'an account that is an array',
    content: withAccounts({ dev: ['acme-dev'], prod: 'acme-prod' }),
    expected: [`: accounts.dev: ${ACCOUNT_VALUE.replace('%s', 'an array')}`],
  },
  {
    name: 'an empty profile',
    content: withAccounts({ dev: '', prod: 'acme-prod' }),
    expected: [': accounts.dev: the profile name is empty; write the AWS profile name from your ~/.aws files, e.g. "acme-dev"'],
  },
  {
    name: 'a profile with spaces around it',
    content: withAccounts({ dev: ' acme-dev ', prod: 'acme-prod' }),
    expected: [': accounts.dev: the profile name " acme-dev " has leading or trailing spaces; remove them'],
  },
  {
    name: 'an account object without a profile',
    content: withAccounts({ dev: { accountId: '111111111111' }, prod: 'acme-prod' }),
    expected: [
      ': accounts.dev.profile: is missing; add it, e.g. "profile": "acme-dev", or add "accountDefaults": {"profile": "acme-hub", "roleName": "OrganizationAccountAccessRole"} to reach the account through a role',
    ],
  },
  {
    name: 'an account ID that is not 12 digits',
    content: withAccounts({ dev: { profile: 'acme-dev', accountId: '12345678901' }, prod: 'acme-prod' }),
    expected: [
      ': accounts.dev.accountId: the string "12345678901" is not a 12-digit AWS account ID; write it in quotes, e.g. "123456789012"',
    ],
  },
  {
    name: 'an account ID written as a number',
    content: withAccounts({ dev: { profile: 'acme-dev', accountId: 123456789012 }, prod: 'acme-prod' }),
    expected: [
      ': accounts.dev.accountId: must be a string of 12 digits, got the number 123456789012; write e.g. "accountId": "123456789012"',
    ],
  },
  {
    name: 'an unknown key in an account object',
    content: withAccounts({ dev: { profile: 'acme-dev', acountId: '111111111111' }, prod: 'acme-prod' }),
    expected: [
      ': accounts.dev.acountId: unknown key; did you mean "accountId"? remove or rename it (allowed here: profile, accountId, region, adopt, allowDestroy, kmsKeyArn, kmsKeyAdminArns, roleArn, externalId, controlsOtherAccounts, pipelineAccess)',
    ],
  },
  {
    name: 'a bucket name over 63 characters',
    content: withAccounts({ prod: 'acme-prod', 'sandbox-for-the-data-science-and-machine-learning-team': 'acme-ds' }),
    expected: [
      `: accounts.sandbox-for-the-data-science-and-machine-learning-team: gives the bucket name "acme-sandbox-for-the-data-science-and-machine-learning-team-state" of 65 characters, over S3's limit of 63; shorten the platform or account name`,
    ],
  },

  // region.
  {
    name: 'a top-level region that is not a region code',
    content: accounts({ region: 'Frankfurt' }),
    expected: [': region: the string "Frankfurt" is not an AWS region code; write e.g. "eu-west-1"'],
  },
  {
    name: "an account's region that is not a region code",
    content: withAccounts({ dev: { profile: 'acme-dev', region: 'eu-west' }, prod: 'acme-prod' }),
    expected: [': accounts.dev.region: the string "eu-west" is not an AWS region code; write e.g. "eu-west-1"'],
  },

  // productionAccount.
  {
    name: 'no "prod" account while productionAccount keeps its default',
    content: withAccounts({ dev: 'acme-dev', live: 'acme-live' }),
    expected: [
      ': accounts: the production account "prod" is not among the accounts (dev, live); add a "prod" account or set "productionAccount" to one of them',
    ],
  },
  {
    name: 'a productionAccount that names no account',
    content: accounts({ productionAccount: 'live' }),
    expected: [
      ': productionAccount: the production account "live" is not among the accounts (dev, prod); add a "live" account or set "productionAccount" to one of them',
    ],
  },

  // stateBucket.
  {
    name: 'an unknown key in stateBucket',
    content: accounts({ stateBucket: { noncurrentVersionExpiration: 30 } }),
    expected: [
      ': stateBucket.noncurrentVersionExpiration: unknown key; did you mean "noncurrentVersionExpirationDays"? remove or rename it (allowed here: noncurrentVersionExpirationDays, lockTable, kms, accessLogs, accessLogRetentionDays)',
    ],
  },
  {
    name: 'zero days before noncurrent versions expire',
    content: accounts({ stateBucket: { noncurrentVersionExpirationDays: 0 } }),
    expected: [
      ': stateBucket.noncurrentVersionExpirationDays: must be at least 1 day; write e.g. "noncurrentVersionExpirationDays": 90',
    ],
  },
  {
    name: 'a fractional number of days',
    content: accounts({ stateBucket: { noncurrentVersionExpirationDays: 1.5 } }),
    expected: [
      ': stateBucket.noncurrentVersionExpirationDays: must be a whole number of days, got the number 1.5; write e.g. "noncurrentVersionExpirationDays": 90',
    ],
  },
  {
    name: 'days written as a string',
    content: accounts({ stateBucket: { noncurrentVersionExpirationDays: '90' } }),
    expected: [
      ': stateBucket.noncurrentVersionExpirationDays: must be a whole number of days, got the string "90"; write e.g. "noncurrentVersionExpirationDays": 90',
    ],
  },

  // Several problems at once.
  {
    name: 'several problems in one file, all reported',
    content: JSON.stringify({
      platfrom: 'acme',
      region: 'mars',
      accounts: { Dev: 'acme-dev', qa: 12, stage: { profile: 'acme-stage', accountId: '12' } },
      stateBucket: { noncurrentVersionExpirationDays: 0 },
    }),
    expected: [
      `: accounts.qa: ${ACCOUNT_VALUE.replace('%s', 'the number 12')}`,
      ': accounts.stage.accountId: the string "12" is not a 12-digit AWS account ID; write it in quotes, e.g. "123456789012"',
      ': region: the string "mars" is not an AWS region code; write e.g. "eu-west-1"',
      ': stateBucket.noncurrentVersionExpirationDays: must be at least 1 day; write e.g. "noncurrentVersionExpirationDays": 90',
      new RegExp(`: platfrom: unknown key; did you mean "platform"\\? remove or rename it \\(allowed here: ${TOP_LEVEL_KEYS}\\)`),
      `: accounts.Dev: account name "Dev" contains uppercase letters, which S3 bucket names do not allow; ${NAME_RULE}, e.g. "dev"`,
      ': accounts: the production account "prod" is not among the accounts (Dev, qa, stage); add a "prod" account or set "productionAccount" to one of them',
    ],
  },
];

interface Run {
  readonly file: string;
  readonly outdir: string;
  readonly stateDir: string;
  readonly base: string;
  readonly exitCode: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Lays out a throwaway project for `testCase` and runs the entry point on it. */
function runMain(testCase: MalformedCase): Promise<Run> {
  const base = mkdtempSync(path.join(tmpdir(), 'bootstrap-malformed-'));
  const file = path.join(base, 'accounts.json');
  const outdir = path.join(base, 'cdktf.out');
  const stateDir = path.join(base, 'terraform-state');
  mkdirSync(stateDir);
  if (typeof testCase.content === 'string') writeFileSync(file, testCase.content);
  else if ('directory' in testCase.content) mkdirSync(file);

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    BOOTSTRAP_ACCOUNTS_FILE: file,
    CDKTF_OUTDIR: outdir,
    BOOTSTRAP_STATE_DIR: stateDir,
  };
  delete env.AWS_ENDPOINT_URL;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--require', './scripts/ts-runner.js', 'main.ts'], {
      cwd: repoRoot,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (exitCode) => {
      resolve({ file, outdir, stateDir, base, exitCode, stdout, stderr });
    });
  });
}

/** Runs `work` on every item, at most `limit` at a time, keeping the results in order. */
async function mapPool<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

const runs = new Map<string, Run>();

beforeAll(async () => {
  const results = await mapPool(cases, CONCURRENCY, runMain);
  cases.forEach((testCase, index) => runs.set(testCase.name, results[index] as Run));
}, 240_000);

afterAll(() => {
  for (const run of runs.values()) rmSync(run.base, { recursive: true, force: true });
});

test('the table covers at least 30 malformed files, each with a distinct name', () => {
  expect(cases.length).toBeGreaterThanOrEqual(30);
  expect(new Set(cases.map((testCase) => testCase.name)).size).toBe(cases.length);
});

test.each(cases.map((testCase) => [testCase.name, testCase] as const))(
  'refused, with one line per problem and nothing written: %s',
  (_name, testCase) => {
    const run = runs.get(testCase.name);
    if (run === undefined) throw new Error(`no run recorded for "${testCase.name}"`);

    expect(run.stderr).not.toMatch(/^\s+at .*\d+:\d+\)?$/m);
    expect(run.stderr).not.toMatch(/Error\b/);
    expect(run.stdout).toBe('');
    const lines = run.stderr.split('\n');
    expect(lines.pop()).toBe('');
    const prefix = `error: ${run.file}`;
    const rests = lines.map((line) => (line.startsWith(prefix) ? line.slice(prefix.length) : `(does not name the file) ${line}`));
    expect(rests).toEqual(
      testCase.expected.map((expected): unknown =>
        typeof expected === 'string' ? expected : expect.stringMatching(new RegExp(`^${expected.source}$`)),
      ),
    );
    expect(run.exitCode).toBe(1);
    expect(existsSync(run.outdir)).toBe(false);
    expect(readdirSync(run.stateDir)).toEqual([]);
    expect(readdirSync(run.base).sort()).toEqual(
      typeof testCase.content === 'object' && 'missing' in testCase.content
        ? ['terraform-state']
        : ['accounts.json', 'terraform-state'],
    );
  },
);
