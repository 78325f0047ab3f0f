// Guarded destroy against moto: plain `cdktf destroy` is refused with the reason, `npm run destroy`
// refuses without "allowDestroy", with a wrong confirmation and with objects left in the bucket, and
// with every key given it empties and destroys exactly one bucket.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { DeleteObjectCommand, ListObjectVersionsCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { PROJECT_ROOT } from '../../src/terraform/cdktf-cli';
import { cliEntryPath } from '../../src/cli/node-cli';
import { runProcess } from '../../src/process/run';
import { readStackState } from '../../src/terraform/state-file';
import { bucketExists, type Day2Sandbox, startDay2Sandbox } from './day2-support';

const KEEP = 'wipe-keep-state';
const GONE = 'wipe-gone-state';

let sandbox: Day2Sandbox | undefined;
let keepS3: S3Client;
let goneS3: S3Client;
/** Each bucket is read with credentials of its own account (each moto account sees only its own). */
const s3For = (bucket: string): S3Client => (bucket === GONE ? goneS3 : keepS3);

function sb(): Day2Sandbox {
  if (sandbox === undefined) throw new Error('the sandbox did not start; see the beforeAll error');
  return sandbox;
}

beforeAll(async () => {
  sandbox = await startDay2Sandbox({
    platform: 'wipe',
    productionAccount: 'keep',
    pipeline: false,
    accounts: { keep: 'wipe-keep', gone: { profile: 'wipe-gone', allowDestroy: true } },
  });
  keepS3 = sandbox.s3('keep');
  goneS3 = sandbox.s3('gone');
  await sandbox.synth();
  await sandbox.deploy(['state-keep', 'state-gone']);
}, 600_000);

afterAll(async () => {
  await sandbox?.stop();
});

function stateFile(stack: string): string {
  return path.join(sb().workspace.stateDir, `${stack}.tfstate`);
}

/** Runs `npm run destroy -- ...args` (the script itself) on the workspace, keeping all its output. */
async function destroy(args: readonly string[]): Promise<{ code: number | null; output: string }> {
  const result = await runProcess(process.execPath, ['--require', './scripts/ts-runner.js', 'scripts/destroy.ts', ...args], {
    cwd: PROJECT_ROOT,
    // The synth output of the workspace, not the project's cdktf.out.
    env: { ...sb().workspace.env, CDKTF_OUTDIR: sb().workspace.outdir },
    keepLines: 5000,
  });
  return { code: result.code, output: result.tail.join('\n') };
}

async function versionCount(bucket: string): Promise<number> {
  const page = await s3For(bucket).send(new ListObjectVersionsCommand({ Bucket: bucket }));
  return (page.Versions?.length ?? 0) + (page.DeleteMarkers?.length ?? 0);
}

/**
 * Plain `cdktf destroy <stack> --auto-approve` on the workspace, without any confirmation, as CI runs it:
 * output to pipes, not a terminal.
 */
async function plainCdktfDestroy(stack: string): Promise<{ code: number | null; output: string }> {
  const result = await runProcess(
    process.execPath,
    [cliEntryPath(), 'destroy', stack, '--output', sb().workspace.outdir, '--auto-approve', '--skip-provider-lock', '--no-color'],
    { cwd: PROJECT_ROOT, env: sb().workspace.env, keepLines: 5000 },
  );
  return { code: result.code, output: result.tail.join('\n') };
}

test('plain cdktf destroy with output to pipes prints the prevent_destroy reason and "npm run destroy", allowDestroy or not, and changes nothing', async () => {
  const before = [readFileSync(stateFile('state-keep'), 'utf8'), readFileSync(stateFile('state-gone'), 'utf8')];
  // Terraform's own refusal ("Instance cannot be destroyed") comes at the very end of its output, which
  // cdktf can drop on Linux; synth refuses first, so the reason is always printed.
  const [keep, gone] = await Promise.all([plainCdktfDestroy('state-keep'), plainCdktfDestroy('state-gone')]);
  const refused = (stack: string, bucket: string): string =>
    `error: "cdktf destroy" cannot destroy ${stack}: its state bucket ${bucket} has lifecycle.prevent_destroy, so Terraform would stop at plan ("Instance cannot be destroyed"); nothing was changed; `;
  expect(keep.output).toContain(
    `${refused('state-keep', KEEP)}"npm run destroy -- keep" destroys it once this is fixed: ${sb().accountsFile}: accounts.keep.allowDestroy: is not true`,
  );
  expect(gone.output).toContain(
    `${refused('state-gone', GONE)}to destroy it, run "npm run destroy -- gone" (it asks for the bucket name)`,
  );
  expect([keep.code, gone.code]).toEqual([1, 1]);
  expect(await bucketExists(keepS3, KEEP)).toBe(true);
  expect(await bucketExists(goneS3, GONE)).toBe(true);
  expect([readFileSync(stateFile('state-keep'), 'utf8'), readFileSync(stateFile('state-gone'), 'utf8')]).toEqual(before);
}, 300_000);

test('npm run destroy refuses an account without "allowDestroy": true, even with the right bucket name', async () => {
  const result = await destroy(['keep', '--confirm', KEEP]);
  expect(result.output).toContain(
    `error: ${sb().accountsFile}: accounts.keep.allowDestroy: is not true, so the state bucket ${KEEP} may not be destroyed; set "allowDestroy": true on accounts.keep to allow destroying ${KEEP}`,
  );
  expect(result.code).toBe(1);
  expect(await bucketExists(keepS3, KEEP)).toBe(true);
}, 120_000);

test('npm run destroy refuses a confirmation that is not the bucket name', async () => {
  const result = await destroy(['gone', '--confirm', 'wrong-name']);
  expect(result.output).toContain(
    `error: --confirm "wrong-name" is not the state bucket of account gone (${GONE}); nothing was changed`,
  );
  expect(result.code).toBe(1);
  expect(await bucketExists(goneS3, GONE)).toBe(true);
}, 120_000);

test('npm run destroy refuses a bucket that holds objects unless --delete-objects is given', async () => {
  // The TLS-only policy stays: this project's moto evaluates it as AWS does for HTTPS (src/sandbox/moto.ts).
  await goneS3.send(new PutObjectCommand({ Bucket: GONE, Key: 'app/terraform.tfstate', Body: '{"version":4}' }));
  await goneS3.send(new PutObjectCommand({ Bucket: GONE, Key: 'app/terraform.tfstate', Body: '{"version":4,"serial":2}' }));
  await goneS3.send(new DeleteObjectCommand({ Bucket: GONE, Key: 'app/terraform.tfstate' }));
  expect(await versionCount(GONE)).toBe(3);

  const result = await destroy(['gone', '--confirm', GONE]);
  expect(result.output).toContain(
    `error: ${GONE} holds 2 object version(s), 1 delete marker(s); nothing was changed; add --delete-objects to delete them all permanently, then the bucket`,
  );
  expect(result.code).toBe(1);
  expect(await versionCount(GONE)).toBe(3);
}, 120_000);

test('with allowDestroy, the confirmation and --delete-objects, it empties and destroys that bucket only', async () => {
  const result = await destroy(['gone', '--confirm', GONE, '--delete-objects']);
  if (result.code !== 0) throw new Error(`npm run destroy failed:\n${result.output}`);
  expect(result.output).toContain(`Deleting 2 object version(s), 1 delete marker(s) from ${GONE}, in batches of up to 1000...`);
  expect(result.output).toContain('  deleted 3 of 3 object version(s) and delete marker(s)');
  expect(result.output).toMatch(/Destroy complete! Resources: \d+ destroyed/);
  expect(result.output).toContain(`Destroyed state-gone: the state bucket ${GONE} is gone.`);
  expect(result.output).toContain(`The local state file ${stateFile('state-gone')} stays; Terraform emptied it`);

  expect(await bucketExists(goneS3, GONE)).toBe(false);
  expect(await bucketExists(keepS3, KEEP)).toBe(true);
  // The state file is still there and records nothing; the other stack's still records its bucket.
  expect(readStackState(sb().workspace.stateDir, 'state-gone', { stateBucketName: GONE })).toMatchObject({ deployed: false });
  expect(readStackState(sb().workspace.stateDir, 'state-keep', { stateBucketName: KEEP })).toMatchObject({ deployed: true });
  // The synth output was synthesized again without the confirmation: prevent_destroy is back.
  const synthesized = JSON.parse(
    readFileSync(path.join(sb().workspace.outdir, 'stacks', 'state-gone', 'cdk.tf.json'), 'utf8'),
  ) as { resource: { aws_s3_bucket: Record<string, { lifecycle: { prevent_destroy: boolean } }> } };
  expect(synthesized.resource.aws_s3_bucket['state-bucket_828F7150']?.lifecycle.prevent_destroy).toBe(true);
}, 300_000);
