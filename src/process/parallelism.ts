import * as os from 'node:os';
import { ConfigError } from '../config/errors';

/** Environment variable that sets how many stacks deploy at the same time. */
export const DEPLOY_PARALLELISM_ENV = 'BOOTSTRAP_DEPLOY_PARALLELISM';

/** Memory one deploying stack takes: terraform plus its AWS provider (~0.6 GB), with some room. */
export const MEMORY_PER_STACK_BYTES = 0.75 * 1024 ** 3;

/**
 * Stacks per core: a state stack uses ~7 s of CPU (terraform and its provider processes) in a ~65 s deploy,
 * most of it the provider's ~55 s wait on the lifecycle rule, so six or more overlap on one core.
 */
export const STACKS_PER_CORE = 6;

/** Upper bound of the default: beyond it the registry/AWS API rate limits, not the machine, set the pace. */
export const DEFAULT_PARALLELISM_CAP = 16;

/** Upper bound of an explicit setting: each stack runs its own terraform and provider process. */
export const MAX_DEPLOY_PARALLELISM = 32;

/** What the default is derived from; `currentMachine()` reads it from the OS. */
export interface MachineResources {
  /** Memory free for new processes, in bytes (`os.freemem()`). */
  readonly freeMemoryBytes: number;
  /** CPU cores this process may use (`os.availableParallelism()`). */
  readonly cores: number;
}

export function currentMachine(): MachineResources {
  return { freeMemoryBytes: os.freemem(), cores: os.availableParallelism() };
}

/** How many stacks deploy at once, and why: a line to print before deploying. */
export interface ParallelismChoice {
  readonly value: number;
  readonly reason: string;
}

/**
 * The number of stacks to deploy at once (`cdktf deploy --parallelism`): `BOOTSTRAP_DEPLOY_PARALLELISM`
 * when set, else min(free memory / 0.75 GB, cores × 6, 16), at least 1. `npm run deploy` and
 * `npm run sandbox` both use it.
 * @throws ConfigError when the variable is set but not a whole number from 1 to 32.
 */
export function chooseParallelism(env: NodeJS.ProcessEnv, machine: MachineResources = currentMachine()): ParallelismChoice {
  const raw = env[DEPLOY_PARALLELISM_ENV];
  if (raw !== undefined && raw.trim() !== '') {
    const value = raw.trim();
    if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > MAX_DEPLOY_PARALLELISM) {
      throw new ConfigError([
        `${DEPLOY_PARALLELISM_ENV}: "${raw}" is not a whole number from 1 to ${MAX_DEPLOY_PARALLELISM}; set it to e.g. 4, or unset it to derive it from this machine`,
      ]);
    }
    return { value: Number(value), reason: `from ${DEPLOY_PARALLELISM_ENV}` };
  }
  const byMemory = Math.floor(machine.freeMemoryBytes / MEMORY_PER_STACK_BYTES);
  const byCores = Math.max(1, machine.cores) * STACKS_PER_CORE;
  const value = Math.max(1, Math.min(byMemory, byCores, DEFAULT_PARALLELISM_CAP));
  const gb = (machine.freeMemoryBytes / 1024 ** 3).toFixed(1);
  return {
    value,
    reason:
      `from this machine: ${gb} GB free at 0.75 GB a stack, ${machine.cores} core(s) at ${STACKS_PER_CORE} stacks each, ` +
      `at most ${DEFAULT_PARALLELISM_CAP}; set ${DEPLOY_PARALLELISM_ENV} or --parallelism to change it`,
  };
}

/** {@link chooseParallelism}'s number alone. */
export function deployParallelism(env: NodeJS.ProcessEnv, machine?: MachineResources): number {
  return chooseParallelism(env, machine).value;
}
