import { cliForNode } from '../cli/node-cli';
import { ConfigError } from '../config/errors';
import { mirrorCliConfig, PROVIDER_MIRROR_ENV } from '../terraform/cli-config';
import { AWS_PROVIDER_VERSION } from '../terraform/provider-mirror';
import { needsCliConfig, type ProviderSource } from '../terraform/provider-source';
import { terraformRunEnv } from '../terraform/run-env';
import {
  busyLimitInEffect,
  chooseBusyLimit,
  chooseParallelism,
  type MachineResources,
  MAX_DEPLOY_PARALLELISM,
} from '../process/parallelism';

export const DEPLOY_USAGE = `Usage: npm run deploy -- <stack>... [options]

Synthesizes the app, then deploys the stacks (names or quoted globs: 'state-*', pipeline-prod) with
terraform itself, in each stack's folder of the synth output: terraform init, then terraform apply
-auto-approve -json. There are no approval prompts: review the changes first with "npm run cli -- diff <stack>".
With an offline provider mirror (BOOTSTRAP_PROVIDER_MIRROR, a filesystem_mirror in TF_CLI_CONFIG_FILE, or
one found on this machine) terraform takes the provider from it. Stacks deploy N at a time: --parallelism N,
else BOOTSTRAP_DEPLOY_PARALLELISM, else derived from this machine's memory; a further stack starts only while
fewer than two a core use CPU (BOOTSTRAP_DEPLOY_BUSY_LIMIT), so stacks start as others wait.
It shows a line when a stack starts and when it finishes, Terraform's errors, and the count done / running /
waiting / failed; terraform's full output goes to a log file (--verbose shows it as well).
Ctrl-C stops Terraform cleanly (a second Ctrl-C kills it); then run the same command again.

Options:
  --parallelism N       stacks deployed at once
  --output DIR          synth output folder (default: cdktf.json's "output")
  --outputs-file FILE   write the deployed stacks' outputs as JSON: {"<stack>": {"<output>": value}}
  --migrate-state       let terraform init copy the state to a changed backend (-migrate-state -force-copy)
  --skip-synth          deploy the synth output as it is
  --verbose             show terraform's output too
  --auto-approve, --skip-provider-lock, --no-color: accepted for cdktf's sake; they change nothing here
`;

/** Options of `npm run deploy`, as given. */
export interface DeployArgs {
  /** Stack names or globs. */
  readonly patterns: readonly string[];
  readonly verbose: boolean;
  /** `--parallelism` as given (checked by {@link deployCommand}). */
  readonly parallelism?: string;
  readonly output?: string;
  readonly outputsFile?: string;
  readonly migrateState: boolean;
  readonly skipSynth: boolean;
}

const VALUE_OPTIONS = ['--parallelism', '--output', '--outputs-file'] as const;
const FLAGS = ['--verbose', '--migrate-state', '--skip-synth', '--auto-approve', '--skip-provider-lock', '--no-color'] as const;
const SUPPORTED = [...VALUE_OPTIONS.map((option) => `${option} <value>`), ...FLAGS].join(', ');

/**
 * Reads the wrapper's arguments: stacks, and the options of {@link DEPLOY_USAGE} (`--name value` or `--name=value`).
 * @throws ConfigError naming an option it does not support, and the supported ones
 */
export function parseDeployArgs(args: readonly string[]): DeployArgs {
  const patterns: string[] = [];
  const values = new Map<string, string>();
  const flags = new Set<string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (!arg.startsWith('-')) {
      patterns.push(arg);
      continue;
    }
    const [name = '', inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg];
    if ((VALUE_OPTIONS as readonly string[]).includes(name)) {
      const value = inline ?? args[++i];
      if (value === undefined || value === '') throw new ConfigError([`npm run deploy: ${name} needs a value`]);
      values.set(name, value);
    } else if ((FLAGS as readonly string[]).includes(arg)) {
      flags.add(arg);
    } else {
      throw new ConfigError([
        `npm run deploy: ${name} is not supported (the deploy runs terraform itself, not cdktf deploy); supported: ${SUPPORTED}`,
      ]);
    }
  }
  const [parallelism, output, outputsFile] = VALUE_OPTIONS.map((option) => values.get(option));
  return {
    patterns,
    verbose: flags.has('--verbose'),
    migrateState: flags.has('--migrate-state'),
    skipSynth: flags.has('--skip-synth'),
    ...(parallelism !== undefined ? { parallelism } : {}),
    ...(output !== undefined ? { output } : {}),
    ...(outputsFile !== undefined ? { outputsFile } : {}),
  };
}

/** How a deploy runs: its environment, parallelism, and how to show it to the user. */
export interface DeployCommand {
  /** Environment of the CLI (synth) and terraform (a CLI config naming the mirror when terraform needs one). */
  readonly env: NodeJS.ProcessEnv;
  readonly source: ProviderSource;
  /** Stacks deployed at once, at most (the memory bound). */
  readonly parallelism: number;
  /** Stacks using CPU at once before no further one starts (chooseBusyLimit); `Infinity`: none. */
  readonly busyLimit: number;
  /** What goes before a command line to show its environment: `TF_CLI_CONFIG_FILE=<temp folder>/terraform.rc `, or nothing. */
  readonly envPrefix: string;
  /** The same deploy by hand, with cdktf's CLI (which prompts before each stack). */
  readonly byHand: string;
  /** Where the provider comes from, when a mirror is in use. */
  readonly note?: string;
  /** How many stacks deploy at once and why, e.g. `12 stack(s) at a time (from this machine: ...)`. */
  readonly parallelismNote: string;
}

export interface DeployCommandOptions {
  /** Folder for the terraform CLI config that names a mirror; the caller creates and removes it. */
  readonly workDir: string;
  /** @default findProviderMirror (see `providerSource`) */
  readonly findMirror?: (env: NodeJS.ProcessEnv) => string | undefined;
  /** What the default parallelism is derived from. @default currentMachine() */
  readonly machine?: MachineResources;
  /** Whether the stacks' CPU can be read, for the busy limit. @default hasProc() (Linux) */
  readonly canSeeCpu?: boolean;
}

/**
 * The deploy of `args`: its environment is `terraformRunEnv`'s, as for every command (mirror, CLI config,
 * checkpoint off, retries); without `--parallelism` the parallelism is {@link chooseParallelism}'s.
 * @throws ConfigError when `BOOTSTRAP_PROVIDER_MIRROR` names a folder without the provider, or the parallelism
 * (`--parallelism`, `BOOTSTRAP_DEPLOY_PARALLELISM`) is not a whole number from 1 to MAX_DEPLOY_PARALLELISM.
 */
export function deployCommand(args: DeployArgs, env: NodeJS.ProcessEnv, options: DeployCommandOptions): DeployCommand {
  const { env: deployEnv, source } = terraformRunEnv(env, {
    workDir: options.workDir,
    ...(options.findMirror !== undefined ? { findMirror: options.findMirror } : {}),
  });
  let parallelism: number;
  let parallelismNote: string;
  if (args.parallelism === undefined) {
    const choice = chooseParallelism(env, options.machine);
    parallelism = choice.value;
    parallelismNote = `${choice.value} stack(s) at a time (${choice.reason})`;
  } else {
    parallelism = Number(args.parallelism);
    if (!/^\d+$/.test(args.parallelism) || parallelism < 1 || parallelism > MAX_DEPLOY_PARALLELISM) {
      throw new ConfigError([
        `npm run deploy: --parallelism ${args.parallelism}: give a whole number from 1 to ${MAX_DEPLOY_PARALLELISM}`,
      ]);
    }
    parallelismNote = `${parallelism} stack(s) at a time (from --parallelism)`;
  }
  const busyLimit = chooseBusyLimit(env, options.machine?.cores);
  const inEffect = busyLimitInEffect(busyLimit, options.canSeeCpu);
  if (inEffect !== undefined) parallelismNote += `; another starts only while fewer than ${inEffect} use CPU`;
  const prefix = needsCliConfig(source) ? `TF_CLI_CONFIG_FILE=${shellQuote(deployEnv.TF_CLI_CONFIG_FILE ?? '')} ` : '';
  const output = args.output !== undefined ? ['--output', args.output] : [];
  const byHand = [
    'deploy',
    ...args.patterns,
    ...output,
    ...(args.outputsFile !== undefined ? ['--outputs-file', args.outputsFile] : []),
    ...(args.migrateState ? ['--migrate-state'] : []),
    '--parallelism',
    String(parallelism),
    ...(source.kind !== 'registry' ? ['--skip-provider-lock'] : []),
  ];
  const note = source.kind === 'registry' ? undefined : `${describeSource(source)}: nothing is downloaded`;
  return {
    env: deployEnv,
    source,
    parallelism,
    busyLimit,
    envPrefix: prefix,
    byHand: `${prefix}${cliForNode().npx} ${byHand.map(shellQuote).join(' ')}`,
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
