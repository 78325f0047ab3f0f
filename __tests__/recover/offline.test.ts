// npm run recover-state offline: every terraform it runs gets the CLI config naming the provider mirror, as
// deploy's does (before, its terraform init asked the registry and failed offline on every stack).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ProcessRunner, RunResult } from '../../src/process/run';
import { runRecover } from '../../src/recover';
import { AWS_PROVIDER_VERSION } from '../../src/terraform/provider-mirror';

// AWS answers that every resource exists: this test is about how terraform is run, not about the lookups.
jest.mock('../../src/recover/finders', () => ({
  recoverClients: () => ({ destroy: () => undefined }),
  awsFinder: () => () => Promise.resolve({ kind: 'found', found: { importId: 'acme-dev-state', attrs: {} } }),
}));

let dir: string;
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

test('every terraform step of recover-state gets the CLI config naming the offline mirror, and no update check', async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'recover-offline-test-'));
  const mirror = path.join(dir, 'mirror');
  mkdirSync(path.join(mirror, 'registry.terraform.io', 'hashicorp', 'aws', AWS_PROVIDER_VERSION), { recursive: true });
  const outdir = path.join(dir, 'cdktf.out');
  mkdirSync(path.join(outdir, 'stacks', 'state-dev'), { recursive: true });
  writeFileSync(path.join(outdir, 'manifest.json'), JSON.stringify({ stacks: { 'state-dev': {} } }));
  const stack = {
    terraform: { backend: { local: { path: path.join(dir, 'state', 'state-dev.tfstate') } } },
    provider: { aws: [{ profile: 'acme-dev', region: 'us-east-1' }] },
    resource: { aws_s3_bucket: { bucket: { bucket: 'acme-dev-state' } } },
  };
  writeFileSync(path.join(outdir, 'stacks', 'state-dev', 'cdk.tf.json'), JSON.stringify(stack));

  const calls: { what: string; cliConfig?: string; checkpoint?: string }[] = [];
  const run: ProcessRunner = (_command, args, options) => {
    const file = options.env?.TF_CLI_CONFIG_FILE;
    calls.push({
      what: `terraform ${args[0] ?? ''}`,
      ...(file !== undefined ? { cliConfig: readFileSync(file, 'utf8') } : {}),
      ...(options.env?.CHECKPOINT_DISABLE !== undefined ? { checkpoint: options.env.CHECKPOINT_DISABLE } : {}),
    });
    if (args[0] === 'show') options.onLine?.(JSON.stringify({ resource_changes: [] }));
    return Promise.resolve<RunResult>({ code: 0, signal: null, tail: [] });
  };
  await runRecover({
    outdir,
    stacks: ['state-dev'],
    allowUpdates: false,
    env: { HOME: dir, BOOTSTRAP_DEPLOY_PARALLELISM: '1' },
    print: () => undefined,
    run,
    findMirror: () => mirror,
  });

  expect(calls[0]?.what).toBe('terraform init');
  for (const call of calls) {
    expect(call.cliConfig).toContain(`filesystem_mirror {\n    path = ${JSON.stringify(mirror)}`);
    expect(call.checkpoint).toBe('1');
  }
});
