/**
 * Key policies of the KMS keys this project creates. Without one, KMS applies its default policy,
 * which gives `kms:*` to the account: every IAM principal whose own policies allow a kms action
 * (e.g. `kms:Decrypt` on `*`, common in admin and power-user roles) could then decrypt the data
 * directly, schedule the key's deletion or disable it. These policies split the three concerns:
 *
 * - administration (describe, tag, rotate, change the policy, schedule deletion, ...) stays with
 *   the account, delegated to IAM as in the default policy, so the account can always manage the
 *   key (no lockout; AWS also refuses, at CreateKey and PutKeyPolicy, a policy that would keep its
 *   writer from changing it again);
 * - use (encrypt, decrypt, data keys) is allowed only through the service that owns the data
 *   (`kms:ViaService`), for principals of this account (`kms:CallerAccount`), or to one service
 *   principal for one resource (CloudWatch Logs and one log group);
 * - for state keys, every administration write (policy, rotation, aliases, grants, deletion,
 *   disabling...) is denied to everyone but the account's root user and the key administrators:
 *   `kmsKeyAdminArns`, else the principal that deploys the state stack. The pipeline's principals
 *   (deploy role, runner) may only use the key through S3 and DynamoDB of its region.
 *
 * The policies are plain JSON with the account ID, partition and DNS suffix as Terraform
 * references, not aws_iam_policy_document data sources: one string per key at synth, and the
 * document a test compares is the document AWS receives.
 */

import { DYNAMODB_USE_ACTIONS, S3_USE_ACTIONS } from './kms-use-actions';
import { PIPELINE_KEY_USE_ACTIONS, PIPELINE_LOCK_TABLE_KEY_ACTIONS } from './pipeline-reach';

/** What a key administrator may do: manage the key, never use it (no Encrypt/Decrypt/GenerateDataKey, no CreateGrant). */
export const KEY_ADMINISTRATION_ACTIONS = [
  'kms:CancelKeyDeletion',
  'kms:CreateAlias',
  'kms:DeleteAlias',
  'kms:DescribeKey',
  'kms:DisableKey',
  'kms:DisableKeyRotation',
  'kms:EnableKey',
  'kms:EnableKeyRotation',
  'kms:GetKeyPolicy',
  'kms:GetKeyRotationStatus',
  'kms:ListGrants',
  'kms:ListKeyPolicies',
  'kms:ListKeyRotations',
  'kms:ListResourceTags',
  'kms:PutKeyPolicy',
  'kms:RetireGrant',
  'kms:RevokeGrant',
  'kms:RotateKeyOnDemand',
  'kms:ScheduleKeyDeletion',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:UpdateAlias',
  'kms:UpdateKeyDescription',
] as const;

/** Lose every object under the key (deletion), or make them unreadable until re-enabled (disabling). */
export const KEY_DESTRUCTION_ACTIONS = ['kms:DisableKey', 'kms:ScheduleKeyDeletion'] as const;

/**
 * Every write that administers a key: denied to all but the root user and the key administrators.
 * Not `kms:RetireGrant`: DynamoDB retires its table's grants itself, as a service principal that has
 * no `aws:PrincipalArn` (a negated condition on it would deny the service); the pipeline principals
 * are denied it by the pipeline statements all the same.
 */
export const KEY_ADMINISTRATION_WRITE_ACTIONS = [
  'kms:CancelKeyDeletion',
  'kms:CreateAlias',
  'kms:DeleteAlias',
  'kms:DeleteImportedKeyMaterial',
  'kms:DisableKey',
  'kms:DisableKeyRotation',
  'kms:EnableKey',
  'kms:EnableKeyRotation',
  'kms:ImportKeyMaterial',
  'kms:PutKeyPolicy',
  'kms:ReplicateKey',
  'kms:RevokeGrant',
  'kms:RotateKeyOnDemand',
  'kms:ScheduleKeyDeletion',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:UpdateAlias',
  'kms:UpdateKeyDescription',
  'kms:UpdatePrimaryRegion',
] as const;

/** What CloudWatch Logs needs to encrypt a log group (AWS's CloudWatch Logs key-policy example). */
export const LOGS_USE_ACTIONS = [
  'kms:Decrypt*',
  'kms:Describe*',
  'kms:Encrypt*',
  'kms:GenerateDataKey*',
  'kms:ReEncrypt*',
] as const;

/** Where a key lives; each value may be a Terraform reference (a token). */
export interface KeyAccount {
  /** The AWS partition, e.g. `aws` or `aws-cn` (`data.aws_partition.partition`). */
  readonly partition: string;
  /** The partition's DNS suffix, e.g. `amazonaws.com` (`data.aws_partition.dns_suffix`). */
  readonly dnsSuffix: string;
  /** The key's region, e.g. `eu-west-1`. */
  readonly region: string;
  /** The 12-digit ID of the account that owns the key. */
  readonly accountId: string;
}

export interface StateKeyPolicyProps extends KeyAccount {
  /**
   * The account's DynamoDB lock table uses the key too: DynamoDB may then use it for principals
   * of the account, create grants for the table (`kms:GrantIsForAWSResource`), and read the
   * key's metadata.
   * @default false: only S3 may use the key.
   */
  readonly lockTable?: boolean;
  /**
   * IAM role or user ARNs of this account that administer the key besides the root user
   * (`kmsKeyAdminArns`); they replace {@link deployerArns}. The role that deploys the state stack
   * must be one of them: AWS refuses a key policy its writer could not change again.
   * @default []: {@link deployerArns} administer the key.
   */
  readonly administratorArns?: readonly string[];
  /**
   * The principal that deploys the state stack, as `aws:PrincipalArn` patterns (a role whose path
   * synth cannot know is `role/NAME` and `role/*\/NAME`: role names are unique in an account, so both
   * name that one role): the key's administrators when `administratorArns` is empty.
   * @default []: without administrators only deleting and disabling the key is kept to the root user,
   *   and the policy itself stays with the account's IAM administrators.
   */
  readonly deployerArns?: readonly string[];
  /**
   * ARNs of the pipeline's roles (the account's deploy role, the runner): they may only use the key
   * (`PIPELINE_KEY_USE_ACTIONS`) through S3 (and DynamoDB with a lock table) of the key's region,
   * never administer it nor use it directly.
   * @default []: no pipeline statements.
   */
  readonly pipelinePrincipalArns?: readonly string[];
}

/** A KMS key policy document, ready for `JSON.stringify`. */
export interface KeyPolicyDocument {
  readonly Version: '2012-10-17';
  readonly Statement: readonly Record<string, unknown>[];
}

/** `arn:<partition>:iam::<account>:root`: the account, as a principal (access then follows IAM). */
export function accountRootArn(account: KeyAccount): string {
  return `arn:${account.partition}:iam::${account.accountId}:root`;
}

/** The account administers the key through IAM; nobody is given its use by this statement. */
function administrationStatement(account: KeyAccount): Record<string, unknown> {
  return {
    Sid: 'KeyAdministrationThroughIam',
    Effect: 'Allow',
    Principal: { AWS: accountRootArn(account) },
    Action: [...KEY_ADMINISTRATION_ACTIONS],
    Resource: '*',
  };
}

/** Use of the key by principals of the account, only through `service` (e.g. `s3`). */
function useThroughService(
  account: KeyAccount,
  sid: string,
  service: string,
  actions: readonly string[],
): Record<string, unknown> {
  return {
    Sid: sid,
    Effect: 'Allow',
    Principal: { AWS: accountRootArn(account) },
    Action: [...actions],
    Resource: '*',
    Condition: {
      StringEquals: {
        'kms:CallerAccount': account.accountId,
        'kms:ViaService': `${service}.${account.region}.${account.dnsSuffix}`,
      },
    },
  };
}

/**
 * The policy of a state bucket's key: administration by the account through IAM, use only
 * through S3 (and DynamoDB for the lock table) by principals of the account that IAM also lets
 * use the key, every administration write kept to the root user and the administrators
 * (`administratorArns`, else the deployer), and the pipeline's roles kept to that use.
 */
export function stateKeyPolicy(props: StateKeyPolicyProps): KeyPolicyDocument {
  const named = props.administratorArns ?? [];
  const administrators = named.length > 0 ? named : (props.deployerArns ?? []);
  const dynamodb = `dynamodb.${props.region}.${props.dnsSuffix}`;
  const lockTable = props.lockTable === true;
  return {
    Version: '2012-10-17',
    Statement: [
      administrationStatement(props),
      useThroughService(props, 'StateObjectsThroughS3', 's3', S3_USE_ACTIONS),
      ...(lockTable
        ? [
            useThroughService(props, 'LockTableThroughDynamoDB', 'dynamodb', DYNAMODB_USE_ACTIONS),
            {
              Sid: 'LockTableGrantsForDynamoDB',
              Effect: 'Allow',
              Principal: { AWS: accountRootArn(props) },
              Action: 'kms:CreateGrant',
              Resource: '*',
              Condition: {
                Bool: { 'kms:GrantIsForAWSResource': 'true' },
                StringEquals: { 'kms:CallerAccount': props.accountId, 'kms:ViaService': dynamodb },
              },
            },
            {
              // DynamoDB checks the key's state and settings on its own, e.g. to report a disabled key.
              Sid: 'DynamoDBReadsKeyMetadata',
              Effect: 'Allow',
              Principal: { Service: 'dynamodb.amazonaws.com' },
              Action: ['kms:Describe*', 'kms:Get*', 'kms:List*'],
              Resource: '*',
            },
          ]
        : []),
      {
        // aws:PrincipalArn is the role's ARN (not the session's) and survives deleting and
        // recreating a role of the same name, so an administrator role can always be restored.
        // Without administrators the policy stays with IAM: denying PutKeyPolicy to all but the root
        // user would make AWS refuse the policy (its writer could not change it again).
        Sid: administrators.length > 0 ? 'OnlyKeyAdministratorsAdminister' : 'OnlyKeyAdministratorsDeleteOrDisable',
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: administrators.length > 0 ? [...KEY_ADMINISTRATION_WRITE_ACTIONS] : [...KEY_DESTRUCTION_ACTIONS],
        Resource: '*',
        Condition: { ArnNotLike: { 'aws:PrincipalArn': [accountRootArn(props), ...administrators] } },
      },
      ...pipelineKeyStatements(props, lockTable),
    ],
  };
}

/**
 * The pipeline's roles use the key only through S3 (and DynamoDB with a lock table) of the key's
 * region, never directly and never to administer it; their only grant is the one DynamoDB creates for
 * the table. Explicit denies: they hold whatever the roles' own policies (PowerUserAccess: kms:*) or a
 * grant would allow. Matched by aws:PrincipalArn, so the roles need not exist when the policy is written.
 */
function pipelineKeyStatements(props: StateKeyPolicyProps, lockTable: boolean): Record<string, unknown>[] {
  const principals = props.pipelinePrincipalArns ?? [];
  if (principals.length === 0) return [];
  const pipeline = { 'aws:PrincipalArn': [...principals] };
  const via = (service: string): string => `${service}.${props.region}.${props.dnsSuffix}`;
  const deny = (sid: string, actions: Record<string, unknown>, condition: Record<string, unknown>): Record<string, unknown> => ({
    Sid: sid,
    Effect: 'Deny',
    Principal: { AWS: '*' },
    ...actions,
    Resource: '*',
    Condition: { ArnEquals: pipeline, ...condition },
  });
  return [
    deny(
      'PipelineOnlyUsesKey',
      { NotAction: [...PIPELINE_KEY_USE_ACTIONS, ...(lockTable ? PIPELINE_LOCK_TABLE_KEY_ACTIONS : [])] },
      {},
    ),
    // IfExists: a direct call has no kms:ViaService, and is denied too.
    deny(
      'PipelineUsesKeyOnlyThroughStateServices',
      { Action: [...PIPELINE_KEY_USE_ACTIONS] },
      { StringNotEqualsIfExists: { 'kms:ViaService': [via('s3'), ...(lockTable ? [via('dynamodb')] : [])] } },
    ),
    ...(lockTable
      ? [
          deny(
            'PipelineGrantsOnlyThroughDynamoDB',
            { Action: [...PIPELINE_LOCK_TABLE_KEY_ACTIONS] },
            { StringNotEqualsIfExists: { 'kms:ViaService': via('dynamodb') } },
          ),
          deny(
            'PipelineGrantsOnlyForAwsResources',
            { Action: [...PIPELINE_LOCK_TABLE_KEY_ACTIONS] },
            { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false' } },
          ),
        ]
      : []),
  ];
}

export interface LogGroupKeyPolicyProps extends KeyAccount {
  /** Name of the one log group the key encrypts, e.g. `/acme-pipeline/vpc-flow-logs`. */
  readonly logGroupName: string;
}

/** `arn:<partition>:logs:<region>:<account>:log-group:<name>`, built from strings (no reference to the group). */
export function logGroupArn(props: LogGroupKeyPolicyProps): string {
  return `arn:${props.partition}:logs:${props.region}:${props.accountId}:log-group:${props.logGroupName}`;
}

/**
 * The policy of a log group's key: administration by the account through IAM, and use by the
 * CloudWatch Logs service of the key's region for that one log group only (the encryption
 * context CloudWatch Logs sends names the group). Nobody else may use it: people reading the
 * logs need no KMS permission, CloudWatch Logs decrypts for them.
 */
export function logGroupKeyPolicy(props: LogGroupKeyPolicyProps): KeyPolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      administrationStatement(props),
      {
        Sid: 'CloudWatchLogsForOneLogGroup',
        Effect: 'Allow',
        Principal: { Service: `logs.${props.region}.${props.dnsSuffix}` },
        Action: [...LOGS_USE_ACTIONS],
        Resource: '*',
        Condition: { ArnEquals: { 'kms:EncryptionContext:aws:logs:arn': logGroupArn(props) } },
      },
    ],
  };
}
