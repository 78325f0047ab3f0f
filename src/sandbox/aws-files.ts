import { writeFileSync } from 'node:fs';
import * as path from 'node:path';

/** The dummy key pair written for every profile: a local AWS double accepts any key. */
export const DUMMY_ACCESS_KEY_ID = 'sandbox-dummy-access-key-id';
export const DUMMY_SECRET_ACCESS_KEY = 'sandbox-dummy-secret-not-a-real-key';

export interface SandboxProfile {
  /** Profile name, as in accounts.json. */
  readonly profile: string;
  /** Region written to the profile's config section. */
  readonly region: string;
  /**
   * Keys written for the profile (a session of its own account on the local double, see `createWorkspace`).
   * @default the dummy key pair, which acts in moto's default account 123456789012.
   */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken?: string };
}

/** The files written by {@link writeAwsFiles} and the environment that points the AWS SDKs at them. */
export interface AwsFiles {
  readonly credentialsFile: string;
  readonly configFile: string;
  /**
   * `AWS_SHARED_CREDENTIALS_FILE` and `AWS_CONFIG_FILE` pointing at the files, and the instance
   * metadata service disabled. Remove {@link CREDENTIAL_OVERRIDE_VARIABLES} as well (see
   * `sandboxEnv`), so nothing of the user's real AWS setup is read.
   */
  readonly env: Readonly<Record<string, string>>;
}

/**
 * Writes an AWS credentials file and config file into `dir` with the given (else a dummy) key for every profile.
 * Point terraform and the SDKs at them with {@link AwsFiles.env}; the real `~/.aws` is never used.
 */
export function writeAwsFiles(dir: string, profiles: readonly SandboxProfile[]): AwsFiles {
  const unique = new Map<string, SandboxProfile>();
  for (const entry of profiles) if (!unique.has(entry.profile)) unique.set(entry.profile, entry);

  const credentials: string[] = [];
  const config: string[] = [];
  for (const { profile, region, credentials: keys } of unique.values()) {
    credentials.push(
      `[${profile}]`,
      `aws_access_key_id = ${keys?.accessKeyId ?? DUMMY_ACCESS_KEY_ID}`,
      `aws_secret_access_key = ${keys?.secretAccessKey ?? DUMMY_SECRET_ACCESS_KEY}`,
      ...(keys?.sessionToken !== undefined ? [`aws_session_token = ${keys.sessionToken}`] : []),
      '',
    );
    config.push(profile === 'default' ? '[default]' : `[profile ${profile}]`, `region = ${region}`, '');
  }
  const credentialsFile = path.join(dir, 'credentials');
  const configFile = path.join(dir, 'config');
  writeFileSync(credentialsFile, credentials.join('\n'), { mode: 0o600 });
  writeFileSync(configFile, config.join('\n'), { mode: 0o600 });
  return {
    credentialsFile,
    configFile,
    env: {
      AWS_SHARED_CREDENTIALS_FILE: credentialsFile,
      AWS_CONFIG_FILE: configFile,
      // Ignore the EC2 instance metadata service: no request may leave loopback.
      AWS_EC2_METADATA_DISABLED: 'true',
    },
  };
}

/**
 * Variables that override profiles in terraform and the AWS SDKs; removed from a sandbox
 * environment so a user's real credentials can never be picked up.
 */
export const CREDENTIAL_OVERRIDE_VARIABLES = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_SECURITY_TOKEN',
  'AWS_PROFILE',
  'AWS_DEFAULT_PROFILE',
  'AWS_ROLE_ARN',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
] as const;
