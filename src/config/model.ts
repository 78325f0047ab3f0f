/** One AWS account to bootstrap, with every default resolved. */
export interface AccountConfig {
  /** Account name from accounts.json; part of the bucket name and of the stack id. */
  readonly name: string;
  /** AWS profile in the user's config/credentials files that deploys this account. */
  readonly profile: string;
  /**
   * IAM role the profile assumes to reach the account (the account's `roleArn`, or the role named by
   * `accountDefaults.roleName` in the account).
   * @default undefined: the profile's own credentials act in the account.
   */
  readonly roleArn?: string;
  /**
   * External ID passed when assuming `roleArn`.
   * @default undefined: none is sent.
   */
  readonly externalId?: string;
  /** The 12-digit account ID (given, or the account of `roleArn`); providers then refuse any other account. */
  readonly accountId?: string;
  /** Region of the account's provider and state bucket. */
  readonly region: string;
  /** `<platform>-<account>-state`. */
  readonly stateBucketName: string;
  /**
   * `<platform>-<account>-state-lock`, the DynamoDB lock table for consumers on Terraform < 1.10.
   * @default undefined: no table (`stateBucket.lockTable` is false); S3 native locking only.
   */
  readonly lockTableName?: string;
  /**
   * Take over an existing `<platform>-<account>-state` bucket on the next deploy (Terraform import
   * block) instead of refusing to deploy onto it.
   * @default false: a deploy onto an existing bucket fails and names this option.
   */
  readonly adopt: boolean;
  /**
   * The state bucket may be destroyed, after a typed confirmation of its name.
   * @default false: every plan that destroys the bucket fails.
   */
  readonly allowDestroy: boolean;
  /**
   * Existing KMS key for the bucket's SSE-KMS default encryption; implies SSE-KMS for this account.
   * @default undefined: a key created by this project when `stateBucket.kms` is on, else SSE-S3.
   */
  readonly kmsKeyArn?: string;
  /**
   * `alias/<platform>-<account>-state`: this project creates a KMS key (rotation on) with this alias
   * for the bucket's SSE-KMS.
   * @default undefined: no key is created (`stateBucket.kms` is off, or the account has `kmsKeyArn`).
   */
  readonly stateKeyAlias?: string;
  /**
   * IAM role or user ARNs that may, besides the account's root user, schedule the deletion of the
   * created state key, disable it and change its policy (see src/constructs/key-policy.ts).
   * @default undefined: only the root user may delete or disable the key.
   */
  readonly kmsKeyAdminArns?: readonly string[];
  /**
   * `<platform>-<account>-state-logs`, the bucket that receives the state bucket's server access logs.
   * @default undefined: no access logging (`stateBucket.accessLogs` is false).
   */
  readonly accessLogBucketName?: string;
}

/** accounts.json, validated, with defaults applied. */
export interface BootstrapConfig {
  /** Path of the file the configuration came from, as given. */
  readonly file: string;
  readonly platform: string;
  /**
   * The account that hosts the pipeline stack. Always one of `accounts`, except with `"pipeline": false`
   * and no `productionAccount` in the file, where the default may name no account.
   * @default "prod"
   */
  readonly productionAccount: string;
  /** Accounts in the order the file lists them. */
  readonly accounts: readonly AccountConfig[];
  readonly stateBucket: {
    readonly noncurrentVersionExpirationDays: number;
    /** Create a DynamoDB lock table per account for consumers on Terraform < 1.10. */
    readonly lockTable: boolean;
    /** SSE-KMS with a bucket key (each account's `kmsKeyArn` or a created key with rotation) instead of SSE-S3. */
    readonly kms: boolean;
    /** A server access-log bucket per account (`<platform>-<account>-state-logs`). */
    readonly accessLogs: boolean;
    /** Days the access logs are kept. */
    readonly accessLogRetentionDays: number;
  };
  /** The internal pattern's pipeline stack, or `undefined` for `"pipeline": false` (external pattern). */
  readonly pipeline?: PipelineConfig;
  /** Policy-guard findings accepted on purpose (`"suppressions"`); empty unless the file lists some. */
  readonly suppressions: readonly Suppression[];
}

/** One accepted policy-guard finding: a rule, the construct path it fired on, and why it is acceptable. */
export interface Suppression {
  readonly rule: string;
  readonly resource: string;
  readonly reason: string;
}

/** A security-group rule from accounts.json (`pipeline.ingress` / `pipeline.egress`). */
export interface SecurityGroupRuleConfig {
  /** IPv4 or IPv6 CIDR block of the peer. */
  readonly cidr: string;
  readonly port: number;
  readonly protocol: 'tcp' | 'udp';
  /** Why the rule exists; becomes the rule's description in EC2. */
  readonly description: string;
}

/** The `"pipeline"` section, every default resolved (see src/config/pipeline-schema.ts). */
export interface PipelineConfig {
  readonly cidr: string;
  readonly azCount: number;
  readonly natGateway: boolean;
  readonly flowLogRetentionDays: number;
  readonly ingress: readonly SecurityGroupRuleConfig[];
  readonly egress: readonly SecurityGroupRuleConfig[];
  readonly assumableRoleArns: readonly string[];
  readonly instanceType: string;
  readonly amiId?: string;
  readonly rootDeviceName: string;
  /**
   * Where pipeline-prod keeps its state: `local` (a file in BOOTSTRAP_STATE_DIR) or `s3` (the
   * production state bucket, key `bootstrap/pipeline-prod.tfstate`).
   */
  readonly stateBackend: 'local' | 's3';
  /** Prefix of every pipeline resource name; default `<platform>-pipeline`. */
  readonly namePrefix: string;
}
