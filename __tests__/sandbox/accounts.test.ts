import { validateConfig } from '../../src/config';
import { madeUpAccountId, MOTO_DEFAULT_ACCOUNT_ID, parseProfileAccounts, planSandboxAccounts } from '../../src/sandbox/accounts';

const plan = (raw: object, overrides?: Record<string, string>) =>
  planSandboxAccounts(validateConfig({ platform: 'acme', pipeline: false, ...raw }, 'accounts.json'), overrides);

describe('the moto account of each profile and account in a rehearsal', () => {
  test('an account with an accountId lands in that account, reached with its own profile', () => {
    const accounts = plan({ accounts: { prod: { profile: 'acme-prod', accountId: '111111111111' } } });
    expect(accounts.accountIds.get('prod')).toBe('111111111111');
    expect(accounts.profileAccounts.get('acme-prod')).toBe('111111111111');
    expect(accounts.madeUp.has('prod')).toBe(false);
  });

  test('accounts without an accountId get distinct, stable made-up IDs, never moto’s default account', () => {
    const raw = { accounts: { dev: 'acme-dev', qa: 'acme-qa', prod: 'acme-prod' } };
    const first = plan(raw);
    const ids = [...first.accountIds.values()];
    expect(new Set(ids).size).toBe(3);
    for (const id of ids) {
      expect(id).toMatch(/^[1-9]\d{11}$/);
      expect(id).not.toBe(MOTO_DEFAULT_ACCOUNT_ID);
    }
    expect([...plan(raw).accountIds.values()]).toEqual(ids);
    expect([...first.madeUp].sort()).toEqual(['dev', 'prod', 'qa']);
  });

  test('accounts reached through a hub land in their roles’ accounts, and the hub profile gets one of its own', () => {
    const accounts = plan({
      accountDefaults: { profile: 'acme-hub', roleName: 'OrganizationAccountAccessRole' },
      accounts: {
        dev: { accountId: '222222222222' },
        qa: { roleArn: 'arn:aws:iam::333333333333:role/Deployer' },
        prod: { profile: 'acme-hub' },
      },
    });
    expect(accounts.accountIds.get('dev')).toBe('222222222222');
    expect(accounts.accountIds.get('qa')).toBe('333333333333');
    // The hub account itself, reached with the profile alone, is the hub profile's account.
    const hub = accounts.profileAccounts.get('acme-hub');
    expect(accounts.accountIds.get('prod')).toBe(hub);
    expect(hub).not.toMatch(/^(222222222222|333333333333)$/);
    expect([...accounts.madeUp]).toEqual(['prod']);
  });

  test('a made-up ID never takes an ID that accounts.json gives', () => {
    const taken = madeUpAccountId('acme-dev');
    const accounts = plan({ accounts: { dev: 'acme-dev', prod: { profile: 'acme-prod', accountId: taken } } });
    expect(accounts.accountIds.get('prod')).toBe(taken);
    expect(accounts.accountIds.get('dev')).not.toBe(taken);
  });

  test('an override says which account a profile really reaches, whatever accountId accounts.json gives', () => {
    const accounts = plan(
      { accounts: { dev: { profile: 'acme-dev', accountId: '210987654321' } } },
      { 'acme-dev': '111111111111' },
    );
    expect(accounts.profileAccounts.get('acme-dev')).toBe('111111111111');
    expect(accounts.accountIds.get('dev')).toBe('111111111111');
  });
});

describe('BOOTSTRAP_SANDBOX_PROFILE_ACCOUNTS', () => {
  test('reads profile=account pairs separated by commas', () => {
    expect(parseProfileAccounts(' acme-dev=111111111111, acme-qa = 222222222222 ')).toEqual({
      'acme-dev': '111111111111',
      'acme-qa': '222222222222',
    });
    expect(parseProfileAccounts(undefined)).toEqual({});
  });

  test('a malformed entry names the variable, the entry and the form', () => {
    expect(() => parseProfileAccounts('acme-dev=1234')).toThrow(
      'BOOTSTRAP_SANDBOX_PROFILE_ACCOUNTS: "acme-dev=1234" is not profile=<12-digit account ID>; write e.g. acme-dev=111111111111',
    );
  });
});
