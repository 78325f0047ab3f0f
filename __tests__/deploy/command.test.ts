// How `npm run deploy` runs: its options, terraform's environment (offline: the CLI config naming the mirror),
// the parallelism, and the lines that show it. Decided without network.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { deployAdvice, deployCommand, parseDeployArgs, shellQuote } from '../../src/deploy/command';
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

const parse = (...args: string[]) => parseDeployArgs(args);

test('with BOOTSTRAP_PROVIDER_MIRROR terraform reads a CLI config naming the mirror, and the by-hand command skips the lock step', () => {
  const mirror = fakeMirror();
  const command = deployCommand(
    parse('state-*', '--parallelism', '2'),
    { BOOTSTRAP_PROVIDER_MIRROR: mirror, HOME: dir },
    { workDir: dir },
  );
  const cliConfig = path.join(dir, 'terraform.rc');
  expect(command.env.TF_CLI_CONFIG_FILE).toBe(cliConfig);
  expect(command.env.CHECKPOINT_DISABLE).toBe('1');
  expect(readFileSync(cliConfig, 'utf8')).toContain(`path = ${JSON.stringify(mirror)}`);
  expect(command.envPrefix).toBe(`TF_CLI_CONFIG_FILE=${cliConfig} `);
  expect(command.byHand).toBe(`TF_CLI_CONFIG_FILE=${cliConfig} ${NPX} deploy 'state-*' --parallelism 2 --skip-provider-lock`);
  expect(command.parallelism).toBe(2);
  expect(command.note).toBe(
    `hashicorp/aws 5.100.0 from the offline mirror ${mirror} (BOOTSTRAP_PROVIDER_MIRROR): nothing is downloaded`,
  );
});

test('a filesystem mirror in terraform’s own CLI config keeps that config', () => {
  const mirror = fakeMirror();
  const own = path.join(dir, 'own.tfrc');
  writeFileSync(own, `provider_installation {\n  filesystem_mirror {\n    path = "${mirror}"\n  }\n}\n`);
  const command = deployCommand(
    parse('state-dev', '--output', 'out dir'),
    { TF_CLI_CONFIG_FILE: own, BOOTSTRAP_DEPLOY_PARALLELISM: '3' },
    { workDir: dir, findMirror: noMirror },
  );
  expect(command.env.TF_CLI_CONFIG_FILE).toBe(own);
  expect(command.envPrefix).toBe('');
  expect(command.byHand).toBe(`${NPX} deploy state-dev --output 'out dir' --parallelism 3 --skip-provider-lock`);
});

test('a mirror found on the machine is used as if BOOTSTRAP_PROVIDER_MIRROR named it', () => {
  const mirror = fakeMirror(path.join(dir, 'opt', 'tf-plugins'));
  const command = deployCommand(parse('pipeline-prod'), { HOME: dir }, { workDir: dir, findMirror: () => mirror });
  expect(readFileSync(String(command.env.TF_CLI_CONFIG_FILE), 'utf8')).toContain(JSON.stringify(mirror));
  expect(command.note).toContain(`from the offline mirror ${mirror}, found on this machine`);
});

test('terraform’s implied local mirror needs no CLI config', () => {
  const implied = fakeMirror(path.join(dir, '.terraform.d', 'plugins'));
  const command = deployCommand(parse('state-dev'), { HOME: dir }, { workDir: dir, findMirror: () => implied });
  expect(command.byHand).toContain('--skip-provider-lock');
  expect(command.env.TF_CLI_CONFIG_FILE).toBeUndefined();
});

test('without a mirror and --parallelism, the parallelism is the machine’s and the by-hand command has the options given', () => {
  const command = deployCommand(
    parse('state-*', '--outputs-file', 'out put.json', '--migrate-state'),
    { HOME: dir },
    { workDir: dir, findMirror: noMirror, machine: { freeMemoryBytes: 3 * 1024 ** 3, cores: 2 } },
  );
  expect(command.env.TF_CLI_CONFIG_FILE).toBeUndefined();
  expect(command.byHand).toBe(
    `${NPX} deploy 'state-*' --outputs-file 'out put.json' --migrate-state --parallelism ${command.parallelism}`,
  );
  expect(command.note).toBeUndefined();
  // 60 % of 3 GiB (the free memory stands for the total when none is given): 3 stacks of 0.39 GiB + 0.3 shared.
  expect(command.parallelismNote).toMatch(/^3 stack\(s\) at a time \(from this machine: 1\.8 GiB of memory for stacks /);
});

test('the options cdktf deploy took that change nothing here are accepted; --name=value works as --name value', () => {
  expect(parse('state-dev', '--skip-provider-lock', '--auto-approve', '--no-color', '--parallelism=5', '--verbose')).toEqual({
    patterns: ['state-dev'],
    verbose: true,
    migrateState: false,
    skipSynth: false,
    parallelism: '5',
  });
  expect(
    deployCommand(parse('state-dev', '--parallelism=5'), {}, { workDir: dir, findMirror: noMirror, canSeeCpu: false })
      .parallelismNote,
  ).toBe('5 stack(s) at a time (from --parallelism)');
});

test('where the stacks’ CPU can be seen, another stack starts only while fewer than two a core use CPU, and the note says so', () => {
  const machine = { freeMemoryBytes: 3 * 1024 ** 3, cores: 2 };
  const command = deployCommand(parse('state-*'), {}, { workDir: dir, findMirror: noMirror, machine, canSeeCpu: true });
  expect(command.busyLimit).toBe(4);
  expect(command.parallelismNote).toMatch(/\); another starts only while fewer than 4 use CPU$/);
  const off = deployCommand(
    parse('state-*'),
    { BOOTSTRAP_DEPLOY_BUSY_LIMIT: 'off' },
    { workDir: dir, findMirror: noMirror, machine },
  );
  expect(off.busyLimit).toBe(Number.POSITIVE_INFINITY);
  expect(off.parallelismNote).not.toContain('CPU');
  expect(
    problemsOf(() =>
      deployCommand(parse('state-*'), { BOOTSTRAP_DEPLOY_BUSY_LIMIT: 'lots' }, { workDir: dir, findMirror: noMirror }),
    ),
  ).toEqual([
    'BOOTSTRAP_DEPLOY_BUSY_LIMIT: "lots" is neither "off" nor a whole number from 1 to 64; set it to e.g. 4, or unset it for two a core',
  ]);
});

test('an option the deploy does not support is refused in one line naming it and the supported ones', () => {
  expect(problemsOf(() => parse('state-dev', '--var', 'x=1'))).toEqual([
    'npm run deploy: --var is not supported (the deploy runs terraform itself, not cdktf deploy); supported: ' +
      '--parallelism <value>, --output <value>, --outputs-file <value>, --verbose, --migrate-state, --skip-synth, ' +
      '--auto-approve, --skip-provider-lock, --no-color',
  ]);
  expect(problemsOf(() => parse('state-dev', '--output'))).toEqual(['npm run deploy: --output needs a value']);
  expect(
    problemsOf(() => deployCommand(parse('state-dev', '--parallelism', 'many'), {}, { workDir: dir, findMirror: noMirror })),
  ).toEqual(['npm run deploy: --parallelism many: give a whole number from 1 to 64']);
});

test('a BOOTSTRAP_PROVIDER_MIRROR without the provider is refused with one line naming the variable and the fix', () => {
  expect(problemsOf(() => deployCommand(parse('state-dev'), { BOOTSTRAP_PROVIDER_MIRROR: dir }, { workDir: dir }))).toEqual([
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
