import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  DEFAULT_NONCURRENT_VERSION_EXPIRATION_DAYS,
  DEFAULT_PRODUCTION_ACCOUNT,
  DEFAULT_REGION,
  loadConfig,
  validateConfig,
} from '../../src/config';
import { problemsOf } from '../support/problems';

const repoRoot = path.resolve(__dirname, '../..');
const KMS_KEY_ARN = 'arn:aws:kms:eu-central-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab';
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'bootstrap-load-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function writeAccounts(content: string): string {
  const file = path.join(dir, 'accounts.json');
  writeFileSync(file, content);
  return file;
}

describe('loadConfig', () => {
  test('the opt-in lock table gives every account a table named <platform>-<account>-state-lock', () => {
    const config = validateConfig(
      { platform: 'acme', accounts: { prod: 'acme-prod' }, stateBucket: { lockTable: true } },
      'accounts.json',
    );
    expect(config.stateBucket.lockTable).toBe(true);
    expect(config.accounts[0]?.lockTableName).toBe('acme-prod-state-lock');
  });

  test('lockTable must be true or false', () => {
    expect(() =>
      validateConfig({ platform: 'acme', accounts: { prod: 'p' }, stateBucket: { lockTable: 'yes' } }, 'accounts.json'),
    ).toThrow('accounts.json: stateBucket.lockTable: must be true or false, got the string "yes"; write e.g. "lockTable": true');
  });

  test('the example file loads with every default applied', () => {
    const config = loadConfig(path.join(repoRoot, 'accounts.example.json'));

    // Sections owned by other modules (pipeline, ...) are tested with them.
    expect(config).toMatchObject({
      file: path.relative(process.cwd(), path.join(repoRoot, 'accounts.example.json')),
      platform: 'acme',
      productionAccount: 'prod',
      stateBucket: {
        noncurrentVersionExpirationDays: 90,
        lockTable: false,
        kms: false,
        accessLogs: false,
        accessLogRetentionDays: 365,
      },
    });
    expect(config.accounts).toEqual([
      {
        name: 'dev',
        profile: 'acme-dev',
        region: 'us-east-1',
        stateBucketName: 'acme-dev-state',
        adopt: false,
        allowDestroy: false,
      },
      {
        name: 'prod',
        profile: 'acme-prod',
        region: 'us-east-1',
        stateBucketName: 'acme-prod-state',
        adopt: false,
        allowDestroy: false,
      },
    ]);
  });

  test('a multi-account file with every optional field is read as written', () => {
    const file = writeAccounts(
      JSON.stringify({
        platform: 'globex',
        region: 'eu-west-1',
        productionAccount: 'live',
        stateBucket: { noncurrentVersionExpirationDays: 30, kms: true, accessLogs: true, accessLogRetentionDays: 30 },
        accounts: {
          sandbox: 'globex-sandbox',
          staging: { profile: 'globex-staging', accountId: '111111111111', adopt: true },
          live: {
            profile: 'globex-live',
            accountId: '222222222222',
            region: 'eu-central-1',
            allowDestroy: true,
            kmsKeyArn: KMS_KEY_ARN,
          },
        },
      }),
    );

    const config = loadConfig(file);

    expect(config.file).toBe(file);
    expect(config.platform).toBe('globex');
    expect(config.productionAccount).toBe('live');
    expect(config.stateBucket).toEqual({
      noncurrentVersionExpirationDays: 30,
      lockTable: false,
      kms: true,
      accessLogs: true,
      accessLogRetentionDays: 30,
    });
    expect(config.accounts).toEqual([
      {
        name: 'sandbox',
        profile: 'globex-sandbox',
        region: 'eu-west-1',
        stateBucketName: 'globex-sandbox-state',
        adopt: false,
        allowDestroy: false,
        stateKeyAlias: 'alias/globex-sandbox-state',
        accessLogBucketName: 'globex-sandbox-state-logs',
      },
      {
        name: 'staging',
        profile: 'globex-staging',
        accountId: '111111111111',
        region: 'eu-west-1',
        stateBucketName: 'globex-staging-state',
        adopt: true,
        allowDestroy: false,
        stateKeyAlias: 'alias/globex-staging-state',
        accessLogBucketName: 'globex-staging-state-logs',
      },
      {
        name: 'live',
        profile: 'globex-live',
        accountId: '222222222222',
        region: 'eu-central-1',
        stateBucketName: 'globex-live-state',
        adopt: false,
        allowDestroy: true,
        kmsKeyArn: KMS_KEY_ARN,
        accessLogBucketName: 'globex-live-state-logs',
      },
    ]);
  });

  test('a file that starts with a UTF-8 byte-order mark is accepted', () => {
    const file = writeAccounts('\uFEFF{"platform": "acme", "accounts": {"prod": "acme-prod"}}');

    expect(loadConfig(file).accounts.map((account) => account.name)).toEqual(['prod']);
  });

  test('accounts keep the order of the file even when a name looks like a number', () => {
    const file = writeAccounts('{"platform": "acme", "accounts": {"prod": "p", "2025": "a", "dev": "d", "2024": "b"}}');

    expect(loadConfig(file).accounts.map((account) => account.name)).toEqual(['prod', '2025', 'dev', '2024']);
  });

  test('a path inside the working directory is shown relative to it in messages', () => {
    const problems = problemsOf(() => loadConfig(path.join(process.cwd(), 'no-such-accounts.json')));

    expect(problems).toEqual([
      'no-such-accounts.json: file not found; create it with "cp accounts.example.json accounts.json" and edit it, or set BOOTSTRAP_ACCOUNTS_FILE to its path',
    ]);
  });

  test('several problems in one file are all reported in one ConfigError, one line each', () => {
    const file = writeAccounts(
      JSON.stringify({
        platform: 'Acme',
        region: 'europe',
        accounts: { dev: { profile: 'acme-dev', acountId: '1' }, prod: 7 },
      }),
    );

    const problems = problemsOf(() => loadConfig(file));

    expect(problems).toHaveLength(4);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^.*accounts\.json: platform: "Acme" contains uppercase letters/),
        expect.stringMatching(/^.*accounts\.json: region: the string "europe" is not an AWS region code/),
        expect.stringMatching(/^.*accounts\.json: accounts\.dev\.acountId: unknown key; did you mean "accountId"\?/),
        expect.stringMatching(/^.*accounts\.json: accounts\.prod: must be a profile name or an object/),
      ]),
    );
    for (const problem of problems) expect(problem).not.toContain('\n');
  });
});

describe('validateConfig', () => {
  test('defaults are the documented ones: us-east-1, the "prod" account and 90 days', () => {
    const config = validateConfig({ platform: 'acme', accounts: { prod: 'acme-prod' } }, 'accounts.json');

    expect(DEFAULT_REGION).toBe('us-east-1');
    expect(DEFAULT_PRODUCTION_ACCOUNT).toBe('prod');
    expect(DEFAULT_NONCURRENT_VERSION_EXPIRATION_DAYS).toBe(90);
    expect(config.accounts[0]?.region).toBe('us-east-1');
    expect(config.productionAccount).toBe('prod');
    expect(config.stateBucket.noncurrentVersionExpirationDays).toBe(90);
  });

  test('an empty stateBucket object still gets the default expiration', () => {
    const config = validateConfig({ platform: 'acme', accounts: { prod: 'p' }, stateBucket: {} }, 'accounts.json');

    expect(config.stateBucket.noncurrentVersionExpirationDays).toBe(90);
  });

  test('accounts keep the order of the file, not alphabetical order', () => {
    const names = ['zulu', 'prod', 'alpha', 'mike', '9-numeric'];
    const accounts = Object.fromEntries(names.map((name) => [name, `acme-${name}`]));

    const config = validateConfig({ platform: 'acme', accounts }, 'accounts.json');

    expect(config.accounts.map((account) => account.name)).toEqual(names);
  });

  test('bucket names are derived as <platform>-<account>-state, never rewritten', () => {
    const config = validateConfig({ platform: 'acme-2', accounts: { prod: 'p', 'shared-services': 's' } }, 'accounts.json');

    expect(config.accounts.map((account) => account.stateBucketName)).toEqual([
      'acme-2-prod-state',
      'acme-2-shared-services-state',
    ]);
  });

  test('a bucket name of exactly 63 characters is accepted and one of 64 is refused', () => {
    const platform = 'p'.repeat(30);
    const fits = 'a'.repeat(63 - platform.length - '--state'.length);

    expect(
      validateConfig({ platform, accounts: { prod: 'p', [fits]: 'x' } }, 'f.json').accounts[1]?.stateBucketName,
    ).toHaveLength(63);
    expect(problemsOf(() => validateConfig({ platform, accounts: { prod: 'p', [`${fits}a`]: 'x' } }, 'f.json'))).toEqual([
      `f.json: accounts.${fits}a: gives the bucket name "${platform}-${fits}a-state" of 64 characters, over S3's limit of 63; shorten the platform or account name`,
    ]);
  });

  test('a "$schema" key naming the JSON Schema for editors is accepted and changes nothing', () => {
    const plain = { platform: 'acme', accounts: { dev: 'acme-dev', prod: 'acme-prod' } };
    expect(validateConfig({ $schema: './accounts.schema.json', ...plain }, 'a.json')).toEqual(validateConfig(plain, 'a.json'));
  });

  test('accounts.example.json starts with "$schema" and loads', () => {
    const example = path.join(repoRoot, 'accounts.example.json');
    expect(Object.keys(JSON.parse(readFileSync(example, 'utf8')) as object)[0]).toBe('$schema');
    expect(loadConfig(example).accounts.map((account) => account.name)).toEqual(['dev', 'prod']);
  });

  test('"$schema" must be a string, and a key like it is still an unknown key', () => {
    expect(problemsOf(() => validateConfig({ $schema: 5, platform: 'acme', accounts: { prod: 'p' } }, 'a.json'))).toEqual([
      'a.json: $schema: must be a string, got the number 5; write e.g. "$schema": "./accounts.schema.json"',
    ]);
    expect(problemsOf(() => validateConfig({ $schemas: 'x', platform: 'acme', accounts: { prod: 'p' } }, 'a.json'))).toEqual([
      expect.stringMatching(/^a\.json: \$schemas: unknown key; did you mean "\$schema"\? remove or rename it/),
    ]);
  });

  test('a typo of a required key is reported once, as the typo with a suggestion, not also as a missing key', () => {
    expect(problemsOf(() => validateConfig({ platfrom: 'acme', accounts: { prod: 'p' } }, 'a.json'))).toEqual([
      expect.stringMatching(
        /^a\.json: platfrom: unknown key; did you mean "platform"\? remove or rename it \(allowed here: platform, /,
      ),
    ]);
  });

  test('an unknown key far from every allowed key gets no suggestion', () => {
    expect(
      problemsOf(() => validateConfig({ platform: 'acme', accounts: { prod: { profile: 'p', owner: 'me' } } }, 'a.json')),
    ).toEqual([
      'a.json: accounts.prod.owner: unknown key; remove or rename it (allowed here: profile, accountId, region, adopt, allowDestroy, kmsKeyArn, kmsKeyAdminArns, roleArn, externalId, controlsOtherAccounts, pipelineAccess)',
    ]);
  });

  test('a reserved bucket prefix formed by the platform and one account is reported on that account', () => {
    expect(problemsOf(() => validateConfig({ platform: 'amzn', accounts: { prod: 'p', 's3-demo-app': 'd' } }, 'a.json'))).toEqual(
      [
        'a.json: accounts.s3-demo-app: gives the bucket name "amzn-s3-demo-app-state", which starts with the prefix "amzn-s3-demo-" that S3 reserves; rename the account',
      ],
    );
  });

  test('the file name given is the one messages name', () => {
    expect(problemsOf(() => validateConfig({ accounts: { prod: 'p' } }, 'conf/mine.json'))).toEqual([
      'conf/mine.json: platform: is missing; add it, e.g. "platform": "acme"',
    ]);
  });

  test('every problem is reported at once, not only the first', () => {
    const problems = problemsOf(() =>
      validateConfig(
        {
          platform: 'ac_me',
          productionAccount: 'live',
          stateBucket: { noncurrentVersionExpirationDays: 0 },
          accounts: { 'Dev.1': 'x', qa: { profile: '', accountId: 12 }, ops: { profile: 'o', region: 'moon-1' } },
        },
        'accounts.json',
      ),
    );

    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^accounts\.json: platform: "ac_me" contains characters other than/),
        expect.stringMatching(/^accounts\.json: stateBucket\.noncurrentVersionExpirationDays: must be at least 1 day/),
        expect.stringMatching(/^accounts\.json: accounts\["Dev\.1"\]: account name "Dev\.1" contains a period/),
        expect.stringMatching(/^accounts\.json: accounts\.qa\.profile: the profile name is empty/),
        expect.stringMatching(/^accounts\.json: accounts\.qa\.accountId: must be a string of 12 digits, got the number 12/),
        expect.stringMatching(/^accounts\.json: accounts\.ops\.region: the string "moon-1" is not an AWS region code/),
        expect.stringMatching(/^accounts\.json: productionAccount: the production account "live" is not among the accounts/),
      ]),
    );
    expect(problems).toHaveLength(7);
  });

  test('validation leaves the parsed input unchanged', () => {
    const raw = { platform: 'acme', accounts: { prod: 'acme-prod' } };
    const copy = structuredClone(raw);

    validateConfig(raw, 'accounts.json');

    expect(raw).toEqual(copy);
  });
});
