// `npm run recover-state -- [<stack>...] [--allow-updates]`: rebuilds lost local state (terraform-state/)
// by importing every resource of the synthesized stacks from AWS (src/recover/, docs/recover-lost-state.md).
// Exit code 0 when every stack was recovered or left alone, 1 when one was refused, 2 for a bad command line.
import { parseArgs } from 'node:util';
import { runCommand } from '../src/cli/user-error';
import { readSettings } from '../src/config';
import { RECOVER_USAGE, runRecover } from '../src/recover';
import { killRunningChildren } from '../src/process/run';

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: process.argv.slice(2),
      options: { 'allow-updates': { type: 'boolean', default: false }, help: { type: 'boolean', default: false } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n${RECOVER_USAGE}`);
    return 2;
  }
  if (parsed.values.help) {
    process.stdout.write(RECOVER_USAGE);
    return 0;
  }
  const settings = readSettings(process.env);
  return runRecover({
    outdir: settings.outdir,
    stacks: parsed.positionals,
    allowUpdates: parsed.values['allow-updates'],
    env: process.env,
    print: (line) => {
      process.stdout.write(`${line}\n`);
    },
  });
}

// Ctrl-C: terraform runs in its own process group; pass the signal on so it stops (and unlocks) cleanly.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    killRunningChildren(signal);
    process.exitCode = 130;
  });
}

runCommand(main);
