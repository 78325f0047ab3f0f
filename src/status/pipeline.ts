import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  DescribeLaunchTemplatesCommand,
  DescribeSecurityGroupsCommand,
  DescribeVpcsCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import { GetInstanceProfileCommand, GetRoleCommand, type IAMClient } from '@aws-sdk/client-iam';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { AccountConfig, BootstrapConfig } from '../config';
import { s3StateKey } from '../pipeline-state';
import { recordedResources, type RecordedResource, stateResourceCount } from '../terraform/state-file';
import { describeAccess } from '../aws/account-credentials';
import { describeAwsError } from '../aws/retry';

/**
 * The pipeline stack's resources that `status` checks: a runner needs each of them. `name` matches the
 * Terraform name cdktf gives the resource (its construct path and a hash of it); construct ids are
 * permanent, so these names are too (see stacks/pipeline-stack.ts).
 */
export const PIPELINE_KEY_RESOURCES = [
  { what: 'VPC', type: 'aws_vpc', name: /^network_vpc_[0-9A-F]{8}$/ },
  { what: 'runner security group', type: 'aws_security_group', name: /^security-group_[0-9A-F]{8}$/ },
  { what: 'runner role', type: 'aws_iam_role', name: /^runner-role_[0-9A-F]{8}$/ },
  { what: 'runner instance profile', type: 'aws_iam_instance_profile', name: /^runner-role_instance-profile_[0-9A-F]{8}$/ },
  { what: 'runner launch template', type: 'aws_launch_template', name: /^runner-launch-template_[0-9A-F]{8}$/ },
] as const;

/** A key resource as the pipeline stack's state records it. */
export interface KeyResource {
  /** e.g. `runner launch template`. */
  readonly what: string;
  /** Terraform resource type, e.g. `aws_launch_template`. */
  readonly type: string;
  /** The ID Terraform recorded: `vpc-…`, `sg-…`, `lt-…`, or the IAM role's / instance profile's name. */
  readonly id: string;
}

/** What `npm run status` knows about the pipeline stack. */
export interface PipelineStatus {
  /** `pipeline-<production account>`. */
  readonly stack: string;
  /** The production account, whose profile deploys (and reads) the stack. */
  readonly account: AccountConfig;
  /** `pipeline.stateBackend`. */
  readonly backend: 'local' | 's3';
  /** The local state file, or `s3://<production bucket>/<key>`. */
  readonly stateLocation: string;
  /**
   * True when the state records resources.
   * @default undefined: not read (state in S3, and no `--live`), or unreadable (see `problem`, `error`).
   */
  readonly deployed?: boolean;
  /** The key resources the state records, in {@link PIPELINE_KEY_RESOURCES} order. */
  readonly resources: readonly KeyResource[];
  /** Key resources a deployed state does not record (a deploy that stopped half-way). */
  readonly unrecorded: readonly string[];
  /**
   * With `--live`: recorded key resources that no longer exist.
   * @default undefined: not checked.
   */
  readonly gone?: readonly KeyResource[];
  /**
   * Why the state cannot be used, with the fix.
   * @default undefined: none.
   */
  readonly problem?: string;
  /**
   * An AWS error that kept `status --live` from reading the state or checking the resources.
   * @default undefined: none.
   */
  readonly error?: string;
}

/** The clients `--live` reads the pipeline with, signed with the production account's profile. */
export interface PipelineClients {
  readonly s3: S3Client;
  readonly ec2: EC2Client;
  readonly iam: IAMClient;
}

export interface PipelineStatusInput {
  readonly config: BootstrapConfig;
  /** `pipeline-<production account>`. */
  readonly stack: string;
  /** Folder of the local state files (`BOOTSTRAP_STATE_DIR`). */
  readonly stateDir: string;
  /**
   * Reads an S3 state and checks that the key resources exist, with these clients.
   * @default undefined: nothing leaves the machine.
   */
  readonly live?: () => PipelineClients;
}

/**
 * The pipeline stack's status: deployed or not from its state (the local file, or the production bucket's
 * object with `"stateBackend": "s3"`, read only with `live`), and with `live` which key resources are gone.
 * `undefined` without a pipeline stack (`"pipeline": false`).
 */
export async function collectPipelineStatus(input: PipelineStatusInput): Promise<PipelineStatus | undefined> {
  const { config, stack } = input;
  const account = config.accounts.find((candidate) => candidate.name === config.productionAccount);
  // accounts.json validation requires the production account whenever there is a pipeline stack.
  if (config.pipeline === undefined || account === undefined) return undefined;
  const backend = config.pipeline.stateBackend;
  const localFile = path.join(input.stateDir, `${stack}.tfstate`);
  const key = s3StateKey(stack);
  const base = {
    stack,
    account,
    backend,
    stateLocation: backend === 's3' ? `s3://${account.stateBucketName}/${key}` : localFile,
    resources: [],
    unrecorded: [],
  };

  let clients: PipelineClients | undefined;
  try {
    let text: string | undefined;
    if (backend === 'local') {
      const read = readLocalState(localFile);
      if ('problem' in read) return { ...base, problem: read.problem };
      text = read.text;
    } else {
      if (input.live === undefined) return base;
      clients = input.live();
      try {
        const object = await clients.s3.send(new GetObjectCommand({ Bucket: account.stateBucketName, Key: key }));
        text = await object.Body?.transformToString();
      } catch (error) {
        if (!(error instanceof Error && error.name === 'NoSuchKey')) {
          return { ...base, error: `could not read its state with ${describeAccess(account)} (${oneLine(error)})` };
        }
      }
      // No object yet: a state not moved yet is still in the local file.
      if (text === undefined && stateResourceCount(localFile) > 0) {
        return {
          ...base,
          deployed: false,
          problem: `"pipeline.stateBackend" is "s3" but the state is still in ${localFile}; move it with "npm run deploy -- ${stack} --migrate-state" (see docs/move-pipeline-state.md)`,
        };
      }
    }
    const recorded = text === undefined ? [] : recordedResources(text);
    if (recorded === undefined) {
      return {
        ...base,
        problem: `${base.stateLocation} is not valid JSON; restore it from its ${backend === 's3' ? 'previous object version' : '.backup file'}`,
      };
    }
    const deployed = recorded.length > 0;
    const resources = keyResources(recorded);
    const unrecorded = deployed
      ? PIPELINE_KEY_RESOURCES.filter((wanted) => !resources.some((found) => found.type === wanted.type)).map(
          (wanted) => wanted.what,
        )
      : [];
    const status = { ...base, deployed, resources, unrecorded };
    if (input.live === undefined || !deployed) return status;
    clients ??= input.live();
    try {
      const gone: KeyResource[] = [];
      for (const resource of resources) if (!(await exists(resource, clients))) gone.push(resource);
      return { ...status, gone };
    } catch (error) {
      return {
        ...status,
        error: `could not check its resources with ${describeAccess(account)} (${oneLine(error)}); the profile needs ec2:DescribeVpcs, ec2:DescribeSecurityGroups, ec2:DescribeLaunchTemplates, iam:GetRole and iam:GetInstanceProfile`,
      };
    }
  } finally {
    if (clients !== undefined) for (const client of [clients.s3, clients.ec2, clients.iam]) client.destroy();
  }
}

/** The key resources among a state's managed resources, with the IDs recorded for them. */
export function keyResources(recorded: readonly RecordedResource[]): KeyResource[] {
  return PIPELINE_KEY_RESOURCES.flatMap((wanted) => {
    const found = recorded.find((resource) => resource.type === wanted.type && wanted.name.test(resource.name));
    return found?.id !== undefined ? [{ what: wanted.what, type: wanted.type, id: found.id }] : [];
  });
}

/**
 * Whether the resource still exists. "Not found" answers mean no; any other error rejects. AWS answers
 * an unknown launch template ID with InvalidLaunchTemplateId.NotFound, moto 5.2.1 with an empty list.
 */
async function exists(resource: KeyResource, clients: PipelineClients): Promise<boolean> {
  const { ec2, iam } = clients;
  switch (resource.type) {
    case 'aws_vpc':
      return notFound(
        ec2.send(new DescribeVpcsCommand({ VpcIds: [resource.id] })).then((out) => (out.Vpcs ?? []).length > 0),
        'InvalidVpcID.NotFound',
      );
    case 'aws_security_group':
      return notFound(
        ec2
          .send(new DescribeSecurityGroupsCommand({ GroupIds: [resource.id] }))
          .then((out) => (out.SecurityGroups ?? []).length > 0),
        'InvalidGroup.NotFound',
      );
    case 'aws_launch_template':
      return notFound(
        ec2
          .send(new DescribeLaunchTemplatesCommand({ LaunchTemplateIds: [resource.id] }))
          .then((out) => (out.LaunchTemplates ?? []).length > 0),
        'InvalidLaunchTemplateId.NotFound',
      );
    case 'aws_iam_role':
      return notFound(
        iam.send(new GetRoleCommand({ RoleName: resource.id })).then(() => true),
        'NoSuchEntityException',
        'NoSuchEntity',
      );
    case 'aws_iam_instance_profile':
      return notFound(
        iam.send(new GetInstanceProfileCommand({ InstanceProfileName: resource.id })).then(() => true),
        'NoSuchEntityException',
        'NoSuchEntity',
      );
    default:
      throw new Error(`no existence check for ${resource.type}`);
  }
}

async function notFound(request: Promise<boolean>, ...names: string[]): Promise<boolean> {
  try {
    return await request;
  } catch (error) {
    if (error instanceof Error && names.includes(error.name)) return false;
    throw error;
  }
}

function readLocalState(file: string): { text: string | undefined } | { problem: string } {
  try {
    return { text: readFileSync(file, 'utf8') };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { text: undefined };
    return { problem: `${file} cannot be read (${String(code)}); check its permissions` };
  }
}

function oneLine(error: unknown): string {
  return describeAwsError(error);
}
