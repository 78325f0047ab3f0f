// `npm run accounts -- import` against moto's AWS Organizations, through the real script and the SDK.
// moto's behaviour, not AWS's: plain keys act in 123456789012, which becomes the management account
// (named "master") when it creates the organization; ListAccounts honours MaxResults (AWS allows at
// most 20 a page, moto 100 by default, so the 25 accounts here come in 2 pages only if the import
// asks for 20); CloseAccount makes an account SUSPENDED at once (AWS passes through PENDING_CLOSURE,
// covered by the unit tests). No terraform: the import only reads Organizations and writes the file.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  CloseAccountCommand,
  CreateAccountCommand,
  CreateOrganizationCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { loadConfig } from '../../src/config';
import { DUMMY_ACCESS_KEY_ID, DUMMY_SECRET_ACCESS_KEY, writeAwsFiles } from '../../src/sandbox/aws-files';
import { PROJECT_ROOT } from '../../src/terraform/cdktf-cli';
import { sandboxEnv } from '../../src/sandbox/environment';
import { type MotoServer, startMoto } from '../../src/sandbox/moto';

const MANAGEMENT = '123456789012';
const TEAMS = Array.from({ length: 19 }, (_, index) => `team-${String(index + 1).padStart(2, '0')}`);

let moto: MotoServer | undefined;
let dir: string;
let env: NodeJS.ProcessEnv;
let accountsFile: string;
/** Account IDs by AWS account name, as moto created them. */
const ids: Record<string, string> = {};

beforeAll(async () => {
  // No IAM role here needs an AWS-managed policy; loading them costs moto ~2 s per created account.
  moto = await startMoto({ loadManagedPolicies: false });
  dir = mkdtempSync(path.join(os.tmpdir(), 'accounts-import-e2e-'));
  accountsFile = path.join(dir, 'accounts.json');
  const awsFiles = writeAwsFiles(dir, [{ profile: 'org-admin', region: 'us-east-1' }]);
  env = sandboxEnv(process.env, {
    accountsFile,
    stateDir: path.join(dir, 'state'),
    endpoint: moto.endpoint,
    awsFiles,
    workDir: dir,
  });
}, 60_000);

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await moto?.stop();
});

interface ScriptResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `npm run accounts -- …` as npm would, with stdout (the merged file) and stderr (the report) apart. */
function accounts(args: readonly string[]): Promise<ScriptResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--require', './scripts/ts-runner.js', 'scripts/accounts.ts', ...args],
      { cwd: PROJECT_ROOT, env, timeout: 120_000 },
      (error, stdout, stderr) => {
        resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr });
      },
    );
  });
}

function organizations(): OrganizationsClient {
  const endpoint = moto?.endpoint;
  if (endpoint === undefined) throw new Error('moto did not start; see the beforeAll error');
  return new OrganizationsClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: DUMMY_ACCESS_KEY_ID, secretAccessKey: DUMMY_SECRET_ACCESS_KEY },
  });
}

function backups(): string[] {
  return readdirSync(dir).filter((name) => name.startsWith('accounts.json.bak-'));
}

test('a profile whose account is in no organization gets one line with the fix, and nothing is written', async () => {
  writeFileSync(accountsFile, '{"platform": "acme", "accounts": {"dev": "dev-admin"}}\n');
  const result = await accounts(['import', '--profile', 'org-admin', '--write']);
  expect(result.code).toBe(1);
  expect(result.stderr).toBe(
    "error: --profile org-admin: arn:aws:sts::123456789012:user/moto is in an account that belongs to no organization (AWSOrganizationsNotInUseException); use the profile of the organization's management account\n",
  );
  expect(result.stdout).toBe('');
  expect(backups()).toEqual([]);
}, 120_000);

describe('with an organization of 25 accounts, one of them closed', () => {
  let original: string;

  beforeAll(async () => {
    const client = organizations();
    try {
      await client.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
      for (const name of ['Audit', 'Shared Services', 'Dev', 'Prod Account', 'Closed One', ...TEAMS]) {
        const { CreateAccountStatus } = await client.send(
          new CreateAccountCommand({ AccountName: name, Email: `${name.replace(/\W/g, '')}@example.com` }),
        );
        ids[name] = CreateAccountStatus?.AccountId ?? '';
      }
      await client.send(new CloseAccountCommand({ AccountId: ids['Closed One'] }));
    } finally {
      client.destroy();
    }
    original = `{
  "platform": "acme",
  "pipeline": false,
  "accounts": {
    "legacy": {
      "profile": "legacy-admin",
      "region": "eu-west-1"
    },
    "audit": {"profile": "audit-admin", "accountId": "${ids.Audit}"},
    "shared": {"profile": "org-admin", "roleArn": "arn:aws:iam::${ids['Shared Services']}:role/OrganizationAccountAccessRole"},
    "dev": "dev-admin"
  }
}
`;
    writeFileSync(accountsFile, original);
  }, 120_000);

  test('the import prints the merged file, reports renames, present and closed accounts, and writes nothing', async () => {
    const result = await accounts(['import', '--profile', 'org-admin']);
    expect(result.code).toBe(0);
    const start = original.indexOf('"legacy"');
    const end = original.indexOf('"dev": "dev-admin"') + '"dev": "dev-admin"'.length;
    // Existing entries first and as they were, byte for byte.
    expect(result.stdout).toContain(`  "accounts": {\n    ${original.slice(start, end)},\n    "master": `);
    const merged = JSON.parse(result.stdout) as { accountDefaults: object; accounts: Record<string, unknown> };
    expect(merged.accountDefaults).toEqual({ profile: 'org-admin', roleName: 'OrganizationAccountAccessRole' });
    expect(Object.keys(merged.accounts)).toEqual([
      'legacy',
      'audit',
      'shared',
      'dev',
      'master',
      `dev-${ids.Dev?.slice(-4)}`,
      'prod-account',
      ...TEAMS,
    ]);
    // DescribeOrganization's MasterAccountId marks it: every member's OrganizationAccountAccessRole trusts it.
    expect(merged.accounts.master).toEqual({
      profile: 'org-admin',
      accountId: MANAGEMENT,
      controlsOtherAccounts: 'organizations-management',
    });
    expect(result.stdout).toContain(
      `"master": {"profile": "org-admin", "accountId": "${MANAGEMENT}", "controlsOtherAccounts": "organizations-management"}`,
    );
    expect(merged.accounts['team-07']).toEqual({ accountId: ids['team-07'] });
    expect(result.stderr).toContain(
      `Organization of management account ${MANAGEMENT}: 25 accounts, listed as arn:aws:sts::123456789012:user/moto (profile org-admin).`,
    );
    expect(result.stderr).toMatch(
      new RegExp(`dev-\\d{4}  ${ids.Dev} \\(renamed from "Dev": .*an account of accounts.json is already named "dev"`),
    );
    expect(result.stderr).toContain(
      `Already in ${accountsFile}, not added again:\n  audit  ${ids.Audit} ("Audit")\n  shared  ${ids['Shared Services']}`,
    );
    expect(result.stderr).toContain(`Left out:\n  "Closed One"  ${ids['Closed One']}  state SUSPENDED\n`);
    expect(result.stderr).toContain('Nothing written. Run again with --write');
    expect(readFileSync(accountsFile, 'utf8')).toBe(original);
    expect(backups()).toEqual([]);
  }, 120_000);

  test('--write writes the merged file, which loads, after keeping the previous one as a backup', async () => {
    const result = await accounts(['import', '--profile', 'org-admin', '--write']);
    expect(result.code).toBe(0);
    const written = readFileSync(accountsFile, 'utf8');
    expect(written).toBe(result.stdout);
    expect(backups()).toEqual([expect.stringMatching(/^accounts\.json\.bak-\d{8}T\d{6}Z$/)]);
    expect(readFileSync(path.join(dir, backups()[0] ?? ''), 'utf8')).toBe(original);
    expect(result.stderr).toMatch(
      /Wrote .*accounts\.json \(22 accounts added\); the previous version is in .*accounts\.json\.bak-/,
    );

    const config = loadConfig(accountsFile);
    expect(config.accounts).toHaveLength(26);
    expect(config.accounts.find((account) => account.name === 'master')).toMatchObject({
      profile: 'org-admin',
      accountId: MANAGEMENT,
    });
    expect(config.accounts.find((account) => account.name === 'master')?.roleArn).toBeUndefined();
    expect(config.accounts.find((account) => account.name === 'prod-account')).toMatchObject({
      profile: 'org-admin',
      roleArn: `arn:aws:iam::${ids['Prod Account']}:role/OrganizationAccountAccessRole`,
      accountId: ids['Prod Account'],
    });
    expect(config.accounts.some((account) => account.accountId === ids['Closed One'])).toBe(false);

    // The mark keeps a deploy role out of the management account once the file asks for deploy roles.
    const withAccess = path.join(dir, 'with-access.json');
    writeFileSync(
      withAccess,
      written.replace(
        '"pipeline": false,',
        '"pipeline": false,\n  "pipelineAccess": {"policyArns": ["arn:aws:iam::aws:policy/PowerUserAccess"], "trust": {"github": [{"repository": "acme/infra", "branch": "main"}]}},',
      ),
    );
    expect(() => loadConfig(withAccess)).toThrow(
      /accounts\.master\.pipelineAccess: the account is the Organizations management account, .*add "pipelineAccess": false to the account, or opt in with "pipelineAccess": \{"allowInControllingAccount": true\}/,
    );
    rmSync(withAccess);
  }, 120_000);

  test('importing again adds nothing and writes nothing', async () => {
    const before = readFileSync(accountsFile, 'utf8');
    const result = await accounts(['import', '--profile', 'org-admin', '--write']);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`Nothing to add; ${accountsFile} is unchanged.`);
    expect(readFileSync(accountsFile, 'utf8')).toBe(before);
    expect(backups()).toHaveLength(1);
  }, 120_000);

  test('into a file that does not exist: --platform starts it, --write creates it formatted, with what to fix listed', async () => {
    const fresh = path.join(dir, 'new', 'accounts.json');
    mkdirSync(path.dirname(fresh));
    const refused = await accounts(['import', '--profile', 'org-admin', '--write', fresh]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /^error: .*new\/accounts\.json: file not found; to start it with the organization's accounts, add --platform NAME/,
    );
    expect(existsSync(fresh)).toBe(false);

    const result = await accounts(['import', '--profile', 'org-admin', '--platform', 'acme', '--write', fresh]);
    expect(result.code).toBe(0);
    const written = readFileSync(fresh, 'utf8');
    expect(written).toBe(result.stdout);
    expect(written.startsWith('{\n  "platform": "acme",\n  "accountDefaults": ')).toBe(true);
    expect(Math.max(...written.split('\n').map((line) => line.length))).toBeLessThan(130);
    expect(Object.keys((JSON.parse(written) as { accounts: object }).accounts)).toHaveLength(24);
    // No account is named "prod" in this organization: the file is written, and the fix is named.
    expect(result.stderr).toMatch(/warning: .*accounts\.json: accounts: the production account "prod" is not among the accounts/);
    expect(result.stderr).toMatch(/Wrote .*accounts\.json \(24 accounts\); fix the problems above in it before any deploy/);
    expect(readdirSync(path.dirname(fresh))).toEqual(['accounts.json']);
  }, 120_000);

  test('--write refuses a merged file that would not load, lists the problems and writes nothing', async () => {
    const other = path.join(dir, 'other.json');
    const text = '{\n  "platform": "acme",\n  "accounts": {\n    "dev": "dev-admin"\n  }\n}\n';
    writeFileSync(other, text);
    const result = await accounts(['import', '--profile', 'org-admin', '--write', other]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/error: .*other\.json: accounts: the production account "prod" is not among the accounts/);
    expect(result.stderr).toMatch(/error: .*other\.json: not written, since the merged result would not load/);
    expect(readFileSync(other, 'utf8')).toBe(text);
    expect(readdirSync(dir).filter((name) => name.startsWith('other.json.'))).toEqual([]);
  }, 120_000);
});
