// `npm run cli` and the `npx cdktf` guard that npm's postinstall links (scripts/cli.js, scripts/cdktf-guard.js).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cdktfCliRefusal, cdktfCliRuns, cliForNode } from '../../src/cli/node-cli';
import { PROJECT_ROOT } from '../../src/terraform/cdktf-cli';

const versionOf = (pkg: string): string =>
  (JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;

/** `node scripts/<script> --version` in the project: its exit status, first line of stdout, and stderr. */
function versionRun(script: string): { status: number | null; version: string; stderr: string } {
  const result = spawnSync(process.execPath, [path.join(PROJECT_ROOT, 'scripts', script), '--version'], {
    cwd: PROJECT_ROOT,
    encoding: 'utf8',
  });
  return { status: result.status, version: result.stdout.split('\n')[0] ?? '', stderr: result.stderr };
}

test('npm run cli runs the CLI this Node is given by cliForNode, with its own --version', () => {
  const result = versionRun('cli.js');
  expect(result.status).toBe(0);
  expect(result.version).toBe(versionOf(cliForNode().package));
});

test('after npm ci, npx cdktf starts the guard, not cdktf-cli directly', () => {
  expect(realpathSync(path.join(PROJECT_ROOT, 'node_modules', '.bin', 'cdktf'))).toBe(
    path.join(PROJECT_ROOT, 'scripts', 'cdktf-guard.js'),
  );
});

// CI runs this file on the machine's Node and on Node 24 (.ci/node24), so each Node's half is proven there.
test('npx cdktf runs cdktf-cli 0.21 unchanged where it starts (Node <= 22), and elsewhere refuses in one line', () => {
  const result = versionRun('cdktf-guard.js');
  const expected = cdktfCliRuns()
    ? { status: 0, version: versionOf('cdktf-cli'), stderr: expect.any(String) as unknown }
    : { status: 1, version: '', stderr: `${cdktfCliRefusal()}\n` };
  expect(result).toEqual(expected);
});

describe('the update check (checkpoint-api.hashicorp.com), which offline only prints getaddrinfo errors', () => {
  /** What a CLI started by scripts/run-cli.js sees as CHECKPOINT_DISABLE, with `env` as the user's environment. */
  function checkpointSeen(env: NodeJS.ProcessEnv): string {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'run-cli-test-'));
    try {
      const entry = path.join(dir, 'print-env.js');
      writeFileSync(entry, "process.stdout.write(String(process.env.CHECKPOINT_DISABLE ?? '(unset)'));\n");
      const result = spawnSync(
        process.execPath,
        [
          '--require',
          path.join(PROJECT_ROOT, 'scripts', 'ts-runner.js'),
          '-e',
          `require(${JSON.stringify(path.join(PROJECT_ROOT, 'scripts', 'run-cli.js'))})(${JSON.stringify(entry)})`,
        ],
        { env: { PATH: process.env.PATH, ...env }, encoding: 'utf8' },
      );
      expect(result.status).toBe(0);
      return result.stdout;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  test('is off for npm run cli, npx cdktf and npx cdktn, as for every command the project runs terraform with', () => {
    expect(checkpointSeen({})).toBe('1');
    expect(checkpointSeen({ CHECKPOINT_DISABLE: '' })).toBe('1');
  });

  test('npx cdktn starts scripts/cdktn.js after npm ci, which runs CDK Terrain’s CLI through run-cli.js', () => {
    expect(realpathSync(path.join(PROJECT_ROOT, 'node_modules', '.bin', 'cdktn'))).toBe(
      path.join(PROJECT_ROOT, 'scripts', 'cdktn.js'),
    );
  });

  test('scripts/cdktn.js runs cdktn-cli unchanged', () => {
    const result = versionRun('cdktn.js');
    expect(result.status).toBe(0);
    expect(result.version).toBe(versionOf('cdktn-cli'));
  });
});
