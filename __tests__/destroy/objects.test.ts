// Emptying a bucket with a fake S3 client: what `npm run destroy --delete-objects` says when S3
// refuses to delete keys.
import { deleteFailureProblem, emptyBucket } from '../../src/destroy/objects';
import { fakeAws } from '../support/fake-aws';

const LISTING = {
  Versions: [
    { Key: 'env/dev.tfstate', VersionId: 'v1' },
    { Key: 'env/dev.tfstate', VersionId: 'v2' },
  ],
  DeleteMarkers: [{ Key: 'old.tfstate', VersionId: 'v3' }],
};

/** The error `emptyBucket` rejects with when DeleteObjects answers `errors`. */
async function refusal(errors: Record<string, string>[]): Promise<Error> {
  const { s3 } = fakeAws({
    ListObjectVersionsCommand: () => LISTING,
    DeleteObjectsCommand: () => ({ Errors: errors }),
  });
  try {
    await emptyBucket(s3, 'acme-dev-state', () => undefined);
  } catch (error) {
    if (error instanceof Error) return error;
    throw error;
  }
  throw new Error('expected emptyBucket to reject');
}

describe('a key S3 refuses to delete', () => {
  test('moto names only key, code and message: the message names the key and never prints undefined', async () => {
    // moto 5.2.1 reports refused keys without a VersionId; AWS names the version.
    const error = await refusal([
      { Key: 'env/dev.tfstate', Code: 'AccessDenied', Message: 'Access Denied' },
      { Key: 'env/dev.tfstate', Code: 'AccessDenied', Message: 'Access Denied' },
      { Key: 'old.tfstate', Code: 'AccessDenied', Message: 'Access Denied' },
    ]);
    expect(error.message).toBe(
      'S3 refused to delete 3 of 3 key(s) of acme-dev-state, e.g. key "env/dev.tfstate": AccessDenied (Access Denied)',
    );
  });

  test('AWS names the version too, and the message names it', async () => {
    const error = await refusal([{ Key: 'old.tfstate', VersionId: 'v3', Code: 'AccessDenied', Message: 'Access Denied' }]);
    expect(error.message).toBe(
      'S3 refused to delete 1 of 3 key(s) of acme-dev-state, e.g. key "old.tfstate" version v3: AccessDenied (Access Denied)',
    );
  });

  test('an error entry without key, code or message still reads as a sentence', async () => {
    const error = await refusal([{}]);
    expect(error.message).toBe('S3 refused to delete 1 of 3 key(s) of acme-dev-state');
  });
});

describe('the line npm run destroy prints when emptying fails', () => {
  test('an AccessDenied names the bucket policy and the profile’s permissions as the places to look', async () => {
    const error = await refusal([{ Key: 'old.tfstate', Code: 'AccessDenied', Message: 'Access Denied' }]);
    expect(deleteFailureProblem(error, 'acme-dev-state', 'acme-dev', 1000)).toBe(
      'could not delete the contents of acme-dev-state with profile acme-dev: S3 refused to delete 1 of 3 key(s) of acme-dev-state, e.g. key "old.tfstate": AccessDenied (Access Denied); the 1000 deleted so far stay deleted; look for a Deny in the bucket policy ("aws s3api get-bucket-policy --bucket acme-dev-state --profile acme-dev") and check that the profile\'s IAM policies allow s3:DeleteObjectVersion on it (Object Lock and MFA delete refuse too), then run the command again',
    );
  });

  test('a request S3 refuses as a whole gets the same advice, and says when nothing was deleted', () => {
    const denied = Object.assign(new Error('Access Denied\nmore'), { name: 'AccessDenied' });
    const line = deleteFailureProblem(denied, 'acme-dev-state', 'acme-dev', 0);
    expect(line).toMatch(
      /^could not delete the contents of acme-dev-state with profile acme-dev: AccessDenied: Access Denied; nothing was deleted; look for a Deny in the bucket policy/,
    );
  });

  test('another error gets no permission advice', () => {
    const line = deleteFailureProblem(
      Object.assign(new Error('Please reduce your request rate.'), { name: 'SlowDown' }),
      'b',
      'p',
      2,
    );
    expect(line).toBe(
      'could not delete the contents of b with profile p: SlowDown: Please reduce your request rate.; the 2 deleted so far stay deleted; fix the cause, then run the command again',
    );
  });
});
