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
  /**
   * The account's deploy role (`pipelineAccess`), reached by the runner or a CI service.
   * @default undefined: no access stack for this account (no `pipelineAccess`, or the account has
   *   `"pipelineAccess": false`).
   */
  readonly pipelineAccess?: AccountPipelineAccess;
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
  /**
   * Deploy roles in every account for the pipeline (`"pipelineAccess"`).
   * @default undefined: no access stacks.
   */
  readonly pipelineAccess?: PipelineAccessConfig;
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

/** A GitHub repository whose jobs, on one branch or in one environment, may assume the deploy roles. */
export interface GithubTrustConfig {
  /** `OWNER/REPOSITORY`. */
  readonly repository: string;
  /** Jobs on this branch (subject `repo:OWNER/REPO:ref:refs/heads/BRANCH`); exclusive with `environment`. */
  readonly branch?: string;
  /** Jobs in this environment (subject `repo:OWNER/REPO:environment:ENV`); exclusive with `branch`. */
  readonly environment?: string;
  /**
   * The owner's and repository's numeric IDs: only the immutable subject `repo:OWNER@<id>/REPO@<id>:…` is
   * trusted (and the name form too with `trustNameSubject`). Both or neither.
   * @default undefined: only the name form.
   */
  readonly ownerId?: string;
  readonly repositoryId?: string;
  /**
   * With the IDs, the name subject `repo:OWNER/REPO:…` is trusted too: a switch for the move to the IDs.
   * @default undefined (false): with the IDs, only the immutable subject.
   */
  readonly trustNameSubject?: boolean;
  /**
   * The workflow file the job must come from (`job_workflow_ref`, e.g.
   * `acme/infrastructure/.github/workflows/deploy.yml@refs/heads/main`): the subject is then the
   * customized form `…:<context>:job_workflow_ref:<this>` of a repository whose subject template includes
   * `repo`, `context` and `job_workflow_ref`.
   * @default undefined: GitHub's default subject, any workflow of the repository.
   */
  readonly jobWorkflowRef?: string;
}

/** A GitLab project whose jobs on one branch may assume the deploy roles. */
export interface GitlabTrustConfig {
  /** `GROUP/…/PROJECT`, as in the project's URL. */
  readonly project: string;
  readonly branch: string;
  /** The instance, the issuer of its ID tokens, e.g. `https://gitlab.com`. */
  readonly url: string;
  /** The `aud` the job's `id_tokens` asks for; default the instance URL. */
  readonly audience: string;
}

/** One CircleCI project, and the branches of its repository whose jobs may assume the deploy roles. */
export interface CircleciProjectTrustConfig {
  readonly projectId: string;
  /** The repository as CircleCI's V2 subject names it: `github.com/acme/infrastructure`. */
  readonly vcsOrigin: string;
  readonly branches: readonly string[];
}

/** CircleCI projects of one organization whose jobs may assume the deploy roles. */
export interface CircleciTrustConfig {
  readonly organizationId: string;
  readonly projects: readonly CircleciProjectTrustConfig[];
}

/** Who may assume a deploy role, defaults resolved: the top-level `trust`, or an account's own. */
export interface TrustConfig {
  /**
   * The runner role of pipeline-prod (`trust.runner`).
   * @default undefined: the runner is not trusted.
   */
  readonly runnerRoleArn?: string;
  readonly github: readonly GithubTrustConfig[];
  readonly gitlab: readonly GitlabTrustConfig[];
  /** @default undefined: no CircleCI organization is trusted. */
  readonly circleci?: CircleciTrustConfig;
}

/**
 * The `"pipelineAccess"` section, every default resolved (see src/config/pipeline-access-schema.ts).
 * Its trust fields are the top-level `trust`, the default of every account: the trust an account's
 * role gets, and its policies, are in `AccountConfig.pipelineAccess`.
 */
export interface PipelineAccessConfig extends Omit<TrustConfig, 'runnerRoleArn'> {
  /** Name of the deploy role in every account; default `<platform>-pipeline-deploy`. */
  readonly roleName: string;
  /** The role's `MaxSessionDuration` in seconds; default 3600. */
  readonly maxSessionDuration: number;
  /** The top-level managed policies, of every deploy role without its own `policyArns`. */
  readonly policyArns: readonly string[];
  /** @default undefined: no permissions boundary of one's own. */
  readonly permissionsBoundaryArn?: string;
  /**
   * `"create"`: each access stack creates its deploy role's permissions boundary (never with
   * `permissionsBoundaryArn`).
   * @default undefined: none created.
   */
  readonly permissionsBoundary?: 'create';
  /**
   * The runner role of pipeline-prod, when the deploy role of at least one account trusts it (the
   * top-level `trust.runner`, or an account's own).
   * @default undefined: no deploy role trusts the runner.
   */
  readonly runnerRoleArn?: string;
}

/** An account's part of `pipelineAccess`: present when the account gets a deploy role. */
export interface AccountPipelineAccess {
  /**
   * `arn:<partition>:iam::<account id>:role/<roleName>`.
   * @default undefined when the account's ID is not known at synth (then the runner is not trusted).
   */
  readonly deployRoleArn?: string;
  /** OIDC issuers whose existing provider in the account the access stack imports. */
  readonly adoptOidcProviders: readonly string[];
  /** The role's managed policies: the account's own `policyArns`, else the top-level ones. */
  readonly policyArns: readonly string[];
  /** Who may assume the role: the account's own `trust`, else the top-level one. */
  readonly trust: TrustConfig;
}
