import { writeFileSync } from 'node:fs';
import * as path from 'node:path';

/**
 * Environment variable naming a Terraform provider mirror folder (the layout of
 * `terraform providers mirror`: `<dir>/registry.terraform.io/hashicorp/aws/<version>/...`).
 * When set, every terraform this project starts installs providers from it and never from a registry.
 */
export const PROVIDER_MIRROR_ENV = 'BOOTSTRAP_PROVIDER_MIRROR';

/** Text of a Terraform CLI config that installs every provider from `mirrorDir` only. */
export function mirrorCliConfig(mirrorDir: string): string {
  return [
    'provider_installation {',
    '  filesystem_mirror {',
    `    path = ${JSON.stringify(path.resolve(mirrorDir))}`,
    '  }',
    '}',
    '',
  ].join('\n');
}

/**
 * Environment for terraform and cdktf processes: offline provider installation when
 * `BOOTSTRAP_PROVIDER_MIRROR` is set (a CLI config written to `workDir`, which the caller
 * removes), and no update checks. Returns `env` unchanged otherwise, apart from the latter.
 */
export function terraformEnv(env: NodeJS.ProcessEnv, workDir: string): NodeJS.ProcessEnv {
  const result: NodeJS.ProcessEnv = { ...env, CHECKPOINT_DISABLE: '1' };
  const mirror = env[PROVIDER_MIRROR_ENV];
  if (mirror !== undefined && mirror.trim() !== '') {
    const file = path.join(workDir, 'terraform.rc');
    writeFileSync(file, mirrorCliConfig(mirror));
    result.TF_CLI_CONFIG_FILE = file;
  }
  return result;
}
