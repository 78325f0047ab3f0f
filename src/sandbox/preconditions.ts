import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { PROVIDER_MIRROR_ENV } from '../terraform/cli-config';
import { findOnPath } from '../process/find-on-path';
import { MOTO_INSTALL_HINT } from './moto';

/** What a deploy against a local AWS double needs on this machine. */
export interface ToolRequirements {
  /** Require `BOOTSTRAP_PROVIDER_MIRROR` to be set (offline machines, CI). @default false: checked only when set */
  readonly mirror?: boolean;
}

/**
 * Problems that stop a deploy to moto before it starts: terraform or moto_server missing from
 * PATH, or a provider mirror that is required or named but not there. One line each, with the fix.
 */
export function missingTools(env: NodeJS.ProcessEnv, requirements: ToolRequirements = {}): string[] {
  const problems: string[] = [];
  if (findOnPath('terraform', env) === undefined) {
    problems.push(
      'terraform was not found on PATH; install Terraform >= 1.5 (https://developer.hashicorp.com/terraform/install)',
    );
  }
  if (findOnPath('moto_server', env) === undefined) {
    problems.push(`moto_server was not found on PATH; install the local AWS double with: ${MOTO_INSTALL_HINT}`);
  }
  const mirror = env[PROVIDER_MIRROR_ENV]?.trim();
  if (mirror === undefined || mirror === '') {
    if (requirements.mirror === true) {
      problems.push(
        `${PROVIDER_MIRROR_ENV} is not set; point it at a provider mirror folder (made with "terraform providers mirror") that holds hashicorp/aws`,
      );
    }
  } else if (!existsSync(path.join(mirror, 'registry.terraform.io', 'hashicorp', 'aws'))) {
    problems.push(
      `${PROVIDER_MIRROR_ENV}: "${mirror}" holds no registry.terraform.io/hashicorp/aws; fix the path, or unset it to install providers from the registry`,
    );
  }
  return problems;
}
