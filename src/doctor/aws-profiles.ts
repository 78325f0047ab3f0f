import { readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** The AWS config and credentials files that terraform and the AWS SDKs read. */
export interface AwsFileLocations {
  /** `AWS_CONFIG_FILE`, else `~/.aws/config`. */
  readonly configFile: string;
  /** `AWS_SHARED_CREDENTIALS_FILE`, else `~/.aws/credentials`. */
  readonly credentialsFile: string;
}

/** Where the AWS tools look for their files, following the same variables they do. */
export function awsFileLocations(env: NodeJS.ProcessEnv, home: string = os.homedir()): AwsFileLocations {
  const pick = (variable: string, fallback: string): string => {
    const value = env[variable]?.trim();
    if (value === undefined || value === '') return path.join(home, '.aws', fallback);
    return value.startsWith('~/') ? path.join(home, value.slice(2)) : path.resolve(value);
  };
  return { configFile: pick('AWS_CONFIG_FILE', 'config'), credentialsFile: pick('AWS_SHARED_CREDENTIALS_FILE', 'credentials') };
}

/** The profiles defined in the AWS files, with the setting names each section holds. */
export interface AwsProfiles {
  /** Profile name → keys of its `[profile NAME]` (or `[default]`) section in the config file. */
  readonly config: ReadonlyMap<string, readonly string[]>;
  /** Profile name → keys of its `[NAME]` section in the credentials file. */
  readonly credentials: ReadonlyMap<string, readonly string[]>;
  /** Files that exist but could not be read, one line each. Missing files are simply empty. */
  readonly problems: readonly string[];
}

/** Reads the profile sections of both files. Read-only: the files are never written. */
export function readAwsProfiles(locations: AwsFileLocations): AwsProfiles {
  const problems: string[] = [];
  const read = (file: string): string => {
    try {
      return readFileSync(file, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') problems.push(`${file}: cannot be read (${String(code)}); check its permissions`);
      return '';
    }
  };
  return {
    config: profileSections(read(locations.configFile), 'config'),
    credentials: profileSections(read(locations.credentialsFile), 'credentials'),
    problems,
  };
}

/**
 * The profile sections of an AWS INI file and the keys set in each. In the config file a profile
 * is `[profile NAME]` (or `[default]`); other sections (`[sso-session x]`, `[services x]`) are not
 * profiles. In the credentials file every `[NAME]` is a profile. Comments start with `#` or `;`.
 */
export function profileSections(text: string, kind: 'config' | 'credentials'): Map<string, string[]> {
  const sections = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.replace(/^\uFEFF/, '');
    if (/^\s*([#;]|$)/.test(line)) continue;
    const header = /^\s*\[\s*([^\]]*?)\s*\]\s*([#;].*)?$/.exec(line);
    if (header !== null) {
      const name = profileName(header[1] ?? '', kind);
      current = undefined;
      if (name !== undefined) {
        current = sections.get(name) ?? [];
        sections.set(name, current);
      }
      continue;
    }
    // Indented lines continue a nested setting (e.g. `s3 =` followed by `  addressing_style = path`).
    const setting = /^([^\s=][^=]*?)\s*=/.exec(line);
    if (setting !== null && current !== undefined) current.push((setting[1] ?? '').trim());
  }
  return sections;
}

function profileName(section: string, kind: 'config' | 'credentials'): string | undefined {
  if (kind === 'credentials') return section === '' ? undefined : section;
  if (section === 'default') return 'default';
  const match = /^profile\s+(.+)$/.exec(section);
  return match?.[1]?.trim();
}

/** Settings that give a config-file profile credentials of its own, without the credentials file. */
export const CREDENTIAL_SOURCES = [
  'aws_access_key_id',
  'sso_session',
  'sso_start_url',
  'role_arn',
  'credential_process',
  'web_identity_token_file',
  'login_session',
] as const;
