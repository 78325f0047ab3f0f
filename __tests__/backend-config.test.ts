import { runApp } from './support/run-app';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BACKENDS_DIR, backendConfigPath, backendConfigText, hclString, writeBackendConfigs } from '../src/backend-config';
import { validateConfig } from '../src/config';

const config = validateConfig(
  {
    platform: 'acme',
    region: 'eu-west-1',
    accounts: { dev: 'acme-dev', prod: { profile: 'acme-prod', region: 'eu-central-1', accountId: '123456789012' } },
  },
  'accounts.json',
);

/** The settings of a backend file as key → raw HCL value, ignoring comments. */
function settings(text: string): Record<string, string> {
  const entries = text
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#'))
    .map((line) => {
      const match = /^(\w+)\s*=\s*(.+)$/.exec(line);
      if (match === null) throw new Error(`not a setting: ${line}`);
      return [match[1], match[2]] as [string, string];
    });
  return Object.fromEntries(entries);
}

describe('backendConfigText', () => {
  const prod = config.accounts[1];
  if (prod === undefined) throw new Error('fixture lost its prod account');

  test('it sets bucket, region, encryption, native S3 locking and the profile of the account', () => {
    expect(settings(backendConfigText(prod))).toEqual({
      bucket: '"acme-prod-state"',
      region: '"eu-central-1"',
      encrypt: 'true',
      use_lockfile: 'true',
      profile: '"acme-prod"',
    });
  });

  test('with the opt-in lock table it also names the DynamoDB table, for Terraform < 1.10', () => {
    expect(settings(backendConfigText({ ...prod, lockTableName: 'acme-prod-state-lock' }))).toMatchObject({
      use_lockfile: 'true',
      dynamodb_table: '"acme-prod-state-lock"',
    });
    expect(settings(backendConfigText(prod))).not.toHaveProperty('dynamodb_table');
  });

  test('it leaves the state key to the consumer and says how to pass one', () => {
    const text = backendConfigText(prod);
    expect(settings(text)).not.toHaveProperty('key');
    expect(text).toContain('-backend-config="key=<project>/terraform.tfstate"');
  });

  test('it sets no endpoint, so the file users get always targets real AWS', () => {
    expect(backendConfigText(prod)).not.toMatch(/endpoint|path_style|skip_/);
  });

  test('a profile with quotes, backslashes and template sequences is escaped for HCL', () => {
    const text = backendConfigText({ ...prod, profile: 'we"ird\\${name}%{x}' });
    expect(settings(text).profile).toBe('"we\\"ird\\\\$${name}%%{x}"');
  });
});

describe('hclString', () => {
  test.each([
    ['plain', '"plain"'],
    ['a"b', '"a\\"b"'],
    ['a\\b', '"a\\\\b"'],
    ['line\nbreak', '"line\\nbreak"'],
    ['${var.x}', '"$${var.x}"'],
    ['%{ if }', '"%%{ if }"'],
    ['bell\u0007', '"bell\\u0007"'],
  ])('%j is written as %s', (value, expected) => {
    expect(hclString(value)).toBe(expected);
  });
});

describe('hclString with terraform', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'backend-config-hcl-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  test('terraform reads an escaped value back exactly (a local backend path is the probe)', () => {
    const name = 'we"ird ${x} %{y} back\\slash.tfstate';
    writeFileSync(path.join(dir, 'main.tf'), 'terraform {\n  backend "local" {}\n}\nresource "terraform_data" "probe" {}\n');
    writeFileSync(path.join(dir, 'probe.tfbackend'), `path = ${hclString(name)}\n`);
    const run = (args: string[]) =>
      spawnSync('terraform', [...args, '-input=false', '-no-color'], { cwd: dir, encoding: 'utf8' });
    const init = run(['init', '-backend-config=probe.tfbackend']);
    expect({ status: init.status, stderr: init.stderr }).toEqual({
      status: 0,
      stderr: expect.not.stringMatching(/Error/) as unknown,
    });
    expect(run(['apply', '-auto-approve']).status).toBe(0);
    expect(readdirSync(dir)).toContain(name);
  }, 60_000);
});

describe('the backend config of an account reached through a role', () => {
  const hub = validateConfig(
    {
      platform: 'acme',
      pipeline: false,
      accountDefaults: { profile: 'acme-hub', roleName: 'OrganizationAccountAccessRole' },
      accounts: {
        dev: { accountId: '222222222222' },
        qa: { roleArn: 'arn:aws:iam::333333333333:role/Deployer', externalId: 'acme-x1' },
        prod: { profile: 'acme-hub' },
      },
    },
    'accounts.json',
  );
  const text = (name: string): string => {
    const account = hub.accounts.find((a) => a.name === name);
    if (account === undefined) throw new Error(`fixture lost its ${name} account`);
    return backendConfigText(account);
  };

  test('it adds the role as an assume_role attribute (with =) after the hub profile', () => {
    expect(text('dev')).toContain(
      [
        'profile      = "acme-hub"',
        '# The profile reaches the account through this role (a role chain caps each session at 1 hour).',
        'assume_role = {',
        '  role_arn     = "arn:aws:iam::222222222222:role/OrganizationAccountAccessRole"',
        '  session_name = "bootstrap-aws"',
        '}',
        '',
      ].join('\n'),
    );
  });

  test('it sends the external ID when the account has one', () => {
    expect(text('qa')).toContain('  session_name = "bootstrap-aws"\n  external_id  = "acme-x1"\n}\n');
  });

  test('an account reached with its profile alone has no assume_role', () => {
    expect(text('prod')).not.toContain('assume_role');
  });
});

describe('writeBackendConfigs', () => {
  const dev = config.accounts[0];
  if (dev === undefined) throw new Error('fixture lost its dev account');

  let outdir: string;
  beforeEach(() => {
    outdir = mkdtempSync(path.join(os.tmpdir(), 'backend-config-test-'));
  });
  afterEach(() => {
    rmSync(outdir, { recursive: true, force: true });
  });

  test('it writes <outdir>/backends/<account>.s3.tfbackend for every account', () => {
    const written = writeBackendConfigs(outdir, config);
    expect(written).toEqual([
      path.join(outdir, 'backends', 'dev.s3.tfbackend'),
      path.join(outdir, 'backends', 'prod.s3.tfbackend'),
    ]);
    expect(readFileSync(backendConfigPath(outdir, 'dev'), 'utf8')).toBe(backendConfigText(dev));
    expect(readdirSync(path.join(outdir, BACKENDS_DIR)).sort()).toEqual(['dev.s3.tfbackend', 'prod.s3.tfbackend']);
  });

  test('a backend file of an account that was removed from accounts.json is deleted', () => {
    mkdirSync(path.join(outdir, BACKENDS_DIR));
    writeFileSync(backendConfigPath(outdir, 'old'), 'bucket = "acme-old-state"\n');
    writeFileSync(path.join(outdir, BACKENDS_DIR, 'notes.txt'), 'mine');
    writeBackendConfigs(outdir, config);
    expect(readdirSync(path.join(outdir, BACKENDS_DIR)).sort()).toEqual(['dev.s3.tfbackend', 'notes.txt', 'prod.s3.tfbackend']);
  });
});

describe('synth (main.ts)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'backend-config-synth-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  function synth(accounts: unknown) {
    return runApp(accounts, dir);
  }

  test('synth writes a backend config for every account next to the stacks', () => {
    const { status, stderr, outdir } = synth({ platform: 'acme', accounts: { dev: 'acme-dev', prod: 'acme-prod' } });
    expect(stderr).toBe('');
    expect(status).toBe(0);
    expect(readdirSync(path.join(outdir, BACKENDS_DIR)).sort()).toEqual(['dev.s3.tfbackend', 'prod.s3.tfbackend']);
    expect(settings(readFileSync(backendConfigPath(outdir, 'prod'), 'utf8')).bucket).toBe('"acme-prod-state"');
    expect(existsSync(path.join(outdir, 'stacks', 'state-prod', 'cdk.tf.json'))).toBe(true);
  }, 60_000);

  test('synth of an invalid accounts.json writes no backend config', () => {
    const { status, stderr, outdir } = synth({ platform: 'acme', accounts: { dev: 'acme-dev', prod: 'acme-prod' }, regoin: 'x' });
    expect(status).toBe(1);
    expect(stderr).toMatch(/regoin: unknown key/);
    expect(existsSync(path.join(outdir, BACKENDS_DIR))).toBe(false);
    expect(existsSync(outdir)).toBe(false);
  }, 60_000);
});
