// What the app can tell about the cdktf CLI that runs it. Kept free of cdktf: main.ts loads it first.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';

/**
 * True when the cdktf CLI runs the app (`cdktf synth`, `deploy`, `destroy`, `diff`): the CLI sets this
 * variable for the app and prints every annotation itself (cdktf's StackSynthesizer reads it the same
 * way). It also prints every chunk the app writes to stderr, as `[ERROR] default - ...`, so under the
 * CLI warnings and notes must be annotations only.
 */
export function cliPrintsAnnotations(env: NodeJS.ProcessEnv): boolean {
  return env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS !== undefined;
}

/** A process's command line and parent. */
export interface ProcessInfo {
  readonly argv: readonly string[];
  readonly ppid: number;
}

/** Reads a process's command line and parent from Linux's /proc; `undefined` where it cannot. */
export function readProcess(pid: number): ProcessInfo | undefined {
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    if (argv.at(-1) === '') argv.pop();
    // The command name in parentheses may hold spaces: the fields after it are fixed.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    return Number.isInteger(ppid) ? { argv, ppid } : undefined;
  } catch {
    return undefined;
  }
}

/** Ancestors looked at: the app's shell (cdktf runs the `app` with `shell: true`), then the CLI. */
const MAX_ANCESTORS = 4;

/**
 * The arguments of the cdktf CLI that runs this app (those after its `cdktf` or `cdktn` script), found among the
 * app's nearest ancestors; `undefined` when the CLI does not run the app or its command line cannot be
 * read (no /proc, as on macOS). cdktf passes the app no other trace of the command.
 */
export function cdktfArguments(
  env: NodeJS.ProcessEnv,
  parent: number = process.ppid,
  read: (pid: number) => ProcessInfo | undefined = readProcess,
): readonly string[] | undefined {
  if (!cliPrintsAnnotations(env)) return undefined;
  let pid = parent;
  for (let depth = 0; depth < MAX_ANCESTORS && pid > 1; depth++) {
    const info = read(pid);
    if (info === undefined) return undefined;
    // cdktf-cli's `cdktf` script, or CDK Terrain's `cdktn` (`cdktn.js`), which the project runs from Node 22.19.
    const script = info.argv.findIndex((arg) => /^cdkt[fn](\.js)?$/.test(path.basename(arg)));
    if (script !== -1) return info.argv.slice(script + 1);
    pid = info.ppid;
  }
  return undefined;
}

/** The options of cdktf 0.21's `deploy` and `destroy` that take a value, so that values are not read as stack names. */
const CDKTF_VALUE_OPTIONS = {
  app: { type: 'string', short: 'a' },
  output: { type: 'string', short: 'o' },
  parallelism: { type: 'string' },
  'terraform-parallelism': { type: 'string' },
  'outputs-file': { type: 'string' },
  var: { type: 'string', multiple: true },
  'var-file': { type: 'string', multiple: true },
  'log-level': { type: 'string' },
} as const;

/** A cdktf command line's positionals (command, stack patterns) and option values, unknown flags tolerated. */
export function parseCdktfArgs(args: readonly string[]) {
  return parseArgs({ args: [...args], strict: false, allowPositionals: true, options: CDKTF_VALUE_OPTIONS });
}

/**
 * The stack arguments (names or globs, possibly none) of `cdktf destroy [stacks..]`, or `undefined`
 * for any other command. The options that take a value are those of cdktf 0.21's `destroy`.
 */
export function destroyStackPatterns(args: readonly string[]): readonly string[] | undefined {
  const { positionals } = parseCdktfArgs(args);
  return positionals[0] === 'destroy' ? positionals.slice(1) : undefined;
}

/**
 * Whether `stackId` matches a cdktf stack pattern: the exact name, or a glob with `*` and `?` (what
 * stack names need; a pattern with other glob syntax matches only itself).
 */
export function matchesStackPattern(stackId: string, pattern: string): boolean {
  const source = pattern
    .split('')
    .map((char) => (char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[.+^${}()|[\]\\]/, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`).test(stackId);
}
