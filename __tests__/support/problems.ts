import { ConfigError } from '../../src/config';

/** The problems of the ConfigError that `run` throws; fails the test when it throws anything else. */
export function problemsOf(run: () => unknown): readonly string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError, but nothing was thrown');
}
