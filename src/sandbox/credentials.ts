import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { TemporaryCredentials } from '../aws/account-credentials';
import { retryOptions } from '../aws/retry';
import { DUMMY_ACCESS_KEY_ID, DUMMY_SECRET_ACCESS_KEY } from './aws-files';

/** Role name of the sessions that stand for a profile's own keys; moto does not check that it exists. */
export const SANDBOX_ROLE_NAME = 'bootstrap-sandbox-profile';

/**
 * Credentials that act in `accountId` on a local AWS double: an sts:AssumeRole session signed with the
 * dummy key (moto's default account). moto answers for any role ARN and never expires the session, so
 * these stand in for a profile's long-lived keys for as long as the server runs. On AWS this call
 * would need a real role that trusts the caller; it is only ever sent to the local double.
 */
export async function sandboxAccountCredentials(endpoint: string, accountId: string): Promise<TemporaryCredentials> {
  const sts = new STSClient({
    endpoint,
    region: 'us-east-1',
    ...retryOptions(process.env),
    credentials: { accessKeyId: DUMMY_ACCESS_KEY_ID, secretAccessKey: DUMMY_SECRET_ACCESS_KEY },
  });
  try {
    const { Credentials } = await sts.send(
      new AssumeRoleCommand({
        RoleArn: `arn:aws:iam::${accountId}:role/${SANDBOX_ROLE_NAME}`,
        RoleSessionName: 'sandbox',
        // The longest STS allows; moto keeps the keys valid regardless.
        DurationSeconds: 43_200,
      }),
    );
    if (Credentials?.AccessKeyId === undefined || Credentials.SecretAccessKey === undefined)
      throw new Error(`the local AWS double at ${endpoint} returned no credentials for account ${accountId}`);
    return {
      accessKeyId: Credentials.AccessKeyId,
      secretAccessKey: Credentials.SecretAccessKey,
      ...(Credentials.SessionToken !== undefined ? { sessionToken: Credentials.SessionToken } : {}),
    };
  } finally {
    sts.destroy();
  }
}
