import {
  AbortMultipartUploadCommand,
  DeleteObjectsCommand,
  ListMultipartUploadsCommand,
  ListObjectVersionsCommand,
  type ObjectIdentifier,
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
 * the running total after each batch. Rejects on the first key S3 refuses to delete.
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
      if (failed.length > 0) {
        const first = failed[0];
        throw new Error(
          `S3 refused to delete ${failed.length} of ${batch.length} key(s) of ${bucket}, e.g. ${String(first?.Key)} (version ${String(first?.VersionId)}): ${String(first?.Code)} ${String(first?.Message)}`,
        );
      }
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
