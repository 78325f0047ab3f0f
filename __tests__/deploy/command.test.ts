// The command `npm run deploy` runs: offline (a provider mirror in use) it must skip cdktf's provider
// lock step, whose `terraform providers lock` always asks registry.terraform.io. Decided without network.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { deployAdvice, deployCommand, shellQuote } from '../../src/deploy/command';
import { cliForNode } from '../../src/cli/node-cli';
import { problemsOf } from '../support/problems';

/** The plain command the deploy shows: `npx cdktf`, or `npx cdktn` on Node >= 22.19 (src/cli/node-cli.ts). */
const NPX = cliForNode().npx;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'deploy-command-test-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A provider mirror folder holding hashicorp/aws 5.100.0 (unpacked layout). */
function fakeMirror(at = path.join(dir, 'mirror')): string {
  mkdirSync(path.join(at, 'registry.terraform.io', 'hashicorp', 'aws', '5.100.0', 'linux_amd64'), { recursive: true });
  return at;
}

const noMirror = (): undefined => undefined;

test('with BOOTSTRAP_PROVIDER_MIRROR the provider lock step is skipped and terraform reads a CLI config naming the mirror', () => {
  const mirror = fakeMirror();
  const command = deployCommand(
    ['state-*', '--parallelism', '2'],
    { BOOTSTRAP_PROVIDER_MIRROR: mirror, HOME: dir },
    { workDir: dir },
  );
  expect(command.args).toEqual(['deploy', 'state-*', '--parallelism', '2', '--auto-approve', '--skip-provider-lock']);
  const cliConfig = path.join(dir, 'terraform.rc');
  expect(command.env.TF_CLI_CONFIG_FILE).toBe(cliConfig);
  expect(readFileSync(cliConfig, 'utf8')).toContain(`path = ${JSON.stringify(mirror)}`);
  expect(command.display).toBe(
    `TF_CLI_CONFIG_FILE=${cliConfig} ${NPX} deploy 'state-*' --parallelism 2 --auto-approve --skip-provider-lock`,
  );
  expect(command.note).toBe(
    `hashicorp/aws 5.100.0 from the offline mirror ${mirror} (BOOTSTRAP_PROVIDER_MIRROR): no provider lock step, nothing is downloaded`,
  );
});

test('a filesystem mirror in terraform’s own CLI config skips the lock step and keeps that config', () => {
  const mirror = fakeMirror();
  const own = path.join(dir, 'own.tfrc');
  writeFileSync(own, `provider_installation {\n  filesystem_mirror {\n    path = "${mirror}"\n  }\n}\n`);
  const command = deployCommand(
    ['state-dev'],
    { TF_CLI_CONFIG_FILE: own, BOOTSTRAP_DEPLOY_PARALLELISM: '3' },
    { workDir: dir, findMirror: noMirror },
  );
  expect(command.args).toEqual(['deploy', 'state-dev', '--auto-approve', '--parallelism', '3', '--skip-provider-lock']);
  expect(command.env.TF_CLI_CONFIG_FILE).toBe(own);
  expect(command.display).toBe(`${NPX} deploy state-dev --auto-approve --parallelism 3 --skip-provider-lock`);
});

test('a mirror found on the machine is used as if BOOTSTRAP_PROVIDER_MIRROR named it', () => {
  const mirror = fakeMirror(path.join(dir, 'opt', 'tf-plugins'));
  const command = deployCommand(['pipeline-prod'], { HOME: dir }, { workDir: dir, findMirror: () => mirror });
  expect(command.args).toContain('--skip-provider-lock');
  expect(readFileSync(String(command.env.TF_CLI_CONFIG_FILE), 'utf8')).toContain(JSON.stringify(mirror));
  expect(command.note).toContain(`from the offline mirror ${mirror}, found on this machine`);
});

test('terraform’s implied local mirror skips the lock step without a CLI config', () => {
  const implied = fakeMirror(path.join(dir, '.terraform.d', 'plugins'));
  const command = deployCommand(['state-dev'], { HOME: dir }, { workDir: dir, findMirror: () => implied });
  expect(command.args).toContain('--skip-provider-lock');
  expect(command.env.TF_CLI_CONFIG_FILE).toBeUndefined();
});

test('without a mirror the arguments pass through, with only --auto-approve and the parallelism added', () => {
  const command = deployCommand(
    ['state-*', '--outputs-file', 'out put.json'],
    { HOME: dir },
    { workDir: dir, findMirror: noMirror, machine: { freeMemoryBytes: 3 * 1024 ** 3, cores: 2 } },
  );
  expect(command.args).toEqual(['deploy', 'state-*', '--outputs-file', 'out put.json', '--auto-approve', '--parallelism', '3']);
  expect(command.env.TF_CLI_CONFIG_FILE).toBeUndefined();
  expect(command.display).toBe(`${NPX} deploy 'state-*' --outputs-file 'out put.json' --auto-approve --parallelism 3`);
  expect(command.note).toBeUndefined();
  // 60 % of 3 GiB (the free memory stands for the total when none is given): 3 stacks of 0.39 GiB + 0.3 shared.
  expect(command.parallelismNote).toMatch(/^3 stack\(s\) at a time \(from this machine: 1\.8 GiB of memory for stacks /);
});

test('flags the user already gave are not added twice', () => {
  const mirror = fakeMirror();
  const args = ['state-dev', '--skip-provider-lock', '--auto-approve', '--parallelism=5'];
  const command = deployCommand(args, { BOOTSTRAP_PROVIDER_MIRROR: mirror }, { workDir: dir });
  expect(command.args).toEqual(['deploy', ...args]);
  expect(command.parallelismNote).toBe('5 stack(s) at a time (from --parallelism)');
});

test('a BOOTSTRAP_PROVIDER_MIRROR without the provider is refused with one line naming the variable and the fix', () => {
  expect(problemsOf(() => deployCommand(['state-dev'], { BOOTSTRAP_PROVIDER_MIRROR: dir }, { workDir: dir }))).toEqual([
    `BOOTSTRAP_PROVIDER_MIRROR: "${dir}" holds no hashicorp/aws 5.100.0; point it at a folder made by "terraform providers mirror", or unset it`,
  ]);
});

test('shellQuote leaves plain words alone and single-quotes the rest', () => {
  expect(['state-dev', '--parallelism', 'state-*', "it's", ''].map(shellQuote)).toEqual([
    'state-dev',
    '--parallelism',
    "'state-*'",
    `'it'\\''s'`,
    "''",
  ]);
});

describe('deployAdvice', () => {
  test('with a mirror terraform does not know, the plain command names the CLI config it needs', () => {
    expect(deployAdvice({ kind: 'variable', mirror: '/srv/mirror' }, ['state-*', 'pipeline-prod'], 2)).toEqual([
      'Deploy with:',
      "  npm run deploy -- 'state-*'",
      '  npm run deploy -- pipeline-prod',
      'or by hand (it asks before each stack):',
      `  TF_CLI_CONFIG_FILE=<file> ${NPX} deploy 'state-*' --parallelism 2 --skip-provider-lock`,
      `  TF_CLI_CONFIG_FILE=<file> ${NPX} deploy pipeline-prod --skip-provider-lock`,
      '  where <file> is a terraform CLI config holding: provider_installation { filesystem_mirror { path = "/srv/mirror" } }',
    ]);
  });

  test('with a mirror in terraform’s CLI config the plain command only skips the lock step', () => {
    expect(
      deployAdvice({ kind: 'cli-config', mirror: '/srv/mirror', file: '/etc/terraform/.terraformrc' }, ['state-*'], 7).slice(-1),
    ).toEqual([`  ${NPX} deploy 'state-*' --parallelism 7 --skip-provider-lock`]);
  });

  test('online, the plain command is cdktf deploy as it is', () => {
    expect(deployAdvice({ kind: 'registry' }, ['state-*'], 2).slice(-1)).toEqual([`  ${NPX} deploy 'state-*' --parallelism 2`]);
  });
});
