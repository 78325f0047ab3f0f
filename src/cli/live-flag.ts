import { parseArgs } from 'node:util';

/**
 * Parses the command line of a command whose only option is `--live` (`npm run doctor`, `npm run status`).
 * Returns the flag, or an exit code: 0 after printing `usage` for `--help`, 2 after a one-line error for
 * anything else.
 */
export function parseLiveFlag(args: readonly string[], usage: string): { live: boolean } | { exitCode: number } {
  try {
    const { values } = parseArgs({
      args: [...args],
      options: { live: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h' } },
    });
    if (values.help === true) {
      process.stdout.write(usage);
      return { exitCode: 0 };
    }
    return { live: values.live };
  } catch (error) {
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n${usage}`);
    return { exitCode: 2 };
  }
}
