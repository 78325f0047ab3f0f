import type { GuardContext, ReferenceOptions, TfElement } from './context';

/**
 * How the bucket-level resources (`aws_s3_bucket_versioning`, `..._policy`, ...) name their bucket:
 * `bucket = aws_s3_bucket.x.id` or `.bucket` (both are the bucket's name), or the name written out.
 */
export const BUCKET_REFERENCE: ReferenceOptions = { attributes: ['id', 'bucket'], literalArgument: 'bucket' };

/** Resources of `type` in the bucket's stack whose `bucket` argument names `bucket`. */
export function bucketResources(context: GuardContext, bucket: TfElement, type: string): TfElement[] {
  return context.siblingsReferencing(bucket, type, 'bucket', BUCKET_REFERENCE);
}

/** The first block of a nested-block argument (cdktf renders a single block as an object, a list as an array). */
export function firstBlock(value: unknown): Record<string, unknown> | undefined {
  const block = Array.isArray(value) ? (value as unknown[])[0] : value;
  return typeof block === 'object' && block !== null ? (block as Record<string, unknown>) : undefined;
}
