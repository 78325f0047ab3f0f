import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { Construct, type IConstruct } from 'constructs';
import {
  BOOTSTRAP_STATE_PREFIX,
  OBJECT_WRITE_ACTIONS,
  PIPELINE_KEY_USE_ACTIONS,
  PIPELINE_LOCK_TABLE_ACTIONS,
  PIPELINE_LOCK_TABLE_KEY_ACTIONS,
  PIPELINE_STATE_BUCKET_ACTIONS,
} from './pipeline-reach';

/** IAM's limit on a managed policy document, in characters without whitespace. */
export const MANAGED_POLICY_MAX_CHARS = 6144;

/** The account a policy is confined to. */
export interface AccountScope {
  /** `aws`, `aws-cn` or `aws-us-gov`. */
  readonly partition: string;
  /** The 12-digit account ID (a Terraform reference when only AWS knows it). */
  readonly accountId: string;
}

/** A policy statement, keys in sorted order (so that the JSON string equals what jsonencode() gives). */
export type PolicyStatementJson = Readonly<Record<string, unknown>>;

/**
 * What a role's session does alongside `sts:AssumeRole` (tags and source identity are set on the target
 * role), and `sts:AssumeRoot` (a privileged root session in a member account, from the management account or a
 * delegated administrator once centralized root access is on; its resource is `arn:…:iam::<member>:root`, never
 * a role): denied on any role of another account, so that a deploy role never becomes a door to one.
 */
export const ASSUME_ROLE_ACTIONS = ['sts:AssumeRole', 'sts:AssumeRoot', 'sts:SetSourceIdentity', 'sts:TagSession'] as const;

/**
 * Deny assuming a role of any other account: every role ARN but `arn:<partition>:iam::<account>:role/*`
 * (`*` also matches a role's path). A resource ARN rather than `aws:ResourceAccount`, which AWS and the
 * evaluator both read from the request's resource without exceptions to remember.
 */
export function crossAccountAssumeDeny(scope: AccountScope): PolicyStatementJson {
  return {
    Action: [...ASSUME_ROLE_ACTIONS],
    Effect: 'Deny',
    NotResource: `arn:${scope.partition}:iam::${scope.accountId}:role/*`,
    Sid: 'DenyAssumeRoleInOtherAccounts',
  };
}

/**
 * Deny assuming or passing to a service any role but those under `rolePath` in the boundary's own account
 * (`rolePath` is {@link boundedRolePath}): only roles the pipeline created there, which CreateRole gives this
 * boundary (a role's path is fixed at creation). Any other role of the account may be one that trusts the
 * account's root, or a service role with wider policies (an administrator's, say): the pipeline acting as it, or
 * running code as it, would be out of the boundary. Roles of other accounts are denied with them.
 */
export function boundedRoleUseDeny(scope: AccountScope, rolePath: string): PolicyStatementJson {
  return {
    Action: [...ASSUME_ROLE_ACTIONS, 'iam:PassRole'],
    Effect: 'Deny',
    NotResource: `arn:${scope.partition}:iam::${scope.accountId}:role${rolePath}*`,
    Sid: 'DenyRolesOutsideBoundedPath',
  };
}

/**
 * IAM actions that create or change a role or user, denied unless the role or user carries the boundary
 * (`iam:PermissionsBoundary`, which each of them supports: for CreateRole, CreateUser and the Put…PermissionsBoundary actions it is the
 * boundary being set, for the others the one the role or user already has). So whatever the pipeline
 * creates is capped as it is, and it cannot use a role it does not bound (e.g. `OrganizationAccountAccessRole`)
 * by changing its trust or policies.
 */
export const BOUNDED_PRINCIPAL_ACTIONS = [
  'iam:AttachRolePolicy',
  'iam:AttachUserPolicy',
  'iam:CreateRole',
  'iam:CreateUser',
  'iam:DeleteRole',
  'iam:DeleteRolePolicy',
  'iam:DeleteUserPolicy',
  'iam:DetachRolePolicy',
  'iam:DetachUserPolicy',
  'iam:PutRolePermissionsBoundary',
  'iam:PutRolePolicy',
  'iam:PutUserPermissionsBoundary',
  'iam:PutUserPolicy',
  'iam:UpdateAssumeRolePolicy',
] as const;

/**
 * Long-lived credentials of an IAM user: keys, console passwords, service-specific credentials, SSH keys and
 * signing certificates, made or re-enabled. Denied on every user: with them the pipeline could sign in as an
 * existing user without the boundary (an administrator, say). None of these actions takes
 * `iam:PermissionsBoundary`, so bounded users cannot be told apart; a pipeline is keyless, and keys are made
 * outside it.
 */
export const USER_CREDENTIAL_ACTIONS = [
  'iam:CreateAccessKey',
  'iam:CreateLoginProfile',
  'iam:CreateServiceSpecificCredential',
  'iam:ResetServiceSpecificCredential',
  'iam:UpdateAccessKey',
  'iam:UpdateLoginProfile',
  'iam:UpdateSSHPublicKey',
  'iam:UpdateServiceSpecificCredential',
  'iam:UpdateSigningCertificate',
  'iam:UploadSSHPublicKey',
  'iam:UploadSigningCertificate',
] as const;

/**
 * Making, replacing or deleting an IAM SAML provider, denied on all of them: a provider's metadata holds the keys
 * that sign its assertions, and `sts:AssumeRoleWithSAML` is not signed with AWS credentials, so no Deny of the
 * pipeline's applies to it. With its own keys in a provider (replaced, or deleted and made again under the same
 * name and ARN), the pipeline could sign in as every role that trusts that provider.
 */
export const SAML_PROVIDER_ACTIONS = ['iam:CreateSAMLProvider', 'iam:DeleteSAMLProvider', 'iam:UpdateSAMLProvider'] as const;

/** Changes to a managed policy's document or existence, denied on the boundary itself. */
export const POLICY_CHANGE_ACTIONS = [
  'iam:CreatePolicyVersion',
  'iam:DeletePolicy',
  'iam:DeletePolicyVersion',
  'iam:SetDefaultPolicyVersion',
] as const;

/** What the deploy role may still do to itself: read it. Every other action on its ARN is denied. */
export const OWN_ROLE_READ_ACTIONS = ['iam:Get*', 'iam:List*'] as const;

/** The account's state that the boundary protects (see pipeline-reach.ts), by ARN. */
export interface BoundedState {
  /** ARN of the state bucket. */
  readonly bucketArn: string;
  /**
   * ARN of the state key.
   * @default undefined: SSE-S3, no key to protect.
   */
  readonly kmsKeyArn?: string;
  /**
   * ARN of the DynamoDB lock table.
   * @default undefined: S3 native locking only.
   */
  readonly lockTableArn?: string;
}

export interface PermissionsBoundaryDocumentProps {
  /** The account of the boundary, the role and the state. */
  readonly account: AccountScope;
  /** The boundary's own ARN: what roles and users the pipeline creates must carry. */
  readonly boundaryArn: string;
  /** The deploy role's ARN, which may not change itself. */
  readonly roleArn: string;
  /** The path (`/…/`) of the roles the pipeline may assume or pass: {@link boundedRolePath}. */
  readonly rolePath: string;
  /** The state the pipeline may use but never administer. */
  readonly state: BoundedState;
}

/**
 * The boundary's document, after the AWS CDK bootstrap's example permissions boundary: it allows every
 * action (the role's own policies decide what it gets), then denies what would let the pipeline out of
 * it: removing or changing a boundary, editing this policy, creating or changing roles and users
 * without it, changing the deploy role itself, administering the state bucket, key and lock table,
 * assuming or passing a role not under the boundary's role path (any role of another account among them),
 * making credentials for an IAM user, and changing SAML providers.
 */
export function permissionsBoundaryPolicy(props: PermissionsBoundaryDocumentProps): {
  readonly Statement: readonly PolicyStatementJson[];
  readonly Version: '2012-10-17';
} {
  const { boundaryArn, roleArn, state } = props;
  return {
    Statement: [
      { Action: '*', Effect: 'Allow', Resource: '*', Sid: 'AllowWhatTheRolePoliciesAllow' },
      boundedRoleUseDeny(props.account, props.rolePath),
      {
        Action: ['iam:DeleteRolePermissionsBoundary', 'iam:DeleteUserPermissionsBoundary'],
        Effect: 'Deny',
        Resource: '*',
        Sid: 'DenyBoundaryRemoval',
      },
      {
        Action: [...BOUNDED_PRINCIPAL_ACTIONS],
        Condition: { StringNotEquals: { 'iam:PermissionsBoundary': boundaryArn } },
        Effect: 'Deny',
        Resource: '*',
        Sid: 'DenyRolesAndUsersWithoutThisBoundary',
      },
      { Action: [...POLICY_CHANGE_ACTIONS], Effect: 'Deny', Resource: boundaryArn, Sid: 'DenyBoundaryPolicyChanges' },
      { Effect: 'Deny', NotAction: [...OWN_ROLE_READ_ACTIONS], Resource: roleArn, Sid: 'DenyDeployRoleChanges' },
      {
        Effect: 'Deny',
        NotAction: [...PIPELINE_STATE_BUCKET_ACTIONS],
        Resource: [state.bucketArn, `${state.bucketArn}/*`],
        Sid: 'DenyStateBucketAdministration',
      },
      {
        Action: [...OBJECT_WRITE_ACTIONS],
        Effect: 'Deny',
        Resource: `${state.bucketArn}/${BOOTSTRAP_STATE_PREFIX}*`,
        Sid: 'DenyBootstrapStateWrites',
      },
      ...(state.kmsKeyArn !== undefined
        ? [
            {
              Effect: 'Deny',
              // With the lock table on the key, the grant DynamoDB creates for the table on the caller's
              // behalf (AWS's DynamoDB key-policy example gives table users kms:CreateGrant), and no other.
              NotAction: [
                ...PIPELINE_KEY_USE_ACTIONS,
                ...(state.lockTableArn !== undefined ? PIPELINE_LOCK_TABLE_KEY_ACTIONS : []),
              ],
              Resource: state.kmsKeyArn,
              Sid: 'DenyStateKeyAdministration',
            },
            ...(state.lockTableArn !== undefined
              ? [
                  {
                    Action: [...PIPELINE_LOCK_TABLE_KEY_ACTIONS],
                    Condition: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false' } },
                    Effect: 'Deny',
                    Resource: state.kmsKeyArn,
                    Sid: 'DenyStateKeyGrantsButDynamoDBs',
                  },
                ]
              : []),
          ]
        : []),
      ...(state.lockTableArn !== undefined
        ? [
            {
              Effect: 'Deny',
              NotAction: [...PIPELINE_LOCK_TABLE_ACTIONS],
              Resource: [state.lockTableArn, `${state.lockTableArn}/*`],
              Sid: 'DenyLockTableAdministration',
            },
          ]
        : []),
      { Action: [...USER_CREDENTIAL_ACTIONS], Effect: 'Deny', Resource: '*', Sid: 'DenyUserCredentials' },
      { Action: [...SAML_PROVIDER_ACTIONS], Effect: 'Deny', Resource: '*', Sid: 'DenySamlProviderChanges' },
    ],
    Version: '2012-10-17',
  };
}

/** The boundary's name for a deploy role: `<role name>-boundary`. */
export function permissionsBoundaryName(roleName: string): string {
  return `${roleName}-boundary`;
}

/**
 * The path of the roles a deploy role with the created boundary may assume or pass to a service: `/<boundary name>/`. Roles made
 * there carry the boundary (CreateRole is denied without it) and keep the path for good.
 */
export function boundedRolePath(roleName: string): string {
  return `/${permissionsBoundaryName(roleName)}/`;
}

export interface PermissionsBoundaryProps {
  /** The account the boundary, the deploy role and the state are in. */
  readonly account: AccountScope;
  /** The deploy role's name: the boundary is `<role name>-boundary`, and the role may not change itself. */
  readonly roleName: string;
  /** The state the pipeline may use but never administer. */
  readonly state: BoundedState;
}

/**
 * The permissions boundary an access stack creates for its deploy role (`"permissionsBoundary": "create"`):
 * an IAM managed policy, see {@link permissionsBoundaryPolicy}. Its ARN is written from the account and its
 * name (the document must name the policy itself), so the account's ID must be known or looked up.
 *
 * Permanent construct ids: `policy`.
 */
export class PermissionsBoundary extends Construct {
  public readonly policy: IamPolicy;
  /** The boundary's ARN as a reference to the policy (so the policy exists before the role names it). */
  public readonly arn: string;
  /** The path of the roles the pipeline may assume or pass ({@link boundedRolePath}). */
  public readonly rolePath: string;

  /** Whether `construct` is the policy of a PermissionsBoundary (for the policy guard). */
  public static isBoundaryPolicy(construct: IConstruct): boolean {
    return construct.node.scope instanceof PermissionsBoundary && construct.node.scope.policy === construct;
  }

  constructor(scope: Construct, id: string, props: PermissionsBoundaryProps) {
    super(scope, id);
    const { partition, accountId } = props.account;
    const name = permissionsBoundaryName(props.roleName);
    const boundaryArn = `arn:${partition}:iam::${accountId}:policy/${name}`;
    this.rolePath = boundedRolePath(props.roleName);
    this.policy = new IamPolicy(this, 'policy', {
      name,
      description:
        'Permissions boundary of the pipeline deploy role (bootstrap-aws): no boundary changes, no unbounded roles or users, no changes to the role itself, no state administration, no role to assume or pass outside its role path, no user credentials, no SAML provider changes',
      policy: JSON.stringify(
        permissionsBoundaryPolicy({
          account: props.account,
          boundaryArn,
          roleArn: `arn:${partition}:iam::${accountId}:role/${props.roleName}`,
          rolePath: this.rolePath,
          state: props.state,
        }),
      ),
    });
    this.arn = this.policy.arn;
  }
}
