// Which moto account each profile and each bootstrap account stands for in a rehearsal. moto places a
// resource in the account of the credentials that made it, and credentials from sts:AssumeRole belong
// to the role's account (moto's behaviour, the same as AWS's), so distinct accounts are real in moto.
import { createHash } from 'node:crypto';
import type { BootstrapConfig } from '../config';
import { roleAccountId } from '../config/access';

/** The account moto's plain keys act in; made-up IDs never take it, so a leak to it shows. */
export const MOTO_DEFAULT_ACCOUNT_ID = '123456789012';

/** Environment variable that says which account a profile really reaches, to rehearse a wrong `accountId`. */
export const PROFILE_ACCOUNTS_ENV = 'BOOTSTRAP_SANDBOX_PROFILE_ACCOUNTS';

/** The accounts of one rehearsal. */
export interface SandboxAccounts {
  /** Profile name → the account ID its credentials act in. */
  readonly profileAccounts: ReadonlyMap<string, string>;
  /** Bootstrap account name → the account ID its stacks land in (its role's account, else its profile's). */
  readonly accountIds: ReadonlyMap<string, string>;
  /** Names of the accounts whose ID was made up here (accounts.json gives none). */
  readonly madeUp: ReadonlySet<string>;
}

/**
 * A stable 12-digit account ID for `seed` (a profile name): the same in every run, never moto's default
 * account, and not one of `taken`.
 */
export function madeUpAccountId(seed: string, taken: ReadonlySet<string> = new Set()): string {
  for (let attempt = 0; ; attempt++) {
    const digest = createHash('sha256').update(`${seed}#${attempt}`).digest();
    // 12 digits with a non-zero first digit, like most real IDs (IAM accepts leading zeros too).
    const id = String(100_000_000_000 + (digest.readUIntBE(0, 6) % 900_000_000_000));
    if (id !== MOTO_DEFAULT_ACCOUNT_ID && !taken.has(id)) return id;
  }
}

/**
 * Decides the moto account of every profile and every bootstrap account:
 * - a profile named in `overrides` reaches that account (a rehearsal of a mistake: accounts.json
 *   says another `accountId`, and the providers' `allowed_account_ids` refuse it, as on AWS);
 * - else a profile that some account uses without a role reaches that account's `accountId`;
 * - else (a hub profile, or no `accountId`) a made-up ID stable for the profile name.
 * An account reached through `roleArn` lands in the role's account; any other in its profile's.
 */
export function planSandboxAccounts(config: BootstrapConfig, overrides: Readonly<Record<string, string>> = {}): SandboxAccounts {
  const profileAccounts = new Map<string, string>(Object.entries(overrides));
  for (const account of config.accounts) {
    if (account.roleArn === undefined && account.accountId !== undefined && !profileAccounts.has(account.profile))
      profileAccounts.set(account.profile, account.accountId);
  }
  const taken = new Set<string>([
    ...profileAccounts.values(),
    ...config.accounts.flatMap((account) => (account.accountId !== undefined ? [account.accountId] : [])),
  ]);
  const madeUpProfiles = new Set<string>();
  const profileAccount = (profile: string): string => {
    let id = profileAccounts.get(profile);
    if (id === undefined) {
      id = madeUpAccountId(profile, taken);
      taken.add(id);
      profileAccounts.set(profile, id);
      madeUpProfiles.add(profile);
    }
    return id;
  };
  const madeUp = new Set<string>();
  const accountIds = new Map<string, string>();
  for (const account of config.accounts) {
    const roleAccount = account.roleArn !== undefined ? roleAccountId(account.roleArn) : undefined;
    // The hub profile needs an account of its own too, even when only roles are assumed with it.
    const viaProfile = profileAccount(account.profile);
    accountIds.set(account.name, roleAccount ?? viaProfile);
    if (roleAccount === undefined && madeUpProfiles.has(account.profile)) madeUp.add(account.name);
  }
  return { profileAccounts, accountIds, madeUp };
}

/**
 * Reads `BOOTSTRAP_SANDBOX_PROFILE_ACCOUNTS` (`profile=123456789012,other=210987654321`).
 * Throws an Error naming the variable and the fix for a malformed entry.
 */
export function parseProfileAccounts(value: string | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  if (value === undefined || value.trim() === '') return result;
  for (const entry of value.split(',')) {
    const match = /^\s*([^=\s]+)\s*=\s*(\d{12})\s*$/.exec(entry);
    if (match === null)
      throw new Error(
        `${PROFILE_ACCOUNTS_ENV}: ${JSON.stringify(entry.trim())} is not profile=<12-digit account ID>; write e.g. acme-dev=111111111111`,
      );
    result[match[1] ?? ''] = match[2] ?? '';
  }
  return result;
}
