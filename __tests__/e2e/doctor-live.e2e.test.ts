// `npm run doctor -- --live` against moto: every profile signs in through STS (each in a moto account
// of its own; doctor-dev's really reaches prod's, the mistake rehearsed) and is compared with the
// accountId of accounts.json.
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { type Day2Sandbox, startDay2Sandbox } from './day2-support';

const PROD_ACCOUNT_ID = '111111111111';

let sandbox: Day2Sandbox | undefined;

function sb(): Day2Sandbox {
  if (sandbox === undefined) throw new Error('the sandbox did not start; see the beforeAll error');
  return sandbox;
}

beforeAll(async () => {
  sandbox = await startDay2Sandbox(
    {
      platform: 'doctor',
      accounts: {
        prod: { profile: 'doctor-prod', accountId: PROD_ACCOUNT_ID },
        dev: { profile: 'doctor-dev', accountId: '210987654321' },
        qa: 'doctor-qa',
      },
    },
    { profileAccounts: { 'doctor-dev': PROD_ACCOUNT_ID } },
  );
}, 120_000);

afterAll(async () => {
  await sandbox?.stop();
});

/** The table row of `check`, split into its three columns. */
function row(output: string, check: string): string | undefined {
  return output.split('\n').find((line) => line.startsWith(`${check} `));
}

test('doctor --live reports each profile’s caller identity and fails the account whose accountId does not match', async () => {
  const result = await sb().script('doctor', ['--live']);
  expect(row(result.output, 'identity of accounts.prod')).toMatch(
    /\sok\s+arn:aws:sts::111111111111:\S+, account 111111111111 \(matches accountId\)$/,
  );
  const qaAccount = sb().workspace.accounts.accountIds.get('qa') ?? 'missing';
  expect(row(result.output, 'identity of accounts.qa')).toMatch(
    new RegExp(`\\sok\\s+.*account ${qaAccount} \\(no accountId set to pin it\\)$`),
  );
  expect(row(result.output, 'identity of accounts.dev')).toMatch(
    /\sFAIL\s+profile doctor-dev signs in to account 111111111111, but accounts\.dev\.accountId is 210987654321; fix the profile's credentials, or the accountId in /,
  );
  expect(row(result.output, 'profile doctor-dev')).toMatch(/\sok\s/);
  expect(result.output).toMatch(/1 check\(s\) failed/);
  expect(result.code).toBe(1);
}, 120_000);

test('doctor --live passes when every profile belongs to its configured account', async () => {
  const matching = path.join(sb().workspace.root, 'matching-accounts.json');
  writeFileSync(
    matching,
    JSON.stringify({ platform: 'doctor', accounts: { prod: { profile: 'doctor-prod', accountId: PROD_ACCOUNT_ID } } }),
  );
  const result = await sb().script('doctor', ['--live'], { BOOTSTRAP_ACCOUNTS_FILE: matching });
  expect(result.output).toMatch(/All checks passed/);
  expect(result.output).not.toMatch(/\sFAIL\s/);
  expect(result.code).toBe(0);
}, 120_000);

test('without --live no profile is signed in with', async () => {
  const result = await sb().script('doctor');
  expect(result.output).not.toMatch(/identity of/);
  expect(result.code).toBe(0);
}, 120_000);
