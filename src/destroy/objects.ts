import {
  AbortMultipartUploadCommand,
  DeleteObjectsCommand,
  ListMultipartUploadsCommand,
  ListObjectVersionsCommand,
  type ObjectIdentifier,
  type _Error as S3Error,
  type S3Client,
} from '@aws-sdk/client-s3';

/** S3's limit of keys per DeleteObjects request (and per ListObjectVersions page). */
export const DELETE_BATCH_SIZE = 1000;

/** What a bucket holds that keeps S3 from deleting it. */
export interface BucketContents {
  /** Object versions, current and noncurrent. */
  readonly versions: number;
  readonly deleteMarkers: number;
  /** Multipart uploads started and neither completed nor aborted. */
  readonly uploads: number;
}

/** Total of {@link BucketContents}: 0 means the bucket is empty. */
export function contentCount(contents: BucketContents): number {
  return contents.versions + contents.deleteMarkers + contents.uploads;
}

/** `3 object version(s), 1 delete marker(s)` (unfinished uploads only when there are some). */
export function describeContents(contents: BucketContents): string {
  return [
    `${contents.versions} object version(s)`,
    `${contents.deleteMarkers} delete marker(s)`,
    ...(contents.uploads > 0 ? [`${contents.uploads} unfinished multipart upload(s)`] : []),
  ].join(', ');
}

/** S3 refused some keys of a DeleteObjects request; `first` is the first refusal as S3 reported it. */
export class DeleteRefusedError extends Error {
  /** The error code of the first refusal, e.g. `AccessDenied`, when S3 gave one. */
  public readonly code: string | undefined;

  constructor(bucket: string, refused: number, requested: number, first: S3Error) {
    // S3 may leave out any field of an error entry (moto 5.2.1 never sends VersionId; AWS does):
    // name only what is known.
    const key = first.Key !== undefined ? `key ${JSON.stringify(first.Key)}` : undefined;
    const version = first.VersionId !== undefined ? `version ${first.VersionId}` : undefined;
    const where = [key, version].filter((part) => part !== undefined).join(' ');
    const why = [first.Code, first.Message !== undefined ? `(${first.Message})` : undefined]
      .filter((part) => part !== undefined)
      .join(' ');
    super(
      `S3 refused to delete ${refused} of ${requested} key(s) of ${bucket}${where !== '' ? `, e.g. ${where}` : ''}${why !== '' ? `: ${why}` : ''}`,
    );
    this.name = 'DeleteRefusedError';
    this.code = first.Code;
  }
}

/**
 * The one line `npm run destroy` prints when emptying `bucket` failed: what S3 said, what stays
 * deleted, and the usual causes of that error code.
 */
export function deleteFailureProblem(error: unknown, bucket: string, profile: string, deleted: number): string {
  const message = error instanceof Error ? (error.message.split('\n')[0] ?? error.message) : String(error);
  const said = error instanceof DeleteRefusedError ? message : `${error instanceof Error ? error.name : 'Error'}: ${message}`;
  const code = error instanceof DeleteRefusedError ? error.code : error instanceof Error ? error.name : undefined;
  // On AWS an AccessDenied on a delete comes from a Deny in the bucket policy, from the identity's
  // policies, or from Object Lock / MFA delete. (moto 5.2.1 also applies the TLS-only Deny to every
  // object request, since it ignores the policy's aws:SecureTransport condition.)
  const fix =
    code === 'AccessDenied'
      ? `look for a Deny in the bucket policy ("aws s3api get-bucket-policy --bucket ${bucket} --profile ${profile}") and check that the profile's IAM policies allow s3:DeleteObjectVersion on it (Object Lock and MFA delete refuse too), then run the command again`
      : 'fix the cause, then run the command again';
  const kept = deleted === 0 ? 'nothing was deleted' : `the ${deleted} deleted so far stay deleted`;
  return `could not delete the contents of ${bucket} with profile ${profile}: ${said}; ${kept}; ${fix}`;
}

/** Counts every object version, delete marker and unfinished multipart upload of the bucket. */
export async function countBucketContents(s3: S3Client, bucket: string): Promise<BucketContents> {
  let versions = 0;
  let deleteMarkers = 0;
  let keyMarker: string | undefined;
  let versionIdMarker: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectVersionsCommand({ Bucket: bucket, KeyMarker: keyMarker, VersionIdMarker: versionIdMarker }),
    );
    versions += page.Versions?.length ?? 0;
    deleteMarkers += page.DeleteMarkers?.length ?? 0;
    keyMarker = page.IsTruncated === true ? page.NextKeyMarker : undefined;
    versionIdMarker = page.IsTruncated === true ? page.NextVersionIdMarker : undefined;
  } while (keyMarker !== undefined);
  const uploads = (await listUploads(s3, bucket)).length;
  return { versions, deleteMarkers, uploads };
}

/**
 * Permanently deletes every object version and delete marker of the bucket, at most
 * {@link DELETE_BATCH_SIZE} per request, and aborts unfinished multipart uploads. `onProgress` gets
 * the running total after each batch. Rejects with a {@link DeleteRefusedError} on the first batch
 * in which S3 refuses a key.
 */
export async function emptyBucket(s3: S3Client, bucket: string, onProgress: (deleted: number) => void): Promise<number> {
  let deleted = 0;
  for (;;) {
    // Deleted keys leave the listing, so each round lists the first page again.
    const page = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, MaxKeys: DELETE_BATCH_SIZE }));
    const objects: ObjectIdentifier[] = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])].flatMap((entry) =>
      entry.Key !== undefined
        ? [{ Key: entry.Key, ...(entry.VersionId !== undefined ? { VersionId: entry.VersionId } : {}) }]
        : [],
    );
    if (objects.length === 0) break;
    for (let start = 0; start < objects.length; start += DELETE_BATCH_SIZE) {
      const batch = objects.slice(start, start + DELETE_BATCH_SIZE);
      const result = await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: batch, Quiet: true } }));
      const failed = result.Errors ?? [];
      if (failed.length > 0) throw new DeleteRefusedError(bucket, failed.length, batch.length, failed[0] ?? {});
      deleted += batch.length;
      onProgress(deleted);
    }
  }
  for (const upload of await listUploads(s3, bucket)) {
    await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: upload.Key, UploadId: upload.UploadId }));
  }
  return deleted;
}

async function listUploads(s3: S3Client, bucket: string): Promise<{ Key: string; UploadId: string }[]> {
  const uploads: { Key: string; UploadId: string }[] = [];
  let keyMarker: string | undefined;
  let uploadIdMarker: string | undefined;
  do {
    const page = await s3.send(
      new ListMultipartUploadsCommand({ Bucket: bucket, KeyMarker: keyMarker, UploadIdMarker: uploadIdMarker }),
    );
    for (const upload of page.Uploads ?? []) {
      if (upload.Key !== undefined && upload.UploadId !== undefined) uploads.push({ Key: upload.Key, UploadId: upload.UploadId });
    }
    keyMarker = page.IsTruncated === true ? page.NextKeyMarker : undefined;
    uploadIdMarker = page.IsTruncated === true ? page.NextUploadIdMarker : undefined;
  } while (keyMarker !== undefined);
  return uploads;
}
