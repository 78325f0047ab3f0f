import { execFile } from 'node:child_process';
import { statSync } from 'node:fs';
import { promisify } from 'node:util';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { type AccountConfig, type BootstrapConfig, ConfigError, loadConfig, readSettings } from '../config';
import { findOnPath } from '../process/find-on-path';
import { PROVIDER_MIRROR_ENV } from '../terraform/cli-config';
import { AWS_PROVIDER_VERSION, holdsAwsProvider } from '../terraform/provider-mirror';
import { providerSource } from '../terraform/provider-source';
import { awsFileLocations, loadAwsProfiles, resolveProfile } from './aws-profiles';
import { assumedRoleCredentials, describeAccess, profileStsClient, serviceEndpoint } from '../aws/account-credentials';
import { retryOptions } from '../aws/retry';

/** Outcome of one check: `fail` makes `npm run doctor` exit non-zero; `warn` does not. */
export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skip';

/** One row of the doctor's table. */
export interface CheckResult {
  /** What was checked, e.g. `accounts.json` or `profile acme-dev`. */
  readonly check: string;
  readonly status: CheckStatus;
  /** What was found; for `fail` and `warn` also how to fix it, after a semicolon. */
  readonly detail: string;
}

/** Oldest Terraform whose S3 backend has native locking (`use_lockfile`), which the backend configs use. */
export const MIN_TERRAFORM_VERSION = '1.10.0';

/** Validates accounts.json (and the environment synth reads): one failing row per problem. */
export function checkAccountsFile(env: NodeJS.ProcessEnv, cwd: string): { results: CheckResult[]; config?: BootstrapConfig } {
  try {
    const settings = readSettings(env, cwd);
    const config = loadConfig(settings.accountsFile);
    const names = config.accounts.map((account) => account.name).join(', ');
    return {
      results: [
        { check: 'accounts.json', status: 'ok', detail: `${config.file}: platform ${config.platform}, accounts ${names}` },
      ],
      config,
    };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return { results: error.problems.map((problem) => ({ check: 'accounts.json', status: 'fail', detail: problem })) };
  }
}

/**
 * Every profile named in accounts.json resolves to credentials in the AWS files in use, read and
 * resolved as the SDK (and Terraform) do: static keys, role_arn chains through source_profile or
 * credential_source, SSO, credential_process, web identity. Offline: the files are only read, no
 * credential_process runs and AWS is not called (`--live` signs in).
 */
export async function checkProfiles(config: BootstrapConfig | undefined, env: NodeJS.ProcessEnv): Promise<CheckResult[]> {
  if (config === undefined) return [{ check: 'AWS profiles', status: 'skip', detail: 'accounts.json is not valid' }];
  const locations = awsFileLocations(env);
  const files = `${locations.configFile} or ${locations.credentialsFile}`;
  const profiles = await loadAwsProfiles(locations);
  const results: CheckResult[] = profiles.problems.map((problem) => ({ check: 'AWS files', status: 'fail', detail: problem }));

  const accountsByProfile = new Map<string, string[]>();
  for (const account of config.accounts) {
    accountsByProfile.set(account.profile, [...(accountsByProfile.get(account.profile) ?? []), `accounts.${account.name}`]);
  }
  let environmentKeysNeeded = false;
  for (const [profile, accounts] of accountsByProfile) {
    const check = `profile ${profile}`;
    const usedBy = accounts.join(', ');
    const configured = `aws configure --profile ${profile}" (access key) or "aws configure sso --profile ${profile}"`;
    const resolution = resolveProfile(profile, profiles, env);
    switch (resolution.kind) {
      case 'ok':
        environmentKeysNeeded ||= resolution.usesEnvironmentKeys;
        results.push({ check, status: 'ok', detail: `${usedBy}: ${resolution.source}` });
        break;
      case 'invalid':
        results.push({ check, status: 'fail', detail: `${usedBy}: ${resolution.problem}` });
        break;
      case 'no-credentials':
        results.push({
          check,
          status: 'fail',
          detail: `${usedBy}: the profile has no credentials (no access key, SSO, role or credential_process) in ${files}; add them with "${configured}`,
        });
        break;
      case 'missing':
        results.push({
          check,
          status: 'fail',
          detail: `${usedBy}: no profile "${profile}" in ${files}; create it with "${configured}, or fix the profile name in ${config.file}`,
        });
    }
  }

  // A profile with credential_source = Environment needs the keys, so they are no override then.
  const candidates = environmentKeysNeeded ? ['AWS_PROFILE'] : ['AWS_ACCESS_KEY_ID', 'AWS_PROFILE'];
  const overrides = candidates.filter((name) => (env[name] ?? '') !== '');
  if (overrides.length > 0) {
    results.push({
      check: 'AWS environment',
      status: 'warn',
      detail: `${overrides.join(' and ')} set in the environment; it can take precedence over the profiles of accounts.json, so unset it before deploying`,
    });
  }
  return results;
}

/**
 * `TF_CLI_CONFIG_FILE`, when set, names a file terraform can read: a missing one makes every terraform
 * run (yours and, where no mirror config replaces it, this project's) warn several times and ignore it.
 */
export function checkCliConfigFile(env: NodeJS.ProcessEnv): CheckResult[] {
  const value = env.TF_CLI_CONFIG_FILE?.trim();
  if (value === undefined || value === '') return [];
  const check = 'TF_CLI_CONFIG_FILE';
  const fix = 'point it at an existing terraform CLI config, or unset it';
  let stats;
  try {
    stats = statSync(value);
  } catch {
    return [{ check, status: 'fail', detail: `${value} does not exist, so every terraform run warns and ignores it; ${fix}` }];
  }
  if (!stats.isFile()) {
    return [{ check, status: 'fail', detail: `${value} is not a file, so every terraform run warns and ignores it; ${fix}` }];
  }
  return [{ check, status: 'ok', detail: value }];
}

/** Runs `terraform version -json` and returns the version, e.g. `1.11.4`. */
export type TerraformVersionReader = (terraformPath: string, env: NodeJS.ProcessEnv) => Promise<string>;

export const readTerraformVersion: TerraformVersionReader = async (terraformPath, env) => {
  const { stdout } = await promisify(execFile)(terraformPath, ['version', '-json'], {
    env: { ...env, CHECKPOINT_DISABLE: '1' },
    timeout: 30_000,
  });
  const version = (JSON.parse(stdout) as { terraform_version?: unknown }).terraform_version;
  if (typeof version !== 'string') throw new Error('"terraform version -json" printed no terraform_version');
  return version;
};

/** terraform is on PATH and at least {@link MIN_TERRAFORM_VERSION}. */
export async function checkTerraform(
  env: NodeJS.ProcessEnv,
  readVersion: TerraformVersionReader = readTerraformVersion,
): Promise<CheckResult> {
  const check = 'terraform';
  const install = `install Terraform >= ${MIN_TERRAFORM_VERSION} (https://developer.hashicorp.com/terraform/install)`;
  const found = findOnPath('terraform', env);
  if (found === undefined) return { check, status: 'fail', detail: `not found on PATH; ${install}` };
  let version: string;
  try {
    version = await readVersion(found, env);
  } catch (error) {
    return {
      check,
      status: 'fail',
      detail: `${found} did not report its version (${errorMessage(error)}); reinstall it: ${install}`,
    };
  }
  if (compareVersions(version, MIN_TERRAFORM_VERSION) < 0) {
    return {
      check,
      status: 'fail',
      detail: `${found} is ${version}, older than ${MIN_TERRAFORM_VERSION}, which S3 native state locking (use_lockfile) needs; ${install}`,
    };
  }
  return { check, status: 'ok', detail: `${version} at ${found}` };
}

/** Compares dotted versions numerically (`1.9.8` < `1.10.0`); a pre-release suffix counts as lower. */
export function compareVersions(a: string, b: string): number {
  const parse = (value: string): { numbers: number[]; pre: boolean } => {
    const [core = '', pre] = value.trim().replace(/^v/, '').split('-', 2);
    return { numbers: core.split('.').map((part) => Number.parseInt(part, 10) || 0), pre: pre !== undefined };
  };
  const left = parse(a);
  const right = parse(b);
  for (let index = 0; index < Math.max(left.numbers.length, right.numbers.length); index++) {
    const difference = (left.numbers[index] ?? 0) - (right.numbers[index] ?? 0);
    if (difference !== 0) return Math.sign(difference);
  }
  return Number(right.pre) - Number(left.pre);
}

/** Answers whether the public Terraform registry can be reached (only called with `--live`). */
export type RegistryProbe = () => Promise<void>;

export const probeRegistry: RegistryProbe = async () => {
  const response = await fetch('https://registry.terraform.io/.well-known/terraform.json', { signal: AbortSignal.timeout(5000) });
  await response.arrayBuffer();
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
};

export interface ProviderCheckOptions {
  /** Ask the registry whether it can be reached when there is no mirror. */
  readonly live: boolean;
  /** @default findProviderMirror: Terraform's implied mirror folders, then a shallow search of the usual install roots */
  readonly findMirror?: (env: NodeJS.ProcessEnv) => string | undefined;
  /** @default probeRegistry, a GET of registry.terraform.io's discovery document */
  readonly probe?: RegistryProbe;
}

/**
 * The pinned AWS provider can be installed: from `BOOTSTRAP_PROVIDER_MIRROR`, from the mirror of
 * terraform's CLI config, from terraform's implied local mirror folders, from a mirror found on the
 * machine (which every command and the tests use), or (checked with `--live`) from
 * the public registry. Without `--live` nothing leaves the machine.
 */
export async function checkProvider(env: NodeJS.ProcessEnv, options: ProviderCheckOptions): Promise<CheckResult> {
  const check = `provider hashicorp/aws ${AWS_PROVIDER_VERSION}`;
  const mirrorFix = `make a mirror with "terraform providers mirror <folder>" on a machine with access and export ${PROVIDER_MIRROR_ENV}=<folder> (see docs/offline.md)`;
  const source = providerSource(env, options.findMirror);
  switch (source.kind) {
    case 'variable':
      if (!holdsAwsProvider(source.mirror)) {
        return {
          check,
          status: 'fail',
          detail: `${PROVIDER_MIRROR_ENV}=${env[PROVIDER_MIRROR_ENV]?.trim() ?? ''} does not hold it; point it at a folder made by "terraform providers mirror", or unset it`,
        };
      }
      return { check, status: 'ok', detail: `offline mirror ${source.mirror} (${PROVIDER_MIRROR_ENV})` };
    case 'cli-config':
      return { check, status: 'ok', detail: `offline mirror ${source.mirror} (from ${source.file})` };
    case 'implied':
      return { check, status: 'ok', detail: `terraform's implied local mirror ${source.mirror}` };
    case 'found':
      return {
        check,
        status: 'ok',
        detail: `offline mirror ${source.mirror}, found on this machine: every command and the tests use it (export ${PROVIDER_MIRROR_ENV}=${source.mirror} to pin it)`,
      };
    case 'registry':
      break;
  }
  if (!options.live) {
    return {
      check,
      status: 'warn',
      detail: `no offline mirror: terraform init downloads it from registry.terraform.io; run "npm run doctor -- --live" to check it is reachable, or ${mirrorFix}`,
    };
  }
  try {
    await (options.probe ?? probeRegistry)();
    return { check, status: 'ok', detail: 'registry.terraform.io is reachable' };
  } catch (error) {
    return {
      check,
      status: 'fail',
      detail: `no offline mirror and registry.terraform.io is not reachable (${errorMessage(error)}); fix the network or proxy, or ${mirrorFix}`,
    };
  }
}

/**
 * With `--live`: signs in with each account's profile (STS GetCallerIdentity) and, for an account
 * reached through a role, assumes it and signs in again, showing each hop (hub identity, assumed
 * role, account reached). When the account has an `accountId`, checks the account reached is it,
 * as `allowed_account_ids` will at deploy.
 */
export async function checkIdentities(config: BootstrapConfig | undefined, env: NodeJS.ProcessEnv): Promise<CheckResult[]> {
  if (config === undefined) return [{ check: 'caller identity', status: 'skip', detail: 'accounts.json is not valid' }];
  return Promise.all(config.accounts.map((account) => checkIdentity(config, account, env)));
}

async function checkIdentity(config: BootstrapConfig, account: AccountConfig, env: NodeJS.ProcessEnv): Promise<CheckResult> {
  const check = `identity of accounts.${account.name}`;
  const timeout = { abortSignal: AbortSignal.timeout(20_000) };
  const hub = profileStsClient(account.profile, account.region, env);
  let hops = '';
  try {
    let identity;
    try {
      identity = await hub.send(new GetCallerIdentityCommand({}), timeout);
    } catch (error) {
      return {
        check,
        status: 'fail',
        detail: `profile ${account.profile} could not sign in (${errorMessage(error)}); check it with "aws sts get-caller-identity --profile ${account.profile}"`,
      };
    }
    if (account.roleArn !== undefined) {
      hops = `hub ${String(identity.Arn)} (profile ${account.profile}) -> role ${account.roleArn} -> `;
      const endpoint = serviceEndpoint(env, 'STS');
      const member = new STSClient({
        credentials: assumedRoleCredentials({ ...account, roleArn: account.roleArn }, account.region, env),
        region: account.region,
        ...retryOptions(env),
        ...(endpoint !== undefined ? { endpoint } : {}),
      });
      try {
        identity = await member.send(new GetCallerIdentityCommand({}), timeout);
      } catch (error) {
        return {
          check,
          status: 'fail',
          detail: `${hops}could not assume the role (${errorMessage(error)}); check that the role exists and trusts ${String(identity.Arn)}, and that its policy lets it sts:AssumeRole`,
        };
      } finally {
        member.destroy();
      }
    }
    const actual = identity.Account ?? 'unknown';
    if (account.accountId !== undefined && actual !== account.accountId) {
      const fix =
        account.roleArn !== undefined
          ? `fix the roleArn or accountId in ${config.file}`
          : `fix the profile's credentials, or the accountId in ${config.file}`;
      return {
        check,
        status: 'fail',
        detail: `${hops}${describeAccess(account)} signs in to account ${actual}, but accounts.${account.name}.accountId is ${account.accountId}; ${fix}`,
      };
    }
    const pinned = account.accountId !== undefined ? ' (matches accountId)' : ' (no accountId set to pin it)';
    return { check, status: 'ok', detail: `${hops}${String(identity.Arn)}, account ${actual}${pinned}` };
  } finally {
    hub.destroy();
  }
}

function errorMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0]?.trim() ?? message;
}
