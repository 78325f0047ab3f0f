import { ConfigError } from '../config/errors';

/** Environment variable that bounds how many stacks deploy at the same time. */
export const DEPLOY_PARALLELISM_ENV = 'BOOTSTRAP_DEPLOY_PARALLELISM';

/**
 * Stacks deployed at the same time when {@link DEPLOY_PARALLELISM_ENV} is unset. Two overlap the
 * provider's ~55 s wait after creating a lifecycle configuration without overloading a 2-core laptop.
 */
export const DEFAULT_DEPLOY_PARALLELISM = 2;

/** Upper bound: each stack runs its own terraform and provider process (~200 MB each). */
export const MAX_DEPLOY_PARALLELISM = 32;

/**
 * The number of stacks to deploy at once (`cdktf deploy --parallelism`), from
 * `BOOTSTRAP_DEPLOY_PARALLELISM`.
 * @throws ConfigError when the variable is set but not a whole number from 1 to 32.
 */
export function deployParallelism(env: NodeJS.ProcessEnv): number {
  const raw = env[DEPLOY_PARALLELISM_ENV];
  if (raw === undefined || raw.trim() === '') return DEFAULT_DEPLOY_PARALLELISM;
  const value = raw.trim();
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > MAX_DEPLOY_PARALLELISM) {
    throw new ConfigError([
      `${DEPLOY_PARALLELISM_ENV}: "${raw}" is not a whole number from 1 to ${MAX_DEPLOY_PARALLELISM}; set it to e.g. ${DEFAULT_DEPLOY_PARALLELISM}, or unset it`,
    ]);
  }
  return Number(value);
}
