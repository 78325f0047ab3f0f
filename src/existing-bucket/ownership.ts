// The tags that prove a bucket is this project's own, written on every state stack's buckets. A first deploy
// killed after S3 created a bucket but before Terraform recorded it leaves a bucket outside the state; the
// next `npm run deploy` imports it only when these tags name exactly the stack being deployed.
// Light on purpose: the deploy wrapper and the existing-bucket check load it, nothing of cdktf.

/** Value of the `managed-by` tag on every resource this project creates (the providers' default tags). */
export const MANAGED_BY = 'bootstrap-aws';
export const MANAGED_BY_TAG = 'managed-by';

/** Whose bucket it is: the state stack that created it. */
export interface BucketOwner {
  readonly platform: string;
  /** The account's name in accounts.json. */
  readonly account: string;
  /** `state-<account>`. */
  readonly stack: string;
}

/**
 * Tags naming the stack that owns a bucket, namespaced so that no one else's tagging scheme matches them by
 * chance (the providers' default tags `platform` and `account` are common words).
 */
export function ownershipTags(owner: BucketOwner): Record<string, string> {
  return {
    'bootstrap-aws:platform': owner.platform,
    'bootstrap-aws:account': owner.account,
    'bootstrap-aws:stack': owner.stack,
  };
}

/** What a bucket's tags say about who made it. */
export type Ownership =
  | { readonly kind: 'ours' }
  /** No tag of this project at all: made by someone else, or by a deploy stopped before it tagged the bucket. */
  | { readonly kind: 'untagged' }
  /** This project's tags, but for another platform, account or stack (or incomplete): `tags` lists them. */
  | { readonly kind: 'other'; readonly tags: string };

/** Compares a bucket's tags with those a deploy of `owner` writes. */
export function ownershipOf(tags: Readonly<Record<string, string>>, owner: BucketOwner): Ownership {
  const expected = { ...ownershipTags(owner), [MANAGED_BY_TAG]: MANAGED_BY };
  if (Object.entries(expected).every(([key, value]) => tags[key] === value)) return { kind: 'ours' };
  const found = Object.keys(expected)
    .filter((key) => tags[key] !== undefined)
    .map((key) => `${key}=${String(tags[key])}`);
  return found.length === 0 ? { kind: 'untagged' } : { kind: 'other', tags: found.join(', ') };
}
