// `npm run cli` and the `npx cdktf` guard that npm's postinstall links (scripts/cli.js, scripts/cdktf-guard.js).
import { spawnSync } from 'node:child_process';
import { readFileSync, realpathSync } from 'node:fs';
import * as path from 'node:path';
import { cdktfCliRefusal, cdktfCliRuns, cliForNode } from '../../src/cli/node-cli';
import { PROJECT_ROOT } from '../../src/terraform/cdktf-cli';

const versionOf = (pkg: string): string =>
  (JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;

test('npm run cli runs the CLI this Node is given by cliForNode, with its own --version', () => {
  const result = spawnSync(process.execPath, [path.join(PROJECT_ROOT, 'scripts', 'cli.js'), '--version'], {
    cwd: PROJECT_ROOT,
    encoding: 'utf8',
  });
  expect(result.status).toBe(0);
  expect(result.stdout.split('\n')[0]).toBe(versionOf(cliForNode().package));
});

test('after npm ci, npx cdktf starts the guard, not cdktf-cli directly', () => {
  expect(realpathSync(path.join(PROJECT_ROOT, 'node_modules', '.bin', 'cdktf'))).toBe(
    path.join(PROJECT_ROOT, 'scripts', 'cdktf-guard.js'),
  );
});

// CI runs this file on the machine's Node and on Node 24 (.ci/node24), so each Node's half is proven there.
test('npx cdktf runs cdktf-cli 0.21 unchanged where it starts (Node <= 22), and elsewhere refuses in one line', () => {
  const result = spawnSync(process.execPath, [path.join(PROJECT_ROOT, 'scripts', 'cdktf-guard.js'), '--version'], {
    cwd: PROJECT_ROOT,
    encoding: 'utf8',
  });
  const expected = cdktfCliRuns()
    ? { status: 0, version: versionOf('cdktf-cli'), stderr: expect.any(String) as unknown }
    : { status: 1, version: '', stderr: `${cdktfCliRefusal()}\n` };
  expect({ status: result.status, version: result.stdout.split('\n')[0], stderr: result.stderr }).toEqual(expected);
});
