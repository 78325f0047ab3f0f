// Adopting an existing bucket (`"adopt": true`): a deploy onto an existing `<platform>-<account>-state`
// is refused with a message that names the option; with it, the bucket is imported, hardened, and
// every object version it held is still there. A second account without adopt deploys normally.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  CreateBucketCommand,
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketPolicyCommand,
  GetBucketVersioningCommand,
  GetPublicAccessBlockCommand,
  ListObjectVersionsCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { stackDir } from '../../src/sandbox/cdktf';
import { CommandError } from '../../src/process/run';
import { terraformPlan } from '../../src/sandbox/terraform';
import { bucketExists, type Day2Sandbox, startDay2Sandbox } from './day2-support';

const EXISTING = 'adopt-old-state';
const FRESH = 'adopt-fresh-state';

/** accounts.json of the suite: `old` has a bucket before any deploy, `fresh` does not. */
function accounts(adoptOld: boolean): object {
  return {
    platform: 'adopt',
    productionAccount: 'fresh',
    pipeline: false,
    accounts: { old: adoptOld ? { profile: 'adopt-old', adopt: true } : 'adopt-old', fresh: 'adopt-fresh' },
  };
}

let sandbox: Day2Sandbox | undefined;
let oldS3: S3Client;
let freshS3: S3Client;
/** Each bucket is read with credentials of its own account (each moto account sees only its own). */
const s3For = (bucket: string): S3Client => (bucket === FRESH ? freshS3 : oldS3);
/** `key@versionId` of every object version in the bucket before the first deploy. */
let versionsBefore: string[];

function sb(): Day2Sandbox {
  if (sandbox === undefined) throw new Error('the sandbox did not start; see the beforeAll error');
  return sandbox;
}

async function listVersions(bucket: string): Promise<string[]> {
  const out = await s3For(bucket).send(new ListObjectVersionsCommand({ Bucket: bucket }));
  return (out.Versions ?? []).map((version) => `${String(version.Key)}@${String(version.VersionId)}`).sort();
}

function stateResources(stack: string): { type: string; instances: { status?: string }[] }[] {
  const file = path.join(sb().workspace.stateDir, `${stack}.tfstate`);
  if (!existsSync(file)) return [];
  return (JSON.parse(readFileSync(file, 'utf8')) as { resources: { type: string; instances: { status?: string }[] }[] })
    .resources;
}

beforeAll(async () => {
  sandbox = await startDay2Sandbox(accounts(false));
  oldS3 = sandbox.s3('old');
  freshS3 = sandbox.s3('fresh');
  const s3 = oldS3;
  // A bucket made by hand before the bootstrap: versioned, one object written twice, another once.
  await s3.send(new CreateBucketCommand({ Bucket: EXISTING }));
  await s3.send(new PutBucketVersioningCommand({ Bucket: EXISTING, VersioningConfiguration: { Status: 'Enabled' } }));
  for (const [key, body] of [
    ['network/terraform.tfstate', '{"serial":1}'],
    ['network/terraform.tfstate', '{"serial":2}'],
    ['notes.txt', 'kept'],
  ] as const) {
    await s3.send(new PutObjectCommand({ Bucket: EXISTING, Key: key, Body: body }));
  }
  versionsBefore = await listVersions(EXISTING);
  await sandbox.synth();
}, 300_000);

afterAll(async () => {
  await sandbox?.stop();
});

test('the hand-made bucket holds three object versions before any deploy', () => {
  expect(versionsBefore).toHaveLength(3);
});

test('without adopt, a deploy onto the existing bucket fails with a message that names "adopt" and changes nothing', async () => {
  const failure = await sb()
    .deploy(['state-old'])
    .then(
      () => undefined,
      (error: unknown) => error,
    );
  expect(failure).toBeInstanceOf(CommandError);
  const output = sb().log.join('\n');
  expect(output).toContain(`${EXISTING} already exists in this account and state-old does not manage it`);
  expect(output).toContain('set "adopt": true on accounts.old in');
  expect(await listVersions(EXISTING)).toEqual(versionsBefore);
  // The bucket's own settings are untouched: no policy, no public-access block were put on it.
  await expect(oldS3.send(new GetBucketPolicyCommand({ Bucket: EXISTING }))).rejects.toThrow();
  // Terraform recorded nothing but the check itself, tainted, which the next deploy runs again.
  const resources = stateResources('state-old');
  expect(resources.map((resource) => resource.type)).toEqual(resources.length === 0 ? [] : ['terraform_data']);
  for (const resource of resources) expect(resource.instances.map((instance) => instance.status)).toEqual(['tainted']);
}, 300_000);

describe('after "adopt": true, one deploy of both accounts', () => {
  beforeAll(async () => {
    writeFileSync(sb().accountsFile, JSON.stringify(accounts(true), null, 2));
    await sb().synth();
    await sb().deploy(['state-old', 'state-fresh']);
  }, 600_000);

  test('imports the existing bucket and keeps every object version it held', async () => {
    expect(stateResources('state-old').map((resource) => resource.type)).toContain('aws_s3_bucket');
    expect(await listVersions(EXISTING)).toEqual(versionsBefore);
  });

  test.each([EXISTING, FRESH])('%s has the secure settings', async (bucket) => {
    const s3 = s3For(bucket);
    const [versioning, encryption, publicAccess, ownership, policy] = await Promise.all([
      s3.send(new GetBucketVersioningCommand({ Bucket: bucket })),
      s3.send(new GetBucketEncryptionCommand({ Bucket: bucket })),
      s3.send(new GetPublicAccessBlockCommand({ Bucket: bucket })),
      s3.send(new GetBucketOwnershipControlsCommand({ Bucket: bucket })),
      s3.send(new GetBucketPolicyCommand({ Bucket: bucket })),
    ]);
    expect(versioning.Status).toBe('Enabled');
    expect(encryption.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm).toBe(
      'AES256',
    );
    expect(publicAccess.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      IgnorePublicAcls: true,
      BlockPublicPolicy: true,
      RestrictPublicBuckets: true,
    });
    expect(ownership.OwnershipControls?.Rules?.[0]?.ObjectOwnership).toBe('BucketOwnerEnforced');
    expect(JSON.parse(policy.Policy ?? '{}')).toMatchObject({
      Statement: [
        {
          Effect: 'Deny',
          Action: 's3:*',
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
        },
      ],
    });
  });

  test('the adopted bucket expires no noncurrent version; the fresh one does after 90 days', async () => {
    const [adopted, fresh] = await Promise.all(
      [EXISTING, FRESH].map((bucket) => s3For(bucket).send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket }))),
    );
    expect(adopted?.Rules).toEqual([
      expect.objectContaining({ Status: 'Enabled', AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 } }),
    ]);
    expect(adopted?.Rules?.[0]?.NoncurrentVersionExpiration).toBeUndefined();
    expect(fresh?.Rules?.[0]?.NoncurrentVersionExpiration).toEqual(expect.objectContaining({ NoncurrentDays: 90 }));
  });

  test('the account without an existing bucket and without adopt deployed normally', async () => {
    expect(await bucketExists(freshS3, FRESH)).toBe(true);
    expect(stateResources('state-fresh').map((resource) => resource.type)).toEqual(
      expect.arrayContaining(['aws_s3_bucket', 'terraform_data']),
    );
  });

  test('npm run status -- --live sees no drift on either bucket', async () => {
    const result = await sb().script('status', ['--live']);
    expect(result.output).not.toContain('drift:');
    expect(result.code).toBe(0);
  });

  test('a second plan of the adopted stack reports no changes', async () => {
    const { outdir, env } = sb().workspace;
    await expect(terraformPlan(stackDir(outdir, 'state-old'), env)).resolves.toBe('no-changes');
  }, 300_000);
});
