import { readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PROVIDER_MIRROR_ENV } from './cli-config';
import { findProviderMirror, holdsAwsProvider } from './provider-mirror';

/**
 * Where terraform will get hashicorp/aws from, decided from files and variables only (never the
 * network). Every kind but `registry` is an offline mirror, so `terraform providers lock` (which
 * always asks registry.terraform.io) must be skipped: `cdktf deploy --skip-provider-lock`.
 */
export type ProviderSource =
  /** `BOOTSTRAP_PROVIDER_MIRROR`; terraform needs a CLI config naming it (see `terraformEnv`). */
  | { readonly kind: 'variable'; readonly mirror: string }
  /** A `filesystem_mirror` of terraform's own CLI config (`TF_CLI_CONFIG_FILE`, else `~/.terraformrc`). */
  | { readonly kind: 'cli-config'; readonly mirror: string; readonly file: string }
  /** Terraform's implied local mirror folders, which it uses without configuration. */
  | { readonly kind: 'implied'; readonly mirror: string }
  /** A mirror found on the machine that terraform does not know about; it needs a CLI config naming it. */
  | { readonly kind: 'found'; readonly mirror: string }
  /** No mirror: terraform downloads the provider from registry.terraform.io. */
  | { readonly kind: 'registry' };

/**
 * The provider source for `env`: `BOOTSTRAP_PROVIDER_MIRROR` first (what the sandbox and tests use,
 * even when it lacks the provider: the doctor reports that), then terraform's CLI config, then a
 * mirror on the machine (`findMirror`), else the registry.
 */
export function providerSource(
  env: NodeJS.ProcessEnv,
  findMirror: (env: NodeJS.ProcessEnv) => string | undefined = findProviderMirror,
): ProviderSource {
  const configured = env[PROVIDER_MIRROR_ENV]?.trim();
  if (configured !== undefined && configured !== '') return { kind: 'variable', mirror: path.resolve(configured) };
  const cli = cliConfigMirrors(env);
  const cliMirror = cli.mirrors.find((mirror) => holdsAwsProvider(mirror));
  if (cliMirror !== undefined) return { kind: 'cli-config', mirror: cliMirror, file: cli.file };
  const found = findMirror(env);
  if (found === undefined) return { kind: 'registry' };
  return { kind: isImpliedMirror(found) ? 'implied' : 'found', mirror: found };
}

/** True when terraform needs a CLI config written for it to use the source (see `terraformEnv`). */
export function needsCliConfig(
  source: ProviderSource,
): source is { readonly kind: 'variable' | 'found'; readonly mirror: string } {
  return source.kind === 'variable' || source.kind === 'found';
}

/**
 * The CLI config terraform reads (`TF_CLI_CONFIG_FILE`, else `~/.terraformrc`) and the
 * `filesystem_mirror` folders it declares. Only that block is looked at; a missing file is none.
 */
export function cliConfigMirrors(
  env: NodeJS.ProcessEnv,
  home: string = env.HOME ?? os.homedir(),
): { file: string; mirrors: string[] } {
  const configured = env.TF_CLI_CONFIG_FILE?.trim();
  const file = configured !== undefined && configured !== '' ? path.resolve(configured) : path.join(home, '.terraformrc');
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return { file, mirrors: [] };
  }
  const mirrors = [...text.matchAll(/filesystem_mirror\s*\{[^}]*?\bpath\s*=\s*"([^"]+)"/g)].map((match) => match[1] ?? '');
  return { file, mirrors: mirrors.filter((mirror) => mirror !== '') };
}

/** Terraform's own local mirror folders (`~/.terraform.d/plugins`, `<XDG data dir>/terraform/plugins`), used without configuration. */
function isImpliedMirror(dir: string): boolean {
  return path.basename(dir) === 'plugins' && ['.terraform.d', 'terraform'].includes(path.basename(path.dirname(dir)));
}
