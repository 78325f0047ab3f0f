// `npm run export-hcl` refusing, before it synthesizes or writes anything (the exports themselves are
// checked by __tests__/e2e/export-hcl.e2e.test.ts, with terraform and the provider).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

let dir: string;
let env: NodeJS.ProcessEnv;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'export-hcl-script-'));
  env = {
    PATH: process.env.PATH,
    HOME: dir,
    BOOTSTRAP_ACCOUNTS_FILE: path.join(dir, 'accounts.json'),
    BOOTSTRAP_STATE_DIR: path.join(dir, 'terraform-state'),
    CDKTF_OUTDIR: path.join(dir, 'cdktf.out'),
  };
  mkdirSync(path.join(dir, 'terraform-state'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

test('without a folder it prints the usage and exits with code 2', () => {
  const result = spawnSync(process.execPath, ['--require', './scripts/ts-runner.js', 'scripts/export-hcl.ts'], {
    cwd: PROJECT_ROOT,
    env,
    encoding: 'utf8',
  });
  expect({ status: result.status, stderr: result.stderr }).toEqual({
    status: 2,
    stderr: expect.stringMatching(/^error: name the folder to export to\nUsage: npm run export-hcl -- <dir>/) as unknown,
  });
});

test('it refuses a folder inside the synth output with one line, and writes nothing', () => {
  const result = spawnExport(['cdktf.out/exported']);
  expect(result).toEqual({
    status: 1,
    stderr: `error: cdktf.out/exported: is inside the synth output ${path.join(dir, 'cdktf.out')}, which every synth rewrites; export to a folder outside it\n`,
  });
  expect(existsSync(path.join(dir, 'cdktf.out'))).toBe(false);
});

test('it refuses while the pipeline state cannot be located, with the way out, and writes nothing', () => {
  // The local file still records resources, but no working folder says whether they moved to S3.
  writeFileSync(path.join(dir, 'terraform-state', 'pipeline-prod.tfstate'), JSON.stringify({ resources: [{ type: 'aws_vpc' }] }));
  const result = spawnExport(['exported'], {
    platform: 'acme',
    accounts: { prod: 'acme-prod' },
    pipeline: { stateBackend: 's3' },
  });
  expect(result.status).toBe(1);
  expect(result.stderr).toMatch(/^error: pipeline-prod: "pipeline.stateBackend" is "s3" but .* nothing was exported\n$/);
  expect(existsSync(path.join(dir, 'exported'))).toBe(false);
  expect(existsSync(path.join(dir, 'cdktf.out'))).toBe(false);
});

/** The script run from `dir` (relative folders land there), with the accounts file `accounts`. */
function spawnExport(args: readonly string[], accounts?: object): { status: number | null; stderr: string } {
  writeFileSync(
    path.join(dir, 'accounts.json'),
    JSON.stringify(accounts ?? { platform: 'acme', accounts: { prod: 'acme-prod' } }),
  );
  const result = spawnSync(
    process.execPath,
    [
      '--require',
      path.join(PROJECT_ROOT, 'scripts', 'ts-runner.js'),
      path.join(PROJECT_ROOT, 'scripts', 'export-hcl.ts'),
      ...args,
    ],
    { cwd: dir, env, encoding: 'utf8', timeout: 60_000 },
  );
  return { status: result.status, stderr: result.stderr };
}
