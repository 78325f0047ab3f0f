import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import type { Construct } from 'constructs';
import type { AccountConfig } from '../config';
import { ROLE_SESSION_NAME } from '../config/access';
import { MANAGED_BY, MANAGED_BY_TAG } from '../existing-bucket/ownership';

/**
 * Where HTTPS requests of a provider synthesized for a local AWS double go when they are not for the
 * double: the discard port of loopback, where nothing listens, so AWS is never reached (see {@link localDoubleSettings}).
 */
export const UNREACHABLE_PROXY = 'http://127.0.0.1:9';

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
   * Endpoint of a local AWS double (moto, LocalStack): the deploy sends every service to it through
   * `AWS_ENDPOINT_URL`, with S3 path-style addressing, and cannot reach AWS (see {@link localDoubleSettings}).
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
    ...(endpoint !== undefined ? localDoubleSettings(endpoint) : {}),
  });
}

/**
 * Provider settings for a local AWS double at `endpointUrl`. The endpoint itself is not in the block:
 * the provider's AWS SDK reads it from the deploy's environment (`AWS_ENDPOINT_URL`, which the
 * sandbox, the e2e tests and `npm run local-aws` set, as for every AWS tool) and sends every service
 * there. An `endpoints` block would do the same at a price: hashicorp/aws 5.100.0 validates that block
 * (a set of one object of 303 attributes) in ~5 CPU-seconds in each of the three provider processes
 * that validate it per `terraform apply`, two thirds of a state stack's CPU (docs/performance.md, "Deploy benchmark").
 * What keeps such a stack off AWS when the variable is missing: HTTPS requests go through a proxy that
 * refuses them, except to the double's host (and loopback, which Go never proxies); the deploy fails
 * with `proxyconnect ... connection refused` instead of touching an account.
 */
function localDoubleSettings(endpointUrl: string) {
  return {
    // A local double serves every bucket under one host, not as <bucket>.<host>.
    s3UsePathStyle: true,
    httpsProxy: UNREACHABLE_PROXY,
    noProxy: new URL(endpointUrl).hostname,
  };
}

export { MANAGED_BY } from '../existing-bucket/ownership';

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
    tags: { platform: props.platform, account: account.name, [MANAGED_BY_TAG]: MANAGED_BY },
  });
}
