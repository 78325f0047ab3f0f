import { parseArgs } from 'node:util';

export const DESTROY_USAGE = `Usage: npm run destroy -- <account> [--delete-objects] [--confirm <bucket-name>]

Destroys the state stack of one account (state-<account>): its state bucket and everything else the
stack deployed. Needs two keys: "allowDestroy": true on the account in accounts.json, and the bucket's
name typed when asked (or given with --confirm). A bucket that holds anything is refused unless
--delete-objects is given too.
  --confirm <bucket-name>  the bucket's name as confirmation, instead of typing it (required when
                           stdin is not a terminal)
  --delete-objects         permanently delete every object version and delete marker of the bucket
                           first (in batches of 1000), then destroy it
`;

/** What the command line asks for. */
export type DestroyArgs =
  | {
      readonly kind: 'run';
      /** The account name, a key of `accounts` in accounts.json. */
      readonly account: string;
      /** `--delete-objects`: empty the bucket before destroying it. */
      readonly deleteObjects: boolean;
      /** `--confirm <bucket-name>`, when given. */
      readonly confirm?: string;
    }
  | { readonly kind: 'help' }
  /** A bad command line: `message` is one line, without the usage. */
  | { readonly kind: 'error'; readonly message: string };

/** Parses the arguments of `npm run destroy` (those after `--`). */
export function parseDestroyArgs(args: readonly string[]): DestroyArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: {
        'delete-objects': { type: 'boolean', default: false },
        confirm: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    return { kind: 'error', message: error instanceof Error ? error.message : String(error) };
  }
  const { values, positionals } = parsed;
  if (values.help === true) return { kind: 'help' };
  const [account, ...extra] = positionals;
  if (account === undefined) {
    return { kind: 'error', message: 'name the account whose state stack to destroy, e.g. "npm run destroy -- dev"' };
  }
  if (extra.length > 0) {
    return {
      kind: 'error',
      message: `one account at a time: got ${[account, ...extra].map((name) => `"${name}"`).join(', ')}`,
    };
  }
  const confirm = values.confirm?.trim();
  if (confirm === '') return { kind: 'error', message: '--confirm needs the bucket name, e.g. --confirm acme-dev-state' };
  return {
    kind: 'run',
    account,
    deleteObjects: values['delete-objects'],
    ...(confirm !== undefined ? { confirm } : {}),
  };
}
