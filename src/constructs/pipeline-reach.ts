/**
 * What a pipeline principal (an account's deploy role, the pipeline runner) may do to the state it
 * deploys with, and so what every protecting policy denies it: the state bucket's policy, the state
 * key's policy, the lock table's resource policy, and the permissions boundary the access stack can
 * create. One list, so that the resource side and the boundary can never disagree.
 *
 * The lists name what is allowed; the policies deny everything else with `NotAction`, so an action
 * AWS adds later (a new bucket setting, say) is denied to the pipeline until it is listed here.
 */

// DynamoDB's list holds S3's: what either service needs of the key on the pipeline's behalf.
import { DYNAMODB_USE_ACTIONS } from './kms-use-actions';

/**
 * What the pipeline may do on its account's state bucket and its objects: read anything, write and
 * delete current objects (state files and S3 lock files, `use_lockfile`), abort its own uploads.
 * Not: any bucket setting (policy, versioning, lifecycle, encryption, public access, ACLs, logging,
 * replication, object lock...), `DeleteBucket`, `DeleteObjectVersion` (which bypasses versioning).
 */
export const PIPELINE_STATE_BUCKET_ACTIONS = [
  's3:AbortMultipartUpload',
  's3:DeleteObject',
  's3:Get*',
  's3:List*',
  's3:PutObject',
] as const;

/**
 * Key prefix of this project's own stacks' state in a state bucket (`pipeline-<prod>` with
 * `"stateBackend": "s3"`, see src/pipeline-state.ts): the pipeline may read it, never write it, or a
 * poisoned bootstrap state would make the operator's next apply do what the pipeline itself may not.
 */
export const BOOTSTRAP_STATE_PREFIX = 'bootstrap/';

/** Writes of an object, denied to the pipeline under {@link BOOTSTRAP_STATE_PREFIX}. */
export const OBJECT_WRITE_ACTIONS = ['s3:DeleteObject', 's3:DeleteObjectVersion', 's3:PutObject', 's3:PutObjectAcl'] as const;

/**
 * What the pipeline may do with the state key, and only through S3 or DynamoDB of the key's region
 * (`kms:ViaService`): encrypt, decrypt, make data keys, read its metadata. Never administer it
 * (policy, rotation, aliases, grants, deletion...).
 */
export const PIPELINE_KEY_USE_ACTIONS = DYNAMODB_USE_ACTIONS;

/**
 * What the pipeline may do on the DynamoDB lock table (Terraform < 1.10's `dynamodb_table`): its items,
 * and describe it. Never change or delete the table, its backups or its policy.
 */
export const PIPELINE_LOCK_TABLE_ACTIONS = [
  'dynamodb:DeleteItem',
  'dynamodb:DescribeTable',
  'dynamodb:GetItem',
  'dynamodb:PutItem',
] as const;

/**
 * What the pipeline may do with the state key besides {@link PIPELINE_KEY_USE_ACTIONS}, only when the
 * account has a lock table on the key: let DynamoDB create the table's grants on its behalf (through
 * DynamoDB of the key's region, `kms:GrantIsForAWSResource`), as AWS's DynamoDB key-policy example
 * requires of the table's users. Never a grant of its own.
 */
export const PIPELINE_LOCK_TABLE_KEY_ACTIONS = ['kms:CreateGrant'] as const;
