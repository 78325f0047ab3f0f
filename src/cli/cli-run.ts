// What `npm run cli -- …` and `npx cdktf …` (scripts/run-cli.js) run the CDK for Terraform CLI with: the
// environment every project command runs terraform with (src/terraform/run-env.ts), so that a plain CLI
// command (diff, output, deploy, destroy) works where `npm run deploy` works, offline included.
import { terraformRunEnv } from '../terraform/run-env';
import type { ProviderSource } from '../terraform/provider-source';

/** CLI commands that run `terraform providers lock`, which asks registry.terraform.io even with a mirror. */
const LOCKING_COMMANDS = new Set(['deploy', 'apply', 'diff', 'plan', 'destroy', 'output', 'outputs', 'watch']);

/**
 * The user's CLI arguments, plus `--skip-provider-lock` for a command that would run the lock step when
 * terraform takes the provider from an offline mirror (that step fails offline with "Could not retrieve
 * providers for locking"; the mirror holds the one pinned version anyway).
 */
export function cliArgs(userArgs: readonly string[], source: ProviderSource): string[] {
  const command = userArgs.find((arg) => !arg.startsWith('-'));
  const locks = command !== undefined && LOCKING_COMMANDS.has(command);
  if (source.kind === 'registry' || !locks || userArgs.includes('--skip-provider-lock')) return [...userArgs];
  return [...userArgs, '--skip-provider-lock'];
}

/** The environment and arguments of a CLI run; `workDir` receives the terraform CLI config, when one is needed. */
export function cliRun(
  userArgs: readonly string[],
  env: NodeJS.ProcessEnv,
  workDir: string,
  findMirror?: (env: NodeJS.ProcessEnv) => string | undefined,
): { args: string[]; env: NodeJS.ProcessEnv } {
  const prepared = terraformRunEnv(env, { workDir, ...(findMirror !== undefined ? { findMirror } : {}) });
  return { args: cliArgs(userArgs, prepared.source), env: prepared.env };
}
