import { DynamodbResourcePolicy } from '@cdktf/provider-aws/lib/dynamodb-resource-policy';
import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { Construct } from 'constructs';
import { PIPELINE_LOCK_TABLE_ACTIONS } from './pipeline-reach';

export interface StateLockTableProps {
  /** Table name; Terraform's S3 backend reads it from `dynamodb_table`. */
  readonly tableName: string;
  /**
   * Encrypt the table with this customer-managed KMS key (an ARN), the state bucket's key.
   * @default undefined: encryption at rest with a key DynamoDB manages (AWS-owned).
   */
  readonly kmsKeyArn?: string;
  /**
   * ARNs of the pipeline's roles: the table's resource policy denies them, by `aws:PrincipalArn`,
   * everything but `PIPELINE_LOCK_TABLE_ACTIONS` (lock items, describe): no UpdateTable, DeleteTable,
   * backups or policy changes. The roles need not exist yet: no ARN is a principal.
   * @default []: no resource policy.
   */
  readonly pipelinePrincipalArns?: readonly string[];
  /**
   * Tags of the table, besides the provider's default tags (the stack's ownership tags).
   * @default none
   */
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * A DynamoDB table for Terraform state locks, for consumers on Terraform < 1.10 (which lacks S3
 * native locking): the `LockID` string key the S3 backend expects, on-demand billing (a lock costs
 * next to nothing), encryption at rest (with the state bucket's KMS key when it has one),
 * point-in-time recovery, deletion protection, `prevent_destroy`, and with `pipelinePrincipalArns` a
 * resource policy that keeps the pipeline to the lock items.
 *
 * Construct ids are part of the Terraform addresses: keep them. Permanent: `table`, `resource-policy`.
 */
export class StateLockTable extends Construct {
  public readonly table: DynamodbTable;
  /** The table's resource policy; undefined without `pipelinePrincipalArns`. */
  public readonly resourcePolicy?: DynamodbResourcePolicy;

  constructor(scope: Construct, id: string, props: StateLockTableProps) {
    super(scope, id);
    this.table = new DynamodbTable(this, 'table', {
      name: props.tableName,
      billingMode: 'PAY_PER_REQUEST',
      hashKey: 'LockID',
      attribute: [{ name: 'LockID', type: 'S' }],
      serverSideEncryption: { enabled: true, ...(props.kmsKeyArn !== undefined ? { kmsKeyArn: props.kmsKeyArn } : {}) },
      pointInTimeRecovery: { enabled: true },
      deletionProtectionEnabled: true,
      lifecycle: { preventDestroy: true },
      ...(props.tags !== undefined ? { tags: { ...props.tags } } : {}),
    });
    const principals = props.pipelinePrincipalArns ?? [];
    if (principals.length > 0) {
      const arn = this.table.arn;
      this.resourcePolicy = new DynamodbResourcePolicy(this, 'resource-policy', {
        resourceArn: arn,
        // Keys sorted, like the bucket policy. A Deny only: DynamoDB refuses a public Allow.
        policy: JSON.stringify({
          Statement: [
            {
              Condition: { ArnEquals: { 'aws:PrincipalArn': [...principals] } },
              Effect: 'Deny',
              NotAction: [...PIPELINE_LOCK_TABLE_ACTIONS],
              Principal: '*',
              Resource: arn,
              Sid: 'PipelineOnlyUsesLockItems',
            },
          ],
          Version: '2012-10-17',
        }),
      });
    }
  }
}
