import * as path from 'node:path';
import { App, LocalBackend, TerraformOutput, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import type { AccountConfig } from '../src/config';
import { addAccountProvider } from '../src/constructs/aws-provider';
import { SecureStateBucket } from '../src/constructs/secure-state-bucket';
import { StateLockTable } from '../src/constructs/state-lock-table';
import { ResolvedOnceStack } from '../src/synth/resolved-once-stack';

/** Stack id (and `cdktf deploy` name) of an account's state stack. Permanent: it names the state file. */
export function stateStackId(accountName: string): string {
  return `state-${accountName}`;
}

export interface StateStackProps {
  /** Platform name from accounts.json. */
  readonly platform: string;
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
}

/**
 * `state-<account>`: the account's Terraform state bucket, deployed with the account's profile.
 * Its own state stays in a local file outside the synth output: the bucket cannot hold the state
 * that creates it.
 */
export class StateStack extends ResolvedOnceStack {
  public readonly stateBucket: SecureStateBucket;
  /** The opt-in lock table (`stateBucket.lockTable`); undefined when off. */
  public readonly lockTable?: StateLockTable;

  constructor(scope: Construct, id: string, props: StateStackProps) {
    super(scope, id);
    const { account } = props;

    new LocalBackend(this, { path: localStatePath(this, props.stateDir) });

    addAccountProvider(this, {
      platform: props.platform,
      account,
      ...(props.endpointUrl !== undefined ? { endpointUrl: props.endpointUrl } : {}),
    });

    this.stateBucket = new SecureStateBucket(this, 'state-bucket', {
      bucketName: account.stateBucketName,
      ...(props.noncurrentVersionExpirationDays !== undefined
        ? { noncurrentVersionExpirationDays: props.noncurrentVersionExpirationDays }
        : {}),
    });

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

    if (account.lockTableName !== undefined) {
      this.lockTable = new StateLockTable(this, 'state-lock-table', { tableName: account.lockTableName });
      new TerraformOutput(this, 'lock_table_name', {
        value: this.lockTable.table.name,
        description: 'DynamoDB lock table, for the "dynamodb_table" of an S3 backend on Terraform < 1.10',
      });
    }
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
