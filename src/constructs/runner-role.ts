import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { IamInstanceProfile } from '@cdktf/provider-aws/lib/iam-instance-profile';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { Construct } from 'constructs';
import { dnsSuffixOf } from '../config/access';
import { DYNAMODB_USE_ACTIONS, S3_USE_ACTIONS } from './kms-use-actions';
import { PIPELINE_LOCK_TABLE_ACTIONS, PIPELINE_LOCK_TABLE_KEY_ACTIONS } from './pipeline-reach';

/** The AWS-managed policy that lets SSM manage the instance (Session Manager, Run Command). */
export const SSM_MANAGED_POLICY = 'AmazonSSMManagedInstanceCore';

export interface RunnerRoleProps {
  /** Name of the role and of its instance profile. */
  readonly name: string;
  /** AWS partition of the account (`aws`, `aws-cn`, `aws-us-gov`), for the ARNs this builds. */
  readonly partition: string;
  /** The production account's state bucket: the runner may list it and read/write/delete its objects. */
  readonly stateBucketName: string;
  /**
   * The production state bucket's SSE-KMS key (its ARN): the runner may use it through S3 of
   * `region` (and DynamoDB with `lockTableArn`), as the deploy roles do their account's key.
   * @default undefined: SSE-S3, no KMS permission.
   */
  readonly stateKmsKeyArn?: string;
  /**
   * The alias of the key the production state stack created: `stateKmsKeyArn` is then the ARN pattern of
   * the account's keys (`…:key/*`) and the statements hold only for the key that has this alias
   * (`kms:ResourceAliases`), so the stack needs no lookup of a key another stack creates.
   * @default undefined: `stateKmsKeyArn` is the key's own ARN.
   */
  readonly stateKmsKeyAlias?: string;
  /**
   * ARN of the production account's DynamoDB lock table: the runner may use its lock items.
   * @default undefined: S3 native locking only.
   */
  readonly lockTableArn?: string;
  /**
   * Region of the state bucket and key, for `kms:ViaService`.
   * @default undefined: required with `stateKmsKeyArn`.
   */
  readonly region?: string;
  /**
   * Roles (in other accounts) the runner may assume with `sts:AssumeRole`.
   * @default []: no assume-role permission at all, the policy is not created.
   */
  readonly assumableRoleArns?: readonly string[];
  /**
   * The pipeline VPC's ID: every request of the role made with credentials EC2 delivered to an
   * instance outside this VPC is denied (`aws:Ec2InstanceSourceVPC`). The pipeline stack always sets it.
   * @default undefined: no VPC pin (the `pipeline-vpc-only` policy is not created).
   */
  readonly vpcId?: string;
}

/**
 * The pipeline runner's identity: a role only EC2 can assume, with its instance profile.
 * Permissions: `AmazonSSMManagedInstanceCore` (reach the runner through SSM, no SSH);
 * `s3:ListBucket` on the production state bucket and `s3:GetObject/PutObject/DeleteObject` on its
 * objects (the pipeline's Terraform state and lock files), nothing wider; under SSE-KMS the state key
 * through S3 (and DynamoDB with the lock table, whose items it may use); `sts:AssumeRole` only on
 * the listed role ARNs. No statement grants a `*` action or a `*` resource.
 *
 * A Deny of every action unless `aws:Ec2InstanceSourceVPC` is the pipeline VPC: that key is set on
 * every request signed with credentials EC2 delivered to an instance (the only way this role is
 * assumed) and names the instance's VPC; it travels with the credentials. So the instance profile
 * attached to an instance in another VPC (someone with `iam:PassRole` and `ec2:RunInstances` or
 * `ec2:AssociateIamInstanceProfile`) gets nothing, and neither do credentials without the key.
 * It does not stop credentials copied off a runner of the pipeline VPC, nor commands run on one
 * (SSM): see docs/security.md. Requests an AWS service makes on the role's behalf (S3 calling KMS)
 * are left to that service's own check (`aws:ViaAWSService`).
 *
 * Permanent construct ids: `trust`, `role`, `ssm-managed-instance-core`, `state-access-document`,
 * `state-access`, `assume-roles-document`, `assume-roles`, `instance-profile`, `source-vpc-document`,
 * `source-vpc`.
 */
export class RunnerRole extends Construct {
  public readonly role: IamRole;
  public readonly instanceProfile: IamInstanceProfile;

  constructor(scope: Construct, id: string, props: RunnerRoleProps) {
    super(scope, id);
    const bucketArn = `arn:${props.partition}:s3:::${props.stateBucketName}`;

    const trust = new DataAwsIamPolicyDocument(this, 'trust', {
      statement: [
        {
          sid: 'Ec2Service',
          effect: 'Allow',
          actions: ['sts:AssumeRole'],
          principals: [{ type: 'Service', identifiers: ['ec2.amazonaws.com'] }],
        },
      ],
    });
    this.role = new IamRole(this, 'role', {
      name: props.name,
      description: 'Self-managed pipeline runner: SSM, the production state bucket, listed deploy roles',
      assumeRolePolicy: trust.json,
    });

    new IamRolePolicyAttachment(this, 'ssm-managed-instance-core', {
      role: this.role.name,
      policyArn: `arn:${props.partition}:iam::aws:policy/${SSM_MANAGED_POLICY}`,
    });

    // Under SSE-KMS the runner's own state needs the key, through S3 only (and DynamoDB for the lock
    // table, on the same key, with the grant DynamoDB creates for it): never directly.
    const key = props.stateKmsKeyArn;
    if (key !== undefined && props.region === undefined) throw new Error('RunnerRole: stateKmsKeyArn needs region');
    const alias = props.stateKmsKeyAlias;
    const named =
      alias !== undefined ? [{ test: 'ForAnyValue:StringEquals', variable: 'kms:ResourceAliases', values: [alias] }] : [];
    const via = (service: string) => ({
      test: 'StringEquals',
      variable: 'kms:ViaService',
      values: [`${service}.${props.region}.${dnsSuffixOf(props.region ?? '')}`],
    });
    const table = props.lockTableArn;
    const stateAccess = new DataAwsIamPolicyDocument(this, 'state-access-document', {
      statement: [
        { sid: 'ListStateBucket', effect: 'Allow', actions: ['s3:ListBucket'], resources: [bucketArn] },
        {
          sid: 'ReadWriteStateObjects',
          effect: 'Allow',
          actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
          resources: [`${bucketArn}/*`],
        },
        ...(key !== undefined
          ? [
              {
                sid: 'UseStateKeyThroughS3',
                effect: 'Allow',
                actions: [...S3_USE_ACTIONS],
                resources: [key],
                condition: [via('s3'), ...named],
              },
            ]
          : []),
        ...(table !== undefined
          ? [{ sid: 'UseLockTable', effect: 'Allow', actions: [...PIPELINE_LOCK_TABLE_ACTIONS], resources: [table] }]
          : []),
        ...(key !== undefined && table !== undefined
          ? [
              {
                sid: 'UseStateKeyThroughDynamoDB',
                effect: 'Allow',
                actions: [...DYNAMODB_USE_ACTIONS],
                resources: [key],
                condition: [via('dynamodb'), ...named],
              },
              {
                sid: 'LockTableGrantsThroughDynamoDB',
                effect: 'Allow',
                actions: [...PIPELINE_LOCK_TABLE_KEY_ACTIONS],
                resources: [key],
                condition: [via('dynamodb'), { test: 'Bool', variable: 'kms:GrantIsForAWSResource', values: ['true'] }, ...named],
              },
            ]
          : []),
      ],
    });
    new IamRolePolicy(this, 'state-access', { name: 'state-bucket-access', role: this.role.id, policy: stateAccess.json });

    const roleArns = props.assumableRoleArns ?? [];
    if (roleArns.length > 0) {
      const assume = new DataAwsIamPolicyDocument(this, 'assume-roles-document', {
        statement: [{ sid: 'AssumeDeployRoles', effect: 'Allow', actions: ['sts:AssumeRole'], resources: [...roleArns] }],
      });
      new IamRolePolicy(this, 'assume-roles', { name: 'assume-deploy-roles', role: this.role.id, policy: assume.json });
    }

    if (props.vpcId !== undefined) this.pinToVpc(props.vpcId);

    this.instanceProfile = new IamInstanceProfile(this, 'instance-profile', { name: props.name, role: this.role.name });
  }

  /** The Deny of every request whose credentials EC2 did not deliver to an instance in `vpcId`. */
  private pinToVpc(vpcId: string): void {
    const sourceVpc = new DataAwsIamPolicyDocument(this, 'source-vpc-document', {
      statement: [
        {
          sid: 'DenyOutsidePipelineVpc',
          effect: 'Deny',
          actions: ['*'],
          resources: ['*'],
          condition: [
            // Negated: also true when the key is absent (credentials not delivered by EC2).
            { test: 'StringNotEquals', variable: 'aws:Ec2InstanceSourceVPC', values: [vpcId] },
            { test: 'BoolIfExists', variable: 'aws:ViaAWSService', values: ['false'] },
          ],
        },
      ],
    });
    new IamRolePolicy(this, 'source-vpc', { name: 'pipeline-vpc-only', role: this.role.id, policy: sourceVpc.json });
  }
}
