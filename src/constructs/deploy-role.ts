import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { dnsSuffixOf } from '../config/access';
import { DYNAMODB_USE_ACTIONS, S3_USE_ACTIONS } from './kms-use-actions';
import { PIPELINE_LOCK_TABLE_KEY_ACTIONS } from './pipeline-reach';
import type { TrustPolicyDocument } from './deploy-role-trust';
import { type AccountScope, crossAccountAssumeDeny } from './permissions-boundary';

/** What a Terraform S3 backend does with its state objects and lock files (`use_lockfile`). */
export const STATE_OBJECT_ACTIONS = ['s3:DeleteObject', 's3:GetObject', 's3:PutObject'] as const;
/** What Terraform < 1.10 does with the DynamoDB lock table (`dynamodb_table`). */
export const LOCK_TABLE_ACTIONS = [
  'dynamodb:DeleteItem',
  'dynamodb:DescribeTable',
  'dynamodb:GetItem',
  'dynamodb:PutItem',
] as const;

/** The account's own state: its bucket, and its KMS key and lock table when it has them. */
export interface StateAccess {
  /** ARN of the account's state bucket. */
  readonly bucketArn: string;
  /**
   * The key of the bucket's SSE-KMS (S3 uses it on the caller's behalf, `kms:ViaService`).
   * @default undefined: SSE-S3, no key permission.
   */
  readonly kmsKeyArn?: string;
  /**
   * ARN of the account's DynamoDB lock table.
   * @default undefined: S3 native locking only, no table permission.
   */
  readonly lockTableArn?: string;
  /**
   * The region of the bucket and key, for the `kms:ViaService` condition.
   */
  readonly region: string;
}

/** An identity policy document, ready for `JSON.stringify`. */
export interface StateAccessDocument {
  readonly Version: '2012-10-17';
  readonly Statement: readonly Record<string, unknown>[];
}

/**
 * The deploy role's inline policy: list the state bucket, read, write and delete its objects (state
 * and S3 lock files), use its KMS key only through S3 of its region, and the lock table's items; with
 * both, the key through DynamoDB too (the table is on the same key), including the grant DynamoDB
 * creates for the table on the caller's behalf. Keys in sorted order, like the bucket policy, so that
 * the JSON string equals what jsonencode() gives. The runner's role gets the same statements for the
 * production account's state (see runner-role.ts).
 */
export function stateAccessPolicy(access: StateAccess): StateAccessDocument {
  const suffix = dnsSuffixOf(access.region);
  const dynamodb = { 'kms:ViaService': `dynamodb.${access.region}.${suffix}` };
  return {
    Statement: [
      { Action: 's3:ListBucket', Effect: 'Allow', Resource: access.bucketArn, Sid: 'ListStateBucket' },
      { Action: [...STATE_OBJECT_ACTIONS], Effect: 'Allow', Resource: `${access.bucketArn}/*`, Sid: 'ReadWriteStateObjects' },
      ...(access.kmsKeyArn !== undefined
        ? [
            {
              Action: [...S3_USE_ACTIONS],
              Condition: { StringEquals: { 'kms:ViaService': `s3.${access.region}.${suffix}` } },
              Effect: 'Allow',
              Resource: access.kmsKeyArn,
              Sid: 'UseStateKeyThroughS3',
            },
          ]
        : []),
      ...(access.lockTableArn !== undefined
        ? [{ Action: [...LOCK_TABLE_ACTIONS], Effect: 'Allow', Resource: access.lockTableArn, Sid: 'UseLockTable' }]
        : []),
      ...(access.kmsKeyArn !== undefined && access.lockTableArn !== undefined
        ? [
            {
              Action: [...DYNAMODB_USE_ACTIONS],
              Condition: { StringEquals: dynamodb },
              Effect: 'Allow',
              Resource: access.kmsKeyArn,
              Sid: 'UseStateKeyThroughDynamoDB',
            },
            {
              Action: [...PIPELINE_LOCK_TABLE_KEY_ACTIONS],
              Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' }, StringEquals: dynamodb },
              Effect: 'Allow',
              Resource: access.kmsKeyArn,
              Sid: 'LockTableGrantsThroughDynamoDB',
            },
          ]
        : []),
    ],
    Version: '2012-10-17',
  };
}

export interface DeployRoleProps {
  /** The role's name. */
  readonly name: string;
  /** Who may assume the role (see deploy-role-trust.ts). */
  readonly trustPolicy: TrustPolicyDocument;
  /** Managed policies attached to the role: what the pipeline may do in the account. */
  readonly policyArns: readonly string[];
  /** The account's state, which the role may always reach. */
  readonly stateAccess: StateAccess;
  /** The role's own account: it may assume roles of this account only, whatever its policies or boundary. */
  readonly account: AccountScope;
  /**
   * Seconds a session may last.
   * @default 3600: also the most a role chain (runner → deploy role) gets.
   */
  readonly maxSessionDuration?: number;
  /**
   * A permissions boundary: the most the role may ever do, whatever its policies say (e.g. the
   * {@link PermissionsBoundary} the access stack creates, or one of the account's own).
   * @default undefined: none.
   */
  readonly permissionsBoundaryArn?: string;
  /**
   * Resources the role is created after (its `depends_on`), e.g. the OIDC providers its trust names.
   * @default none
   */
  readonly roleDependsOn?: ITerraformDependable[];
}

/**
 * The role a pipeline deploys an account with. Its trust names exactly who may assume it; it gets the
 * listed managed policies and its account's state (bucket, key, lock table), nothing else. No
 * statement it is given here has a `*` action or resource.
 *
 * Permanent construct ids: `role`, `state-access`, `no-cross-account-assume`, and
 * `policy-<policy ARN with "/" as "_">` per attached policy (so reordering `policyArns` changes nothing).
 */
export class DeployRole extends Construct {
  public readonly role: IamRole;
  public readonly stateAccess: IamRolePolicy;
  /** The inline Deny of assuming any role of another account: it holds with any boundary, or none. */
  public readonly noCrossAccountAssume: IamRolePolicy;

  constructor(scope: Construct, id: string, props: DeployRoleProps) {
    super(scope, id);
    this.role = new IamRole(this, 'role', {
      name: props.name,
      description: 'Pipeline deploy role (bootstrap-aws): the runner or a CI service through OIDC deploys this account with it',
      assumeRolePolicy: JSON.stringify(props.trustPolicy),
      maxSessionDuration: props.maxSessionDuration ?? 3600,
      ...(props.permissionsBoundaryArn !== undefined ? { permissionsBoundary: props.permissionsBoundaryArn } : {}),
      ...(props.roleDependsOn !== undefined ? { dependsOn: props.roleDependsOn } : {}),
    });
    for (const policyArn of props.policyArns) {
      new IamRolePolicyAttachment(this, policyAttachmentId(policyArn), { role: this.role.name, policyArn });
    }
    this.stateAccess = new IamRolePolicy(this, 'state-access', {
      name: 'terraform-state-access',
      role: this.role.id,
      policy: JSON.stringify(stateAccessPolicy(props.stateAccess)),
    });
    this.noCrossAccountAssume = new IamRolePolicy(this, 'no-cross-account-assume', {
      name: 'deny-cross-account-assume',
      role: this.role.id,
      policy: JSON.stringify(noCrossAccountAssumePolicy(props.account)),
    });
  }
}

/** The deploy role's second inline policy: only a Deny, of assuming a role in any other account. */
export function noCrossAccountAssumePolicy(account: AccountScope): StateAccessDocument {
  return { Statement: [crossAccountAssumeDeny(account)], Version: '2012-10-17' };
}

/** The construct id of a policy attachment: `policy-<ARN>`, with `/` (a path separator in ids) as `_`. */
export function policyAttachmentId(policyArn: string): string {
  return `policy-${policyArn.replace(/\//g, '_')}`;
}
