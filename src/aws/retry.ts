/**
 * How every AWS SDK client of the project retries: throttling (SlowDown, Throttling, TooManyRequests),
 * server errors (500, 502, 503, 504) and dropped connections are retried with exponential backoff and
 * jitter by the SDK's retry strategy; this module only decides how many attempts and which mode, from
 * the same variables the AWS CLI, the SDKs and the Terraform AWS provider read (docs/throttling-and-retries.md).
 */
import { ConfigError } from '../config/errors';

/** The retry modes of the AWS SDK for JavaScript v3 (`legacy` exists only in other SDKs). */
export type RetryMode = 'standard' | 'adaptive';

/** Retry options an SDK client accepts, spread into its configuration. */
export interface RetryOptions {
  /** Attempts per request, the first one included. */
  readonly maxAttempts: number;
  readonly retryMode: RetryMode;
}

/** Attempts per request by default: the SDK's own default of 3 gives up after ~1 s of throttling. */
export const DEFAULT_MAX_ATTEMPTS = 5;

/**
 * Attempts per AWS Organizations request by default. Organizations allows only a few requests a second
 * per account and answers more with TooManyRequestsException; adaptive mode also slows the client's own
 * sending rate down after a throttled answer.
 */
export const ORGANIZATIONS_MAX_ATTEMPTS = 10;

/** Bounds of `AWS_MAX_ATTEMPTS`: beyond 50 a stuck endpoint would hold a command for many minutes. */
export const MAX_ATTEMPTS_LIMIT = 50;

/** Services whose defaults differ from the rest. */
export type RetryProfile = 'default' | 'organizations';

/**
 * The retry options of an SDK client. `AWS_MAX_ATTEMPTS` and `AWS_RETRY_MODE` win over the defaults
 * (for Organizations too); a value that is not valid is a {@link ConfigError} of one line with the fix.
 */
export function retryOptions(env: NodeJS.ProcessEnv, profile: RetryProfile = 'default'): RetryOptions {
  const organizations = profile === 'organizations';
  return {
    maxAttempts: maxAttemptsFrom(env) ?? (organizations ? ORGANIZATIONS_MAX_ATTEMPTS : DEFAULT_MAX_ATTEMPTS),
    retryMode: retryModeFrom(env) ?? (organizations ? 'adaptive' : 'standard'),
  };
}

function maxAttemptsFrom(env: NodeJS.ProcessEnv): number | undefined {
  const raw = env.AWS_MAX_ATTEMPTS?.trim();
  if (raw === undefined || raw === '') return undefined;
  const value = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(value) || value < 1 || value > MAX_ATTEMPTS_LIMIT) {
    throw new ConfigError([
      `AWS_MAX_ATTEMPTS=${JSON.stringify(env.AWS_MAX_ATTEMPTS)} is not a whole number from 1 to ${MAX_ATTEMPTS_LIMIT} (attempts per AWS request, the first included); set it to e.g. 8, or unset it for the default of ${DEFAULT_MAX_ATTEMPTS}`,
    ]);
  }
  return value;
}

function retryModeFrom(env: NodeJS.ProcessEnv): RetryMode | undefined {
  const raw = env.AWS_RETRY_MODE?.trim();
  if (raw === undefined || raw === '') return undefined;
  if (raw === 'standard' || raw === 'adaptive') return raw;
  throw new ConfigError([
    `AWS_RETRY_MODE=${JSON.stringify(env.AWS_RETRY_MODE)} is not a retry mode of the AWS SDK for JavaScript; set it to "standard" or "adaptive", or unset it for "standard"`,
  ]);
}

/** One line for an error that is still there after every attempt, e.g. `SlowDown after 5 attempts: Please reduce ...`. */
export function describeAwsError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const first = error.message.split('\n')[0]?.trim() ?? '';
  const attempts = (error as { $metadata?: { attempts?: number } }).$metadata?.attempts;
  const after = attempts !== undefined && attempts > 1 ? ` after ${attempts} attempts` : '';
  return `${error.name}${after}: ${first}`;
}
