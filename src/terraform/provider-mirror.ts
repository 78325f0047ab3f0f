import { existsSync, readdirSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PROVIDER_MIRROR_ENV } from './cli-config';

/** The provider this project's stacks pin (bound by @cdktf/provider-aws 20.1.0). */
export const AWS_PROVIDER_VERSION = '5.100.0';
const PROVIDER_DIR = path.join('registry.terraform.io', 'hashicorp', 'aws', AWS_PROVIDER_VERSION);

/** True when `dir` is a mirror (unpacked or packed layout) that holds the pinned AWS provider. */
export function holdsAwsProvider(dir: string): boolean {
  const packed = path.join(
    dir,
    'registry.terraform.io',
    'hashicorp',
    'aws',
    `terraform-provider-aws_${AWS_PROVIDER_VERSION}_linux_amd64.zip`,
  );
  return existsSync(path.join(dir, PROVIDER_DIR)) || existsSync(packed);
}

/**
 * Finds an offline provider mirror for machines without registry access: the folder named by
 * `BOOTSTRAP_PROVIDER_MIRROR`; else Terraform's own implied local mirror folders; else a shallow
 * search (two levels) of the usual install roots. Returns `undefined` when there is none, in which
 * case terraform uses its normal configuration (the public registry).
 */
export function findProviderMirror(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const configured = env[PROVIDER_MIRROR_ENV];
  if (configured !== undefined && configured.trim() !== '') return path.resolve(configured);

  const home = os.homedir();
  const implied = [
    path.join(home, '.terraform.d', 'plugins'),
    path.join(env.XDG_DATA_HOME ?? path.join(home, '.local', 'share'), 'terraform', 'plugins'),
    ...(env.XDG_DATA_DIRS ?? '/usr/local/share:/usr/share').split(':').map((dir) => path.join(dir, 'terraform', 'plugins')),
  ];
  const found = implied.find(holdsAwsProvider);
  if (found !== undefined) return found;

  for (const root of ['/opt', '/usr/local', '/usr/share', '/srv', home]) {
    for (const candidate of childDirs(root)) {
      if (holdsAwsProvider(candidate)) return candidate;
      const deeper = childDirs(candidate).find(holdsAwsProvider);
      if (deeper !== undefined) return deeper;
    }
  }
  return undefined;
}

function childDirs(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.') && entry.name !== 'node_modules')
      .map((entry) => path.join(dir, entry.name));
  } catch {
    return [];
  }
}
