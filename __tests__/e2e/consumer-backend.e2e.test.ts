// A Terraform project that consumes a state bucket through the synthesized
// cdktf.out/backends/<account>.s3.tfbackend: init, apply, state object and S3 native locking (use_lockfile).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { GetBucketPolicyCommand, GetObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { backendConfigPath } from '../../src/backend-config';
import { runProcess, type RunResult } from '../../src/process/run';
import { type Day2Sandbox, startDay2Sandbox } from './day2-support';

const BUCKET = 'consumer-prod-state';
const KEY = 'network/terraform.tfstate';

/** Seconds the consumer's apply holds the state lock (a local-exec sleep), long enough to observe it. */
const HOLD_SECONDS = 8;

const CONSUMER_MAIN_TF = `
terraform {
  backend "s3" {}
}

variable "hold_seconds" {
  type    = number
  default = 0
}

resource "terraform_data" "example" {
  input = "consumed"

  provisioner "local-exec" {
    command = "sleep \${var.hold_seconds}"
  }
}

output "example_output" {
  value = terraform_data.example.output
}
`;

let sandbox: Day2Sandbox | undefined;
let s3: S3Client;

function sb(): Day2Sandbox {
  if (sandbox === undefined) throw new Error('the sandbox did not start; see the beforeAll error');
  return sandbox;
}

beforeAll(async () => {
  sandbox = await startDay2Sandbox({ platform: 'consumer', accounts: { prod: 'consumer-prod' } });
  s3 = sandbox.s3('prod');
  await sandbox.synth();
  await sandbox.deploy(['state-prod']);
}, 600_000);

afterAll(async () => {
  await sandbox?.stop();
});

/**
 * A consumer project folder initialised with the user-facing backend file plus, in a second
 * file that only this test writes, the settings that point the backend at moto.
 */
async function initConsumer(name: string, expectSuccess = true): Promise<RunResult & { dir: string; output: string }> {
  const dir = path.join(sb().workspace.root, name);
  mkdirSync(dir);
  writeFileSync(path.join(dir, 'main.tf'), CONSUMER_MAIN_TF);
  const motoBackend = path.join(sb().workspace.root, 'moto.s3.tfbackend');
  if (!existsSync(motoBackend)) {
    writeFileSync(
      motoBackend,
      [
        `endpoints = { s3 = "${sb().moto.endpoint}" }`,
        'use_path_style = true',
        'skip_credentials_validation = true',
        'skip_requesting_account_id = true',
        'skip_metadata_api_check = true',
        'skip_region_validation = true',
        '',
      ].join('\n'),
    );
  }
  const result = await terraform(
    dir,
    [
      'init',
      `-backend-config=${backendConfigPath(sb().workspace.outdir, 'prod')}`,
      `-backend-config=${motoBackend}`,
      `-backend-config=key=${KEY}`,
    ],
    expectSuccess,
  );
  return { ...result, dir };
}

async function terraform(dir: string, args: readonly string[], expectSuccess = true): Promise<RunResult & { output: string }> {
  const result = await runProcess('terraform', [...args, '-input=false', '-no-color'], { cwd: dir, env: sb().workspace.env });
  const output = result.tail.join('\n');
  if (expectSuccess && result.code !== 0) throw new Error(`terraform ${args.join(' ')} failed in ${dir}:\n${output}`);
  return { ...result, output };
}

async function objectExists(key: string): Promise<boolean> {
  try {
    await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));
    return true;
  } catch (error) {
    if (error instanceof Error && (error.name === 'NotFound' || error.name === 'NoSuchKey')) return false;
    throw error;
  }
}

/** True when the bucket policy still holds the TLS-only Deny. */
async function tlsPolicyPresent(): Promise<boolean> {
  const { Policy } = await s3.send(new GetBucketPolicyCommand({ Bucket: BUCKET }));
  return /"aws:SecureTransport":\s*"false"/.test(Policy ?? '');
}

async function waitFor(condition: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

test('the synthesized backend file names the state bucket, its region, encryption, native locking and the profile', () => {
  const text = readFileSync(backendConfigPath(sb().workspace.outdir, 'prod'), 'utf8');
  expect(text).toMatch(/^bucket\s+= "consumer-prod-state"$/m);
  expect(text).toMatch(/^region\s+= "us-east-1"$/m);
  expect(text).toMatch(/^encrypt\s+= true$/m);
  expect(text).toMatch(/^use_lockfile = true$/m);
  expect(text).toMatch(/^profile\s+= "consumer-prod"$/m);
  expect(text).not.toMatch(/127\.0\.0\.1|endpoints/);
});

test('a consumer project applies with its state stored in the bucket under its key, locked while it runs, and a concurrent run is refused', async () => {
  // The TLS-only bucket policy stays in place: moto, as src/sandbox/moto.ts starts it, evaluates it as
  // AWS does for the HTTPS requests terraform makes (plain moto 5.2.1 would refuse every object request).
  expect(await tlsPolicyPresent()).toBe(true);
  const first = (await initConsumer('consumer-a')).dir;
  const second = (await initConsumer('consumer-b')).dir;
  const lockKey = `${KEY}.tflock`;
  expect(await objectExists(KEY)).toBe(false);

  const apply = terraform(first, ['apply', '-auto-approve', `-var=hold_seconds=${HOLD_SECONDS}`]);
  // use_lockfile: the running apply holds <key>.tflock in the bucket.
  const lockSeen = await waitFor(() => objectExists(lockKey), HOLD_SECONDS * 1000);
  let refused: RunResult & { output: string };
  try {
    expect(lockSeen).toBe(true);
    // A second operator's run while the lock is held: refused, not queued, not overwritten.
    refused = await terraform(second, ['plan', '-lock-timeout=0s'], false);
  } finally {
    await apply;
  }
  expect(refused.code).not.toBe(0);
  expect(refused.output).toMatch(/Error acquiring the state lock/);
  expect(refused.output).toMatch(/PreconditionFailed|412/);

  // The lock is released when the run ends; the state is in the bucket under the consumer's key.
  expect(await objectExists(lockKey)).toBe(false);
  const object = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: KEY }));
  expect(object.ServerSideEncryption).toBe('AES256');
  const body = object.Body;
  if (body === undefined) throw new Error('the state object has no body');
  const state = JSON.parse(await body.transformToString()) as {
    resources: { type: string; name: string }[];
    outputs: Record<string, { value: unknown }>;
  };
  expect(state.resources.map((resource) => `${resource.type}.${resource.name}`)).toEqual(['terraform_data.example']);
  expect(state.outputs.example_output?.value).toBe('consumed');

  // The other checkout now sees the same state: nothing to change.
  const plan = await terraform(second, ['plan', '-detailed-exitcode', '-lock-timeout=0s'], false);
  expect({ code: plan.code, output: plan.output }).toEqual({ code: 0, output: expect.stringMatching(/No changes/) as unknown });
  expect(await tlsPolicyPresent()).toBe(true);
});
