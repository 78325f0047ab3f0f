// npm run destroy offline: terraform gets the provider mirror as deploy gives it, and the destroy is proven
// to run (init, a destroy plan of exactly the stack's resources) before any object is deleted.
import { cliForNode } from '../../src/cli/node-cli';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { ConfigError, validateConfig } from '../../src/config';
import { destroyPlanProblem, type PlannedResourceChange, runDestroy } from '../../src/destroy';
import type { ProcessRunner, RunResult } from '../../src/process/run';
import { AWS_PROVIDER_VERSION } from '../../src/terraform/provider-mirror';

const config = validateConfig(
  { platform: 'acme', accounts: { dev: { profile: 'acme-dev', allowDestroy: true }, prod: 'acme-prod' } },
  'accounts.json',
);

let dir: string;
let mirror: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'destroy-offline-test-'));
  mirror = path.join(dir, 'mirror');
  mkdirSync(path.join(mirror, 'registry.terraform.io', 'hashicorp', 'aws', AWS_PROVIDER_VERSION), { recursive: true });
  const state = {
    version: 4,
    resources: [
      { mode: 'managed', type: 'aws_s3_bucket', name: 'bucket', instances: [{ attributes: { bucket: 'acme-dev-state' } }] },
      { mode: 'managed', type: 'aws_kms_key', name: 'key', instances: [{ attributes: { id: 'k' } }] },
    ],
  };
  writeFileSync(path.join(dir, 'state-dev.tfstate'), JSON.stringify(state));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

interface Call {
  readonly what: string;
  readonly cliConfig: string | undefined;
  readonly checkpoint: string | undefined;
}

/** A bucket holding one object version until it is deleted; records every S3 command sent. */
function fakeS3(sent: string[]): S3Client {
  return {
    send: (command: { constructor: { name: string } }) => {
      sent.push(command.constructor.name);
      const held = !sent.includes('DeleteObjectsCommand');
      if (command.constructor.name === 'ListObjectVersionsCommand' && held) {
        return Promise.resolve({ Versions: [{ Key: 'a', VersionId: '1' }] });
      }
      return Promise.resolve({});
    },
    destroy: () => undefined,
  } as unknown as S3Client;
}

/** terraform and cdktf as they answer: `fail` names the step that fails; `plan` is what `terraform show -json` prints. */
function fakeRun(calls: Call[], fail?: string, plan?: unknown): ProcessRunner {
  return (command, args, options) => {
    const words = command === 'terraform' ? ['terraform', ...args] : ['cdktf', ...args.slice(1)];
    const what = words.slice(0, 2).join(' ');
    const file = options.env?.TF_CLI_CONFIG_FILE;
    calls.push({
      what,
      cliConfig: file !== undefined ? readFileSync(file, 'utf8') : undefined,
      checkpoint: options.env?.CHECKPOINT_DISABLE,
    });
    const result = (code: number, tail: string[] = []): Promise<RunResult> => Promise.resolve({ code, signal: null, tail });
    if (what === fail) return result(1, ['Error: Failed to query available provider packages']);
    if (what === 'terraform show')
      options.onLine?.(JSON.stringify(plan ?? { resource_changes: deletes(['aws_s3_bucket.bucket', 'aws_kms_key.key']) }));
    return result(0);
  };
}

function deletes(addresses: readonly string[], actions: readonly string[] = ['delete']): PlannedResourceChange[] {
  return addresses.map((address) => {
    const [type = '', name = ''] = address.split('.');
    return { address, mode: 'managed', type, name, change: { actions } };
  });
}

async function destroy(run: ProcessRunner, sent: string[]): Promise<number> {
  return runDestroy({
    config,
    stateDir: dir,
    outdir: path.join(dir, 'cdktf.out'),
    account: 'dev',
    deleteObjects: true,
    confirm: 'acme-dev-state',
    env: { HOME: dir, PATH: process.env.PATH },
    print: () => undefined,
    identity: () => Promise.resolve('arn:aws:iam::111111111111:root'),
    findMirror: () => mirror,
    s3: fakeS3(sent),
    run,
  });
}

test('every terraform and cdktf step of a destroy gets the CLI config naming the offline mirror, and no update check', async () => {
  const calls: Call[] = [];
  expect(await destroy(fakeRun(calls), [])).toBe(0);

  expect(calls.map((call) => call.what)).toEqual([
    'cdktf synth',
    'terraform init',
    'terraform plan',
    'terraform show',
    'cdktf destroy',
    'cdktf synth',
  ]);
  for (const call of calls) {
    expect(call.cliConfig).toContain(`filesystem_mirror {\n    path = ${JSON.stringify(mirror)}`);
    expect(call.checkpoint).toBe('1');
  }
});

test('when terraform init fails (offline without a mirror terraform can use), no object is deleted and cdktf destroy never runs', async () => {
  const calls: Call[] = [];
  const sent: string[] = [];
  await expect(destroy(fakeRun(calls, 'terraform init'), sent)).rejects.toThrow(ConfigError);
  await expect(destroy(fakeRun([], 'terraform init'), [])).rejects.toThrow(
    'terraform init for state-dev failed (Error: Failed to query available provider packages); nothing was changed; offline, point BOOTSTRAP_PROVIDER_MIRROR at a provider mirror (docs/offline.md), or check with "npm run doctor"',
  );
  expect(sent).not.toContain('DeleteObjectsCommand');
  expect(calls.map((call) => call.what)).not.toContain('cdktf destroy');
});

test('a destroy plan that would keep a resource of the state stops the command before any object is deleted', async () => {
  const sent: string[] = [];
  const calls: Call[] = [];
  await expect(destroy(fakeRun(calls, undefined, { resource_changes: deletes(['aws_s3_bucket.bucket']) }), sent)).rejects.toThrow(
    /state-dev: terraform's destroy plan is not the destroy of exactly the 2 resource\(s\) its state records \(it would keep aws_kms_key\.key\); nothing was changed/,
  );
  expect(sent).not.toContain('DeleteObjectsCommand');
  expect(calls.map((call) => call.what)).not.toContain('cdktf destroy');
});

describe('destroyPlanProblem', () => {
  const recorded = [
    { type: 'aws_s3_bucket', name: 'bucket' },
    { type: 'aws_kms_key', name: 'key' },
  ];

  test('a plan that deletes exactly the recorded resources is the destroy', () => {
    expect(destroyPlanProblem('state-dev', deletes(['aws_s3_bucket.bucket', 'aws_kms_key.key']), recorded)).toBeUndefined();
  });

  test('a resource already gone from AWS (a delete in the drift) counts as destroyed', () => {
    expect(
      destroyPlanProblem('state-dev', deletes(['aws_kms_key.key']), recorded, deletes(['aws_s3_bucket.bucket'])),
    ).toBeUndefined();
  });

  test('a plan that creates or deletes anything the state does not record is refused, naming it', () => {
    const changes = [
      ...deletes(['aws_s3_bucket.bucket', 'aws_kms_key.key', 'aws_iam_role.other']),
      ...deletes(['aws_s3_bucket.extra'], ['create']),
    ];
    expect(destroyPlanProblem('state-dev', changes, recorded)).toBe(
      `state-dev: terraform's destroy plan is not the destroy of exactly the 2 resource(s) its state records (it would delete aws_iam_role.other, which the state file does not record; it would also create aws_s3_bucket.extra); nothing was changed; check the stack with "${cliForNode().npx} diff state-dev" and its state file`,
    );
  });
});
