import * as path from 'node:path';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { App, dependable, Fn, LocalBackend, TerraformLocal, TerraformOutput, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import type { AccountConfig } from '../src/config';
import { roleArnIn } from '../src/config/access';
import { DEFAULT_ACCESS_LOG_RETENTION_DAYS } from '../src/config/schema';
import { addAccountProvider } from '../src/constructs/aws-provider';
import { addExistingBucketCheck } from '../src/constructs/existing-bucket-check';
import { SecureStateBucket } from '../src/constructs/secure-state-bucket';
import { ownershipTags } from '../src/existing-bucket/ownership';
import { resumedId } from '../src/deploy/resume-key-table';
import { EncryptionKey } from '../src/constructs/encryption-key';
import { stateKeyPolicy } from '../src/constructs/key-policy';
import { StateLockTable } from '../src/constructs/state-lock-table';
import { ResolvedOnceStack } from '../src/synth/resolved-once-stack';

/** Stack id (and `cdktf deploy` name) of an account's state stack. Permanent: it names the state file. */
export function stateStackId(accountName: string): string {
  return `state-${accountName}`;
}

export interface StateStackProps {
  /** Platform name from accounts.json. */
  readonly platform: string;
  /**
   * Days the server access logs are kept, when the account has an access-log bucket
   * (`account.accessLogBucketName`).
   * @default 365
   */
  readonly accessLogRetentionDays?: number;
  /** The account this stack deploys into, with its profile and region. */
  readonly account: AccountConfig;
  /** Absolute folder that holds the stack's local state file (`<stack id>.tfstate`). */
  readonly stateDir: string;
  /**
   * Days noncurrent state versions are kept.
   * @default 90
   */
  readonly noncurrentVersionExpirationDays?: number;
  /**
   * Endpoint of a local AWS double to deploy to.
   * @default undefined: real AWS.
   */
  readonly endpointUrl?: string;
  /**
   * Terraform `prevent_destroy` on the state bucket. Synth turns it off only for the bucket named by
   * BOOTSTRAP_CONFIRM_DESTROY, and only when its account has `"allowDestroy": true` (guarded destroy).
   * @default true: every plan that destroys the bucket fails.
   */
  readonly preventDestroy?: boolean;
  /**
   * Buckets an interrupted first deploy of this stack created and `npm run deploy` proved this project's own
   * (`BOOTSTRAP_RESUME_BUCKETS`): they are imported instead of created. The list also names the stack's KMS
   * key, alias and lock table so proven, as `<kind>:<stack>=<id>` (src/deploy/resume-key-table.ts).
   * @default none
   */
  readonly resumeBuckets?: readonly string[];
  /**
   * Name of the account's pipeline deploy role (`pipelineAccess`): the bucket, key and lock-table
   * policies keep it to the state objects (see src/constructs/pipeline-reach.ts). Its ARN is
   * `account.pipelineAccess.deployRoleArn`, or built from the deploying account's ID.
   * @default undefined: the account has no deploy role.
   */
  readonly deployRoleName?: string;
  /**
   * Name of the pipeline runner's role, for the production account's state stack when there is a
   * pipeline stack: the same protection as the deploy role (the runner's role is in this account).
   * @default undefined: no runner in this account.
   */
  readonly runnerRoleName?: string;
}

/**
 * `state-<account>`: the account's Terraform state bucket, deployed with the account's profile.
 * Its own state stays in a local file outside the synth output: the bucket cannot hold the state
 * that creates it.
 *
 * Permanent construct ids besides those of the constructs: `aws`, `existing-bucket-check`,
 * `state-bucket`, `state-bucket-key`, `access-log-bucket`, `state-lock-table`, the data
 * sources `caller-identity` and `partition`, and the locals `deployer-role-arn` and
 * `deployer-role-any-path-arn` (the deployer of a profile without `roleArn`, see {@link deployerArns}).
 *
 * With a deploy role or the runner in the account, the bucket's policy, the created key's policy and
 * the lock table's resource policy keep them to the state objects (issue 22); the created key is
 * administered by `kmsKeyAdminArns`, else by the principal that deploys this stack.
 */
export class StateStack extends ResolvedOnceStack {
  public readonly stateBucket: SecureStateBucket;
  /** The opt-in lock table (`stateBucket.lockTable`); undefined when off. */
  public readonly lockTable?: StateLockTable;
  /** The KMS key this project created for SSE-KMS (`stateBucket.kms` without `kmsKeyArn`); undefined otherwise. */
  public readonly stateBucketKey?: EncryptionKey;
  /** The opt-in server access-log bucket (`stateBucket.accessLogs`); undefined when off. */
  public readonly accessLogBucket?: SecureStateBucket;

  constructor(scope: Construct, id: string, props: StateStackProps) {
    super(scope, id);
    const { account } = props;
    const preventDestroy = props.preventDestroy ?? true;
    const resumed = (bucket: string | undefined): boolean => bucket !== undefined && (props.resumeBuckets ?? []).includes(bucket);
    // Written with the bucket, so that a bucket a killed first deploy left outside the state is known for ours.
    const tags = ownershipTags({ platform: props.platform, account: account.name, stack: id });

    const statePath = localStatePath(this, props.stateDir);
    new LocalBackend(this, { path: statePath });

    addAccountProvider(this, {
      platform: props.platform,
      account,
      ...(props.endpointUrl !== undefined ? { endpointUrl: props.endpointUrl } : {}),
    });

    // On the first deploy, before anything is created: refuse a bucket of this name that exists but
    // is not in the state, unless the account adopts it (`"adopt": true`). Its id is permanent too.
    const existingBucketCheck = addExistingBucketCheck(this, 'existing-bucket-check', {
      bucketName: account.stateBucketName,
      accountName: account.name,
      profile: account.profile,
      ...(account.roleArn !== undefined ? { roleArn: account.roleArn } : {}),
      ...(account.externalId !== undefined ? { externalId: account.externalId } : {}),
      region: account.region,
      stateFile: statePath,
      adopt: account.adopt,
      resume: resumed(account.stateBucketName),
    });

    // The deploying account as AWS reports it (accountId in accounts.json is optional); made once,
    // for whichever policy needs it first.
    const accountId = (): string => this.callerIdentity().accountId;

    // The pipeline's roles in this account (deploy role, runner), by ARN: the account's ID as written,
    // else as AWS reports it. Conditions on aws:PrincipalArn, so the roles need not exist yet.
    const roleArn = (name: string): string => roleArnIn(account.accountId ?? accountId(), name, account.region);
    const pipelinePrincipalArns = [
      ...(account.pipelineAccess?.deployRoleArn !== undefined
        ? [account.pipelineAccess.deployRoleArn]
        : props.deployRoleName !== undefined
          ? [roleArn(props.deployRoleName)]
          : []),
      ...(props.runnerRoleName !== undefined ? [roleArn(props.runnerRoleName)] : []),
    ];
    const pipeline = pipelinePrincipalArns.length > 0 ? { pipelinePrincipalArns } : {};

    // SSE-KMS (opt-in): the account's own key (kmsKeyArn), or one created here with rotation on and
    // a key policy that keeps its use to S3 (and DynamoDB for the lock table), see key-policy.ts.
    if (account.stateKeyAlias !== undefined && account.kmsKeyArn === undefined) {
      const partition = new DataAwsPartition(this, 'partition');
      this.stateBucketKey = new EncryptionKey(this, 'state-bucket-key', {
        aliasName: account.stateKeyAlias,
        description: `Encrypts the Terraform state in ${account.stateBucketName} (bootstrap-aws)`,
        policy: stateKeyPolicy({
          partition: partition.partition,
          dnsSuffix: partition.dnsSuffix,
          region: account.region,
          accountId: accountId(),
          lockTable: account.lockTableName !== undefined,
          ...(account.kmsKeyAdminArns !== undefined
            ? { administratorArns: account.kmsKeyAdminArns }
            : { deployerArns: this.deployerArns(account) }),
          ...pipeline,
        }),
        preventDestroy,
        // Written with the key (KMS CreateKey takes tags): a key a killed first deploy left is known for ours.
        tags,
      });
    }
    const kmsKeyArn = account.kmsKeyArn ?? this.stateBucketKey?.key.arn;

    this.stateBucket = new SecureStateBucket(this, 'state-bucket', {
      bucketName: account.stateBucketName,
      preventDestroy,
      adopt: account.adopt,
      importExisting: resumed(account.stateBucketName),
      tags,
      bucketDependsOn: [existingBucketCheck],
      ...(props.noncurrentVersionExpirationDays !== undefined
        ? { noncurrentVersionExpirationDays: props.noncurrentVersionExpirationDays }
        : {}),
      ...(kmsKeyArn !== undefined ? { kmsKeyArn } : {}),
      ...pipeline,
    });

    // Server access logs (opt-in), to a bucket with the same hardening. It stays on SSE-S3 even when
    // the state bucket uses SSE-KMS: S3 server access logging cannot deliver to a target bucket
    // whose default encryption is SSE-KMS.
    if (account.accessLogBucketName !== undefined) {
      this.accessLogBucket = new SecureStateBucket(this, 'access-log-bucket', {
        bucketName: account.accessLogBucketName,
        preventDestroy,
        importExisting: resumed(account.accessLogBucketName),
        tags,
        bucketDependsOn: [existingBucketCheck],
        expirationDays: props.accessLogRetentionDays ?? DEFAULT_ACCESS_LOG_RETENTION_DAYS,
        // An expired or deleted log stays restorable as long as an overwritten state version.
        ...(props.noncurrentVersionExpirationDays !== undefined
          ? { noncurrentVersionExpirationDays: props.noncurrentVersionExpirationDays }
          : {}),
        accessLogSource: { bucketArn: this.stateBucket.bucket.arn, accountId: accountId() },
      });
      this.stateBucket.logAccessTo(this.accessLogBucket);
    }

    new TerraformOutput(this, 'state_bucket_name', {
      value: this.stateBucket.bucket.bucket,
      description: 'Name of the S3 bucket that holds Terraform state for this account',
    });
    new TerraformOutput(this, 'state_bucket_arn', {
      value: this.stateBucket.bucket.arn,
      description: 'ARN of the state bucket, for IAM policies that grant access to state',
    });
    new TerraformOutput(this, 'state_bucket_region', {
      value: account.region,
      description: 'Region of the state bucket, for the "region" of an S3 backend',
    });

    if (kmsKeyArn !== undefined) {
      new TerraformOutput(this, 'state_bucket_kms_key_arn', {
        value: kmsKeyArn,
        description:
          "KMS key of the state bucket's SSE-KMS encryption; consumers need kms:Encrypt, kms:Decrypt and kms:GenerateDataKey on it",
      });
    }
    if (this.accessLogBucket !== undefined) {
      new TerraformOutput(this, 'access_log_bucket_name', {
        value: this.accessLogBucket.bucket.bucket,
        description: "Name of the bucket that receives the state bucket's S3 server access logs",
      });
      new TerraformOutput(this, 'access_log_bucket_arn', {
        value: this.accessLogBucket.bucket.arn,
        description: 'ARN of the access-log bucket, for IAM policies that grant reading the logs',
      });
    }

    if (account.lockTableName !== undefined) {
      // Encrypted with the state key when there is one: the locks name every state file of the account.
      this.lockTable = new StateLockTable(this, 'state-lock-table', {
        tableName: account.lockTableName,
        // Written with the table (CreateTable takes tags), as for the key.
        tags,
        ...(kmsKeyArn !== undefined ? { kmsKeyArn } : {}),
        ...pipeline,
      });
      new TerraformOutput(this, 'lock_table_name', {
        value: this.lockTable.table.name,
        description: 'DynamoDB lock table, for the "dynamodb_table" of an S3 backend on Terraform < 1.10',
      });
    }

    // After an interrupted first deploy, the key, alias and table it created, proven this stack's by their tags
    // (`npm run deploy`, src/deploy/resume-key-table.ts), are imported instead of created a second time.
    const resumedKey = resumedId(props.resumeBuckets ?? [], 'kms-key', id);
    const resumedAlias = resumedId(props.resumeBuckets ?? [], 'kms-alias', id);
    const resumedTable = resumedId(props.resumeBuckets ?? [], 'lock-table', id);
    if (this.stateBucketKey !== undefined) {
      if (resumedKey !== undefined) this.stateBucketKey.key.importFrom(resumedKey);
      if (resumedAlias !== undefined) this.stateBucketKey.alias.importFrom(resumedAlias);
    }
    if (this.lockTable !== undefined && resumedTable !== undefined) this.lockTable.table.importFrom(resumedTable);

    // Nothing is created before the check passed: the resources that wait for no other one wait for it.
    for (const resource of [this.stateBucketKey?.key, this.lockTable?.table]) {
      if (resource !== undefined) resource.dependsOn = [...(resource.dependsOn ?? []), dependable(existingBucketCheck)];
    }
  }

  /**
   * The principal that deploys this stack, as `aws:PrincipalArn` patterns: the role the profile
   * assumes (`roleArn`), known at synth; else the caller's session turned into its role's ARN
   * (`arn:…:sts::A:assumed-role/NAME/SESSION` → `role/NAME` and `role/*\/NAME`, since the role's path,
   * e.g. SSO's `aws-reserved/…`, is not in the session ARN and role names are unique in an account),
   * or the caller's own ARN (an IAM user). Not `aws_iam_session_context`: it reads the role with
   * iam:GetRole, which needs IAM read access and fails for a role the double does not hold.
   */
  private deployerArns(account: AccountConfig): string[] {
    if (account.roleArn !== undefined) return [account.roleArn];
    const callerArn = this.callerIdentity().arn;
    // Terraform's replace() with a /regex/ (only the outer slashes delimit it) and $n captures.
    const session = '/^arn:([^:]+):sts::([0-9]+):assumed-role/([^/]+)/.*$/';
    // Locals, so the policy holds plain references: a function call's quoted arguments inside the
    // policy's JSON string would keep the policy guard (and any JSON reader of cdk.tf.json) from reading it.
    const local = (id: string, replacement: string): string =>
      new TerraformLocal(this, id, Fn.replace(callerArn, session, replacement)).asString;
    return [
      local('deployer-role-arn', 'arn:$1:iam::$2:role/$3'),
      local('deployer-role-any-path-arn', 'arn:$1:iam::$2:role/*/$3'),
    ];
  }

  /** The deploying identity as AWS reports it, made once for whichever value needs it first. */
  private callerIdentity(): DataAwsCallerIdentity {
    const found = this.node.tryFindChild('caller-identity');
    return found instanceof DataAwsCallerIdentity ? found : new DataAwsCallerIdentity(this, 'caller-identity');
  }
}

/**
 * Path of the stack's state file relative to the folder Terraform runs in
 * (`<outdir>/stacks/<stack id>`), so the synthesized JSON holds no machine-specific path.
 */
export function localStatePath(stack: TerraformStack, stateDir: string): string {
  const stackDir = path.join(App.of(stack).outdir, 'stacks', stack.node.id);
  const stateFile = path.join(stateDir, `${stack.node.id}.tfstate`);
  return path.relative(path.resolve(stackDir), stateFile).split(path.sep).join('/');
}
