// The AWS config and credentials files, parsed by the SDK's own loader (@smithy/core/config, which
// @aws-sdk/credential-provider-ini's fromIni uses), and each profile resolved offline by the rules of
// that provider's resolveProfileData: the same order of credential kinds, the same source_profile
// chains and loop detection. Terraform's Go SDK reads the files by the same rules. Nothing here calls
// AWS, runs a credential_process or reads an SSO token: it decides whether a profile can resolve.
import { existsSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CONFIG_PREFIX_SEPARATOR, loadSharedConfigFiles } from '@smithy/core/config';

/** The AWS config and credentials files that terraform and the AWS SDKs read. */
export interface AwsFileLocations {
  /** `AWS_CONFIG_FILE`, else `~/.aws/config`. */
  readonly configFile: string;
  /** `AWS_SHARED_CREDENTIALS_FILE`, else `~/.aws/credentials`. */
  readonly credentialsFile: string;
}

/** The home folder as the SDK finds it (getHomeDir): HOME, USERPROFILE, HOMEDRIVE+HOMEPATH, the OS's. */
export function awsHomeDir(env: NodeJS.ProcessEnv): string {
  if (env.HOME) return env.HOME;
  if (env.USERPROFILE) return env.USERPROFILE;
  if (env.HOMEPATH) return `${env.HOMEDRIVE ?? `C:${path.sep}`}${env.HOMEPATH}`;
  return os.homedir();
}

/**
 * Where the AWS tools look for their files, as the SDK decides it (getConfigFilepath and
 * loadSharedConfigFiles): the variable when it is not empty, with a leading `~/` meaning the home
 * folder; else the file in `~/.aws`.
 */
export function awsFileLocations(env: NodeJS.ProcessEnv, home: string = awsHomeDir(env)): AwsFileLocations {
  const pick = (variable: string, fallback: string): string => {
    const value = env[variable] || path.join(home, '.aws', fallback);
    return value.startsWith('~/') ? path.join(home, value.slice(2)) : path.resolve(value);
  };
  return { configFile: pick('AWS_CONFIG_FILE', 'config'), credentialsFile: pick('AWS_SHARED_CREDENTIALS_FILE', 'credentials') };
}

/** The settings of one profile or section. */
export type Section = Readonly<Record<string, string | undefined>>;

/** The AWS files as the SDK reads them. */
export interface AwsProfiles {
  readonly locations: AwsFileLocations;
  /**
   * Profile name → settings: the config file's `[default]` and `[profile NAME]` sections with the
   * credentials file's `[NAME]` sections merged over them, key by key (parseKnownFiles).
   */
  readonly profiles: Readonly<Record<string, Section>>;
  /** The credentials file's sections alone, to tell in which file a setting is. */
  readonly credentials: Readonly<Record<string, Section>>;
  /** `[sso-session NAME]` sections of the config file, by NAME. */
  readonly ssoSessions: Readonly<Record<string, Section>>;
  /** Files that exist but could not be read, one line each. Missing files are simply empty. */
  readonly problems: readonly string[];
}

const SSO_SESSION_PREFIX = `sso-session${CONFIG_PREFIX_SEPARATOR}`;

/** Reads both files with the SDK's loader. Read-only: the files are never written. */
export async function loadAwsProfiles(locations: AwsFileLocations): Promise<AwsProfiles> {
  // The SDK treats an unreadable file as empty; the doctor says so instead.
  const problems: string[] = [];
  for (const file of [locations.configFile, locations.credentialsFile]) {
    try {
      readFileSync(file);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') problems.push(`${file}: cannot be read (${String(code)}); check its permissions`);
    }
  }
  const { configFile, credentialsFile } = await loadSharedConfigFiles({
    configFilepath: locations.configFile,
    filepath: locations.credentialsFile,
    ignoreCache: true,
  });
  const profiles: Record<string, Section> = {};
  const ssoSessions: Record<string, Section> = {};
  for (const [name, section] of Object.entries(configFile)) {
    if (name.startsWith(SSO_SESSION_PREFIX)) ssoSessions[name.slice(SSO_SESSION_PREFIX.length)] = section;
    profiles[name] = section;
  }
  for (const [name, section] of Object.entries(credentialsFile)) profiles[name] = { ...profiles[name], ...section };
  return { locations, profiles, credentials: credentialsFile, ssoSessions, problems };
}

/** How a profile resolves, decided offline. */
export type ProfileResolution =
  /** `source` says how, e.g. `role arn:… via source_profile hub: access key in ~/.aws/credentials`. */
  | { readonly kind: 'ok'; readonly source: string; readonly usesEnvironmentKeys: boolean }
  /** No section of that name in either file. */
  | { readonly kind: 'missing' }
  /** The profile exists but sets no kind of credentials. */
  | { readonly kind: 'no-credentials' }
  /** A setting of the profile or of its chain cannot work; `problem` names the profile, the setting and the fix. */
  | { readonly kind: 'invalid'; readonly problem: string };

/** What `credential_source` may say (resolveCredentialSource). */
const CREDENTIAL_SOURCES = ['Environment', 'Ec2InstanceMetadata', 'EcsContainer'] as const;
/** Settings an SSO profile needs once its sso-session is applied (validateSsoProfile). */
const SSO_SETTINGS = ['sso_start_url', 'sso_account_id', 'sso_region', 'sso_role_name'] as const;

// The kinds of profile, as credential-provider-ini tells them apart (a setting counts when present).
const isStatic = (data: Section | undefined): boolean =>
  data?.aws_access_key_id !== undefined && data.aws_secret_access_key !== undefined;
const isAssumeRole = (data: Section | undefined): boolean =>
  data?.role_arn !== undefined && (data.source_profile === undefined) !== (data.credential_source === undefined);
const isCredentialSourceWithoutRoleArn = (data: Section | undefined): boolean => !data?.role_arn && !!data?.credential_source;
const isWebIdentity = (data: Section | undefined): boolean =>
  data?.web_identity_token_file !== undefined && data.role_arn !== undefined;
const isSso = (data: Section | undefined): boolean =>
  SSO_SETTINGS.some((key) => data?.[key] !== undefined) || data?.sso_session !== undefined;

/**
 * Decides whether `name` resolves to credentials the way the SDK's fromIni would (Terraform follows the
 * same rules), without calling AWS, running credential_process or reading an SSO token. `env` is the
 * environment a `credential_source = Environment` profile takes its keys from.
 */
export function resolveProfile(name: string, files: AwsProfiles, env: NodeJS.ProcessEnv): ProfileResolution {
  return new Resolver(files, env).resolve(name, [], false);
}

class Resolver {
  constructor(
    private readonly files: AwsProfiles,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  /** The file a profile's setting comes from: the credentials file wins, as in the merge. */
  private fileOf(profile: string, key: string): string {
    const { configFile, credentialsFile } = this.files.locations;
    return this.files.credentials[profile]?.[key] !== undefined ? credentialsFile : configFile;
  }

  private get bothFiles(): string {
    return `${this.files.locations.configFile} or ${this.files.locations.credentialsFile}`;
  }

  /** resolveProfileData: `visited` are the source profiles seen so far (the first profile is not one). */
  resolve(name: string, visited: readonly string[], roleCall: boolean): ProfileResolution {
    const data = this.files.profiles[name];
    const ok = (source: string, usesEnvironmentKeys = false): ProfileResolution => ({ kind: 'ok', source, usesEnvironmentKeys });
    const staticKeys = `access key in ${this.fileOf(name, 'aws_access_key_id')}`;
    if (visited.length > 0 && isStatic(data)) return ok(staticKeys);
    if (data === undefined) return { kind: 'missing' };
    if (roleCall || isAssumeRole(data)) return this.resolveRole(name, data, visited);
    if (isStatic(data)) return ok(staticKeys);
    if (isWebIdentity(data)) return this.resolveWebIdentity(name, data);
    if (data.credential_process !== undefined) {
      return ok(`credential_process in ${this.fileOf(name, 'credential_process')} (run only with --live)`);
    }
    if (isSso(data)) return this.resolveSso(name, data);
    if (data.login_session) return ok(`login_session in ${this.fileOf(name, 'login_session')}`);
    return this.explainNoCredentials(name, data);
  }

  /** resolveAssumeRoleCredentials: the source first (source_profile or credential_source), then the role. */
  private resolveRole(name: string, data: Section, visited: readonly string[]): ProfileResolution {
    const sourceProfile = data.source_profile;
    let source: string;
    let usesEnvironmentKeys = false;
    if (sourceProfile) {
      const setting = `source_profile = ${sourceProfile} in ${this.fileOf(name, 'source_profile')}`;
      if (visited.includes(sourceProfile)) {
        const loop = [...visited, sourceProfile].join(' -> ');
        return {
          kind: 'invalid',
          problem: `profile ${name}: ${setting} closes a source_profile loop (${loop}); give one profile of the loop its own credentials (access key, SSO or credential_process) or point its source_profile elsewhere`,
        };
      }
      const sourceData = this.files.profiles[sourceProfile];
      const inner = this.resolve(sourceProfile, [...visited, sourceProfile], isCredentialSourceWithoutRoleArn(sourceData));
      switch (inner.kind) {
        case 'missing':
          return {
            kind: 'invalid',
            problem: `profile ${name}: ${setting}, but there is no profile "${sourceProfile}" in ${this.bothFiles}; create it (e.g. "aws configure --profile ${sourceProfile}") or fix source_profile`,
          };
        case 'no-credentials':
          return {
            kind: 'invalid',
            problem: `profile ${name}: ${setting}, but profile ${sourceProfile} has no credentials (no access key, SSO, role or credential_process); add them with "aws configure --profile ${sourceProfile}" or fix source_profile`,
          };
        case 'invalid':
          return inner;
        case 'ok':
          source = `source_profile ${sourceProfile}: ${inner.source}`;
          usesEnvironmentKeys = inner.usesEnvironmentKeys;
      }
    } else {
      const credentialSource = data.credential_source ?? '';
      const setting = `credential_source = ${credentialSource} in ${this.fileOf(name, 'credential_source')}`;
      if (!(CREDENTIAL_SOURCES as readonly string[]).includes(credentialSource)) {
        return {
          kind: 'invalid',
          problem: `profile ${name}: ${setting} is not one the SDK knows; use ${CREDENTIAL_SOURCES.join(', ')}, or source_profile`,
        };
      }
      if (credentialSource === 'Environment') {
        if (!this.env.AWS_ACCESS_KEY_ID || !this.env.AWS_SECRET_ACCESS_KEY) {
          return {
            kind: 'invalid',
            problem: `profile ${name}: ${setting}, but AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not both set; export them before running, or use source_profile`,
          };
        }
        usesEnvironmentKeys = true;
        source = 'credential_source Environment (AWS_ACCESS_KEY_ID is set)';
      } else {
        // Instance or container metadata is only reachable on AWS itself; --live tries it.
        source = `credential_source ${credentialSource} (checked with --live)`;
      }
    }
    if (isCredentialSourceWithoutRoleArn(data)) return { kind: 'ok', source, usesEnvironmentKeys };
    if (data.mfa_serial !== undefined) {
      // fromIni needs an mfaCodeProvider, which the SDK clients here do not have, and Terraform
      // stops with AssumeRoleTokenProviderNotSetError (hashicorp/terraform-provider-aws#10491).
      return {
        kind: 'invalid',
        problem: `profile ${name}: mfa_serial in ${this.fileOf(name, 'mfa_serial')}: neither Terraform nor the SDK here can ask for an MFA code; use SSO or credential_process instead, or remove mfa_serial`,
      };
    }
    return { kind: 'ok', source: `role ${String(data.role_arn)} via ${source}`, usesEnvironmentKeys };
  }

  /** fromTokenFile reads the token file when it signs in; a missing file fails then. */
  private resolveWebIdentity(name: string, data: Section): ProfileResolution {
    const tokenFile = String(data.web_identity_token_file);
    if (!existsSync(tokenFile)) {
      return {
        kind: 'invalid',
        problem: `profile ${name}: web_identity_token_file = ${tokenFile} in ${this.fileOf(name, 'web_identity_token_file')} does not exist; fix the path`,
      };
    }
    return {
      kind: 'ok',
      source: `role ${String(data.role_arn)} via web_identity_token_file ${tokenFile}`,
      usesEnvironmentKeys: false,
    };
  }

  /** fromSSO: an sso_session's section gives sso_start_url and sso_region; then all four settings are needed. */
  private resolveSso(name: string, data: Section): ProfileResolution {
    const file = this.fileOf(name, data.sso_session !== undefined ? 'sso_session' : 'sso_start_url');
    let settings = data;
    let via = 'legacy sso_start_url';
    if (data.sso_session !== undefined) {
      const session = this.files.ssoSessions[data.sso_session];
      if (session === undefined) {
        return {
          kind: 'invalid',
          problem: `profile ${name}: sso_session = ${data.sso_session} in ${file}, but ${this.files.locations.configFile} has no [sso-session ${data.sso_session}] section; add it with "aws configure sso-session" or fix sso_session`,
        };
      }
      settings = { ...data, sso_start_url: session.sso_start_url, sso_region: session.sso_region };
      via = `[sso-session ${data.sso_session}]`;
    }
    const missing = SSO_SETTINGS.filter((key) => !settings[key]);
    if (missing.length > 0) {
      const where =
        data.sso_session !== undefined ? ` (sso_start_url and sso_region belong in [sso-session ${data.sso_session}])` : '';
      return {
        kind: 'invalid',
        problem: `profile ${name}: SSO profile in ${file} lacks ${missing.join(', ')}${where}; add them with "aws configure sso --profile ${name}"`,
      };
    }
    return {
      kind: 'ok',
      source: `SSO via ${via} in ${file} (sign in with "aws sso login --profile ${name}")`,
      usesEnvironmentKeys: false,
    };
  }

  /** The profile exists but nothing in it resolves: say which setting is half there, when one is. */
  private explainNoCredentials(name: string, data: Section): ProfileResolution {
    if (data.role_arn !== undefined) {
      const both = data.source_profile !== undefined && data.credential_source !== undefined;
      return {
        kind: 'invalid',
        problem: `profile ${name}: role_arn in ${this.fileOf(name, 'role_arn')} needs exactly one of source_profile or credential_source, and ${both ? 'both are' : 'neither is'} set; ${both ? 'remove one' : 'add source_profile = <profile with credentials>'}`,
      };
    }
    if (data.aws_access_key_id !== undefined) {
      return {
        kind: 'invalid',
        problem: `profile ${name}: aws_access_key_id in ${this.fileOf(name, 'aws_access_key_id')} has no aws_secret_access_key beside it; add it with "aws configure --profile ${name}"`,
      };
    }
    return { kind: 'no-credentials' };
  }
}
