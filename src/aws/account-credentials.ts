import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { ROLE_SESSION_NAME } from '../config/access';
import { retryOptions } from './retry';

/** How an SDK client reaches an account: a profile, and the role it assumes when there is one. */
export interface AccountAccess {
  /** Profile in the user's AWS files (the hub profile when `roleArn` is set). */
  readonly profile: string;
  /**
   * Role the profile assumes (STS AssumeRole, session name `bootstrap-aws`).
   * @default undefined: the profile's own credentials are used.
   */
  readonly roleArn?: string;
  /**
   * External ID sent with the AssumeRole call.
   * @default undefined: none.
   */
  readonly externalId?: string;
}

/** Credentials an SDK client accepts as `credentials`. */
export interface TemporaryCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiration?: Date;
}

/** Environment variables that tell a helper process (the existing-bucket check) which role to assume. */
export const ROLE_ARN_ENV = 'BOOTSTRAP_ROLE_ARN';
export const ROLE_EXTERNAL_ID_ENV = 'BOOTSTRAP_ROLE_EXTERNAL_ID';

/** Credentials are renewed this long before they expire, so no request is signed with a dying key. */
const RENEW_BEFORE_MS = 5 * 60_000;

/** `AWS_ENDPOINT_URL_<SERVICE>` or `AWS_ENDPOINT_URL` when set, as the stacks honour them. */
export function serviceEndpoint(env: NodeJS.ProcessEnv, service: string): string | undefined {
  return [env[`AWS_ENDPOINT_URL_${service}`], env.AWS_ENDPOINT_URL].find((value) => value !== undefined && value.trim() !== '');
}

/** An STS client signed with the profile itself (the hub, for an account reached through a role). */
export function profileStsClient(profile: string, region: string, env: NodeJS.ProcessEnv): STSClient {
  const endpoint = serviceEndpoint(env, 'STS');
  return new STSClient({ profile, region, ...retryOptions(env), ...(endpoint !== undefined ? { endpoint } : {}) });
}

/**
 * A credential provider that assumes `access.roleArn` with the profile's credentials, as Terraform's
 * `assume_role` does: cached, and renewed shortly before the session (1 hour at most when the profile
 * itself is a role: role chaining) expires.
 */
export function assumedRoleCredentials(
  access: AccountAccess & { readonly roleArn: string },
  region: string,
  env: NodeJS.ProcessEnv,
): () => Promise<TemporaryCredentials> {
  let cached: TemporaryCredentials | undefined;
  return async () => {
    if (cached?.expiration !== undefined && cached.expiration.getTime() - Date.now() > RENEW_BEFORE_MS) return cached;
    const sts = profileStsClient(access.profile, region, env);
    try {
      const { Credentials } = await sts.send(
        new AssumeRoleCommand({
          RoleArn: access.roleArn,
          RoleSessionName: ROLE_SESSION_NAME,
          ...(access.externalId !== undefined ? { ExternalId: access.externalId } : {}),
        }),
      );
      if (Credentials?.AccessKeyId === undefined || Credentials.SecretAccessKey === undefined) {
        throw new Error(`STS returned no credentials for ${access.roleArn}`);
      }
      cached = {
        accessKeyId: Credentials.AccessKeyId,
        secretAccessKey: Credentials.SecretAccessKey,
        ...(Credentials.SessionToken !== undefined ? { sessionToken: Credentials.SessionToken } : {}),
        ...(Credentials.Expiration !== undefined ? { expiration: Credentials.Expiration } : {}),
      };
      return cached;
    } finally {
      sts.destroy();
    }
  };
}

/**
 * The identity part of an SDK client's options for an account: `{ profile }` for a profile alone,
 * `{ credentials }` of the assumed role otherwise.
 */
export function accountCredentialOptions(
  access: AccountAccess,
  region: string,
  env: NodeJS.ProcessEnv,
): { readonly profile: string } | { readonly credentials: () => Promise<TemporaryCredentials> } {
  if (access.roleArn === undefined) return { profile: access.profile };
  return { credentials: assumedRoleCredentials({ ...access, roleArn: access.roleArn }, region, env) };
}

/** How the account is reached, for messages: `profile acme-hub` or `profile acme-hub via role arn:…`. */
export function describeAccess(access: AccountAccess): string {
  return access.roleArn === undefined ? `profile ${access.profile}` : `profile ${access.profile} via role ${access.roleArn}`;
}
