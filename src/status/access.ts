import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { GetOpenIDConnectProviderCommand, GetRoleCommand, type IAMClient } from '@aws-sdk/client-iam';
import type { AccountConfig, BootstrapConfig } from '../config';
import { accessStackId } from '../../stacks/access-stack';
import { describeAccess } from '../aws/account-credentials';
import { recordedResources } from '../terraform/state-file';
import { describeAwsError } from '../aws/retry';

/** A resource of an access stack that `status --live` checks: the deploy role or an OIDC provider. */
export interface AccessResource {
  /** `deploy role` or `OIDC provider`. */
  readonly what: string;
  /** `aws_iam_role` or `aws_iam_openid_connect_provider`. */
  readonly type: string;
  /** The ID Terraform recorded: the role's name, the provider's ARN. */
  readonly id: string;
}

/** What `npm run status` knows about one account's `access-<account>` stack. */
export interface AccessStatus {
  /** `access-<account>`. */
  readonly stack: string;
  /** The account whose profile deploys (and reads) the stack. */
  readonly account: AccountConfig;
  /** `<state dir>/access-<account>.tfstate`. */
  readonly stateFile: string;
  /** The deploy role's name as accounts.json configures it. */
  readonly roleName: string;
  /** True when the state records the deploy role. */
  readonly deployed: boolean;
  /** The roles and OIDC providers the state records. */
  readonly resources: readonly AccessResource[];
  /**
   * With `--live`: recorded resources that no longer exist.
   * @default undefined: not checked.
   */
  readonly gone?: readonly AccessResource[];
  /**
   * Why the state file cannot be used, with the fix.
   * @default undefined: none.
   */
  readonly problem?: string;
  /**
   * An AWS error that kept `status --live` from checking the resources.
   * @default undefined: none.
   */
  readonly error?: string;
}

export interface AccessStatusInput {
  readonly config: BootstrapConfig;
  /** Folder of the local state files (`BOOTSTRAP_STATE_DIR`). */
  readonly stateDir: string;
  /**
   * Checks that the recorded resources exist, with an IAM client of the account.
   * @default undefined: nothing leaves the machine.
   */
  readonly iam?: (account: AccountConfig) => IAMClient;
}

const CHECKED_TYPES: Readonly<Record<string, string>> = {
  aws_iam_role: 'deploy role',
  aws_iam_openid_connect_provider: 'OIDC provider',
};

/**
 * The access stacks' status, one per account that has one (`"pipelineAccess"` set and the account not
 * left out), in accounts.json order; empty without `"pipelineAccess"`.
 */
export async function collectAccessStatus(input: AccessStatusInput): Promise<AccessStatus[]> {
  const { config } = input;
  const roleName = config.pipelineAccess?.roleName;
  if (roleName === undefined) return [];
  const accounts = config.accounts.filter((account) => account.pipelineAccess !== undefined);
  return Promise.all(accounts.map((account) => accessStatus(input, account, roleName)));
}

async function accessStatus(input: AccessStatusInput, account: AccountConfig, roleName: string): Promise<AccessStatus> {
  const stack = accessStackId(account.name);
  const stateFile = path.join(input.stateDir, `${stack}.tfstate`);
  const base = { stack, account, stateFile, roleName, deployed: false, resources: [] };
  let text: string;
  try {
    text = readFileSync(stateFile, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return base;
    return { ...base, problem: `${stateFile} cannot be read (${String(code)}); check its permissions` };
  }
  const recorded = recordedResources(text);
  if (recorded === undefined) {
    return { ...base, problem: `${stateFile} is not valid JSON; restore it from its .backup file` };
  }
  const resources = recorded.flatMap((resource) => {
    const what = CHECKED_TYPES[resource.type];
    return what !== undefined && resource.id !== undefined ? [{ what, type: resource.type, id: resource.id }] : [];
  });
  const status = { ...base, deployed: resources.some((resource) => resource.type === 'aws_iam_role'), resources };
  if (input.iam === undefined || resources.length === 0) return status;
  const iam = input.iam(account);
  try {
    const gone: AccessResource[] = [];
    for (const resource of resources) if (!(await exists(iam, resource))) gone.push(resource);
    return { ...status, gone };
  } catch (error) {
    return {
      ...status,
      error: `could not check its resources with ${describeAccess(account)} (${describeAwsError(error)}); the profile needs iam:GetRole and iam:GetOpenIDConnectProvider`,
    };
  } finally {
    iam.destroy();
  }
}

/** Whether the resource still exists: IAM's NoSuchEntity means no; any other error rejects. */
async function exists(iam: IAMClient, resource: AccessResource): Promise<boolean> {
  try {
    if (resource.type === 'aws_iam_role') await iam.send(new GetRoleCommand({ RoleName: resource.id }));
    else await iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: resource.id }));
    return true;
  } catch (error) {
    if (error instanceof Error && (error.name === 'NoSuchEntityException' || error.name === 'NoSuchEntity')) return false;
    throw error;
  }
}
