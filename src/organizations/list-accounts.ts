/**
 * Reads an AWS organization's accounts for `npm run accounts -- import`: which account the profile
 * signs in to, the management account, and every account with its state, page by page.
 */
import {
  type Account,
  DescribeOrganizationCommand,
  OrganizationsClient,
  paginateListAccounts,
} from '@aws-sdk/client-organizations';
import { GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';
import { profileStsClient, serviceEndpoint } from '../aws/account-credentials';
import { ORGANIZATIONS_MAX_ATTEMPTS, retryOptions } from '../aws/retry';
import { ConfigError } from '../config/errors';
import type { AccountToAdd } from '../config/import-merge';
import { awsFileLocations, loadAwsProfiles } from '../doctor/aws-profiles';

/** The most accounts AWS returns in one ListAccounts page (its MaxResults allows 1 to 20). */
export const LIST_ACCOUNTS_PAGE_SIZE = 20;

/** One account of the organization. */
export interface OrganizationAccount {
  readonly id: string;
  /** The account's name in AWS Organizations. */
  readonly name: string;
  /** `ACTIVE`, `SUSPENDED`, `PENDING_CLOSURE`, `PENDING_ACTIVATION` or `CLOSED`. */
  readonly state: string;
}

/** What the import learns about the organization. */
export interface Organization {
  readonly managementAccountId: string;
  /** The account the profile signs in to: the management account, or a delegated administrator's. */
  readonly profileAccountId: string;
  /** The profile's identity (STS GetCallerIdentity), for messages. */
  readonly profileArn: string;
  /** Every account, in the order AWS lists them. */
  readonly accounts: readonly OrganizationAccount[];
}

export interface ReadOrganizationOptions {
  readonly profile: string;
  /** Only its partition matters: Organizations has one endpoint per partition. */
  readonly region: string;
  /** Environment: the AWS files' location and `AWS_ENDPOINT_URL[_ORGANIZATIONS|_STS]`. */
  readonly env: NodeJS.ProcessEnv;
  /** @default a client of the profile with adaptive retries (see {@link organizationsClient}) */
  readonly organizations?: OrganizationsClient;
  /** @default a client of the profile (see `profileStsClient`) */
  readonly sts?: Pick<STSClient, 'send' | 'destroy'>;
}

/** An Organizations client signed with `profile`, retrying throttled requests in the SDK's adaptive mode. */
export function organizationsClient(profile: string, region: string, env: NodeJS.ProcessEnv): OrganizationsClient {
  const endpoint = serviceEndpoint(env, 'ORGANIZATIONS');
  return new OrganizationsClient({
    profile,
    region,
    ...retryOptions(env, 'organizations'),
    ...(endpoint !== undefined ? { endpoint } : {}),
  });
}

/**
 * Signs in with the profile and lists the organization. A missing profile, an account outside any
 * organization, or a profile that may not list it is a {@link ConfigError} of one line with the fix.
 */
export async function readOrganization(options: ReadOrganizationOptions): Promise<Organization> {
  const { profile, region, env } = options;
  const missing = await missingProfileProblem(profile, env);
  if (missing !== undefined) throw new ConfigError([missing]);
  const sts = options.sts ?? profileStsClient(profile, region, env);
  const organizations = options.organizations ?? organizationsClient(profile, region, env);
  let profileArn = `profile ${profile}`;
  try {
    const identity = await sts.send(new GetCallerIdentityCommand({}));
    profileArn = identity.Arn ?? profileArn;
    const { Organization: org } = await organizations.send(new DescribeOrganizationCommand({}));
    const accounts: OrganizationAccount[] = [];
    for await (const page of paginateListAccounts({ client: organizations, pageSize: LIST_ACCOUNTS_PAGE_SIZE }, {})) {
      accounts.push(...(page.Accounts ?? []).flatMap(toAccount));
    }
    return {
      managementAccountId: org?.MasterAccountId ?? '',
      profileAccountId: identity.Account ?? '',
      profileArn,
      accounts,
    };
  } catch (error) {
    const problem = organizationsProblem(error, profile, profileArn);
    if (problem !== undefined) throw new ConfigError([problem]);
    throw error;
  } finally {
    sts.destroy();
    organizations.destroy();
  }
}

function toAccount(account: Account): OrganizationAccount[] {
  if (account.Id === undefined) return [];
  // `Status` is retired in September 2026 in favour of `State`, which also tells CLOSED apart.
  return [{ id: account.Id, name: account.Name ?? '', state: account.State ?? account.Status ?? 'UNKNOWN' }];
}

/** A profile the AWS files do not define: the SDK's own message would not say which files it read. */
export async function missingProfileProblem(profile: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const locations = awsFileLocations(env);
  const { profiles } = await loadAwsProfiles(locations);
  if (profiles[profile] !== undefined) return undefined;
  return `--profile ${profile}: no such profile in ${locations.configFile} or ${locations.credentialsFile}; create it (e.g. "aws configure sso --profile ${profile}") or give the name of the management account's profile`;
}

/** One line with the fix for the errors a user can cause; `undefined` for anything else (a bug). */
export function organizationsProblem(error: unknown, profile: string, identity: string): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const message = error.message.split('\n')[0]?.trim() ?? '';
  switch (error.name) {
    case 'AWSOrganizationsNotInUseException':
      return `--profile ${profile}: ${identity} is in an account that belongs to no organization (AWSOrganizationsNotInUseException); use the profile of the organization's management account`;
    case 'AccessDeniedException':
    case 'AccessDenied':
      return `--profile ${profile}: ${identity} may not list the organization's accounts (${error.name}); use a profile of the management account, or of a delegated administrator for AWS Organizations, allowed organizations:DescribeOrganization and organizations:ListAccounts`;
    case 'TooManyRequestsException':
      return `AWS Organizations still refused with TooManyRequestsException after ${attemptsOf(error) ?? ORGANIZATIONS_MAX_ATTEMPTS} attempts (other tools may be using the account's quota); wait a minute and run the import again`;
    case 'CredentialsProviderError':
    case 'InvalidClientTokenId':
    case 'ExpiredToken':
    case 'ExpiredTokenException':
    case 'UnrecognizedClientException':
      return `--profile ${profile}: could not sign in (${message}); check it with "aws sts get-caller-identity --profile ${profile}" (for SSO: "aws sso login --profile ${profile}")`;
    default:
      return '$metadata' in error
        ? `--profile ${profile}: AWS refused the request (${error.name}: ${message}); check the profile's permissions for organizations:DescribeOrganization and organizations:ListAccounts`
        : undefined;
  }
}

/** Accounts the import leaves out, each with the reason. */
export interface LeftOutAccount {
  readonly account: OrganizationAccount;
  readonly why: string;
}

/**
 * Which accounts to add, and how each is reached: the profile's own account with the profile alone,
 * marked as reaching the others (`organizations-management`, or `hub` for a delegated administrator's),
 * the others through the role. Accounts that are not ACTIVE (suspended, closing, closed, still
 * being created) are left out. So is the management account when the profile is a delegated
 * administrator's: Organizations creates OrganizationAccountAccessRole only in member accounts.
 */
export function selectAccounts(org: Organization): { toAdd: AccountToAdd[]; leftOut: LeftOutAccount[] } {
  const toAdd: AccountToAdd[] = [];
  const leftOut: LeftOutAccount[] = [];
  for (const account of org.accounts) {
    if (account.state !== 'ACTIVE') {
      leftOut.push({ account, why: `state ${account.state}` });
    } else if (account.id === org.profileAccountId) {
      // The profile's own account reaches the others: the management account, or a delegated administrator's hub.
      const kind = account.id === org.managementAccountId ? 'organizations-management' : 'hub';
      toAdd.push({ accountId: account.id, awsName: account.name, reach: 'profile', controlsOtherAccounts: kind });
    } else if (account.id === org.managementAccountId) {
      leftOut.push({
        account,
        why: 'the management account, which has no role for the profile to assume; add it with a profile of its own, marked as such, e.g. {"profile": "acme-management", "accountId": "…", "controlsOtherAccounts": "organizations-management", "pipelineAccess": false}',
      });
    } else {
      toAdd.push({ accountId: account.id, awsName: account.name, reach: 'role' });
    }
  }
  return { toAdd, leftOut };
}

/** How many attempts the SDK made before giving up, when it says. */
function attemptsOf(error: Error): number | undefined {
  return (error as { $metadata?: { attempts?: number } }).$metadata?.attempts;
}
