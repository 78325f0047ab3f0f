import type { AwsFiles } from './aws-files';
import { CREDENTIAL_OVERRIDE_VARIABLES } from './aws-files';
import { terraformRunEnv } from '../terraform/run-env';

export interface SandboxEnvOptions {
  /** accounts.json to synthesize (`BOOTSTRAP_ACCOUNTS_FILE`). */
  readonly accountsFile: string;
  /** Throwaway folder for the stacks' local state (`BOOTSTRAP_STATE_DIR`). */
  readonly stateDir: string;
  /** The local AWS double every provider targets (`AWS_ENDPOINT_URL`). */
  readonly endpoint: string;
  /** Temp AWS credentials/config files with a dummy key per profile. */
  readonly awsFiles: AwsFiles;
  /** Folder for the terraform CLI config that names the offline provider mirror, when terraform needs one. */
  readonly workDir: string;
}

/**
 * The environment for synthesizing and deploying against a local AWS double: the user's
 * environment without any AWS credential source, plus the temp AWS files, the endpoint, the
 * temp state folder, and what every command runs terraform with (`terraformRunEnv`: the offline
 * provider mirror, no checkpoint).
 * @throws ConfigError when `BOOTSTRAP_PROVIDER_MIRROR` names a folder without the provider.
 */
export function sandboxEnv(base: NodeJS.ProcessEnv, options: SandboxEnvOptions): NodeJS.ProcessEnv {
  const dropped = new Set<string>(CREDENTIAL_OVERRIDE_VARIABLES);
  // Only the one endpoint below: a per-service override from the user's shell would leak traffic.
  const env: NodeJS.ProcessEnv = Object.fromEntries(
    Object.entries(base).filter(([name]) => !dropped.has(name) && !name.startsWith('AWS_ENDPOINT_URL_')),
  );
  Object.assign(env, options.awsFiles.env, {
    AWS_ENDPOINT_URL: options.endpoint,
    BOOTSTRAP_ACCOUNTS_FILE: options.accountsFile,
    BOOTSTRAP_STATE_DIR: options.stateDir,
    // cdktf would otherwise point terraform at a shared plugin cache in the home folder; parallel
    // inits racing on it corrupt it (cdktf issue #2939).
    CDKTF_DISABLE_PLUGIN_CACHE_ENV: '1',
    DISABLE_VERSION_CHECK: '1',
  });
  return terraformRunEnv(env, { workDir: options.workDir }).env;
}
