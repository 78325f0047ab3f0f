import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadConfig } from '../../src/config';
import { ConfigError } from '../../src/config/errors';
import {
  type AccountToAdd,
  type ImportRequest,
  importSettings,
  mergeImport,
  newAccountsText,
  writeMergedAccounts,
  writeNewAccounts,
} from '../../src/config/import-merge';

const HUB = '999999999999';

function request(accounts: readonly AccountToAdd[], overrides: Partial<ImportRequest> = {}): ImportRequest {
  return { profile: 'acme-hub', roleName: 'OrganizationAccountAccessRole', profileAccountId: HUB, accounts, ...overrides };
}

const role = (accountId: string, awsName: string): AccountToAdd => ({ accountId, awsName, reach: 'role' });

const EXISTING = `{
  "platform": "acme",
  "pipeline": false,
  "accounts": {
    "legacy": "acme-legacy",
    "prod": {"profile": "acme-prod", "accountId": "111111111111", "region": "eu-west-1"},
    "shared": {
      "roleArn": "arn:aws:iam::222222222222:role/Deployer",
      "profile": "acme-other"
    }
  }
}
`;

function parsed(text: string): Record<string, unknown> {
  return JSON.parse(text) as Record<string, unknown>;
}

describe('mergeImport', () => {
  test('existing entries stay first and byte for byte unchanged; new accounts follow, one line each', () => {
    const result = mergeImport(
      EXISTING,
      'accounts.json',
      request([role('333333333333', 'Team A'), role('444444444444', 'audit')]),
    );
    const expected = EXISTING.replace(
      '  "accounts": {',
      '  "accountDefaults": {"profile": "acme-hub", "roleName": "OrganizationAccountAccessRole"},\n  "accounts": {',
    ).replace(
      '      "profile": "acme-other"\n    }\n',
      '      "profile": "acme-other"\n    },\n    "audit": {"accountId": "444444444444"},\n    "team-a": {"accountId": "333333333333"}\n',
    );
    expect(result.text).toBe(expected);
  });

  test('accountDefaults with the profile and role name is added, before accounts, when the file has none', () => {
    const result = mergeImport(
      EXISTING,
      'accounts.json',
      request([role('333333333333', 'dev')], { roleName: 'AWSControlTowerExecution' }),
    );
    expect(result.text).toContain(
      `  "pipeline": false,\n  "accountDefaults": {"profile": "acme-hub", "roleName": "AWSControlTowerExecution"},\n  "accounts": {`,
    );
    expect(result.notes).toEqual([expect.stringMatching(/accounts\.legacy: no accountId/)]);
  });

  test('the merged file loads, and the new account is reached through the hub profile and the default role', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'import-merge-test-'));
    try {
      const result = mergeImport(EXISTING, 'accounts.json', request([role('333333333333', 'dev')]));
      writeFileSync(path.join(dir, 'accounts.json'), result.text);
      const config = loadConfig(path.join(dir, 'accounts.json'));
      expect(config.accounts.find((account) => account.name === 'dev')).toMatchObject({
        profile: 'acme-hub',
        roleArn: 'arn:aws:iam::333333333333:role/OrganizationAccountAccessRole',
        accountId: '333333333333',
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a different accountDefaults is left unchanged, explained, and the new accounts name their own profile and role', () => {
    const text = EXISTING.replace(
      '"accounts": {',
      '"accountDefaults": {"profile": "other-hub", "roleName": "Deployer"},\n  "accounts": {',
    );
    const result = mergeImport(text, 'accounts.json', request([role('333333333333', 'dev')]));
    expect(parsed(result.text).accountDefaults as object).toEqual({ profile: 'other-hub', roleName: 'Deployer' });
    expect((parsed(result.text).accounts as Record<string, unknown>).dev).toEqual({
      profile: 'acme-hub',
      roleArn: 'arn:aws:iam::333333333333:role/OrganizationAccountAccessRole',
    });
    expect(result.notes.join('\n')).toMatch(
      /accountDefaults: the file's \{"profile":"other-hub","roleName":"Deployer"\} differs from the import's \{"profile":"acme-hub","roleName":"OrganizationAccountAccessRole"\} and is left unchanged/,
    );
  });

  test('the explicit role ARN is in the partition of the file region', () => {
    const text =
      '{"platform": "acme", "region": "cn-north-1", "accountDefaults": {"profile": "x", "roleName": "y"}, "accounts": {}}';
    const result = mergeImport(text, 'accounts.json', request([role('333333333333', 'dev')]));
    expect((parsed(result.text).accounts as Record<string, { roleArn: string }>).dev?.roleArn).toBe(
      'arn:aws-cn:iam::333333333333:role/OrganizationAccountAccessRole',
    );
  });

  test('an equal accountDefaults is neither repeated nor mentioned', () => {
    const text = EXISTING.replace(
      '"accounts": {',
      '"accountDefaults": {"profile": "acme-hub", "roleName": "OrganizationAccountAccessRole"},\n  "accounts": {',
    );
    const result = mergeImport(text, 'accounts.json', request([role('333333333333', 'dev')]));
    expect(result.text.match(/accountDefaults/g)).toHaveLength(1);
    expect(result.notes.join('\n')).not.toMatch(/accountDefaults/);
    expect((parsed(result.text).accounts as Record<string, unknown>).dev).toEqual({ accountId: '333333333333' });
  });

  test('accounts already present by accountId or by the account of their roleArn are not added again', () => {
    const result = mergeImport(
      EXISTING,
      'accounts.json',
      request([role('111111111111', 'Production'), role('222222222222', 'Shared')]),
    );
    expect(result.added).toEqual([]);
    expect(result.text).toBe(EXISTING);
    expect(result.present).toEqual([
      { accountId: '111111111111', awsName: 'Production', name: 'prod' },
      { accountId: '222222222222', awsName: 'Shared', name: 'shared' },
    ]);
    expect(result.notes).toEqual([]);
  });

  test.each([
    ['the short form', '"hub": "acme-hub"'],
    ['an object with the profile alone', '"hub": {"profile": "acme-hub", "region": "eu-west-1"}'],
  ])("an entry naming the import's profile with no role (%s) is the profile's own account, not added again", (_, entry) => {
    const text = `{"platform": "acme", "accounts": {${entry}}}`;
    const result = mergeImport(text, 'accounts.json', request([{ accountId: HUB, awsName: 'Management', reach: 'profile' }]));
    expect(result.added).toEqual([]);
    expect(result.present).toEqual([{ accountId: HUB, awsName: 'Management', name: 'hub' }]);
  });

  test("the profile's own account is added with the profile alone, first, and needs no accountDefaults", () => {
    const text = '{\n  "platform": "acme",\n  "accounts": {}\n}\n';
    const result = mergeImport(text, 'accounts.json', request([{ accountId: HUB, awsName: 'Management', reach: 'profile' }]));
    expect(result.text).toBe(
      '{\n  "platform": "acme",\n  "accounts": {\n    "management": {"profile": "acme-hub", "accountId": "999999999999"}\n  }\n}\n',
    );
    const both = mergeImport(
      text,
      'accounts.json',
      request([role('100000000000', 'aaa'), { accountId: HUB, awsName: 'Management', reach: 'profile' }]),
    );
    expect(both.added.map((account) => account.name)).toEqual(['management', 'aaa']);
  });

  describe('the account that reaches the others', () => {
    const management: AccountToAdd = {
      accountId: HUB,
      awsName: 'Management',
      reach: 'profile',
      controlsOtherAccounts: 'organizations-management',
    };
    const ACCESS =
      '"pipelineAccess": {"policyArns": ["arn:aws:iam::aws:policy/PowerUserAccess"], "trust": {"github": [{"repository": "acme/infra", "branch": "main"}]}}';

    test('is written with its mark, and without pipelineAccess in the file nothing else', () => {
      const text = '{\n  "platform": "acme",\n  "accounts": {}\n}\n';
      const result = mergeImport(text, 'accounts.json', request([management]));
      expect((parsed(result.text).accounts as Record<string, unknown>).management).toEqual({
        profile: 'acme-hub',
        accountId: HUB,
        controlsOtherAccounts: 'organizations-management',
      });
    });

    test('with deploy roles in the file it is left out of them, and the merged file loads', () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'import-merge-test-'));
      try {
        const text = `{"platform": "acme", "pipeline": false, ${ACCESS}, "accounts": {}}`;
        const hub: AccountToAdd = { ...management, controlsOtherAccounts: 'hub' };
        const result = mergeImport(text, 'accounts.json', request([hub, role('333333333333', 'dev')]));
        expect((parsed(result.text).accounts as Record<string, unknown>).management).toEqual({
          profile: 'acme-hub',
          accountId: HUB,
          controlsOtherAccounts: 'hub',
          pipelineAccess: false,
        });
        expect((parsed(result.text).accounts as Record<string, unknown>).dev).toEqual({ accountId: '333333333333' });
        writeFileSync(path.join(dir, 'accounts.json'), result.text);
        const config = loadConfig(path.join(dir, 'accounts.json'));
        expect(config.accounts.find((account) => account.name === 'management')?.pipelineAccess).toBeUndefined();
        expect(config.accounts.find((account) => account.name === 'dev')?.pipelineAccess).toBeDefined();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    test('already in the file without the mark, it stays unchanged and a note says what to add', () => {
      const text =
        '{"platform": "acme", "accounts": {"root": "acme-hub", "other": {"profile": "acme-hub", "region": "eu-west-1"}}}';
      const result = mergeImport(text, 'accounts.json', request([management]));
      expect(result.text).toBe(text);
      expect(result.present).toEqual([{ accountId: HUB, awsName: 'Management', name: 'root' }]);
      expect(result.notes).toEqual([
        'accounts.root: is the organization\'s management account, which can reach every other account; add "controlsOtherAccounts": "organizations-management" to it (written as an object), and "pipelineAccess": false unless it should hold a deploy role',
      ]);
      const marked =
        '{"platform": "acme", "accounts": {"root": {"profile": "acme-hub", "controlsOtherAccounts": "organizations-management"}}}';
      expect(mergeImport(marked, 'accounts.json', request([management])).notes).toEqual([]);
    });
  });

  test('new names never collide with existing ones, and the rename is reported', () => {
    const result = mergeImport(EXISTING, 'accounts.json', request([role('333333330042', 'Prod')]));
    expect(result.added).toEqual([
      expect.objectContaining({
        name: 'prod-0042',
        accountId: '333333330042',
        reasons: [expect.stringMatching(/uppercase/), expect.stringMatching(/already named "prod"/)],
      }),
    ]);
  });

  test('a digits-only account name keeps its place at the end, where loadConfig finds it', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'import-merge-test-'));
    try {
      const result = mergeImport(EXISTING, 'accounts.json', request([role('333333333333', '2024')]));
      writeFileSync(path.join(dir, 'accounts.json'), result.text);
      expect(loadConfig(path.join(dir, 'accounts.json')).accounts.map((account) => account.name)).toEqual([
        'legacy',
        'prod',
        'shared',
        '2024',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("the file's own indentation and line endings are kept", () => {
    const text = '{\r\n\t"platform": "acme",\r\n\t"accounts": {\r\n\t\t"dev": "acme-dev"\r\n\t}\r\n}\r\n';
    const result = mergeImport(text, 'accounts.json', request([role('333333333333', 'qa')]));
    expect(result.text).toBe(
      '{\r\n\t"platform": "acme",\r\n\t"accountDefaults": {"profile": "acme-hub", "roleName": "OrganizationAccountAccessRole"},\r\n\t"accounts": {\r\n\t\t"dev": "acme-dev",\r\n\t\t"qa": {"accountId": "333333333333"}\r\n\t}\r\n}\r\n',
    );
  });

  test('a file on one line keeps its other keys on it, and its accounts come out one a line', () => {
    const text = '{"platform": "acme", "accounts": {"dev": "acme-dev", "prod": {"profile": "acme-prod"}}}';
    const result = mergeImport(text, 'accounts.json', request([role('333333333333', 'qa'), role('444444444444', 'stage')]));
    expect(result.text).toBe(
      [
        '{"platform": "acme", "accountDefaults": {"profile": "acme-hub", "roleName": "OrganizationAccountAccessRole"}, "accounts": {',
        '  "dev": "acme-dev",',
        '  "prod": {"profile": "acme-prod"},',
        '  "qa": {"accountId": "333333333333"},',
        '  "stage": {"accountId": "444444444444"}',
        '}}',
      ].join('\n'),
    );
  });

  test('an import of 25 accounts into a new file writes formatted JSON, no line longer than one entry', () => {
    const many = Array.from({ length: 25 }, (_, index) => role(String(100000000000 + index), `Team ${index}`));
    const result = mergeImport(newAccountsText('acme'), 'accounts.json', request(many));
    const lines = result.text.split('\n');
    expect(lines.slice(0, 4)).toEqual([
      '{',
      '  "platform": "acme",',
      '  "accountDefaults": {"profile": "acme-hub", "roleName": "OrganizationAccountAccessRole"},',
      '  "accounts": {',
    ]);
    expect(lines).toContain('    "team-0": {"accountId": "100000000000"},');
    expect(Math.max(...lines.map((line) => line.length))).toBeLessThan(100);
    expect(Object.keys(parsed(result.text).accounts as object)).toHaveLength(25);
  });

  test('a file without "accounts" gets one', () => {
    const text = '{\n  "platform": "acme"\n}\n';
    const result = mergeImport(text, 'accounts.json', request([role('333333333333', 'qa')]));
    expect(parsed(result.text)).toEqual({
      platform: 'acme',
      accountDefaults: { profile: 'acme-hub', roleName: 'OrganizationAccountAccessRole' },
      accounts: { qa: { accountId: '333333333333' } },
    });
  });

  test('a file that is not valid JSON is refused with its line, as loadConfig does', () => {
    expect(() => mergeImport('{\n  "platform": "acme",\n}', 'accounts.json', request([]))).toThrow(
      /accounts.json:2:\d+: invalid JSON: trailing comma/,
    );
    expect(() => mergeImport('{"platform": "acme", "accounts": []}', 'accounts.json', request([]))).toThrow(
      /accounts: must be an object/,
    );
  });
});

describe('importSettings', () => {
  test("the role name defaults to the file's accountDefaults.roleName when it names the same profile", () => {
    const text =
      '{"region": "us-gov-west-1", "accountDefaults": {"profile": "acme-hub", "roleName": "AWSControlTowerExecution"}}';
    expect(importSettings(text, 'accounts.json', 'acme-hub')).toEqual({
      region: 'us-gov-west-1',
      roleName: 'AWSControlTowerExecution',
    });
    expect(importSettings(text, 'accounts.json', 'other')).toEqual({
      region: 'us-gov-west-1',
      roleName: 'OrganizationAccountAccessRole',
    });
    expect(importSettings('{"region": "nowhere"}', 'accounts.json', 'x').region).toBe('us-east-1');
  });
});

describe('writeMergedAccounts', () => {
  let dir: string;
  let file: string;
  const original = '{\n  "platform": "acme",\n  "pipeline": false,\n  "accounts": {\n    "dev": "acme-dev"\n  }\n}\n';
  const valid = original.replace(
    '"dev": "acme-dev"',
    '"dev": "acme-dev",\n    "qa": {"profile": "acme-hub", "accountId": "333333333333"}',
  );
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'import-write-test-'));
    file = path.join(dir, 'accounts.json');
    writeFileSync(file, original);
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  test('a valid result is written, and the previous file kept as accounts.json.bak-<UTC time>', () => {
    const backup = writeMergedAccounts(file, 'accounts.json', original, valid, new Date('2026-12-01T07:56:45.123Z'));
    expect(backup).toBe(`${file}.bak-20261201T075645Z`);
    expect(readFileSync(backup, 'utf8')).toBe(original);
    expect(readFileSync(file, 'utf8')).toBe(valid);
    expect(readdirSync(dir).sort()).toEqual(['accounts.json', 'accounts.json.bak-20261201T075645Z']);
  });

  test('an earlier backup of the same second is never overwritten', () => {
    const now = new Date('2026-12-01T07:56:45Z');
    writeFileSync(`${file}.bak-20261201T075645Z`, 'earlier');
    const backup = writeMergedAccounts(file, 'accounts.json', original, valid, now);
    expect(backup).toBe(`${file}.bak-20261201T075645Z-2`);
    expect(readFileSync(`${file}.bak-20261201T075645Z`, 'utf8')).toBe('earlier');
  });

  test('a result that does not validate is not written, no backup is made, and the problems are listed', () => {
    const invalid = valid.replace('"pipeline": false,\n', '');
    let error: unknown;
    try {
      writeMergedAccounts(file, 'accounts.json', original, invalid);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      expect.stringMatching(/^accounts.json: accounts: the production account "prod" is not among the accounts/),
      expect.stringMatching(/^accounts.json: not written, since the merged result would not load/),
    ]);
    expect(readFileSync(file, 'utf8')).toBe(original);
    expect(readdirSync(dir)).toEqual(['accounts.json']);
  });

  test('a file changed since it was read is not overwritten', () => {
    writeFileSync(file, original.replace('acme-dev', 'acme-dev2'));
    expect(() => writeMergedAccounts(file, 'accounts.json', original, valid)).toThrow(/changed while the import ran/);
    expect(readFileSync(file, 'utf8')).toContain('acme-dev2');
    expect(readdirSync(dir)).toEqual(['accounts.json']);
  });
});

describe('writeNewAccounts', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'import-new-test-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  test('creates the file, and refuses one that appeared meanwhile without touching it', () => {
    const file = path.join(dir, 'accounts.json');
    writeNewAccounts(file, 'accounts.json', newAccountsText('acme'));
    expect(parsed(readFileSync(file, 'utf8'))).toEqual({ platform: 'acme', accounts: {} });
    writeFileSync(file, 'mine');
    expect(() => {
      writeNewAccounts(file, 'accounts.json', newAccountsText('acme'));
    }).toThrow('accounts.json: was created while the import ran; not written, run the import again');
    expect(readFileSync(file, 'utf8')).toBe('mine');
  });
});
