import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { validateConfig } from '../../src/config';
import { checkProfiles, checkProvider, checkTerraform, compareVersions } from '../../src/doctor/checks';
import { deployInstructions, doctorPassed, formatDoctorReport, runDoctor } from '../../src/doctor';
import { cliForNode } from '../../src/cli/node-cli';

/** The plain command the deploy shows: `npx cdktf`, or `npx cdktn` on Node >= 22.19 (src/cli/node-cli.ts). */
const NPX = cliForNode().npx;

const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'doctor-test-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Temp AWS files; the returned environment points the checks at them (never at the real ~/.aws). */
function awsFiles(config: string, credentials: string): NodeJS.ProcessEnv {
  const configFile = path.join(dir, 'aws-config');
  const credentialsFile = path.join(dir, 'aws-credentials');
  writeFileSync(configFile, config);
  writeFileSync(credentialsFile, credentials);
  return { AWS_CONFIG_FILE: configFile, AWS_SHARED_CREDENTIALS_FILE: credentialsFile, HOME: dir, PATH: '' };
}

/** A fake `terraform` executable that reports `version`, in a folder of its own to put on PATH. */
function fakeTerraform(version: string): string {
  const bin = path.join(dir, `bin-${version}`);
  mkdirSync(bin, { recursive: true });
  const file = path.join(bin, 'terraform');
  writeFileSync(file, `#!/bin/sh\necho '{"terraform_version":"${version}","platform":"linux_amd64"}'\n`);
  chmodSync(file, 0o755);
  return bin;
}

/** A provider mirror folder holding hashicorp/aws 5.100.0 (unpacked layout). */
function fakeMirror(): string {
  const mirror = path.join(dir, 'mirror');
  mkdirSync(path.join(mirror, 'registry.terraform.io', 'hashicorp', 'aws', '5.100.0', 'linux_amd64'), { recursive: true });
  return mirror;
}

const config = validateConfig(
  {
    platform: 'acme',
    accounts: { dev: 'acme-dev', staging: 'acme-staging', prod: 'acme-prod', sandbox: 'acme-dev', qa: 'acme-qa' },
  },
  'accounts.json',
);

describe('checkProfiles', () => {
  const env = (): NodeJS.ProcessEnv =>
    awsFiles(
      [
        '[profile acme-staging]',
        'sso_session = corp',
        'sso_account_id = 111122223333',
        'sso_role_name = Admin',
        '[sso-session corp]',
        'sso_start_url = https://example.awsapps.com/start',
        'sso_region = eu-west-1',
        '[profile acme-qa]',
        'region = eu-west-1',
      ].join('\n'),
      '[acme-dev]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = secret\n',
    );

  test('a profile with a key in the credentials file or a credential source in the config file passes', async () => {
    const results = await checkProfiles(config, env());
    expect(results.find((result) => result.check === 'profile acme-dev')).toMatchObject({
      status: 'ok',
      detail: expect.stringContaining('accounts.dev, accounts.sandbox: access key in') as unknown,
    });
    expect(results.find((result) => result.check === 'profile acme-staging')).toMatchObject({ status: 'ok' });
  });

  test('a missing profile fails, naming both files and the command that creates it', async () => {
    const prod = (await checkProfiles(config, env())).find((result) => result.check === 'profile acme-prod');
    expect(prod?.status).toBe('fail');
    expect(prod?.detail).toContain(
      `no profile "acme-prod" in ${path.join(dir, 'aws-config')} or ${path.join(dir, 'aws-credentials')}`,
    );
    expect(prod?.detail).toContain('aws configure --profile acme-prod');
  });

  test('a profile without any source of credentials fails', async () => {
    const qa = (await checkProfiles(config, env())).find((result) => result.check === 'profile acme-qa');
    expect(qa).toMatchObject({ status: 'fail', detail: expect.stringContaining('the profile has no credentials') as unknown });
  });

  test('credentials in the environment that could override the profiles are a warning', async () => {
    const results = await checkProfiles(config, { ...env(), AWS_ACCESS_KEY_ID: 'AKIAOVERRIDE' });
    expect(results.find((result) => result.check === 'AWS environment')?.status).toBe('warn');
    expect((await checkProfiles(config, env())).some((result) => result.check === 'AWS environment')).toBe(false);
  });

  test('missing AWS files mean every profile is missing', async () => {
    const results = await checkProfiles(config, {
      AWS_CONFIG_FILE: path.join(dir, 'none'),
      AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'none2'),
    });
    expect(results.map((result) => result.status)).toEqual(['fail', 'fail', 'fail', 'fail']);
  });
});

describe('checkTerraform', () => {
  test('terraform 1.10 or newer passes', async () => {
    const result = await checkTerraform({ PATH: fakeTerraform('1.11.4') });
    expect(result).toMatchObject({ status: 'ok', detail: expect.stringMatching(/^1\.11\.4 at /) as unknown });
  });

  test('terraform older than 1.10 fails, saying native S3 locking needs 1.10', async () => {
    const result = await checkTerraform({ PATH: fakeTerraform('1.9.8') });
    expect(result.status).toBe('fail');
    expect(result.detail).toMatch(
      /is 1\.9\.8, older than 1\.10\.0, which S3 native state locking \(use_lockfile\) needs; install Terraform/,
    );
  });

  test('no terraform on PATH fails with the install hint', async () => {
    expect(await checkTerraform({ PATH: dir })).toEqual({
      check: 'terraform',
      status: 'fail',
      detail: 'not found on PATH; install Terraform >= 1.10.0 (https://developer.hashicorp.com/terraform/install)',
    });
  });

  test.each([
    ['1.9.8', '1.10.0', -1],
    ['1.10.0', '1.10.0', 0],
    ['1.10.0-beta1', '1.10.0', -1],
    ['1.11.4', '1.10.0', 1],
    ['2.0.0', '1.10.0', 1],
  ])('compareVersions(%s, %s) is %d', (a, b, expected) => {
    expect(compareVersions(a, b)).toBe(expected);
  });
});

describe('checkProvider', () => {
  const noMirror = (): undefined => undefined;
  const unreachable = (): Promise<void> => Promise.reject(new Error('getaddrinfo ENOTFOUND registry.terraform.io'));

  test('a configured mirror that holds the provider passes', async () => {
    const mirror = fakeMirror();
    expect(await checkProvider({ BOOTSTRAP_PROVIDER_MIRROR: mirror, HOME: dir }, { live: false })).toMatchObject({
      status: 'ok',
      detail: `offline mirror ${mirror} (BOOTSTRAP_PROVIDER_MIRROR)`,
    });
  });

  test('a filesystem mirror in terraform’s CLI config that holds the provider passes', async () => {
    const mirror = fakeMirror();
    const cliConfig = path.join(dir, 'terraform.rc');
    writeFileSync(
      cliConfig,
      `provider_installation {\n  filesystem_mirror {\n    path    = "${mirror}"\n    include = ["registry.terraform.io/*/*"]\n  }\n}\n`,
    );
    expect(await checkProvider({ TF_CLI_CONFIG_FILE: cliConfig }, { live: false, findMirror: noMirror })).toMatchObject({
      status: 'ok',
      detail: `offline mirror ${mirror} (from ${cliConfig})`,
    });
  });

  test('terraform’s implied local mirror folder passes without configuration', async () => {
    const implied = path.join(dir, '.terraform.d', 'plugins');
    expect(await checkProvider({ HOME: dir }, { live: false, findMirror: () => implied })).toMatchObject({ status: 'ok' });
  });

  test('a configured mirror without the provider fails', async () => {
    const result = await checkProvider({ BOOTSTRAP_PROVIDER_MIRROR: dir, HOME: dir }, { live: false });
    expect(result.status).toBe('fail');
    expect(result.detail).toContain(`BOOTSTRAP_PROVIDER_MIRROR=${dir} does not hold it`);
  });

  test('a mirror found on the machine but not configured passes, since npm run deploy and the sandbox use it', async () => {
    const mirror = fakeMirror();
    const result = await checkProvider({ HOME: dir }, { live: false, findMirror: () => mirror });
    expect(result).toEqual({
      check: 'provider hashicorp/aws 5.100.0',
      status: 'ok',
      detail: `offline mirror ${mirror}, found on this machine: every command and the tests use it (export BOOTSTRAP_PROVIDER_MIRROR=${mirror} to pin it)`,
    });
  });

  test('BOOTSTRAP_PROVIDER_MIRROR is the mirror reported even when terraform’s CLI config names another, as the deploy uses it', async () => {
    const mirror = fakeMirror();
    const cliConfig = path.join(dir, 'terraform.rc');
    writeFileSync(cliConfig, `provider_installation {\n  filesystem_mirror {\n    path = "${mirror}"\n  }\n}\n`);
    const other = path.join(dir, 'other');
    mkdirSync(path.join(other, 'registry.terraform.io', 'hashicorp', 'aws', '5.100.0'), { recursive: true });
    const result = await checkProvider({ BOOTSTRAP_PROVIDER_MIRROR: other, TF_CLI_CONFIG_FILE: cliConfig }, { live: false });
    expect(result.detail).toBe(`offline mirror ${other} (BOOTSTRAP_PROVIDER_MIRROR)`);
  });

  test('without a mirror and without --live, the registry is not contacted and the row is a warning', async () => {
    const probe = jest.fn(unreachable);
    expect((await checkProvider({ HOME: dir }, { live: false, findMirror: noMirror, probe })).status).toBe('warn');
    expect(probe).not.toHaveBeenCalled();
  });

  test('with --live, an unreachable registry and no mirror fail', async () => {
    const result = await checkProvider({ HOME: dir }, { live: true, findMirror: noMirror, probe: unreachable });
    expect(result.status).toBe('fail');
    expect(result.detail).toContain('registry.terraform.io is not reachable (getaddrinfo ENOTFOUND registry.terraform.io)');
  });

  test('with --live, a reachable registry passes', async () => {
    const result = await checkProvider({ HOME: dir }, { live: true, findMirror: noMirror, probe: () => Promise.resolve() });
    expect(result.status).toBe('ok');
  });
});

describe('runDoctor', () => {
  function setup(accounts: unknown): NodeJS.ProcessEnv {
    const accountsFile = path.join(dir, 'accounts.json');
    writeFileSync(accountsFile, typeof accounts === 'string' ? accounts : JSON.stringify(accounts));
    return {
      ...awsFiles(
        '[profile acme-prod]\nregion = us-east-1\n',
        '[acme-prod]\naws_access_key_id = AKIA\naws_secret_access_key = s\n',
      ),
      BOOTSTRAP_ACCOUNTS_FILE: accountsFile,
      BOOTSTRAP_PROVIDER_MIRROR: fakeMirror(),
      PATH: fakeTerraform('1.11.4'),
    };
  }

  test('a ready machine passes every check', async () => {
    const results = await runDoctor({ env: setup({ platform: 'acme', accounts: { prod: 'acme-prod' } }), cwd: dir });
    expect(results.map((result) => [result.check, result.status])).toEqual([
      ['Node.js', 'ok'],
      ['accounts.json', 'ok'],
      ['profile acme-prod', 'ok'],
      ['terraform', 'ok'],
      ['provider hashicorp/aws 5.100.0', 'ok'],
    ]);
    expect(doctorPassed(results)).toBe(true);
    expect(formatDoctorReport(results)).toMatch(/All checks passed\.\n$/);
  });

  test('TF_CLI_CONFIG_FILE naming a missing file fails in one line that names the variable and the fix', async () => {
    const missing = path.join(dir, 'gone', 'terraform.rc');
    const env = { ...setup({ platform: 'acme', accounts: { prod: 'acme-prod' } }), TF_CLI_CONFIG_FILE: missing };
    const results = await runDoctor({ env, cwd: dir });
    expect(results.filter((result) => result.status !== 'ok')).toEqual([
      {
        check: 'TF_CLI_CONFIG_FILE',
        status: 'fail',
        detail: `${missing} does not exist, so every terraform run warns and ignores it; point it at an existing terraform CLI config, or unset it`,
      },
    ]);
    expect(doctorPassed(results)).toBe(false);
    writeFileSync(missing.replace(`gone${path.sep}`, ''), 'plugin_cache_may_break_dependency_lock_file = true\n');
    const present = await runDoctor({ env: { ...env, TF_CLI_CONFIG_FILE: path.join(dir, 'terraform.rc') }, cwd: dir });
    expect(present.find((result) => result.check === 'TF_CLI_CONFIG_FILE')?.status).toBe('ok');
    expect(doctorPassed(present)).toBe(true);
  });

  test('the deploy commands it prints skip the provider lock step when a mirror is in use, and name the pipeline stack', () => {
    const env: NodeJS.ProcessEnv = {
      ...setup({ platform: 'acme', accounts: { prod: 'acme-prod' } }),
      BOOTSTRAP_DEPLOY_PARALLELISM: '5',
    };
    const lines = deployInstructions({ env, cwd: dir });
    expect(lines.slice(0, 3)).toEqual(['Deploy with:', "  npm run deploy -- 'state-*'", '  npm run deploy -- pipeline-prod']);
    // By hand, a glob is bounded as the wrapper would bound it on this machine.
    expect(lines).toContain(`  TF_CLI_CONFIG_FILE=<file> ${NPX} deploy 'state-*' --parallelism 5 --skip-provider-lock`);
    expect(lines.at(-1)).toBe(
      `  where <file> is a terraform CLI config holding: provider_installation { filesystem_mirror { path = ${JSON.stringify(env.BOOTSTRAP_PROVIDER_MIRROR)} } }`,
    );
  });

  test('with "pipelineAccess" the access stacks come last', () => {
    const env = setup({
      platform: 'acme',
      accounts: { prod: { profile: 'acme-prod', accountId: '222222222222' } },
      pipelineAccess: { policyArns: ['arn:aws:iam::aws:policy/PowerUserAccess'] },
    });
    expect(deployInstructions({ env, cwd: dir }).slice(0, 4)).toEqual([
      'Deploy with:',
      "  npm run deploy -- 'state-*'",
      '  npm run deploy -- pipeline-prod',
      "  npm run deploy -- 'access-*'",
    ]);
  });

  test('an invalid accounts.json fails with its one-line problems and skips the profile check', async () => {
    const results = await runDoctor({
      env: setup({ platform: 'acme', accounts: { prod: 'acme-prod' }, platfrom: 'x' }),
      cwd: dir,
    });
    expect(results.filter((result) => result.status === 'fail')).toEqual([
      {
        check: 'accounts.json',
        status: 'fail',
        detail: expect.stringMatching(/accounts\.json: platfrom: unknown key; did you mean "platform"\?/) as unknown,
      },
    ]);
    expect(results.find((result) => result.check === 'AWS profiles')?.status).toBe('skip');
    expect(doctorPassed(results)).toBe(false);
    expect(formatDoctorReport(results)).toMatch(/1 check\(s\) failed: fix the FAIL rows above/);
  });

  test('npm run doctor prints the table and exits 1 when a check fails, 0 when none does', () => {
    const run = (env: NodeJS.ProcessEnv) =>
      spawnSync(process.execPath, ['--require', './scripts/ts-runner.js', 'scripts/doctor.ts'], {
        cwd: PROJECT_ROOT,
        env: { ...env, PATH: `${String(env.PATH)}${path.delimiter}${path.dirname(process.execPath)}` },
        encoding: 'utf8',
      });
    const good = run(setup({ platform: 'acme', accounts: { prod: 'acme-prod' } }));
    expect(good.stdout).toMatch(/^CHECK\s+RESULT\s+DETAIL\n/);
    expect(good.stdout).toMatch(/All checks passed\.\n\nDeploy with:\n {2}npm run deploy -- 'state-\*'\n/);
    expect(good.status).toBe(0);
    const bad = run(setup({ platform: 'acme', accounts: { prod: 'acme-prod', dev: 'acme-dev' } }));
    expect(bad.stdout).toMatch(/^profile acme-dev\s+FAIL\s+accounts\.dev: no profile "acme-dev" in /m);
    expect(bad.status).toBe(1);
  }, 60_000);

  test('an unknown option is refused with the usage and exit code 2', () => {
    const result = spawnSync(process.execPath, ['--require', './scripts/ts-runner.js', 'scripts/doctor.ts', '--lvie'], {
      cwd: PROJECT_ROOT,
      encoding: 'utf8',
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/Unknown option '--lvie'[\s\S]*Usage: npm run doctor/);
  }, 60_000);
});
