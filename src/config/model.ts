/** One AWS account to bootstrap, with every default resolved. */
export interface AccountConfig {
  /** Account name from accounts.json; part of the bucket name and of the stack id. */
  readonly name: string;
  /** AWS profile in the user's config/credentials files that deploys this account. */
  readonly profile: string;
  /** The 12-digit account ID, when given; providers then refuse any other account. */
  readonly accountId?: string;
  /** Region of the account's provider and state bucket. */
  readonly region: string;
  /** `<platform>-<account>-state`. */
  readonly stateBucketName: string;
}

/** accounts.json, validated, with defaults applied. */
export interface BootstrapConfig {
  /** Path of the file the configuration came from, as given. */
  readonly file: string;
  readonly platform: string;
  readonly productionAccount: string;
  /** Accounts in the order the file lists them. */
  readonly accounts: readonly AccountConfig[];
  readonly stateBucket: {
    readonly noncurrentVersionExpirationDays: number;
  };
}
