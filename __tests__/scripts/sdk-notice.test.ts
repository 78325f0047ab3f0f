// The AWS SDK prints a NodeVersionSupportWarning when a client is created on Node < 22. Every command
// runs through scripts/ts-runner.js, which turns it off once for them and everything they start; these
// run commands that create SDK clients (on Node 20 the notice appeared without that). Traffic goes
// only to a closed port on 127.0.0.1, so the commands fail fast without leaving the machine.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort } from '../../src/sandbox/moto';

const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

let dir: string;
let env: NodeJS.ProcessEnv;
beforeEach(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'sdk-notice-test-'));
  const mirror = path.join(dir, 'mirror');
  // A mirror, so that doctor --live never asks the public registry.
  mkdirSync(path.join(mirror, 'registry.terraform.io', 'hashicorp', 'aws', '5.100.0'), { recursive: true });
  writeFileSync(path.join(dir, 'credentials'), '[acme-dev]\naws_access_key_id = dummy\naws_secret_access_key = dummy\n');
  writeFileSync(path.join(dir, 'config'), '');
  writeFileSync(path.join(dir, 'accounts.json'), JSON.stringify({ platform: 'acme', accounts: { prod: 'acme-dev' } }));
  env = {
    PATH: path.dirname(process.execPath),
    HOME: dir,
    AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'credentials'),
    AWS_CONFIG_FILE: path.join(dir, 'config'),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ENDPOINT_URL: `http://127.0.0.1:${await freePort()}`,
    BOOTSTRAP_ACCOUNTS_FILE: path.join(dir, 'accounts.json'),
    BOOTSTRAP_PROVIDER_MIRROR: mirror,
  };
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function script(name: string, args: readonly string[], extra: NodeJS.ProcessEnv = {}): { status: number | null; stderr: string } {
  const result = spawnSync(process.execPath, ['--require', './scripts/ts-runner.js', `scripts/${name}.ts`, ...args], {
    cwd: PROJECT_ROOT,
    env: { ...env, ...extra },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, stderr: result.stderr };
}

test('npm run doctor -- --live signs in through the SDK without its Node version notice', () => {
  const result = script('doctor', ['--live']);
  expect(result.status).toBe(1);
  expect(result.stderr).not.toMatch(/NodeVersionSupportWarning/);
}, 60_000);

test('the existing-bucket check that Terraform runs prints its one line and nothing about Node versions', () => {
  const args = ['--bucket', 'acme-dev-state', '--stack', 'state-dev', '--account', 'dev', '--state-file', path.join(dir, 'none')];
  const result = script('check-existing-state-bucket', args, { AWS_PROFILE: 'acme-dev', AWS_REGION: 'us-east-1' });
  expect(result.status).toBe(1);
  expect(result.stderr).toMatch(/^error: [^\n]*\n$/);
}, 60_000);
