import { ConfigError } from '../config/errors';

/**
 * Runs `main`; a {@link ConfigError} is printed as its lines alone (no stack trace: it is the
 * user's input, not a bug) and ends the process with exit code 1 before anything is written.
 */
export async function exitOnUserError(main: () => void | Promise<void>): Promise<void> {
  try {
    await main();
  } catch (error) {
    if (error instanceof ConfigError) {
      for (const problem of error.problems) process.stderr.write(`error: ${problem}\n`);
      process.exit(1);
    }
    throw error;
  }
}
