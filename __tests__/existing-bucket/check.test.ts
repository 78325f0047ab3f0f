import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { checkExistingBucket, decide, type ExistingBucketCheckOptions, probeBucket } from '../../src/existing-bucket/check';

const OPTIONS: ExistingBucketCheckOptions = {
  bucket: 'acme-dev-state',
  stack: 'state-dev',
  account: 'dev',
  region: 'eu-west-1',
  stateFile: 'missing/state-dev.tfstate',
  adopt: false,
  accountsFile: 'accounts.json',
};

/** An S3 client double whose HeadBucket resolves, or rejects with an SDK-shaped error of `status`. */
function s3Answering(status: number, extra: { name?: string; headers?: Record<string, string> } = {}): Pick<S3Client, 'send'> {
  return {
    send: () => {
      if (status === 200) return Promise.resolve({});
      const error = Object.assign(new Error(extra.name ?? 'UnknownError'), {
        name: extra.name ?? 'UnknownError',
        $metadata: { httpStatusCode: status },
        $response: { headers: extra.headers ?? {} },
      });
      return Promise.reject(error);
    },
  };
}

describe('probeBucket', () => {
  test('404 means the bucket does not exist', async () => {
    await expect(probeBucket(s3Answering(404, { name: 'NotFound' }), 'b')).resolves.toEqual({ kind: 'absent' });
  });

  test('200 means it exists and these credentials may read it', async () => {
    await expect(probeBucket(s3Answering(200), 'b')).resolves.toEqual({ kind: 'present' });
  });

  test('403 means it exists and another account owns it', async () => {
    await expect(probeBucket(s3Answering(403, { name: 'Forbidden' }), 'b')).resolves.toEqual({ kind: 'forbidden' });
  });

  test('301 means it exists in another region, which S3 names', async () => {
    const s3 = s3Answering(301, { headers: { 'x-amz-bucket-region': 'eu-central-1' } });
    await expect(probeBucket(s3, 'b')).resolves.toEqual({ kind: 'elsewhere', region: 'eu-central-1' });
  });

  test('any other failure is reported with its name and first line, never thrown', async () => {
    const s3 = { send: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:1\nmore')) } as unknown as S3Client;
    await expect(probeBucket(s3, 'b')).resolves.toEqual({ kind: 'error', message: 'Error: connect ECONNREFUSED 127.0.0.1:1' });
  });
});

describe('decide', () => {
  test('a bucket that does not exist yet passes, adopted or not', () => {
    expect(decide({ kind: 'absent' }, OPTIONS, false)).toEqual({
      ok: true,
      message: 'acme-dev-state does not exist yet: state-dev creates it',
    });
    expect(decide({ kind: 'absent' }, { ...OPTIONS, adopt: true }, false).ok).toBe(true);
  });

  test('an existing bucket the state does not record fails with one line that names "adopt", the account and the file', () => {
    const result = decide({ kind: 'present' }, { ...OPTIONS, accountsFile: 'my-accounts.json' }, false);
    expect(result).toEqual({
      ok: false,
      message:
        'acme-dev-state already exists in this account and state-dev does not manage it; to take it over with its objects, ' +
        'set "adopt": true on accounts.dev in my-accounts.json and deploy again (see docs/adopt.md; ' +
        'if state-dev created it and its state file was lost, run npm run recover-state -- state-dev instead)',
    });
    expect(result.message).not.toContain('\n');
  });

  test("a bucket whose tags say this stack made it is this stack's lost state: the message names recover-state, not adopt", () => {
    const result = decide({ kind: 'present' }, OPTIONS, false, true);
    expect(result.ok).toBe(false);
    expect(result.message).toContain("its tags say state-dev created it, but state-dev's state does not record it");
    expect(result.message).toContain('Do not deploy: run npm run recover-state -- state-dev');
    expect(result.message).not.toContain('"adopt"');
    expect(result.message).not.toContain('\n');
  });

  test('an existing bucket passes when the account adopts it', () => {
    expect(decide({ kind: 'present' }, { ...OPTIONS, adopt: true }, false)).toEqual({
      ok: true,
      message: 'acme-dev-state exists: state-dev adopts it ("adopt": true on accounts.dev)',
    });
  });

  test('an existing bucket passes when the state already records it (a stack deployed before the check existed)', () => {
    expect(decide({ kind: 'present' }, OPTIONS, true).ok).toBe(true);
  });

  test("another account's bucket fails even with adopt, and the message says to choose another platform name", () => {
    for (const adopt of [false, true]) {
      const result = decide({ kind: 'forbidden' }, { ...OPTIONS, adopt }, false);
      expect(result.ok).toBe(false);
      expect(result.message).toContain('belongs to another AWS account');
      expect(result.message).toContain('choose another platform name');
    }
  });

  test('a bucket in another region fails and names both regions', () => {
    const result = decide({ kind: 'elsewhere', region: 'eu-central-1' }, OPTIONS, false);
    expect(result.ok).toBe(false);
    expect(result.message).toContain('already exists in region eu-central-1, not in eu-west-1');
  });

  test('an error fails the deploy with the error', () => {
    expect(decide({ kind: 'error', message: 'ExpiredToken: token expired' }, OPTIONS, false)).toEqual({
      ok: false,
      message:
        'cannot check whether acme-dev-state already exists: ExpiredToken: token expired; check the profile and region of accounts.dev with "npm run doctor -- --live", then deploy again',
    });
  });
});

describe('checkExistingBucket', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'existing-bucket-check-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  function stateFileWith(resources: unknown[]): string {
    const file = path.join(dir, 'state-dev.tfstate');
    writeFileSync(file, JSON.stringify({ version: 4, resources }));
    return file;
  }

  test('an existing bucket passes when the local state file records it', async () => {
    const stateFile = stateFileWith([
      { mode: 'managed', type: 'aws_s3_bucket', instances: [{ attributes: { bucket: 'acme-dev-state', region: 'eu-west-1' } }] },
    ]);
    await expect(checkExistingBucket(s3Answering(200), { ...OPTIONS, stateFile })).resolves.toMatchObject({ ok: true });
  });

  test('a state file with only the tainted check of an earlier refused deploy does not count as managing the bucket', async () => {
    const stateFile = stateFileWith([
      { mode: 'managed', type: 'terraform_data', instances: [{ status: 'tainted', attributes: {} }] },
    ]);
    await expect(checkExistingBucket(s3Answering(200), { ...OPTIONS, stateFile })).resolves.toMatchObject({ ok: false });
  });

  test("an unrecorded bucket tagged for this account and stack is refused naming recover-state; another stack's tags name adopt", async () => {
    const tagged = (stack: string): Pick<S3Client, 'send'> => ({
      send: (command: unknown) =>
        Promise.resolve(
          (command as { constructor: { name: string } }).constructor.name === 'GetBucketTaggingCommand'
            ? {
                TagSet: [
                  { Key: 'managed-by', Value: 'bootstrap-aws' },
                  { Key: 'bootstrap-aws:account', Value: 'dev' },
                  { Key: 'bootstrap-aws:stack', Value: stack },
                ],
              }
            : {},
        ),
    });
    await expect(checkExistingBucket(tagged('state-dev'), OPTIONS)).resolves.toMatchObject({
      ok: false,
      message: expect.stringContaining('run npm run recover-state -- state-dev, which imports') as unknown,
    });
    await expect(checkExistingBucket(tagged('state-other'), OPTIONS)).resolves.toMatchObject({
      ok: false,
      message: expect.stringContaining('set "adopt": true on accounts.dev') as unknown,
    });
  });

  test('a missing state file means nothing is managed yet', async () => {
    await expect(checkExistingBucket(s3Answering(200), OPTIONS)).resolves.toMatchObject({ ok: false });
  });
});
