/**
 * The one environment every command runs terraform and the cdktf CLI with (deploy, destroy,
 * recover-state, export-hcl, the sandbox, status and doctor): so that what works for one works for
 * all, offline included.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { retryOptions } from '../aws/retry';
import { ConfigError } from '../config/errors';
import { PROVIDER_MIRROR_ENV, terraformEnv } from './cli-config';
import { AWS_PROVIDER_VERSION, findProviderMirror, holdsAwsProvider } from './provider-mirror';
import { needsCliConfig, type ProviderSource, providerSource } from './provider-source';

export interface TerraformRunEnvOptions {
  /** Folder for the CLI config that names the mirror when terraform needs one; the caller creates and removes it. */
  readonly workDir: string;
  /** @default findProviderMirror (see `providerSource`) */
  readonly findMirror?: (env: NodeJS.ProcessEnv) => string | undefined;
}

/** The environment of terraform and the cdktf CLI, and where it makes terraform take the provider from. */
export interface TerraformRunEnv {
  readonly env: NodeJS.ProcessEnv;
  readonly source: ProviderSource;
  /** The CLI config written to `workDir` (`TF_CLI_CONFIG_FILE`), when terraform needs one to find the mirror. */
  readonly cliConfigFile?: string;
}

/**
 * `base` prepared for terraform and the cdktf CLI:
 * - provider mirror: the one of {@link providerSource}; when terraform would not find it by itself
 *   (`BOOTSTRAP_PROVIDER_MIRROR`, or a mirror found on the machine), a CLI config naming it is written
 *   to `workDir` and set as `TF_CLI_CONFIG_FILE`. Otherwise terraform's own configuration is kept;
 * - `CHECKPOINT_DISABLE=1`: no update check, which offline only prints errors;
 * - credentials: the AWS variables of `base` (`AWS_PROFILE`, `AWS_CONFIG_FILE`, `AWS_ENDPOINT_URL`, ...)
 *   pass through unchanged, as each stack's provider names its account's profile;
 * - retries: `AWS_MAX_ATTEMPTS` and `AWS_RETRY_MODE` pass through to the Terraform AWS provider,
 *   which reads them as the SDK clients do (src/aws/retry.ts); an invalid value is refused here,
 *   before any terraform runs, rather than by every provider.
 * @throws ConfigError when `BOOTSTRAP_PROVIDER_MIRROR` names a folder without the provider, or a
 * retry variable is not valid.
 */
export function terraformRunEnv(base: NodeJS.ProcessEnv, options: TerraformRunEnvOptions): TerraformRunEnv {
  retryOptions(base);
  const source = providerSource(base, options.findMirror ?? findProviderMirror);
  if (source.kind === 'variable' && !holdsAwsProvider(source.mirror)) {
    throw new ConfigError([
      `${PROVIDER_MIRROR_ENV}: "${source.mirror}" holds no hashicorp/aws ${AWS_PROVIDER_VERSION}; point it at a folder made by "terraform providers mirror", or unset it`,
    ]);
  }
  const env = terraformEnv(source.kind === 'found' ? { ...base, [PROVIDER_MIRROR_ENV]: source.mirror } : base, options.workDir);
  const cliConfigFile = needsCliConfig(source) ? env.TF_CLI_CONFIG_FILE : undefined;
  return { env, source, ...(cliConfigFile !== undefined ? { cliConfigFile } : {}) };
}

/**
 * Runs `use` with {@link terraformRunEnv} of `base` in a temp folder of its own, removed afterwards
 * (the CLI config goes with it: nothing is left behind).
 */
export async function withTerraformRunEnv<T>(
  base: NodeJS.ProcessEnv,
  options: Omit<TerraformRunEnvOptions, 'workDir'>,
  use: (prepared: TerraformRunEnv) => Promise<T>,
): Promise<T> {
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'bootstrap-terraform-'));
  try {
    return await use(terraformRunEnv(base, { ...options, workDir }));
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}
