import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { shellExports } from '../../src/sandbox/local-aws';

/** Sources `script` with sh in an environment of exactly `shell` and returns the environment that results. */
function sourced(script: string, shell: NodeJS.ProcessEnv): Record<string, string> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'local-aws-test-'));
  try {
    const file = path.join(dir, 'env.sh');
    writeFileSync(file, script);
    const printed = execFileSync('/bin/sh', ['-c', `. "${file}" && env`], {
      env: { PATH: process.env.PATH, ...shell },
      encoding: 'utf8',
    });
    return Object.fromEntries(
      printed
        .trim()
        .split('\n')
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('the env file of npm run local-aws', () => {
  const configFile = path.join(os.tmpdir(), 'bootstrap-sandbox-x', 'aws', 'config');
  const base = { HOME: '/home/someone', AWS_PROFILE: 'real-admin', AWS_ACCESS_KEY_ID: 'real', KEEP: 'same' };
  const env = {
    HOME: '/home/someone',
    KEEP: 'same',
    AWS_ENDPOINT_URL: 'http://127.0.0.1:5000',
    AWS_CONFIG_FILE: configFile,
    ODD: "it's $HOME",
  };

  test('unsets every credential override and exports what the sandbox sets or changes', () => {
    const script = shellExports(env, base);
    const lines = script.split('\n').filter((line) => !line.startsWith('#') && line !== '');
    expect(lines).toEqual(
      expect.arrayContaining([
        'unset AWS_ACCESS_KEY_ID',
        'unset AWS_PROFILE',
        'unset AWS_SECRET_ACCESS_KEY',
        'unset AWS_SESSION_TOKEN',
        `export AWS_CONFIG_FILE='${configFile}'`,
        "export AWS_ENDPOINT_URL='http://127.0.0.1:5000'",
        `export ODD='it'\\''s $HOME'`,
      ]),
    );
    expect(lines).not.toContain("export KEEP='same'");
  });

  test('sourced by sh, it turns the base environment into the sandbox environment, quotes included', () => {
    const result = sourced(shellExports(env, base), base);
    expect(result).toMatchObject(env);
    expect(result.AWS_PROFILE).toBeUndefined();
    expect(result.AWS_ACCESS_KEY_ID).toBeUndefined();
  });

  test('sourced in another shell, it removes that shell’s own keys, profile and per-service endpoints as well', () => {
    const other = {
      HOME: '/home/someone',
      AWS_ACCESS_KEY_ID: 'AKIAREAL',
      AWS_SECRET_ACCESS_KEY: 'real-secret',
      AWS_SESSION_TOKEN: 'real-token',
      AWS_PROFILE: 'prod-admin',
      AWS_DEFAULT_PROFILE: 'prod-admin',
      AWS_ENDPOINT_URL_S3: 'https://s3.real.example',
      AWS_ENDPOINT_URL_STS: 'https://sts.real.example',
      AWS_ENDPOINT_URL: 'https://elsewhere.example',
    };
    const result = sourced(shellExports(env, base), other);
    for (const name of [
      'AWS_ACCESS_KEY_ID',
      'AWS_SECRET_ACCESS_KEY',
      'AWS_SESSION_TOKEN',
      'AWS_PROFILE',
      'AWS_DEFAULT_PROFILE',
      'AWS_ENDPOINT_URL_S3',
      'AWS_ENDPOINT_URL_STS',
    ])
      expect(result[name]).toBeUndefined();
    expect(result.AWS_ENDPOINT_URL).toBe('http://127.0.0.1:5000');
    expect(result.AWS_CONFIG_FILE).toBe(env.AWS_CONFIG_FILE);
  });
});
