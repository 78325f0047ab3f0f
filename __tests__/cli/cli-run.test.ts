// `npm run cli -- …` and `npx cdktf …` run the CLI with the project's terraform environment (src/cli/cli-run.ts,
// scripts/run-cli.js), so that a plain `diff <stack>` works offline as `npm run deploy` does (issue 24 item 7).
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cliArgs } from '../../src/cli/cli-run';
import { PROJECT_ROOT } from '../../src/terraform/cdktf-cli';
import { AWS_PROVIDER_VERSION } from '../../src/terraform/provider-mirror';

let dir: string;

/** Runs scripts/run-cli.js with `entry` as the CLI and `args` as the user's arguments, as scripts/cli.js does. */
function runCli(entry: string, args: readonly string[], env: NodeJS.ProcessEnv): SpawnSyncReturns<string> {
  const driver = path.join(dir, 'cli.js');
  writeFileSync(
    driver,
    `require(${JSON.stringify(path.join(PROJECT_ROOT, 'scripts', 'ts-runner.js'))});
     require(${JSON.stringify(path.join(PROJECT_ROOT, 'scripts', 'run-cli.js'))})(${JSON.stringify(entry)});`,
  );
  return spawnSync(process.execPath, [driver, ...args], { cwd: PROJECT_ROOT, encoding: 'utf8', env });
}
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'cli-run-test-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const mirror = { kind: 'variable', mirror: '/mirror' } as const;

test('with an offline mirror, diff, deploy and output skip the provider lock step, which asks the registry', () => {
  expect(cliArgs(['diff', 'state-dev'], mirror)).toEqual(['diff', 'state-dev', '--skip-provider-lock']);
  expect(cliArgs(['deploy', 'pipeline-prod', '--migrate-state'], mirror)).toEqual([
    'deploy',
    'pipeline-prod',
    '--migrate-state',
    '--skip-provider-lock',
  ]);
  expect(cliArgs(['output', 'state-dev', '--skip-provider-lock'], mirror)).toEqual([
    'output',
    'state-dev',
    '--skip-provider-lock',
  ]);
});

test('synth, --version and any command with the registry as provider source are passed on unchanged', () => {
  expect(cliArgs(['synth'], mirror)).toEqual(['synth']);
  expect(cliArgs(['--version'], mirror)).toEqual(['--version']);
  expect(cliArgs(['diff', 'state-dev'], { kind: 'registry' })).toEqual(['diff', 'state-dev']);
});

test('the CLI starts with a terraform CLI config naming BOOTSTRAP_PROVIDER_MIRROR, removed when it exits', () => {
  const mirrorDir = path.join(dir, 'mirror');
  mkdirSync(path.join(mirrorDir, 'registry.terraform.io', 'hashicorp', 'aws', AWS_PROVIDER_VERSION), { recursive: true });
  // A stand-in for the CLI's entry script: reports what it was started with.
  const entry = path.join(dir, 'entry.js');
  writeFileSync(
    entry,
    `const fs = require('node:fs');
     const file = process.env.TF_CLI_CONFIG_FILE;
     console.log(JSON.stringify({ args: process.argv.slice(2), file, config: fs.readFileSync(file, 'utf8'), checkpoint: process.env.CHECKPOINT_DISABLE }));`,
  );
  const result = runCli(entry, ['diff', 'state-dev'], {
    PATH: process.env.PATH,
    HOME: dir,
    BOOTSTRAP_PROVIDER_MIRROR: mirrorDir,
  });
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  const seen = JSON.parse(result.stdout) as { args: string[]; file: string; config: string; checkpoint: string };
  expect(seen.args).toEqual(['diff', 'state-dev', '--skip-provider-lock']);
  expect(seen.config).toContain(`path = ${JSON.stringify(mirrorDir)}`);
  expect(seen.checkpoint).toBe('1');
  expect(existsSync(seen.file)).toBe(false);
});

test('a BOOTSTRAP_PROVIDER_MIRROR without the provider stops the CLI before it starts, in one line', () => {
  const result = runCli(path.join(dir, 'missing-entry.js'), ['diff', 'state-dev'], {
    PATH: process.env.PATH,
    HOME: dir,
    BOOTSTRAP_PROVIDER_MIRROR: dir,
  });
  expect(result.status).toBe(1);
  expect(result.stderr.trim().split('\n')).toEqual([
    expect.stringMatching(/^error: BOOTSTRAP_PROVIDER_MIRROR: ".*" holds no hashicorp\/aws .*; point it at a folder/),
  ]);
});
