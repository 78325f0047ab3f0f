import type { AccountConfig } from '../../src/config';
import { ConfigError } from '../../src/config';
import { checkKeyDeletionAllowed, mayDeleteCreatedKey, principalOf } from '../../src/destroy/key-deletion';

const account: AccountConfig = {
  name: 'dev',
  profile: 'acme-dev',
  region: 'eu-west-1',
  stateBucketName: 'acme-dev-state',
  adopt: false,
  allowDestroy: true,
  stateKeyAlias: 'alias/acme-dev-state',
  kmsKeyAdminArns: ['arn:aws:iam::111122223333:role/platform/terraform-deploy', 'arn:aws:iam::111122223333:user/alice'],
};

describe('who may delete the key this project created for an account', () => {
  test('an assumed-role session is judged as its role, as aws:PrincipalArn sees it', () => {
    expect(principalOf('arn:aws:sts::111122223333:assumed-role/terraform-deploy/laptop-session')).toBe(
      'arn:aws:iam::111122223333:role/terraform-deploy',
    );
    expect(principalOf('arn:aws:iam::111122223333:user/alice')).toBe('arn:aws:iam::111122223333:user/alice');
  });

  test('the root user and the listed administrators may, whatever the role path; others may not', () => {
    const admins = account.kmsKeyAdminArns ?? [];
    expect(mayDeleteCreatedKey('arn:aws:iam::111122223333:root', [])).toBe(true);
    expect(mayDeleteCreatedKey('arn:aws:sts::111122223333:assumed-role/terraform-deploy/s', admins)).toBe(true);
    expect(mayDeleteCreatedKey('arn:aws:iam::111122223333:user/alice', admins)).toBe(true);
    expect(mayDeleteCreatedKey('arn:aws:sts::111122223333:assumed-role/AdministratorAccess/s', admins)).toBe(false);
    expect(mayDeleteCreatedKey('arn:aws:sts::444455556666:assumed-role/terraform-deploy/s', admins)).toBe(false);
    expect(mayDeleteCreatedKey('arn:aws:iam::111122223333:user/bob', [])).toBe(false);
  });

  test('npm run destroy refuses, before anything changes, a profile the key policy would stop at ScheduleKeyDeletion', async () => {
    const refusal = checkKeyDeletionAllowed('accounts.json', account, () =>
      Promise.resolve('arn:aws:sts::111122223333:assumed-role/AdministratorAccess/laptop'),
    );
    await expect(refusal).rejects.toThrow(ConfigError);
    await expect(refusal).rejects.toMatchObject({
      problems: [
        'accounts.json: accounts.dev.kmsKeyAdminArns: the key policy of alias/acme-dev-state lets only the root user and these ARNs delete the key, and profile acme-dev is arn:aws:iam::111122223333:role/AdministratorAccess; add that ARN to "kmsKeyAdminArns", run "npm run deploy -- state-dev", then destroy; nothing was changed',
      ],
    });
  });

  test('an account without a created key is not asked for its identity at all', async () => {
    const identity = jest.fn(() => Promise.resolve('arn:aws:iam::111122223333:user/bob'));
    await checkKeyDeletionAllowed('accounts.json', { ...account, stateKeyAlias: undefined }, identity);
    expect(identity).not.toHaveBeenCalled();
  });

  test('without kmsKeyAdminArns the deployer administers the key, and the same profile destroys: nothing is asked', async () => {
    const identity = jest.fn(() => Promise.resolve('arn:aws:iam::111122223333:user/bob'));
    await checkKeyDeletionAllowed('accounts.json', { ...account, kmsKeyAdminArns: undefined }, identity);
    expect(identity).not.toHaveBeenCalled();
  });
});
