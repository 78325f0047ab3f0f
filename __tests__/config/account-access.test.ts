import { validateConfig } from '../../src/config';
import { problemsOf } from '../support/problems';

const HUB = { profile: 'acme-hub', roleName: 'OrganizationAccountAccessRole' };
const DEFAULTS_EXAMPLE = '"accountDefaults": {"profile": "acme-hub", "roleName": "OrganizationAccountAccessRole"}';

function load(raw: Record<string, unknown>) {
  return validateConfig({ platform: 'acme', pipeline: false, ...raw }, 'accounts.json');
}

function account(raw: Record<string, unknown>, name: string) {
  return load(raw).accounts.find((a) => a.name === name);
}

describe('reaching an account through a role', () => {
  test('an account with only an accountId is reached by the default profile through the default role', () => {
    const dev = account({ accountDefaults: HUB, accounts: { dev: { accountId: '222222222222' } } }, 'dev');
    expect(dev).toMatchObject({
      profile: 'acme-hub',
      roleArn: 'arn:aws:iam::222222222222:role/OrganizationAccountAccessRole',
      accountId: '222222222222',
    });
  });

  test('the default role ARN is in the partition of the account region', () => {
    const cn = account({ accountDefaults: HUB, accounts: { dev: { accountId: '222222222222', region: 'cn-north-1' } } }, 'dev');
    expect(cn?.roleArn).toBe('arn:aws-cn:iam::222222222222:role/OrganizationAccountAccessRole');
    const gov = account(
      { accountDefaults: HUB, region: 'us-gov-west-1', accounts: { dev: { accountId: '222222222222' } } },
      'dev',
    );
    expect(gov?.roleArn).toBe('arn:aws-us-gov:iam::222222222222:role/OrganizationAccountAccessRole');
  });

  test('an account of its own roleArn takes its accountId from the role and the default profile', () => {
    const dev = account(
      { accountDefaults: HUB, accounts: { dev: { roleArn: 'arn:aws:iam::333333333333:role/Deployer', externalId: 'acme-x1' } } },
      'dev',
    );
    expect(dev).toMatchObject({
      profile: 'acme-hub',
      roleArn: 'arn:aws:iam::333333333333:role/Deployer',
      externalId: 'acme-x1',
      accountId: '333333333333',
    });
  });

  test('an account own roleArn wins over the default role', () => {
    const dev = account(
      {
        accountDefaults: HUB,
        accounts: { dev: { accountId: '333333333333', roleArn: 'arn:aws:iam::333333333333:role/Deployer' } },
      },
      'dev',
    );
    expect(dev?.roleArn).toBe('arn:aws:iam::333333333333:role/Deployer');
  });

  test('a roleArn without accountDefaults is assumed with the account own profile', () => {
    const dev = account(
      { accounts: { dev: { profile: 'acme-hub', roleArn: 'arn:aws:iam::333333333333:role/Deployer' } } },
      'dev',
    );
    expect(dev).toMatchObject({
      profile: 'acme-hub',
      roleArn: 'arn:aws:iam::333333333333:role/Deployer',
      accountId: '333333333333',
    });
  });

  test('an account that names its own profile and no roleArn is reached with that profile alone', () => {
    const config = load({ accountDefaults: HUB, accounts: { prod: { profile: 'acme-hub' }, dev: 'acme-dev' } });
    for (const reached of config.accounts) {
      expect(reached.roleArn).toBeUndefined();
      expect(reached.accountId).toBeUndefined();
    }
    expect(config.accounts.map((a) => a.profile)).toEqual(['acme-hub', 'acme-dev']);
  });

  test('the seed format without accountDefaults is unchanged: no role, no externalId', () => {
    const dev = account({ accounts: { dev: 'acme-dev' } }, 'dev');
    expect(dev).toEqual(expect.objectContaining({ name: 'dev', profile: 'acme-dev' }));
    expect(dev && 'roleArn' in dev).toBe(false);
    expect(dev && 'externalId' in dev).toBe(false);
  });

  test('a roleArn of another account than the accountId is refused, naming the roleArn', () => {
    expect(
      problemsOf(() =>
        load({
          accounts: { dev: { profile: 'acme-hub', accountId: '222222222222', roleArn: 'arn:aws:iam::333333333333:role/X' } },
        }),
      ),
    ).toEqual([
      'accounts.json: accounts.dev.roleArn: the role is in account 333333333333, but accountId is 222222222222; use a role of account 222222222222, or fix (or remove) the accountId',
    ]);
  });

  test('an account without a profile and without accountDefaults is refused', () => {
    expect(problemsOf(() => load({ accounts: { dev: { accountId: '222222222222' } } }))).toEqual([
      `accounts.json: accounts.dev.profile: is missing; add it, e.g. "profile": "acme-dev", or add ${DEFAULTS_EXAMPLE} to reach the account through a role`,
    ]);
  });

  test('a roleArn with no profile to assume it with is refused', () => {
    expect(problemsOf(() => load({ accounts: { dev: { roleArn: 'arn:aws:iam::222222222222:role/X' } } }))).toEqual([
      `accounts.json: accounts.dev.profile: no profile to assume the roleArn with; add "profile": "acme-hub" to the account, or ${DEFAULTS_EXAMPLE} to the file`,
    ]);
  });

  test('an account reached through the default role without an accountId is refused', () => {
    expect(problemsOf(() => load({ accountDefaults: HUB, accounts: { dev: { region: 'eu-west-1' } } }))).toEqual([
      'accounts.json: accounts.dev.accountId: is needed to reach the account through accountDefaults.roleName; add "accountId": "222222222222", or a "profile" of its own',
    ]);
  });

  test('an externalId on an account reached with its profile alone is refused', () => {
    expect(
      problemsOf(() => load({ accountDefaults: HUB, accounts: { dev: { profile: 'acme-dev', externalId: 'acme-x1' } } })),
    ).toEqual([
      'accounts.json: accounts.dev.externalId: is only sent when assuming a role, and the account is reached with its profile alone; add "roleArn", or remove externalId',
    ]);
  });

  test('malformed roleArn, externalId and accountDefaults are all reported at once', () => {
    expect(
      problemsOf(() =>
        load({
          accountDefaults: { profile: 'acme-hub', roleName: 'arn:aws:iam::1:role/X', extra: 1 },
          accounts: {
            dev: { profile: 'acme-hub', roleArn: 'arn:aws:iam::222222222222:user/bob' },
            qa: { profile: 'acme-hub', roleArn: 'arn:aws:iam::222222222222:role/X', externalId: 'a' },
          },
        }),
      ),
    ).toEqual([
      'accounts.json: accounts.dev.roleArn: the string "arn:aws:iam::222222222222:user/bob" is not an IAM role ARN; write e.g. "arn:aws:iam::222222222222:role/OrganizationAccountAccessRole"',
      'accounts.json: accounts.qa.externalId: the string "a" is not a valid external ID; use 2 to 1224 letters, digits or any of +=,.@:/-_, e.g. "acme-bootstrap"',
      'accounts.json: accountDefaults.roleName: the string "arn:aws:iam::1:role/X" is not an IAM role name; write the name alone (not an ARN), e.g. "OrganizationAccountAccessRole"',
      'accounts.json: accountDefaults.extra: unknown key; remove or rename it (allowed here: profile, roleName)',
    ]);
  });

  test('accountDefaults needs both a profile and a role name', () => {
    expect(problemsOf(() => load({ accountDefaults: { profile: 'acme-hub' }, accounts: { dev: 'acme-dev' } }))).toEqual([
      'accounts.json: accountDefaults.roleName: is missing; add it, e.g. "roleName": "OrganizationAccountAccessRole"',
    ]);
  });
});
