// The two keys of a guarded destroy, shared by synth (main.ts) and `npm run destroy`:
// `"allowDestroy": true` on the account in accounts.json, and the bucket's name typed as confirmation
// (BOOTSTRAP_CONFIRM_DESTROY at synth). Kept free of cdktf and the AWS SDK: main.ts loads it first.
import { type AccountConfig, type BootstrapConfig, ConfigError } from '../config';
import { formatJsonPath } from '../config/errors';

/** Environment variable that names the one state bucket synth may leave without `prevent_destroy`. */
export const CONFIRM_DESTROY_ENV = 'BOOTSTRAP_CONFIRM_DESTROY';

/**
 * Throws the one-line {@link ConfigError} for an account whose bucket may not be destroyed, because
 * accounts.json does not say `"allowDestroy": true` for it.
 */
export function requireAllowDestroy(config: Pick<BootstrapConfig, 'file'>, account: AccountConfig): void {
  if (account.allowDestroy) return;
  const at = formatJsonPath(['accounts', account.name]);
  throw new ConfigError([
    `${config.file}: ${at}.allowDestroy: is not true, so the state bucket ${account.stateBucketName} may not be destroyed; set "allowDestroy": true on ${at} to allow destroying ${account.stateBucketName}`,
  ]);
}

/**
 * The account whose state bucket `confirmDestroy` (the value of BOOTSTRAP_CONFIRM_DESTROY) names, after
 * checking that it may be destroyed; `undefined` when no confirmation is given. Throws a
 * {@link ConfigError} when no account has that bucket, or when the account lacks `allowDestroy`.
 */
export function confirmedDestroyAccount(
  config: Pick<BootstrapConfig, 'file' | 'accounts'>,
  confirmDestroy: string | undefined,
): AccountConfig | undefined {
  if (confirmDestroy === undefined) return undefined;
  const account = config.accounts.find((candidate) => candidate.stateBucketName === confirmDestroy);
  if (account === undefined) {
    const names = config.accounts.map((candidate) => candidate.stateBucketName).join(', ');
    throw new ConfigError([
      `${CONFIRM_DESTROY_ENV}: "${confirmDestroy}" is not the state bucket of any account in ${config.file}; set it to the exact name of the bucket to destroy (one of ${names}) or unset it`,
    ]);
  }
  requireAllowDestroy(config, account);
  return account;
}
