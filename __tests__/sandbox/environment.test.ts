import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DUMMY_ACCESS_KEY_ID, writeAwsFiles } from '../../src/sandbox/aws-files';
import { sandboxEnv } from '../../src/sandbox/environment';
import { AWS_PROVIDER_VERSION } from '../../src/terraform/provider-mirror';

describe('the sandbox environment', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'sandbox-env-test-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  test('writes one dummy-key profile per distinct profile, with its region', () => {
    const files = writeAwsFiles(dir, [
      { profile: 'acme-dev', region: 'eu-west-1' },
      { profile: 'acme-prod', region: 'us-east-1' },
      { profile: 'acme-dev', region: 'eu-west-1' },
    ]);
    const credentials = readFileSync(files.credentialsFile, 'utf8');
    const config = readFileSync(files.configFile, 'utf8');

    expect(credentials.match(/^\[.*\]$/gm)).toEqual(['[acme-dev]', '[acme-prod]']);
    expect(credentials.match(new RegExp(`aws_access_key_id = ${DUMMY_ACCESS_KEY_ID}`, 'g'))).toHaveLength(2);
    expect(config).toContain('[profile acme-dev]\nregion = eu-west-1');
    expect(config).toContain('[profile acme-prod]\nregion = us-east-1');
  });

  test('writes the keys a profile is given, with their session token, instead of the dummy key', () => {
    const files = writeAwsFiles(dir, [
      {
        profile: 'acme-dev',
        region: 'us-east-1',
        credentials: { accessKeyId: 'AKID', secretAccessKey: 'SECRET', sessionToken: 'TOKEN' },
      },
    ]);
    expect(readFileSync(files.credentialsFile, 'utf8')).toBe(
      '[acme-dev]\naws_access_key_id = AKID\naws_secret_access_key = SECRET\naws_session_token = TOKEN\n',
    );
  });

  test('drops every real credential source and points the SDKs at the temp files, never at ~/.aws', () => {
    const awsFiles = writeAwsFiles(dir, [{ profile: 'acme-dev', region: 'us-east-1' }]);
    const env = sandboxEnv(
      {
        PATH: '/usr/bin',
        AWS_ACCESS_KEY_ID: 'AKIAREAL',
        AWS_SECRET_ACCESS_KEY: 'real-secret',
        AWS_SESSION_TOKEN: 'token',
        AWS_PROFILE: 'real-admin',
        AWS_ENDPOINT_URL_S3: 'https://s3.real.example',
        AWS_SHARED_CREDENTIALS_FILE: path.join(os.homedir(), '.aws', 'credentials'),
        AWS_CONFIG_FILE: path.join(os.homedir(), '.aws', 'config'),
        BOOTSTRAP_PROVIDER_MIRROR: '',
      },
      { accountsFile: '/a/accounts.json', stateDir: '/s', endpoint: 'http://127.0.0.1:5000', awsFiles, workDir: dir },
    );

    for (const name of [
      'AWS_ACCESS_KEY_ID',
      'AWS_SECRET_ACCESS_KEY',
      'AWS_SESSION_TOKEN',
      'AWS_PROFILE',
      'AWS_ENDPOINT_URL_S3',
    ]) {
      expect(env[name]).toBeUndefined();
    }
    expect(env).toMatchObject({
      PATH: '/usr/bin',
      AWS_SHARED_CREDENTIALS_FILE: awsFiles.credentialsFile,
      AWS_CONFIG_FILE: awsFiles.configFile,
      AWS_ENDPOINT_URL: 'http://127.0.0.1:5000',
      AWS_EC2_METADATA_DISABLED: 'true',
      BOOTSTRAP_ACCOUNTS_FILE: '/a/accounts.json',
      BOOTSTRAP_STATE_DIR: '/s',
      CHECKPOINT_DISABLE: '1',
    });
  });

  test('uses the offline provider mirror through a terraform CLI config in the work folder when one is set', () => {
    const awsFiles = writeAwsFiles(dir, [{ profile: 'p', region: 'us-east-1' }]);
    const mirror = path.join(dir, 'mirror');
    mkdirSync(path.join(mirror, 'registry.terraform.io', 'hashicorp', 'aws', AWS_PROVIDER_VERSION), { recursive: true });
    const env = sandboxEnv(
      { BOOTSTRAP_PROVIDER_MIRROR: mirror },
      { accountsFile: '/a.json', stateDir: '/s', endpoint: 'http://127.0.0.1:1', awsFiles, workDir: dir },
    );

    expect(env.TF_CLI_CONFIG_FILE).toBe(path.join(dir, 'terraform.rc'));
    expect(readFileSync(path.join(dir, 'terraform.rc'), 'utf8')).toContain(`path = ${JSON.stringify(mirror)}`);
  });

  test('refuses a BOOTSTRAP_PROVIDER_MIRROR without the provider, as every command does', () => {
    const awsFiles = writeAwsFiles(dir, [{ profile: 'p', region: 'us-east-1' }]);
    expect(() =>
      sandboxEnv(
        { BOOTSTRAP_PROVIDER_MIRROR: path.join(dir, 'empty') },
        { accountsFile: '/a.json', stateDir: '/s', endpoint: 'http://127.0.0.1:1', awsFiles, workDir: dir },
      ),
    ).toThrow(/BOOTSTRAP_PROVIDER_MIRROR: ".*empty" holds no hashicorp\/aws 5\.100\.0/);
  });
});
