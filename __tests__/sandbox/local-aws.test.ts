import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { shellExports } from '../../src/sandbox/local-aws';

describe('the env file of npm run local-aws', () => {
  const base = { HOME: '/home/someone', AWS_PROFILE: 'real-admin', AWS_ACCESS_KEY_ID: 'real', KEEP: 'same' };
  const env = { HOME: '/home/someone', KEEP: 'same', AWS_ENDPOINT_URL: 'http://127.0.0.1:5000', ODD: "it's $HOME" };

  test('unsets the variables the sandbox environment drops and exports only what it adds or changes', () => {
    const script = shellExports(env, base);
    expect(script.split('\n').filter((line) => !line.startsWith('#') && line !== '')).toEqual([
      'unset AWS_ACCESS_KEY_ID',
      'unset AWS_PROFILE',
      "export AWS_ENDPOINT_URL='http://127.0.0.1:5000'",
      `export ODD='it'\\''s $HOME'`,
    ]);
  });

  test('sourced by sh, it turns the base environment into the sandbox environment, quotes included', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'local-aws-test-'));
    try {
      const file = path.join(dir, 'env.sh');
      writeFileSync(file, shellExports(env, base));
      const printed = execFileSync('sh', ['-c', `. "${file}" && env`], { env: base, encoding: 'utf8' });
      const result = Object.fromEntries(
        printed
          .trim()
          .split('\n')
          .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
      );
      expect(result).toMatchObject(env);
      expect(result.AWS_PROFILE).toBeUndefined();
      expect(result.AWS_ACCESS_KEY_ID).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
