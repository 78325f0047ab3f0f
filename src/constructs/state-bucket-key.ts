import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { Construct } from 'constructs';

/** Days KMS waits before it deletes a key scheduled for deletion: the maximum, to leave time to cancel. */
export const KEY_DELETION_WINDOW_DAYS = 30;

export interface StateBucketKeyProps {
  /** The key's alias, `alias/<platform>-<account>-state`. */
  readonly aliasName: string;

  /** The key's description, shown in the KMS console. */
  readonly description: string;

  /**
   * Terraform `prevent_destroy` on the key: any plan that would schedule its deletion fails.
   * @default true: without the key, no state object in the bucket can be read again.
   */
  readonly preventDestroy?: boolean;
}

/**
 * A customer-managed KMS key for a state bucket's SSE-KMS default encryption: symmetric, with
 * automatic yearly rotation (old key material stays available, so existing objects remain
 * readable), the longest deletion window (30 days), an alias to find it by, and `prevent_destroy`.
 * Its key policy is KMS's default: the account's IAM policies decide who may use the key.
 *
 * Construct ids below are part of the Terraform resource addresses: keep them.
 */
export class StateBucketKey extends Construct {
  public readonly key: KmsKey;
  public readonly alias: KmsAlias;

  constructor(scope: Construct, id: string, props: StateBucketKeyProps) {
    super(scope, id);
    this.key = new KmsKey(this, 'key', {
      description: props.description,
      enableKeyRotation: true,
      deletionWindowInDays: KEY_DELETION_WINDOW_DAYS,
      lifecycle: { preventDestroy: props.preventDestroy ?? true },
    });
    this.alias = new KmsAlias(this, 'alias', {
      name: props.aliasName,
      targetKeyId: this.key.keyId,
    });
  }
}
