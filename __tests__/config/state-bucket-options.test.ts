// accounts.json's SSE-KMS and access-log options: what each account gets, and the cross-field checks.
import { validateConfig } from '../../src/config';
import { problemsOf } from '../support/problems';

const KEY_EU_WEST_1 = 'arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab';

describe('SSE-KMS and access-log options in accounts.json', () => {
  test('with both options off, no account gets a key alias or an access-log bucket', () => {
    const [account] = validateConfig({ platform: 'acme', accounts: { prod: 'acme-prod' } }, 'a.json').accounts;
    expect(account).not.toHaveProperty('stateKeyAlias');
    expect(account).not.toHaveProperty('accessLogBucketName');
    expect(account).not.toHaveProperty('kmsKeyArn');
  });

  test('stateBucket.kms gives every account without kmsKeyArn a created key named alias/<platform>-<account>-state', () => {
    const config = validateConfig(
      {
        platform: 'acme',
        region: 'eu-west-1',
        stateBucket: { kms: true },
        accounts: { dev: 'acme-dev', prod: { profile: 'acme-prod', kmsKeyArn: KEY_EU_WEST_1 } },
      },
      'a.json',
    );
    expect(config.accounts.map((a) => [a.name, a.stateKeyAlias, a.kmsKeyArn])).toEqual([
      ['dev', 'alias/acme-dev-state', undefined],
      ['prod', undefined, KEY_EU_WEST_1],
    ]);
  });

  test('kmsKeyArn alone turns SSE-KMS on for that account only', () => {
    const config = validateConfig(
      { platform: 'acme', region: 'eu-west-1', accounts: { dev: 'acme-dev', prod: { profile: 'p', kmsKeyArn: KEY_EU_WEST_1 } } },
      'a.json',
    );
    expect(config.accounts.map((a) => [a.name, a.stateKeyAlias, a.kmsKeyArn])).toEqual([
      ['dev', undefined, undefined],
      ['prod', undefined, KEY_EU_WEST_1],
    ]);
  });

  test('stateBucket.accessLogs gives every account the bucket <platform>-<account>-state-logs', () => {
    const config = validateConfig(
      { platform: 'acme', stateBucket: { accessLogs: true, accessLogRetentionDays: 30 }, accounts: { dev: 'd', prod: 'p' } },
      'a.json',
    );
    expect(config.accounts.map((a) => a.accessLogBucketName)).toEqual(['acme-dev-state-logs', 'acme-prod-state-logs']);
    expect(config.stateBucket.accessLogRetentionDays).toBe(30);
  });

  test('a kmsKeyArn from another region than the account’s is refused with the fix', () => {
    expect(
      problemsOf(() =>
        validateConfig({ platform: 'acme', accounts: { prod: { profile: 'p', kmsKeyArn: KEY_EU_WEST_1 } } }, 'a.json'),
      ),
    ).toEqual([
      "a.json: accounts.prod.kmsKeyArn: the key is in region eu-west-1, but the account's state bucket is in us-east-1, and S3 encrypts only with a key of the bucket's region; use a key from us-east-1",
    ]);
  });

  test('the account’s own region, then the top-level region, is what the key must match', () => {
    const ok = { profile: 'p', region: 'eu-west-1', kmsKeyArn: KEY_EU_WEST_1 };
    expect(() => validateConfig({ platform: 'acme', accounts: { prod: ok } }, 'a.json')).not.toThrow();
    expect(() =>
      validateConfig(
        { platform: 'acme', region: 'eu-west-1', accounts: { prod: { profile: 'p', kmsKeyArn: KEY_EU_WEST_1 } } },
        'a.json',
      ),
    ).not.toThrow();
    expect(
      problemsOf(() =>
        validateConfig(
          { platform: 'acme', region: 'eu-west-1', accounts: { prod: { ...ok, region: 'eu-central-1' } } },
          'a.json',
        ),
      ),
    ).toEqual([
      expect.stringMatching(/^a\.json: accounts\.prod\.kmsKeyArn: the key is in region eu-west-1, but .* in eu-central-1/),
    ]);
  });

  test('a kmsKeyArn of another account than accountId is refused with the fix', () => {
    expect(
      problemsOf(() =>
        validateConfig(
          {
            platform: 'acme',
            region: 'eu-west-1',
            accounts: { prod: { profile: 'p', accountId: '222222222222', kmsKeyArn: KEY_EU_WEST_1 } },
          },
          'a.json',
        ),
      ),
    ).toEqual([
      "a.json: accounts.prod.kmsKeyArn: the key belongs to account 111111111111, not to this account's accountId 222222222222; use a key of account 222222222222",
    ]);
  });

  test('a kmsKeyArn of another account than the one roleArn reaches is refused with the fix', () => {
    expect(
      problemsOf(() =>
        validateConfig(
          {
            platform: 'acme',
            region: 'eu-west-1',
            accounts: { prod: { profile: 'hub', roleArn: 'arn:aws:iam::222222222222:role/Deployer', kmsKeyArn: KEY_EU_WEST_1 } },
          },
          'a.json',
        ),
      ),
    ).toEqual([
      "a.json: accounts.prod.kmsKeyArn: the key belongs to account 111111111111, not to this account's ID (from roleArn) 222222222222; use a key of account 222222222222",
    ]);
  });

  test('a kmsKeyArn that is not an ARN gets the schema’s message only', () => {
    expect(
      problemsOf(() =>
        validateConfig({ platform: 'acme', accounts: { prod: { profile: 'p', kmsKeyArn: 'alias/mine' } } }, 'a.json'),
      ),
    ).toEqual([expect.stringMatching(/^a\.json: accounts\.prod\.kmsKeyArn: the string "alias\/mine" is not a KMS key ARN/)]);
  });

  test('an access-log bucket name over 63 characters is refused only when accessLogs is on', () => {
    // 52 characters of platform and account: the state bucket name fits (60), the log bucket name (64) does not.
    const platform = 'p'.repeat(30);
    const account = 'a'.repeat(22);
    const file = { platform, productionAccount: account, accounts: { [account]: 'x' } };
    expect(() => validateConfig(file, 'a.json')).not.toThrow();
    expect(problemsOf(() => validateConfig({ ...file, stateBucket: { accessLogs: true } }, 'a.json'))).toEqual([
      `a.json: accounts.${account}: with "stateBucket.accessLogs" on, gives the access-log bucket name "${platform}-${account}-state-logs" of 64 characters, over S3's limit of 63; shorten the platform or account name (together at most 51 characters) or turn accessLogs off`,
    ]);
    const shorter = 'a'.repeat(21);
    expect(() =>
      validateConfig(
        { platform, productionAccount: shorter, accounts: { [shorter]: 'x' }, stateBucket: { accessLogs: true } },
        'a.json',
      ),
    ).not.toThrow();
  });

  describe('kmsKeyAdminArns', () => {
    const ADMIN = 'arn:aws:iam::111111111111:role/key-admin';
    const withAdmins = (admins: unknown, more: Record<string, unknown> = {}) => ({
      platform: 'acme',
      stateBucket: { kms: true },
      accounts: { prod: { profile: 'p', kmsKeyAdminArns: admins, ...more } },
    });

    test('the administrators reach the account of a created key; without them the account has none', () => {
      const config = validateConfig(withAdmins([ADMIN, 'arn:aws:iam::111111111111:user/ops/alice']), 'a.json');
      expect(config.accounts[0]?.kmsKeyAdminArns).toEqual([ADMIN, 'arn:aws:iam::111111111111:user/ops/alice']);
      expect(validateConfig(withAdmins([]), 'a.json').accounts[0]).not.toHaveProperty('kmsKeyAdminArns');
    });

    test('anything but a full IAM role or user ARN is refused, one line per entry with the fix', () => {
      expect(
        problemsOf(() => validateConfig(withAdmins(['arn:aws:iam::111111111111:role/*', 'admin', ADMIN, ADMIN]), 'a.json')),
      ).toEqual([
        'a.json: accounts.prod.kmsKeyAdminArns[0]: "arn:aws:iam::111111111111:role/*" has a wildcard; list each key administrator by its full role or user ARN',
        'a.json: accounts.prod.kmsKeyAdminArns[1]: "admin" is not an IAM role or user ARN; write e.g. "arn:aws:iam::123456789012:role/key-admin"',
        'a.json: accounts.prod.kmsKeyAdminArns[3]: repeats entry [2]; remove one',
      ]);
    });

    test('without stateBucket.kms there is no created key to administer: refused with the fix', () => {
      expect(
        problemsOf(() =>
          validateConfig({ platform: 'acme', accounts: { prod: { profile: 'p', kmsKeyAdminArns: [ADMIN] } } }, 'a.json'),
        ),
      ).toEqual([
        'a.json: accounts.prod.kmsKeyAdminArns: no KMS key is created for the account (stateBucket.kms is off), so there is nothing to administer; remove it, or set "stateBucket": {"kms": true}',
      ]);
    });

    test('an account with its own kmsKeyArn is refused: that key’s policy is the owner’s to write', () => {
      expect(
        problemsOf(() => validateConfig(withAdmins([ADMIN], { region: 'eu-west-1', kmsKeyArn: KEY_EU_WEST_1 }), 'a.json')),
      ).toEqual([
        "a.json: accounts.prod.kmsKeyAdminArns: the account brings its own key (kmsKeyArn), whose policy bootstrap-aws does not write; remove kmsKeyAdminArns and name the administrators in that key's policy",
      ]);
    });

    test('an administrator of another account than accountId is refused with the fix', () => {
      expect(problemsOf(() => validateConfig(withAdmins([ADMIN], { accountId: '222222222222' }), 'a.json'))).toEqual([
        "a.json: accounts.prod.kmsKeyAdminArns[0]: the principal belongs to account 111111111111, not to this account's accountId 222222222222; name a role or user of account 222222222222",
      ]);
    });

    test('an administrator of another account than the one roleArn reaches is refused with the fix', () => {
      expect(
        problemsOf(() =>
          validateConfig(withAdmins([ADMIN], { profile: 'hub', roleArn: 'arn:aws:iam::222222222222:role/Deployer' }), 'a.json'),
        ),
      ).toEqual([
        "a.json: accounts.prod.kmsKeyAdminArns[0]: the principal belongs to account 111111111111, not to this account's ID (from roleArn) 222222222222; name a role or user of account 222222222222",
      ]);
    });
  });
});
