import { ConfigError } from '../config/errors';

/** Prints a {@link ConfigError}'s lines alone: it is the user's input, not a bug, so no stack trace. */
export function printProblems(error: ConfigError): void {
  for (const problem of error.problems) process.stderr.write(`error: ${problem}\n`);
}

/**
 * Runs `main`; a {@link ConfigError} is printed as its lines alone and ends the process with
 * exit code 1 before anything is written.
 */
export async function exitOnUserError(main: () => void | Promise<void>): Promise<void> {
  try {
    await main();
  } catch (error) {
    if (error instanceof ConfigError) {
      printProblems(error);
      process.exit(1);
    }
    throw error;
  }
}

/**
 * Runs a command's `main` and exits with the code it returns. A {@link ConfigError} prints its lines,
 * any other error its stack (a bug); both exit 1.
 */
export function runCommand(main: () => Promise<number>): void {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      if (error instanceof ConfigError) printProblems(error);
      else process.stderr.write(`error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
