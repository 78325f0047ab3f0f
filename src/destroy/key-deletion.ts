import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { type AccountConfig, ConfigError } from '../config';
import { formatJsonPath } from '../config/errors';
import { accountCredentialOptions, describeAccess } from '../aws/account-credentials';
import { describeAwsError, retryOptions } from '../aws/retry';

/**
 * The IAM principal ARN that a key policy's `aws:PrincipalArn` sees for `callerArn` (STS
 * GetCallerIdentity): an assumed-role session is its role; users and the root user are themselves.
 */
export function principalOf(callerArn: string): string {
  const session = /^arn:([^:]+):sts::(\d{12}):assumed-role\/([^/]+)\/.+$/.exec(callerArn);
  return session !== null ? `arn:${session[1] ?? 'aws'}:iam::${session[2] ?? ''}:role/${session[3] ?? ''}` : callerArn;
}

/**
 * True when the key policy of a created state key lets `callerArn` schedule the key's deletion: the
 * root user, or one of `kmsKeyAdminArns` (compared by role or user name; an assumed-role ARN does
 * not carry the role's path).
 */
export function mayDeleteCreatedKey(callerArn: string, adminArns: readonly string[]): boolean {
  const principal = principalOf(callerArn);
  if (/:root$/.test(principal)) return true;
  const key = identityKey(principal);
  return key !== undefined && adminArns.some((admin) => identityKey(admin) === key);
}

/** `<account>:<role|user>:<name>` of an IAM role or user ARN, paths left out. */
function identityKey(arn: string): string | undefined {
  const match = /^arn:[^:]+:iam::(\d{12}):(role|user)\/(?:.*\/)?([^/]+)$/.exec(arn);
  return match === null ? undefined : `${match[1] ?? ''}:${match[2] ?? ''}:${match[3] ?? ''}`;
}

/**
 * With a key this project created for the account, `cdktf destroy` ends in ScheduleKeyDeletion, which
 * the key policy denies to everyone but the root user and `kmsKeyAdminArns`. Checked with the
 * account's own identity before anything is deleted, so a destroy cannot stop after the bucket is
 * gone with the key left (AWS would refuse; moto does not evaluate key policies). Without
 * `kmsKeyAdminArns` the key's administrator is the principal that deployed the state stack, the one
 * this same profile (or `roleArn`) signs in as: nothing to check (a team whose operators sign in as
 * different roles sets `kmsKeyAdminArns`, docs/encryption-and-logs.md).
 */
export async function checkKeyDeletionAllowed(
  file: string,
  account: AccountConfig,
  identity: () => Promise<string>,
): Promise<void> {
  if (account.stateKeyAlias === undefined || account.kmsKeyAdminArns === undefined) return;
  const caller = await identity();
  if (mayDeleteCreatedKey(caller, account.kmsKeyAdminArns ?? [])) return;
  throw new ConfigError([
    `${file}: ${formatJsonPath(['accounts', account.name, 'kmsKeyAdminArns'])}: the key policy of ${account.stateKeyAlias} lets only the root user and these ARNs delete the key, and ${describeAccess(account)} is ${principalOf(caller)}; add that ARN to "kmsKeyAdminArns", run "npm run deploy -- state-${account.name}", then destroy; nothing was changed`,
  ]);
}

/** The ARN STS says the account's profile signs in as (`AWS_ENDPOINT_URL` honoured). */
export async function callerArn(account: AccountConfig, env: NodeJS.ProcessEnv): Promise<string> {
  const endpoint = [env.AWS_ENDPOINT_URL_STS, env.AWS_ENDPOINT_URL].find((value) => value !== undefined && value.trim() !== '');
  // As the role the account is reached through, when it is: that is who would delete the key.
  const sts = new STSClient({
    ...accountCredentialOptions(account, account.region, env),
    region: account.region,
    ...retryOptions(env),
    ...(endpoint !== undefined ? { endpoint } : {}),
  });
  try {
    const { Arn } = await sts.send(new GetCallerIdentityCommand({}));
    return Arn ?? '';
  } catch (error) {
    throw new ConfigError([
      `could not read the identity of ${describeAccess(account)} (${describeAwsError(error)}); check with "npm run doctor -- --live"; nothing was changed`,
    ]);
  } finally {
    sts.destroy();
  }
}
