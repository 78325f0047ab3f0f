import { S3Client } from '@aws-sdk/client-s3';
import type { TemporaryCredentials } from '../aws/account-credentials';
import { retryOptions } from '../aws/retry';

/**
 * An S3 client for a local AWS double: path-style addressing, acting in the account of `credentials`
 * (see `Workspace.credentialsOf`; each moto account sees only its own buckets).
 */
export function sandboxS3Client(endpoint: string, region: string, credentials: TemporaryCredentials): S3Client {
  return new S3Client({ endpoint, region, forcePathStyle: true, credentials, ...retryOptions(process.env) });
}
