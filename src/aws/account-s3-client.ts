import { S3Client } from '@aws-sdk/client-s3';
import { type AccountAccess, accountCredentialOptions, serviceEndpoint } from './account-credentials';
import { retryOptions } from './retry';

/**
 * An S3 client signed as the account's profile, or as the role it assumes. When `AWS_ENDPOINT_URL`
 * (or `_S3`) is set, it targets that endpoint with path-style addressing, as the stacks do.
 */
export function accountS3Client(access: AccountAccess, region: string, env: NodeJS.ProcessEnv): S3Client {
  const endpoint = serviceEndpoint(env, 'S3');
  return new S3Client({
    ...accountCredentialOptions(access, region, env),
    region,
    ...retryOptions(env),
    ...(endpoint !== undefined ? { endpoint, forcePathStyle: true } : {}),
  });
}
