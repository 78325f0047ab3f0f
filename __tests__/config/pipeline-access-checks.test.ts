// The Organizations management account and the hub (`controlsOtherAccounts`): a deploy role there
// could reach every other account, so it is refused unless the account opts in.
import { validateConfig } from '../../src/config';
import { problemsOf } from '../support/problems';

const POWER_USER = 'arn:aws:iam::aws:policy/PowerUserAccess';
const ACCESS = { policyArns: [POWER_USER], trust: { github: [{ repository: 'acme/infra', branch: 'main' }] } };
const DEV = { profile: 'acme-dev', accountId: '111111111111' };

function load(management: Record<string, unknown>, withDeployRoles = true, access: Record<string, unknown> = ACCESS) {
  return validateConfig(
    {
      platform: 'acme',
      pipeline: false,
      accounts: { management: { profile: 'acme-management', accountId: '999999999999', ...management }, dev: DEV },
      ...(withDeployRoles ? { pipelineAccess: access } : {}),
    },
    'accounts.json',
  );
}

describe('an account that reaches the others (controlsOtherAccounts)', () => {
  test.each([
    [
      'organizations-management',
      'the Organizations management account, which OrganizationAccountAccessRole in every member account trusts: a deploy role here that may edit its own policies, or act on AWS Organizations, reaches every member',
    ],
    [
      'hub',
      "the hub, whose profile assumes a role in every other account: a deploy role here that may edit its own policies can assume those roles where they trust the hub's account",
    ],
  ])('marked %s, it gets no deploy role by default: one line naming the field and both fixes', (kind, why) => {
    expect(problemsOf(() => load({ controlsOtherAccounts: kind }))).toEqual([
      `accounts.json: accounts.management.pipelineAccess: the account is ${why} ("controlsOtherAccounts": "${kind}"); add "pipelineAccess": false to the account, or opt in with "pipelineAccess": {"allowInControllingAccount": true}`,
    ]);
  });

  test('with "pipelineAccess": false it is left out, and the other accounts keep their deploy roles', () => {
    const config = load({ controlsOtherAccounts: 'organizations-management', pipelineAccess: false });
    expect(config.accounts.map((account) => [account.name, account.pipelineAccess !== undefined])).toEqual([
      ['management', false],
      ['dev', true],
    ]);
  });

  test('with the explicit opt-in and the created boundary it gets its deploy role', () => {
    const config = load({ controlsOtherAccounts: 'hub', pipelineAccess: { allowInControllingAccount: true } }, true, {
      ...ACCESS,
      permissionsBoundary: 'create',
    });
    expect(config.accounts.find((account) => account.name === 'management')?.pipelineAccess).toMatchObject({
      deployRoleArn: 'arn:aws:iam::999999999999:role/acme-pipeline-deploy',
    });
  });

  test.each([
    ['hub', 'the hub', {}],
    ['organizations-management', 'the Organizations management account', {}],
    ['hub', 'the hub', { permissionsBoundaryArn: 'arn:aws:iam::999999999999:policy/own-boundary' }],
  ])('the opt-in in %s without the created boundary is refused in one line naming the fix', (kind, where, boundary) => {
    expect(
      problemsOf(() =>
        load({ controlsOtherAccounts: kind, pipelineAccess: { allowInControllingAccount: true } }, true, {
          ...ACCESS,
          ...boundary,
        }),
      ),
    ).toEqual([
      `accounts.json: accounts.management.pipelineAccess.allowInControllingAccount: a deploy role in ${where} needs the boundary the access stack creates, which stops it editing its own policies; add "permissionsBoundary": "create" to the top-level "pipelineAccess"`,
    ]);
  });

  test('an account reached with accountDefaults.profile alone is the hub, and must be marked before deploy roles', () => {
    const file = (hub: unknown) =>
      validateConfig(
        {
          platform: 'acme',
          pipeline: false,
          accountDefaults: { profile: 'acme-hub', roleName: 'OrganizationAccountAccessRole' },
          accounts: { hub, dev: { accountId: '111111111111' } },
          pipelineAccess: ACCESS,
        },
        'accounts.json',
      );
    const why =
      'accounts.json: accounts.hub: is reached with accountDefaults.profile ("acme-hub") alone, so it is the hub, which can reach every other account; add "controlsOtherAccounts": "hub" to it, and "pipelineAccess": false unless it should hold a deploy role';
    expect(problemsOf(() => file('acme-hub'))).toEqual([why]);
    expect(problemsOf(() => file({ profile: 'acme-hub', accountId: '999999999999' }))).toEqual([why]);
    // Marked and left out; or reached through a role, which makes it a member, not the hub.
    expect(file({ profile: 'acme-hub', controlsOtherAccounts: 'hub', pipelineAccess: false }).accounts).toHaveLength(2);
    expect(
      file({ profile: 'acme-hub', roleArn: 'arn:aws:iam::999999999999:role/OrganizationAccountAccessRole' }).accounts,
    ).toHaveLength(2);
  });

  test('the mark alone is fine without deploy roles in the file', () => {
    expect(load({ controlsOtherAccounts: 'organizations-management' }, false).accounts).toHaveLength(2);
  });

  test('the opt-in on an account without the mark is refused, as it would do nothing', () => {
    expect(problemsOf(() => load({ pipelineAccess: { allowInControllingAccount: true } }))).toEqual([
      'accounts.json: accounts.management.pipelineAccess.allowInControllingAccount: has no effect, since the account has no "controlsOtherAccounts"; remove it',
    ]);
  });

  test('an unknown kind is refused with the two it may be', () => {
    expect(problemsOf(() => load({ controlsOtherAccounts: 'root' }))).toEqual([
      'accounts.json: accounts.management.controlsOtherAccounts: must be "organizations-management" or "hub", got the string "root"; write "organizations-management" for the Organizations management account, "hub" for the account of accountDefaults.profile',
    ]);
  });
});
