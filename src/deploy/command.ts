import { cliForNode } from '../cli/node-cli';
import { mirrorCliConfig, PROVIDER_MIRROR_ENV } from '../terraform/cli-config';
import { AWS_PROVIDER_VERSION } from '../terraform/provider-mirror';
import { needsCliConfig, type ProviderSource } from '../terraform/provider-source';
import { terraformRunEnv } from '../terraform/run-env';
import { chooseParallelism, type MachineResources } from '../process/parallelism';

export const DEPLOY_USAGE = `Usage: npm run deploy -- <stack>... [--verbose] [cdktf deploy options]

Runs the project's "cdktf deploy" for the stacks (names or quoted globs: 'state-*', pipeline-prod) and
prints the command first. It deploys without approval prompts (--auto-approve): review the changes first
with "npm run cli -- diff <stack>". With an offline provider mirror (BOOTSTRAP_PROVIDER_MIRROR, a
filesystem_mirror in TF_CLI_CONFIG_FILE, or one found on this machine) it adds --skip-provider-lock and
points terraform at the mirror. Stacks deploy N at a time: --parallelism N, else BOOTSTRAP_DEPLOY_PARALLELISM,
else derived from free memory (0.75 GB a stack) and cores (6 stacks each), at most 16.
It shows one line per finished stack and the count done / running / waiting / failed; cdktf's full
output goes to a log file (--verbose shows it as well). Other options go to cdktf as they are.
Ctrl-C stops Terraform cleanly (a second Ctrl-C kills it); then run the same command again.
`;

/** A `cdktf deploy` ready to run: its arguments, environment and how to show it to the user. */
export interface DeployCommand {
  /** Arguments of the cdktf CLI: `deploy`, the user's arguments, then the flags added. */
  readonly args: readonly string[];
  /** Environment of cdktf and terraform (a CLI config naming the mirror when terraform needs one). */
  readonly env: NodeJS.ProcessEnv;
  readonly source: ProviderSource;
  /** The command as one shell line, e.g. `TF_CLI_CONFIG_FILE=<temp folder>/terraform.rc npx cdktf deploy 'state-*' ...`. */
  readonly display: string;
  /** Where the provider comes from and why flags were added, when a mirror is in use. */
  readonly note?: string;
  /** How many stacks deploy at once and why, e.g. `12 stacks at a time (from this machine: ...)`. */
  readonly parallelismNote: string;
}

export interface DeployCommandOptions {
  /** Folder for the terraform CLI config that names a mirror; the caller creates and removes it. */
  readonly workDir: string;
  /** @default findProviderMirror (see `providerSource`) */
  readonly findMirror?: (env: NodeJS.ProcessEnv) => string | undefined;
  /** What the default parallelism is derived from. @default currentMachine() */
  readonly machine?: MachineResources;
}

/**
 * `cdktf deploy` with the user's arguments, plus `--auto-approve` (cdktf runs in a process group of
 * its own so that Ctrl-C reaches terraform only through us, and a background group cannot prompt on
 * the terminal) and, with an offline mirror, `--skip-provider-lock`: cdktf's lock step runs
 * `terraform providers lock`, which always asks registry.terraform.io and fails offline with
 * "Could not retrieve providers for locking". Its environment is `terraformRunEnv`'s, as for every command.
 * Without `--parallelism` it adds the one of {@link chooseParallelism}: each stack deploying runs its own provider.
 * @throws ConfigError when `BOOTSTRAP_PROVIDER_MIRROR` names a folder without the provider, or
 * `BOOTSTRAP_DEPLOY_PARALLELISM` is not a number from 1 to 32.
 */
export function deployCommand(userArgs: readonly string[], env: NodeJS.ProcessEnv, options: DeployCommandOptions): DeployCommand {
  const { env: deployEnv, source } = terraformRunEnv(env, {
    workDir: options.workDir,
    ...(options.findMirror !== undefined ? { findMirror: options.findMirror } : {}),
  });
  const args = ['deploy', ...userArgs];
  if (!userArgs.includes('--auto-approve')) args.push('--auto-approve');
  const given = userArgs.findIndex((arg) => arg === '--parallelism' || arg.startsWith('--parallelism='));
  let parallelismNote: string;
  if (given === -1) {
    const choice = chooseParallelism(env, options.machine);
    args.push('--parallelism', String(choice.value));
    parallelismNote = `${choice.value} stack(s) at a time (${choice.reason})`;
  } else {
    const arg = userArgs[given] ?? '';
    const value = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : userArgs[given + 1];
    parallelismNote = `${value ?? '?'} stack(s) at a time (from --parallelism)`;
  }
  if (source.kind !== 'registry' && !userArgs.includes('--skip-provider-lock')) args.push('--skip-provider-lock');
  const prefix = needsCliConfig(source) ? `TF_CLI_CONFIG_FILE=${shellQuote(deployEnv.TF_CLI_CONFIG_FILE ?? '')} ` : '';
  const note = source.kind === 'registry' ? undefined : `${describeSource(source)}: no provider lock step, nothing is downloaded`;
  return {
    args,
    env: deployEnv,
    source,
    display: `${prefix}${cliForNode().npx} ${args.map(shellQuote).join(' ')}`,
    parallelismNote,
    ...(note !== undefined ? { note } : {}),
  };
}

/**
 * What the doctor prints once every check passed: the wrapper command for `stacks` (which picks the
 * parallelism itself) and the plain `cdktf deploy` it stands for (which prompts for approval), with
 * the wrapper's parallelism for a glob and the CLI config terraform needs when the mirror is not in
 * terraform's own configuration.
 */
export function deployAdvice(source: ProviderSource, stacks: readonly string[], parallelism: number | string): string[] {
  // Each stack deploying at once runs its own provider (~0.6 GB): bound a glob as the wrapper does.
  const byHand = (stack: string): string[] => (stack.includes('*') ? [stack, '--parallelism', String(parallelism)] : [stack]);
  const skip = source.kind === 'registry' ? [] : ['--skip-provider-lock'];
  const prefix = needsCliConfig(source) ? 'TF_CLI_CONFIG_FILE=<file> ' : '';
  const lines = ['Deploy with:'];
  for (const stack of stacks) lines.push(`  npm run deploy -- ${shellQuote(stack)}`);
  lines.push('or by hand (it asks before each stack):');
  for (const stack of stacks)
    lines.push(`  ${prefix}${cliForNode().npx} deploy ${[...byHand(stack), ...skip].map(shellQuote).join(' ')}`);
  if (needsCliConfig(source)) {
    lines.push(`  where <file> is a terraform CLI config holding: ${mirrorCliConfig(source.mirror).replace(/\s+/g, ' ').trim()}`);
  }
  return lines;
}

function describeSource(source: Exclude<ProviderSource, { kind: 'registry' }>): string {
  const provider = `hashicorp/aws ${AWS_PROVIDER_VERSION}`;
  switch (source.kind) {
    case 'variable':
      return `${provider} from the offline mirror ${source.mirror} (${PROVIDER_MIRROR_ENV})`;
    case 'cli-config':
      return `${provider} from the offline mirror ${source.mirror} (${source.file})`;
    case 'implied':
      return `${provider} from terraform's implied local mirror ${source.mirror}`;
    case 'found':
      return `${provider} from the offline mirror ${source.mirror}, found on this machine`;
  }
}

/** One word of a POSIX shell command line: as it is when plain, else in single quotes. */
export function shellQuote(word: string): string {
  if (/^[\w@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}
