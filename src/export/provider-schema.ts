import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { ConfigError } from '../config/errors';
import { runProcess } from '../process/run';
import type { ProvidersSchema } from './schema';

const execFileAsync = promisify(execFile);

/**
 * `terraform providers schema -json` for `requiredProviders` (merged `required_providers` of the
 * stacks) and Terraform's built-in provider, read in `workDir` (an empty folder the caller removes)
 * with `env` (a CLI config naming the offline mirror, when there is one: see `terraformEnv`).
 * @throws ConfigError when terraform cannot install the providers.
 */
export async function readProvidersSchema(
  requiredProviders: Readonly<Record<string, unknown>>,
  env: NodeJS.ProcessEnv,
  workDir: string,
): Promise<ProvidersSchema> {
  // A terraform_data brings in the built-in provider's schema (the existing-bucket check is one).
  const config = { terraform: { required_providers: requiredProviders }, resource: { terraform_data: { schema: {} } } };
  writeFileSync(path.join(workDir, 'main.tf.json'), JSON.stringify(config, null, 2));
  const init = await runProcess('terraform', ['init', '-backend=false', '-input=false', '-no-color'], { cwd: workDir, env });
  if (init.code !== 0) {
    const reason = init.tail
      .filter((line) => /Error|error/.test(line))
      .slice(0, 3)
      .join(' ')
      .replace(/\s+/g, ' ')
      .trim();
    throw new ConfigError([
      `terraform init could not install the providers whose schema the export needs (${reason || `exit code ${String(init.code)}`}); offline, point BOOTSTRAP_PROVIDER_MIRROR at a provider mirror`,
    ]);
  }
  const { stdout } = await execFileAsync('terraform', ['providers', 'schema', '-json'], {
    cwd: workDir,
    env,
    // The AWS provider's schema is ~14 MB.
    maxBuffer: 512 * 1024 * 1024,
  });
  return JSON.parse(stdout) as ProvidersSchema;
}
