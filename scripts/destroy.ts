// `npm run destroy -- <account> [--delete-objects] [--confirm <bucket-name>]`: the guarded destroy of one
// account's state stack (src/destroy/). Needs "allowDestroy": true on the account and the bucket's name
// typed (or --confirm); a bucket that holds anything is refused without --delete-objects.
// Exit code 0 when the stack is destroyed, 1 on every refusal or failure, 2 for a bad command line.
import { createInterface } from 'node:readline/promises';
import { runCommand } from '../src/cli/user-error';
import { ConfigError, loadConfig, readSettings } from '../src/config';
import { DESTROY_USAGE, parseDestroyArgs, runDestroy } from '../src/destroy';
import { killRunningChildren } from '../src/process/run';

/** Reads one line typed on the terminal; Ctrl-C at the prompt aborts with nothing changed. */
async function ask(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  const abort = new AbortController();
  rl.once('SIGINT', () => {
    abort.abort();
  });
  try {
    return await rl.question(question, { signal: abort.signal });
  } catch (error) {
    if (abort.signal.aborted) throw new ConfigError(['aborted at the confirmation; nothing was changed']);
    throw error;
  } finally {
    rl.close();
  }
}

async function main(): Promise<number> {
  const args = parseDestroyArgs(process.argv.slice(2));
  if (args.kind === 'help') {
    process.stdout.write(DESTROY_USAGE);
    return 0;
  }
  if (args.kind === 'error') {
    process.stderr.write(`error: ${args.message}\n${DESTROY_USAGE}`);
    return 2;
  }
  // An invalid accounts.json or environment throws a ConfigError: runCommand prints it, exit code 1.
  const settings = readSettings(process.env);
  const config = loadConfig(settings.accountsFile);
  return runDestroy({
    config,
    stateDir: settings.stateDir,
    outdir: settings.outdir,
    account: args.account,
    deleteObjects: args.deleteObjects,
    ...(args.confirm !== undefined ? { confirm: args.confirm } : {}),
    env: process.env,
    ...(process.stdin.isTTY ? { ask } : {}),
    print: (line) => {
      process.stdout.write(`${line}\n`);
    },
    signal: interrupted.signal,
  });
}

// Ctrl-C: cdktf runs in its own process group, so pass the signal on (terraform stops too), and stop
// the command itself before its next step (runDestroy checks the abort signal).
const interrupted = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    interrupted.abort();
    killRunningChildren(signal);
    process.exitCode = 130;
  });
}

runCommand(main);
