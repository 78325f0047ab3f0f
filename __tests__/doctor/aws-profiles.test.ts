// Profile kinds, resolved offline by src/doctor/aws-profiles.ts, each in temp AWS files (never ~/.aws).
// Where the SDK's own fromIni can resolve a fixture offline too (static keys, role chains with a stub
// role assumer, and every failure it detects before calling AWS), it is asked as well: the doctor's
// verdict must be the SDK's.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fromIni } from '@aws-sdk/credential-provider-ini';
import { validateConfig } from '../../src/config';
import { awsFileLocations, loadAwsProfiles, type ProfileResolution, resolveProfile } from '../../src/doctor/aws-profiles';
import { checkProfiles } from '../../src/doctor/checks';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'aws-profiles-test-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Writes the two files in the temp folder and returns the environment that points at them. */
function awsFiles(config: string[], credentials: string[] = []): NodeJS.ProcessEnv {
  const configFile = path.join(dir, 'config');
  const credentialsFile = path.join(dir, 'credentials');
  writeFileSync(configFile, config.join('\n'));
  writeFileSync(credentialsFile, credentials.join('\n'));
  return { AWS_CONFIG_FILE: configFile, AWS_SHARED_CREDENTIALS_FILE: credentialsFile, HOME: dir };
}

async function resolve(profile: string, env: NodeJS.ProcessEnv): Promise<ProfileResolution> {
  return resolveProfile(profile, await loadAwsProfiles(awsFileLocations(env)), env);
}

/**
 * Whether the SDK's fromIni resolves the profile, with a stub instead of STS (so nothing leaves the
 * machine). Only for fixtures without SSO tokens, credential_process or instance metadata.
 */
async function sdkResolves(profile: string, env: NodeJS.ProcessEnv): Promise<boolean> {
  const provider = fromIni({
    profile,
    configFilepath: env.AWS_CONFIG_FILE,
    filepath: env.AWS_SHARED_CREDENTIALS_FILE,
    ignoreCache: true,
    roleAssumer: () => Promise.resolve({ accessKeyId: 'ASIASTUB', secretAccessKey: 'stub' }),
    roleAssumerWithWebIdentity: () => Promise.resolve({ accessKeyId: 'ASIASTUB', secretAccessKey: 'stub' }),
  });
  return provider().then(
    () => true,
    () => false,
  );
}

/** Resolves with the doctor and with the SDK, expects them to agree, and returns the doctor's answer. */
async function resolveLikeTheSdk(profile: string, env: NodeJS.ProcessEnv): Promise<ProfileResolution> {
  const resolution = await resolve(profile, env);
  expect(resolution.kind === 'ok').toBe(await sdkResolves(profile, env));
  return resolution;
}

const KEYS = ['aws_access_key_id = AKIAEXAMPLE', 'aws_secret_access_key = secret'];
const ROLE = 'arn:aws:iam::111122223333:role/deploy';

describe('reading the files with the SDK’s loader', () => {
  test('in the config file only [default] and [profile NAME] are profiles; in the credentials file every section is', async () => {
    const env = awsFiles(
      [
        '# comment',
        '[default]',
        'region = eu-west-1',
        '[profile acme.dev]',
        'sso_session = corp',
        's3 =',
        '  addressing_style = path',
        '[sso-session corp]',
        'sso_start_url = https://example.awsapps.com/start',
        '[services local]',
        's3 =',
        '  endpoint_url = http://localhost:4566',
        '[not-a-profile]',
        'region = us-east-1',
      ],
      ['[hub.main]', ...KEYS, '; comment', '[default]', 'aws_access_key_id=AKIB\r'],
    );
    const files = await loadAwsProfiles(awsFileLocations(env));
    expect(files.profiles['acme.dev']).toEqual({ sso_session: 'corp', 's3.addressing_style': 'path' });
    expect(files.profiles.default).toEqual({ region: 'eu-west-1', aws_access_key_id: 'AKIB' });
    expect(files.profiles['hub.main']).toEqual({ aws_access_key_id: 'AKIAEXAMPLE', aws_secret_access_key: 'secret' });
    expect(files.profiles['not-a-profile']).toBeUndefined();
    expect(files.ssoSessions).toEqual({ corp: { sso_start_url: 'https://example.awsapps.com/start' } });
  });

  test('a setting in the credentials file wins over the same setting in the config file', async () => {
    const env = awsFiles(['[profile dev]', 'region = eu-west-1', 'aws_access_key_id = FROMCONFIG'], ['[dev]', ...KEYS]);
    const files = await loadAwsProfiles(awsFileLocations(env));
    expect(files.profiles.dev).toEqual({
      region: 'eu-west-1',
      aws_access_key_id: 'AKIAEXAMPLE',
      aws_secret_access_key: 'secret',
    });
    expect(await resolve('dev', env)).toMatchObject({ source: `access key in ${path.join(dir, 'credentials')}` });
  });

  test('a file that exists but cannot be read is reported; a missing one is simply empty', async () => {
    mkdirSync(path.join(dir, 'config'));
    const files = await loadAwsProfiles({ configFile: path.join(dir, 'config'), credentialsFile: path.join(dir, 'none') });
    expect(files.problems).toEqual([`${path.join(dir, 'config')}: cannot be read (EISDIR); check its permissions`]);
  });
});

describe('awsFileLocations', () => {
  // A made-up home folder: these only compute paths, they read nothing.
  const home = path.join(os.tmpdir(), 'aws-profiles-test-home');

  test('AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE are used when set, with ~/ meaning the home folder', () => {
    const elsewhere = path.join(os.tmpdir(), 'elsewhere', 'config');
    expect(awsFileLocations({ AWS_CONFIG_FILE: elsewhere, AWS_SHARED_CREDENTIALS_FILE: '~/creds' }, home)).toEqual({
      configFile: elsewhere,
      credentialsFile: path.join(home, 'creds'),
    });
  });

  test('without them (or when empty) the files in ~/.aws are used, ~ being HOME as the SDK takes it', () => {
    expect(awsFileLocations({ HOME: home, AWS_CONFIG_FILE: '' })).toEqual({
      configFile: path.join(home, '.aws', 'config'),
      credentialsFile: path.join(home, '.aws', 'credentials'),
    });
    expect(awsFileLocations({ USERPROFILE: home }).configFile).toBe(path.join(home, '.aws', 'config'));
  });

  test('profiles are read from the files the variables name, ~/ included', async () => {
    mkdirSync(path.join(dir, 'aws-elsewhere'));
    writeFileSync(path.join(dir, 'aws-elsewhere', 'conf'), '[profile moved]\ncredential_process = /bin/false\n');
    writeFileSync(path.join(dir, 'creds'), `[only-creds]\n${KEYS.join('\n')}\n`);
    const env = { HOME: dir, AWS_CONFIG_FILE: '~/aws-elsewhere/conf', AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'creds') };
    expect(await resolve('moved', env)).toMatchObject({ kind: 'ok' });
    expect(await resolve('only-creds', env)).toMatchObject({ kind: 'ok' });
    // The default ~/.aws files (here in the temp HOME) are not read once the variables are set.
    mkdirSync(path.join(dir, '.aws'));
    writeFileSync(path.join(dir, '.aws', 'credentials'), `[default-location]\n${KEYS.join('\n')}\n`);
    expect(await resolve('default-location', env)).toEqual({ kind: 'missing' });
    expect(await resolve('default-location', { HOME: dir })).toMatchObject({ kind: 'ok' });
  });
});

describe('resolveProfile, kind by kind', () => {
  test('static keys in the credentials file resolve', async () => {
    const env = awsFiles([], ['[dev]', ...KEYS]);
    expect(await resolveLikeTheSdk('dev', env)).toEqual({
      kind: 'ok',
      source: `access key in ${path.join(dir, 'credentials')}`,
      usesEnvironmentKeys: false,
    });
  });

  test('a profile only in the credentials file resolves, and so does [default]', async () => {
    const env = awsFiles(['[profile other]', 'region = eu-west-1'], ['[default]', ...KEYS, '[ci]', ...KEYS]);
    expect(await resolveLikeTheSdk('ci', env)).toMatchObject({ kind: 'ok' });
    expect(await resolveLikeTheSdk('default', env)).toMatchObject({ kind: 'ok' });
  });

  test('an access key without its secret does not resolve, and the row says which setting is missing', async () => {
    const env = awsFiles([], ['[dev]', 'aws_access_key_id = AKIAEXAMPLE']);
    expect(await resolveLikeTheSdk('dev', env)).toEqual({
      kind: 'invalid',
      problem: `profile dev: aws_access_key_id in ${path.join(dir, 'credentials')} has no aws_secret_access_key beside it; add it with "aws configure --profile dev"`,
    });
  });

  test('role_arn with a source_profile that has keys resolves (one hop)', async () => {
    const env = awsFiles(['[profile dev]', `role_arn = ${ROLE}`, 'source_profile = hub'], ['[hub]', ...KEYS]);
    expect(await resolveLikeTheSdk('dev', env)).toEqual({
      kind: 'ok',
      source: `role ${ROLE} via source_profile hub: access key in ${path.join(dir, 'credentials')}`,
      usesEnvironmentKeys: false,
    });
  });

  test('role_arn through two source_profile hops resolves, each hop named', async () => {
    const env = awsFiles(
      [
        '[profile dev]',
        `role_arn = ${ROLE}`,
        'source_profile = mid',
        '[profile mid]',
        'role_arn = arn:aws:iam::444455556666:role/hub',
        'source_profile = base',
      ],
      ['[base]', ...KEYS],
    );
    expect(await resolveLikeTheSdk('dev', env)).toMatchObject({
      kind: 'ok',
      source: `role ${ROLE} via source_profile mid: role arn:aws:iam::444455556666:role/hub via source_profile base: access key in ${path.join(dir, 'credentials')}`,
    });
  });

  test('a role whose source_profile is itself and holds keys resolves, as the SDK allows', async () => {
    const env = awsFiles([], ['[dev]', ...KEYS, `role_arn = ${ROLE}`, 'source_profile = dev']);
    expect(await resolveLikeTheSdk('dev', env)).toMatchObject({
      kind: 'ok',
      source: expect.stringContaining('source_profile dev: access key') as unknown,
    });
  });

  test('a source_profile loop fails, naming the profile, the setting and the fix', async () => {
    const env = awsFiles([
      '[profile dev]',
      `role_arn = ${ROLE}`,
      'source_profile = hub',
      '[profile hub]',
      'role_arn = arn:aws:iam::444455556666:role/hub',
      'source_profile = dev',
    ]);
    expect(await resolveLikeTheSdk('dev', env)).toEqual({
      kind: 'invalid',
      problem: `profile dev: source_profile = hub in ${path.join(dir, 'config')} closes a source_profile loop (hub -> dev -> hub); give one profile of the loop its own credentials (access key, SSO or credential_process) or point its source_profile elsewhere`,
    });
    // A role that names itself without keys of its own is the shortest loop.
    const self = awsFiles(['[profile dev]', `role_arn = ${ROLE}`, 'source_profile = dev']);
    expect(await resolveLikeTheSdk('dev', self)).toMatchObject({
      kind: 'invalid',
      problem: expect.stringContaining('loop (dev -> dev)') as unknown,
    });
  });

  test('a missing source_profile fails, naming the profile, the setting and the fix', async () => {
    const env = awsFiles(['[profile dev]', `role_arn = ${ROLE}`, 'source_profile = hub']);
    expect(await resolveLikeTheSdk('dev', env)).toEqual({
      kind: 'invalid',
      problem: `profile dev: source_profile = hub in ${path.join(dir, 'config')}, but there is no profile "hub" in ${path.join(dir, 'config')} or ${path.join(dir, 'credentials')}; create it (e.g. "aws configure --profile hub") or fix source_profile`,
    });
  });

  test('a source_profile without credentials fails, naming it', async () => {
    const env = awsFiles(['[profile dev]', `role_arn = ${ROLE}`, 'source_profile = hub', '[profile hub]', 'region = eu-west-1']);
    expect(await resolveLikeTheSdk('dev', env)).toMatchObject({
      kind: 'invalid',
      problem: expect.stringContaining('but profile hub has no credentials') as unknown,
    });
  });

  test('role_arn with neither source_profile nor credential_source fails, and so does one with both', async () => {
    const neither = awsFiles(['[profile dev]', `role_arn = ${ROLE}`]);
    expect(await resolveLikeTheSdk('dev', neither)).toMatchObject({
      kind: 'invalid',
      problem: expect.stringContaining('needs exactly one of source_profile or credential_source, and neither is set') as unknown,
    });
    const both = awsFiles(
      ['[profile dev]', `role_arn = ${ROLE}`, 'source_profile = hub', 'credential_source = Environment'],
      ['[hub]', ...KEYS],
    );
    expect(await resolveLikeTheSdk('dev', both)).toMatchObject({
      kind: 'invalid',
      problem: expect.stringContaining('both are set; remove one') as unknown,
    });
  });

  test('a role with mfa_serial fails, since neither Terraform nor the SDK here can prompt for the code', async () => {
    const env = awsFiles(
      ['[profile dev]', `role_arn = ${ROLE}`, 'source_profile = hub', 'mfa_serial = arn:aws:iam::1:mfa/me'],
      ['[hub]', ...KEYS],
    );
    expect(await resolveLikeTheSdk('dev', env)).toMatchObject({
      kind: 'invalid',
      problem: expect.stringContaining('profile dev: mfa_serial in') as unknown,
    });
  });

  test('credential_source = Environment resolves when the keys are in the environment, and fails without them', async () => {
    const env = awsFiles(['[profile dev]', `role_arn = ${ROLE}`, 'credential_source = Environment']);
    expect(await resolve('dev', env)).toMatchObject({
      kind: 'invalid',
      problem: expect.stringContaining('credential_source = Environment in') as unknown,
    });
    const withKeys = { ...env, AWS_ACCESS_KEY_ID: 'AKIAENV', AWS_SECRET_ACCESS_KEY: 'secret' };
    expect(await resolve('dev', withKeys)).toEqual({
      kind: 'ok',
      source: `role ${ROLE} via credential_source Environment (AWS_ACCESS_KEY_ID is set)`,
      usesEnvironmentKeys: true,
    });
  });

  test('credential_source must be one the SDK knows; instance metadata is left to --live', async () => {
    const env = awsFiles([
      '[profile typo]',
      `role_arn = ${ROLE}`,
      'credential_source = Ec2Metadata',
      '[profile ec2]',
      `role_arn = ${ROLE}`,
      'credential_source = Ec2InstanceMetadata',
    ]);
    expect(await resolve('typo', env)).toMatchObject({
      kind: 'invalid',
      problem: expect.stringContaining('credential_source = Ec2Metadata in') as unknown,
    });
    expect(await resolve('ec2', env)).toMatchObject({
      kind: 'ok',
      source: `role ${ROLE} via credential_source Ec2InstanceMetadata (checked with --live)`,
    });
  });

  test('a source profile with credential_source and no role_arn gives its source’s credentials to the role', async () => {
    const env = awsFiles([
      '[profile dev]',
      `role_arn = ${ROLE}`,
      'source_profile = env',
      '[profile env]',
      'credential_source = Environment',
    ]);
    expect(await resolve('dev', { ...env, AWS_ACCESS_KEY_ID: 'AKIAENV', AWS_SECRET_ACCESS_KEY: 's' })).toMatchObject({
      kind: 'ok',
      source: `role ${ROLE} via source_profile env: credential_source Environment (AWS_ACCESS_KEY_ID is set)`,
    });
  });

  test('an sso_session profile resolves when its [sso-session] section is there', async () => {
    const env = awsFiles([
      '[profile dev]',
      'sso_session = corp',
      'sso_account_id = 111122223333',
      'sso_role_name = Admin',
      '[sso-session corp]',
      'sso_start_url = https://example.awsapps.com/start',
      'sso_region = eu-west-1',
    ]);
    expect(await resolve('dev', env)).toEqual({
      kind: 'ok',
      source: `SSO via [sso-session corp] in ${path.join(dir, 'config')} (sign in with "aws sso login --profile dev")`,
      usesEnvironmentKeys: false,
    });
  });

  test('an sso_session profile whose [sso-session] section is missing fails', async () => {
    const env = awsFiles(['[profile dev]', 'sso_session = corp', 'sso_account_id = 111122223333', 'sso_role_name = Admin']);
    expect(await resolveLikeTheSdk('dev', env)).toEqual({
      kind: 'invalid',
      problem: `profile dev: sso_session = corp in ${path.join(dir, 'config')}, but ${path.join(dir, 'config')} has no [sso-session corp] section; add it with "aws configure sso-session" or fix sso_session`,
    });
  });

  test('an SSO profile missing a setting fails, listing what is missing and where it belongs', async () => {
    const env = awsFiles([
      '[profile dev]',
      'sso_session = corp',
      'sso_role_name = Admin',
      '[sso-session corp]',
      'sso_start_url = https://example.awsapps.com/start',
    ]);
    expect(await resolveLikeTheSdk('dev', env)).toMatchObject({
      kind: 'invalid',
      problem: expect.stringContaining(
        'lacks sso_account_id, sso_region (sso_start_url and sso_region belong in [sso-session corp])',
      ) as unknown,
    });
  });

  test('a legacy sso_start_url profile resolves when it holds all four settings', async () => {
    const legacy = [
      '[profile dev]',
      'sso_start_url = https://example.awsapps.com/start',
      'sso_region = eu-west-1',
      'sso_account_id = 111122223333',
      'sso_role_name = Admin',
    ];
    expect(await resolve('dev', awsFiles(legacy))).toMatchObject({
      kind: 'ok',
      source: expect.stringContaining('SSO via legacy sso_start_url') as unknown,
    });
    expect(await resolveLikeTheSdk('dev', awsFiles(legacy.slice(0, -1)))).toMatchObject({
      kind: 'invalid',
      problem: expect.stringContaining('lacks sso_role_name;') as unknown,
    });
  });

  test('credential_process resolves without being run', async () => {
    const marker = path.join(dir, 'ran');
    const env = awsFiles(['[profile dev]', `credential_process = /bin/sh -c "touch ${marker}"`]);
    expect(await resolve('dev', env)).toEqual({
      kind: 'ok',
      source: `credential_process in ${path.join(dir, 'config')} (run only with --live)`,
      usesEnvironmentKeys: false,
    });
    expect(existsSync(marker)).toBe(false);
  });

  test('web_identity_token_file resolves when the token file exists', async () => {
    const token = path.join(dir, 'token');
    const env = awsFiles(['[profile dev]', `role_arn = ${ROLE}`, `web_identity_token_file = ${token}`]);
    expect(await resolveLikeTheSdk('dev', env)).toMatchObject({
      kind: 'invalid',
      problem: expect.stringContaining('does not exist') as unknown,
    });
    writeFileSync(token, 'eyJ');
    expect(await resolveLikeTheSdk('dev', env)).toMatchObject({ kind: 'ok' });
  });

  test('profile names with dots resolve, in both files and through source_profile', async () => {
    const env = awsFiles(['[profile acme.dev]', `role_arn = ${ROLE}`, 'source_profile = acme.hub'], ['[acme.hub]', ...KEYS]);
    expect(await resolveLikeTheSdk('acme.dev', env)).toMatchObject({
      kind: 'ok',
      source: expect.stringContaining('via source_profile acme.hub: access key') as unknown,
    });
    // Not split into nested sections: "acme" alone is no profile.
    expect(await resolveLikeTheSdk('acme', env)).toEqual({ kind: 'missing' });
  });

  test('a profile with settings but no credentials, and a section without settings, are told apart as the SDK does', async () => {
    const env = awsFiles(['[profile dev]', 'region = eu-west-1', '[profile empty]']);
    expect(await resolveLikeTheSdk('dev', env)).toEqual({ kind: 'no-credentials' });
    // The SDK's parser keeps no section without a setting: it is no profile at all.
    expect(await resolveLikeTheSdk('empty', env)).toEqual({ kind: 'missing' });
  });
});

describe('checkProfiles rows', () => {
  const config = validateConfig({ platform: 'acme', accounts: { dev: 'acme.dev', prod: 'acme-prod' } }, 'accounts.json');

  test('an invalid chain is a FAIL row naming the accounts that use the profile', async () => {
    const env = awsFiles(['[profile acme.dev]', `role_arn = ${ROLE}`, 'source_profile = acme-hub'], ['[acme-prod]', ...KEYS]);
    const results = await checkProfiles(config, env);
    expect(results.find((result) => result.check === 'profile acme.dev')).toEqual({
      check: 'profile acme.dev',
      status: 'fail',
      detail: expect.stringMatching(
        /^accounts\.dev: profile acme\.dev: source_profile = acme-hub in .*, but there is no profile "acme-hub"/,
      ) as unknown,
    });
    expect(results.find((result) => result.check === 'profile acme-prod')?.status).toBe('ok');
  });

  test('keys in the environment draw no override warning when a profile takes them through credential_source = Environment', async () => {
    const env = {
      ...awsFiles(['[profile acme.dev]', `role_arn = ${ROLE}`, 'credential_source = Environment'], ['[acme-prod]', ...KEYS]),
      AWS_ACCESS_KEY_ID: 'AKIAENV',
      AWS_SECRET_ACCESS_KEY: 'secret',
    };
    const results = await checkProfiles(config, env);
    expect(results.map((result) => result.status)).toEqual(['ok', 'ok']);
  });
});
