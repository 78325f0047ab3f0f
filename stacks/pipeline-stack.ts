import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { Fn, LocalBackend, Op, S3Backend, TerraformOutput } from 'cdktf';
import type { Construct } from 'constructs';
import type { AccountConfig, PipelineConfig } from '../src/config';
import { runnerRoleName } from '../src/config/pipeline-schema';
import { addAccountProvider } from '../src/constructs/aws-provider';
import { EncryptionKey } from '../src/constructs/encryption-key';
import { logGroupKeyPolicy } from '../src/constructs/key-policy';
import { PipelineNetwork } from '../src/constructs/pipeline-network';
import { PipelineSecurityGroup } from '../src/constructs/pipeline-security-group';
import { RunnerLaunchTemplate } from '../src/constructs/runner-launch-template';
import { RunnerRole } from '../src/constructs/runner-role';
import { flowLogGroupName, flowLogRoleName } from '../src/constructs/vpc-flow-log';
import { pipelineVpcName } from '../src/constructs/pipeline-network';
import {
  addExistingResourceCheck,
  dependOnCheck,
  type ExistingResourceCheckProps,
} from '../src/constructs/existing-resource-check';
import { pipelineS3Backend } from '../src/pipeline-state';
import { localStatePath } from './state-stack';
import { ResolvedOnceStack } from '../src/synth/resolved-once-stack';

/** Stack id (and `cdktf deploy` name) of the pipeline stack. Permanent: it names the state file. */
export function pipelineStackId(productionAccount: string): string {
  return `pipeline-${productionAccount}`;
}

export interface PipelineStackProps {
  /** Platform name from accounts.json. */
  readonly platform: string;
  /** The production account: the stack deploys with its profile and region, and its state bucket is the runner's. */
  readonly account: AccountConfig;
  /** Absolute folder that holds the stack's local state file (`<stack id>.tfstate`). */
  readonly stateDir: string;
  /** The `"pipeline"` section of accounts.json, defaults resolved. */
  readonly pipeline: PipelineConfig;
  /**
   * Endpoint of a local AWS double to deploy to.
   * @default undefined: real AWS.
   */
  readonly endpointUrl?: string;
  /**
   * The accounts' deploy roles (`pipelineAccess` with the runner trusted), which the runner may assume
   * besides `pipeline.assumableRoleArns`.
   * @default []: only `pipeline.assumableRoleArns`.
   */
  readonly deployRoleArns?: readonly string[];
  /**
   * Why a deploy must not run now (see `checkPipelineState`); the plan then fails with this message
   * before any change.
   * @default undefined: deploys run.
   */
  readonly stateBlocked?: string;
}

/**
 * `pipeline-<production account>`: the internal pattern, an isolated place in the production
 * account for a self-managed pipeline runner. A dedicated VPC (see {@link PipelineNetwork}), the
 * runners' security group, their role and instance profile, and a launch template. Nothing is
 * launched: the stack only prepares what a runner needs.
 *
 * When the production account's state bucket uses SSE-KMS (`stateBucket.kms` or its `kmsKeyArn`),
 * the flow-log group is encrypted too, with a key of this stack (`flow-log-key`): stacks never
 * reference each other, and the state key's policy should not let CloudWatch Logs use it.
 *
 * Permanent construct ids (Terraform addresses; renaming one replaces the resource): `aws`,
 * `partition`, `caller`, `network`, `security-group`, `runner-role`, `runner-launch-template`,
 * `flow-log-key`, `existing-resource-check`, and those documented in each construct.
 */
export class PipelineStack extends ResolvedOnceStack {
  public readonly network: PipelineNetwork;
  public readonly securityGroup: PipelineSecurityGroup;
  public readonly runnerRole: RunnerRole;
  public readonly launchTemplate: RunnerLaunchTemplate;
  /** The flow-log group's key, when the production account uses SSE-KMS; undefined otherwise. */
  public readonly flowLogKey?: EncryptionKey;

  constructor(scope: Construct, id: string, props: PipelineStackProps) {
    super(scope, id);
    const { account, pipeline } = props;
    const prefix = pipeline.namePrefix;

    // While the state's whereabouts are unknown (src/pipeline-state.ts) the stack stays on the local
    // backend, so the blocked deploy's `terraform init` cannot record a move that never happened.
    let stateLocation: ExistingResourceCheckProps['state'];
    if (pipeline.stateBackend === 's3' && props.stateBlocked === undefined) {
      // The production state bucket; moved there with `cdktf deploy <id> --migrate-state` (src/pipeline-state.ts).
      const { useLockfile, ...settings } = pipelineS3Backend(id, account);
      stateLocation = { bucket: settings.bucket, key: settings.key };
      const backend = new S3Backend(this, {
        ...settings,
        ...(props.endpointUrl !== undefined ? localDoubleBackendSettings(props.endpointUrl) : {}),
      });
      // S3 native locking (Terraform >= 1.10); cdktf 0.21's S3BackendConfig has no field for it.
      backend.addOverride('use_lockfile', useLockfile);
    } else {
      stateLocation = { file: localStatePath(this, props.stateDir) };
      new LocalBackend(this, { path: stateLocation.file });
    }

    addAccountProvider(this, {
      platform: props.platform,
      account,
      ...(props.endpointUrl !== undefined ? { endpointUrl: props.endpointUrl } : {}),
    });
    const partition = new DataAwsPartition(this, 'partition');
    // The deploying account, as AWS reports it (accountId in accounts.json is optional).
    const caller = new DataAwsCallerIdentity(this, 'caller');

    const flowLogKeyAlias = `alias/${prefix}-flow-logs`;
    if (account.kmsKeyArn !== undefined || account.stateKeyAlias !== undefined) {
      // Built from the name, not the group's ARN attribute: the group refers to the key already.
      this.flowLogKey = new EncryptionKey(this, 'flow-log-key', {
        aliasName: flowLogKeyAlias,
        description: `Encrypts the VPC flow logs in ${flowLogGroupName(prefix)} (bootstrap-aws)`,
        policy: logGroupKeyPolicy({
          partition: partition.partition,
          dnsSuffix: partition.dnsSuffix,
          region: account.region,
          accountId: caller.accountId,
          logGroupName: flowLogGroupName(prefix),
        }),
        // Flow logs are not state: the pipeline stack stays destroyable; KMS still waits 30 days.
        preventDestroy: false,
      });
    }

    this.network = new PipelineNetwork(this, 'network', {
      namePrefix: prefix,
      region: account.region,
      cidr: pipeline.cidr,
      azCount: pipeline.azCount,
      natGateway: pipeline.natGateway,
      flowLogRetentionDays: pipeline.flowLogRetentionDays,
      accountId: caller.accountId,
      ...(this.flowLogKey !== undefined ? { flowLogKmsKeyArn: this.flowLogKey.key.arn } : {}),
    });

    this.securityGroup = new PipelineSecurityGroup(this, 'security-group', {
      vpcId: this.network.vpc.id,
      name: `${prefix}-runner`,
      ingress: pipeline.ingress,
      egress: pipeline.egress,
    });

    // The production state's key: the account's own, or the one its state stack created, named by its
    // alias (kms:ResourceAliases) rather than looked up: a lookup would fail this stack's plan whenever the
    // state stack is not deployed yet, e.g. both in one `cdktf deploy`, which runs them in parallel.
    const createdKey = account.kmsKeyArn === undefined ? account.stateKeyAlias : undefined;
    const stateKmsKeyArn =
      account.kmsKeyArn ??
      (createdKey !== undefined ? `arn:${partition.partition}:kms:${account.region}:${caller.accountId}:key/*` : undefined);
    this.runnerRole = new RunnerRole(this, 'runner-role', {
      // The deploy roles of pipelineAccess trust this name (src/config/load.ts builds its ARN).
      name: runnerRoleName(prefix),
      partition: partition.partition,
      stateBucketName: account.stateBucketName,
      region: account.region,
      ...(stateKmsKeyArn !== undefined ? { stateKmsKeyArn } : {}),
      ...(createdKey !== undefined ? { stateKmsKeyAlias: createdKey } : {}),
      ...(account.lockTableName !== undefined
        ? {
            lockTableArn: `arn:${partition.partition}:dynamodb:${account.region}:${caller.accountId}:table/${account.lockTableName}`,
          }
        : {}),
      assumableRoleArns: [...new Set([...pipeline.assumableRoleArns, ...(props.deployRoleArns ?? [])])],
      vpcId: this.network.vpc.id,
    });

    this.launchTemplate = new RunnerLaunchTemplate(this, 'runner-launch-template', {
      name: `${prefix}-runner`,
      instanceProfileArn: this.runnerRole.instanceProfile.arn,
      securityGroupId: this.securityGroup.securityGroup.id,
      // Without NAT the runner sits in a public subnet and needs a public address to get out.
      associatePublicIpAddress: !pipeline.natGateway,
      instanceType: pipeline.instanceType,
      ...(pipeline.amiId !== undefined ? { amiId: pipeline.amiId } : {}),
      rootDeviceName: pipeline.rootDeviceName,
    });

    // Before anything is created: AWS must not hold the stack's named resources unless its state records them
    // (lost state would otherwise build a second network, issue 24). Its id is permanent too.
    const check = addExistingResourceCheck(this, 'existing-resource-check', {
      resources: [
        { kind: 'vpc', name: pipelineVpcName(prefix) },
        { kind: 'role', name: runnerRoleName(prefix) },
        { kind: 'instance-profile', name: runnerRoleName(prefix) },
        { kind: 'role', name: flowLogRoleName(prefix) },
        { kind: 'log-group', name: flowLogGroupName(prefix) },
        { kind: 'launch-template', name: `${prefix}-runner` },
        ...(this.flowLogKey !== undefined ? [{ kind: 'kms-alias' as const, name: flowLogKeyAlias }] : []),
      ],
      profile: account.profile,
      ...(account.roleArn !== undefined ? { roleArn: account.roleArn } : {}),
      ...(account.externalId !== undefined ? { externalId: account.externalId } : {}),
      region: account.region,
      state: stateLocation,
    });
    dependOnCheck(this, check);

    const outputs: Record<string, { value: unknown; description: string }> = {
      vpc_id: { value: this.network.vpc.id, description: 'ID of the pipeline VPC' },
      public_subnet_ids: {
        value: this.network.publicSubnets.map((subnet) => subnet.id),
        description: 'IDs of the public subnets, one per availability zone, in zone order',
      },
      private_subnet_ids: {
        value: this.network.privateSubnets.map((subnet) => subnet.id),
        description: 'IDs of the private subnets behind the NAT gateway, in zone order; empty without natGateway',
      },
      runner_subnet_ids: {
        value: (pipeline.natGateway ? this.network.privateSubnets : this.network.publicSubnets).map((subnet) => subnet.id),
        description: 'Subnets to launch runners in: private with natGateway, public otherwise (matches the launch template)',
      },
      security_group_id: {
        value: this.securityGroup.securityGroup.id,
        description: "ID of the runners' security group (no inbound, HTTPS outbound by default)",
      },
      runner_role_arn: {
        value: this.runnerRole.role.arn,
        description: "ARN of the runner's IAM role; trust it from deploy roles in other accounts",
      },
      runner_role_name: { value: this.runnerRole.role.name, description: "Name of the runner's IAM role" },
      runner_instance_profile_name: {
        value: this.runnerRole.instanceProfile.name,
        description: "Name of the runner's instance profile, for `aws ec2 run-instances --iam-instance-profile Name=...`",
      },
      runner_instance_profile_arn: {
        value: this.runnerRole.instanceProfile.arn,
        description: "ARN of the runner's instance profile",
      },
      launch_template_id: {
        value: this.launchTemplate.launchTemplate.id,
        description: 'ID of the runner launch template, for `aws ec2 run-instances --launch-template LaunchTemplateId=...`',
      },
      launch_template_name: { value: this.launchTemplate.launchTemplate.name, description: 'Name of the runner launch template' },
      flow_log_group_name: {
        value: this.network.flowLog.logGroup.name,
        description: 'CloudWatch log group that receives the VPC flow logs',
      },
    };
    if (this.flowLogKey !== undefined) {
      outputs.flow_log_kms_key_arn = {
        value: this.flowLogKey.key.arn,
        description: 'KMS key that encrypts the flow-log group (created because the production state bucket uses SSE-KMS)',
      };
    }
    for (const [name, output] of Object.entries(outputs)) {
      const terraformOutput = new TerraformOutput(this, name, output);
      // A precondition that cannot hold: plan stops with the message, before any change. An override,
      // since cdktf 0.21 drops TerraformOutput's `precondition` at synth.
      if (name === 'vpc_id' && props.stateBlocked !== undefined) {
        // Terraform refuses a condition that refers to nothing, so it reads the (always known) partition.
        const never = Op.lt(Fn.lengthOf(partition.partition), 1);
        terraformOutput.addOverride('precondition', [{ condition: never, error_message: props.stateBlocked }]);
      }
    }
  }
}

/**
 * S3 backend settings that reach a local AWS double (as the consumer e2e configures its backend):
 * S3 at the endpoint, path-style, and no STS/IMDS/region checks, which a double need not answer.
 */
function localDoubleBackendSettings(endpointUrl: string) {
  return {
    endpoints: { s3: endpointUrl },
    usePathStyle: true,
    skipCredentialsValidation: true,
    skipRequestingAccountId: true,
    skipMetadataApiCheck: true,
    skipRegionValidation: true,
  };
}
