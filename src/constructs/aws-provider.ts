import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import type { Construct } from 'constructs';
import type { AccountConfig } from '../config';
import { ROLE_SESSION_NAME } from '../config/access';

/** AWS services whose endpoints are redirected when a local AWS double is targeted. */
export const REDIRECTED_SERVICES = ['s3', 'sts', 'iam', 'ec2', 'logs', 'kms', 'dynamodb', 'ssm'] as const;

export interface BootstrapAwsProviderProps {
  /** Named profile from the user's AWS config/credentials files. */
  readonly profile: string;
  /** Region for every resource of the stack. */
  readonly region: string;
  /**
   * Refuse to touch any account but this one (Terraform's `allowed_account_ids`).
   * @default undefined: no account check; set `accountId` in accounts.json to enable it.
   */
  readonly accountId?: string;
  /**
   * IAM role the profile assumes (`assume_role` block, session name `bootstrap-aws`).
   * @default undefined: the profile's own credentials act in the account.
   */
  readonly roleArn?: string;
  /**
   * External ID sent when assuming `roleArn`.
   * @default undefined: none.
   */
  readonly externalId?: string;
  /** Tags added to every taggable resource (`default_tags`). */
  readonly tags: Readonly<Record<string, string>>;
  /**
   * Endpoint of a local AWS double (moto, LocalStack) that every service is sent to,
   * with S3 path-style addressing.
   * @default undefined: real AWS endpoints; the provider block carries no endpoint settings.
   */
  readonly endpointUrl?: string;
}

/** The AWS provider of a bootstrap stack: one profile, one region, tagged, optionally pinned to an account. */
export function addAwsProvider(scope: Construct, props: BootstrapAwsProviderProps): AwsProvider {
  const endpoint = props.endpointUrl;
  return new AwsProvider(scope, 'aws', {
    profile: props.profile,
    region: props.region,
    ...(props.roleArn !== undefined
      ? {
          assumeRole: [
            {
              roleArn: props.roleArn,
              sessionName: ROLE_SESSION_NAME,
              ...(props.externalId !== undefined ? { externalId: props.externalId } : {}),
            },
          ],
        }
      : {}),
    defaultTags: [{ tags: { ...props.tags } }],
    ...(props.accountId !== undefined ? { allowedAccountIds: [props.accountId] } : {}),
    ...(endpoint !== undefined
      ? {
          endpoints: [Object.fromEntries(REDIRECTED_SERVICES.map((service) => [service, endpoint]))],
          // A local double serves every bucket under one host, not as <bucket>.<host>.
          s3UsePathStyle: true,
        }
      : {}),
  });
}

/** Value of the `managed-by` tag on every resource this project creates. */
export const MANAGED_BY = 'bootstrap-aws';

export interface AccountProviderProps {
  /** Platform name from accounts.json (the `platform` tag). */
  readonly platform: string;
  /** The account a stack deploys into: its profile, region, optional account ID and name (the `account` tag). */
  readonly account: AccountConfig;
  /**
   * Endpoint of a local AWS double.
   * @default undefined: real AWS.
   */
  readonly endpointUrl?: string;
}

/** The provider every stack of an account uses: its profile (and role) and region, pinned to its account ID when given, tagged. */
export function addAccountProvider(scope: Construct, props: AccountProviderProps): AwsProvider {
  const { account } = props;
  return addAwsProvider(scope, {
    profile: account.profile,
    region: account.region,
    ...(account.accountId !== undefined ? { accountId: account.accountId } : {}),
    ...(account.roleArn !== undefined ? { roleArn: account.roleArn } : {}),
    ...(account.externalId !== undefined ? { externalId: account.externalId } : {}),
    ...(props.endpointUrl !== undefined ? { endpointUrl: props.endpointUrl } : {}),
    tags: { platform: props.platform, account: account.name, 'managed-by': MANAGED_BY },
  });
}
