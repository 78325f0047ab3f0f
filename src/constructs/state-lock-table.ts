import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { Construct } from 'constructs';

export interface StateLockTableProps {
  /** Table name; Terraform's S3 backend reads it from `dynamodb_table`. */
  readonly tableName: string;
  /**
   * Encrypt the table with this customer-managed KMS key (an ARN), the state bucket's key.
   * @default undefined: encryption at rest with a key DynamoDB manages (AWS-owned).
   */
  readonly kmsKeyArn?: string;
}

/**
 * A DynamoDB table for Terraform state locks, for consumers on Terraform < 1.10 (which lacks S3
 * native locking): the `LockID` string key the S3 backend expects, on-demand billing (a lock costs
 * next to nothing), encryption at rest (with the state bucket's KMS key when it has one),
 * point-in-time recovery, deletion protection, and `prevent_destroy`. Construct ids are part of
 * the Terraform addresses: keep them.
 */
export class StateLockTable extends Construct {
  public readonly table: DynamodbTable;

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
    });
  }
}
