import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { Construct } from 'constructs';
import type { KeyPolicyDocument } from './key-policy';

/** Days KMS waits before it deletes a key scheduled for deletion: the maximum, to leave time to cancel. */
export const KEY_DELETION_WINDOW_DAYS = 30;

export interface EncryptionKeyProps {
  /** The key's alias, e.g. `alias/<platform>-<account>-state`. */
  readonly aliasName: string;

  /** The key's description, shown in the KMS console. */
  readonly description: string;

  /**
   * The key policy (see src/constructs/key-policy.ts). Required: without one KMS applies its
   * default policy, which lets every IAM principal of the account with kms permissions use,
   * disable and delete the key.
   */
  readonly policy: KeyPolicyDocument;

  /**
   * Terraform `prevent_destroy` on the key: any plan that would schedule its deletion fails.
   * @default true: without the key, nothing encrypted under it can be read again.
   */
  readonly preventDestroy?: boolean;

  /**
   * Tags of the key, besides the provider's default tags (the state key gets the stack's ownership tags).
   * @default none
   */
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * A customer-managed KMS key: symmetric, with automatic yearly rotation (old key material stays
 * available, so existing data remains readable), the longest deletion window (30 days), an
 * explicit key policy, an alias to find it by, and `prevent_destroy`. Used for the state bucket's
 * SSE-KMS (`state-bucket-key`) and the pipeline's flow-log group (`flow-log-key`).
 *
 * Construct ids below are part of the Terraform resource addresses: keep them.
 */
export class EncryptionKey extends Construct {
  public readonly key: KmsKey;
  public readonly alias: KmsAlias;

  constructor(scope: Construct, id: string, props: EncryptionKeyProps) {
    super(scope, id);
    this.key = new KmsKey(this, 'key', {
      description: props.description,
      enableKeyRotation: true,
      deletionWindowInDays: KEY_DELETION_WINDOW_DAYS,
      policy: JSON.stringify(props.policy),
      lifecycle: { preventDestroy: props.preventDestroy ?? true },
      ...(props.tags !== undefined ? { tags: { ...props.tags } } : {}),
    });
    this.alias = new KmsAlias(this, 'alias', {
      name: props.aliasName,
      targetKeyId: this.key.keyId,
    });
  }
}
