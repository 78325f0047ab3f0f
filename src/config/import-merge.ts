/**
 * Adds accounts imported from AWS Organizations to accounts.json as text edits, so the file's existing
 * content (its order, formatting and one-line entries) stays as it was, and writes the result only
 * when it validates, keeping a backup.
 */
import { constants, copyFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { findNodeAtLocation, type Node } from 'jsonc-parser';
import { roleAccountId, roleArnIn } from './access';
import { proposeAccountNames } from './account-names';
import { ConfigError, formatJsonPath } from './errors';
import { loadConfigText, parseJson, readConfigText } from './load';
import { type CONTROLLING_ACCOUNT_KINDS, DEFAULT_REGION } from './schema';

/** The role Organizations creates in every account it creates, trusting the management account. */
export const DEFAULT_IMPORT_ROLE_NAME = 'OrganizationAccountAccessRole';

/** An account to add to accounts.json. */
export interface AccountToAdd {
  readonly accountId: string;
  /** Its name in AWS Organizations; the account name is proposed from it. */
  readonly awsName: string;
  /**
   * `profile`: the import's profile signs in to this account itself (the management account), so
   * the profile alone reaches it; `role`: reached through the role named in `accountDefaults`.
   */
  readonly reach: 'profile' | 'role';
  /**
   * The account can reach the others: `organizations-management` (every member's
   * OrganizationAccountAccessRole trusts it) or `hub` (the import's profile signs in to it and
   * assumes a role in the others). Written as the entry's `controlsOtherAccounts`.
   * @default undefined: an account like any other.
   */
  readonly controlsOtherAccounts?: (typeof CONTROLLING_ACCOUNT_KINDS)[number];
}

export interface ImportRequest {
  /** The profile the accounts are reached with (`accountDefaults.profile`). */
  readonly profile: string;
  /** The role the profile assumes in each account (`accountDefaults.roleName`). */
  readonly roleName: string;
  /** The account the profile signs in to: an existing entry that names the profile alone is this account. */
  readonly profileAccountId: string;
  readonly accounts: readonly AccountToAdd[];
}

export interface AddedAccount {
  readonly name: string;
  readonly accountId: string;
  readonly awsName: string;
  /** The entry written under `accounts.<name>`. */
  readonly entry: Readonly<Record<string, string | boolean>>;
  /** Why `name` differs from `awsName`; empty when it does not. */
  readonly reasons: readonly string[];
}

export interface ImportResult {
  /** The merged file: the original text with the additions. Equal to the original when nothing is added. */
  readonly text: string;
  /** Accounts added, in the order they were appended. */
  readonly added: readonly AddedAccount[];
  /** Accounts already in the file (same account ID), by their name there. */
  readonly present: readonly { readonly accountId: string; readonly awsName: string; readonly name: string }[];
  /** Things the user must know: `accountDefaults` left unchanged, entries whose account is unknown. */
  readonly notes: readonly string[];
}

/**
 * The text an import into a file that does not exist yet starts from: the platform and no accounts.
 * `"$schema"` is left out, since its path depends on where the file is.
 */
export function newAccountsText(platform: string): string {
  return `{\n  "platform": ${JSON.stringify(platform)},\n  "accounts": {}\n}\n`;
}

/** Reads accounts.json for the import: the same reading rules, and messages, as loadConfig. */
export function readAccountsText(file: string, shown: string): string {
  return readConfigText(file, shown);
}

/**
 * What the import takes from the file before it calls AWS: the region (whose partition the role
 * ARNs and the Organizations endpoint are in) and the role name to use when none is given: the
 * file's `accountDefaults.roleName` when its profile is the import's, else {@link DEFAULT_IMPORT_ROLE_NAME}.
 */
export function importSettings(text: string, shown: string, profile: string): { region: string; roleName: string } {
  const { raw } = parseJson(text, shown);
  const file = isPlainObject(raw) ? raw : {};
  const region = fileRegion(file);
  const defaults = file.accountDefaults;
  const roleName =
    isPlainObject(defaults) && defaults.profile === profile && typeof defaults.roleName === 'string'
      ? defaults.roleName
      : DEFAULT_IMPORT_ROLE_NAME;
  return { region, roleName };
}

/**
 * Merges `request.accounts` into the text of accounts.json. Existing entries stay first and
 * unchanged; accounts whose ID the file already has (as `accountId`, in a `roleArn`, or as the
 * profile's own account) are not added again. New accounts reached through the role are
 * `{"accountId": "…"}` with `accountDefaults` `{"profile", "roleName"}` added when the file has
 * none; when the file's `accountDefaults` differs it is left as it is, the new accounts name
 * their `profile` and `roleArn` themselves, and a note says so.
 */
export function mergeImport(text: string, shown: string, request: ImportRequest): ImportResult {
  const { raw, tree } = parseJson(text, shown);
  if (!isPlainObject(raw) || tree.type !== 'object') {
    throw new ConfigError([
      `${shown}: the file must hold a JSON object like {"platform": "acme", "accounts": {}} to import into`,
    ]);
  }
  const accountsRaw = raw.accounts;
  if (accountsRaw !== undefined && !isPlainObject(accountsRaw)) {
    throw new ConfigError([
      `${shown}: accounts: must be an object mapping account names to accounts to import into; fix it, e.g. "accounts": {}`,
    ]);
  }
  const existing = accountsRaw ?? {};
  const notes: string[] = [];
  const known = new Map<string, string>();
  const unknown: string[] = [];
  for (const [name, account] of Object.entries(existing)) {
    const id = existingAccountId(account, request);
    if (id !== undefined) known.set(id, known.get(id) ?? name);
    else unknown.push(name);
  }

  const present = request.accounts.flatMap((account) => {
    const name = known.get(account.accountId);
    return name !== undefined ? [{ accountId: account.accountId, awsName: account.awsName, name }] : [];
  });
  // Existing entries stay as they are: an unmarked management account or hub is pointed out.
  for (const { accountId, name } of present) {
    const kind = request.accounts.find((account) => account.accountId === accountId)?.controlsOtherAccounts;
    const entry = existing[name];
    if (kind !== undefined && !(isPlainObject(entry) && entry.controlsOtherAccounts !== undefined)) {
      notes.push(
        `${formatJsonPath(['accounts', name])}: is ${kind === 'hub' ? "the import profile's own account (the hub)" : "the organization's management account"}, which can reach every other account; add "controlsOtherAccounts": "${kind}" to it${isPlainObject(entry) ? '' : ' (written as an object)'}, and "pipelineAccess": false unless it should hold a deploy role`,
      );
    }
  }
  const toAdd = request.accounts.filter((account) => !known.has(account.accountId));
  if (toAdd.length > 0 && unknown.length > 0) {
    notes.push(
      `${unknown.map((name) => formatJsonPath(['accounts', name])).join(', ')}: no accountId, so the import cannot tell whether ${unknown.length === 1 ? 'it is' : 'they are'} among the imported accounts; if so, remove the duplicate and add "accountId" to the entry you keep`,
    );
  }

  const region = fileRegion(raw);
  const defaults = raw.accountDefaults;
  const wanted = { profile: request.profile, roleName: request.roleName };
  const needsRole = toAdd.some((account) => account.reach === 'role');
  const defaultsMatch = isPlainObject(defaults) && defaults.profile === wanted.profile && defaults.roleName === wanted.roleName;
  const ownRole = needsRole && defaults !== undefined && !defaultsMatch;
  if (ownRole) {
    notes.push(
      `accountDefaults: the file's ${JSON.stringify(defaults)} differs from the import's ${JSON.stringify(wanted)} and is left unchanged; the imported accounts name their "profile" and "roleArn" themselves (run again with --profile and --role-name of accountDefaults to import them as {"accountId": …} instead)`,
    );
  }

  const platform = typeof raw.platform === 'string' ? raw.platform : '';
  const accessLogs = isPlainObject(raw.stateBucket) && raw.stateBucket.accessLogs === true;
  const proposals = proposeAccountNames(toAdd, { taken: Object.keys(existing), platform, accessLogs });
  const nameOf = (index: number): string => proposals[index]?.name ?? '';
  const hubFirst = (account: AccountToAdd): number => (account.reach === 'profile' ? 0 : 1);
  const added: AddedAccount[] = toAdd
    .map((account, index) => ({ account, index }))
    // The account reached with the profile alone (the hub) first, then by name.
    .sort((a, b) => hubFirst(a.account) - hubFirst(b.account) || nameOf(a.index).localeCompare(nameOf(b.index)))
    .map(({ account, index }) => {
      const proposal = proposals[index];
      if (proposal === undefined) throw new Error('a name proposal is missing');
      const reached: Record<string, string> =
        account.reach === 'profile'
          ? { profile: request.profile, accountId: account.accountId }
          : ownRole
            ? { profile: request.profile, roleArn: roleArnIn(account.accountId, request.roleName, region) }
            : { accountId: account.accountId };
      // With deploy roles in the file, the marked account is left out of them (the config refuses it otherwise).
      const entry: Record<string, string | boolean> =
        account.controlsOtherAccounts === undefined
          ? reached
          : {
              ...reached,
              controlsOtherAccounts: account.controlsOtherAccounts,
              ...(raw.pipelineAccess !== undefined ? { pipelineAccess: false } : {}),
            };
      return { name: proposal.name, accountId: account.accountId, awsName: account.awsName, entry, reasons: proposal.reasons };
    });

  let merged = text;
  if (added.length > 0) {
    merged = insertAccounts(merged, tree, added);
    if (needsRole && defaults === undefined) merged = insertTopLevel(merged, 'accountDefaults', inline(wanted));
  }
  return { text: merged, added, present, notes };
}

/** The file's region; an invalid one is the validation's to report, and the import still needs a partition. */
function fileRegion(file: Record<string, unknown>): string {
  return typeof file.region === 'string' && /^[a-z]{2}(-[a-z]+)+-\d+$/.test(file.region) ? file.region : DEFAULT_REGION;
}

/** The account ID an existing entry stands for, when the file says it. */
function existingAccountId(account: unknown, request: ImportRequest): string | undefined {
  if (typeof account === 'string') return account === request.profile ? request.profileAccountId : undefined;
  if (!isPlainObject(account)) return undefined;
  if (typeof account.accountId === 'string') return account.accountId;
  if (typeof account.roleArn === 'string') return roleAccountId(account.roleArn);
  // The profile alone, with no role: the account that profile signs in to.
  if (account.profile === request.profile) return request.profileAccountId;
  return undefined;
}

/** A flat object on one line: `{"profile": "acme-hub", "accountId": "111111111111"}`. */
function inline(value: Readonly<Record<string, string | boolean>>): string {
  return `{${Object.entries(value)
    .map(([key, item]) => `${JSON.stringify(key)}: ${JSON.stringify(item)}`)
    .join(', ')}}`;
}

/** Appends the accounts after the last entry of `accounts` (adding `accounts` if the file has none). */
function insertAccounts(text: string, tree: Node, added: readonly AddedAccount[]): string {
  const style = textStyle(text);
  const entries = added.map((account) => [account.name, inline(account.entry)] as const);
  const accountsNode = findNodeAtLocation(tree, ['accounts']);
  // Accounts one a line, even where the file has them all on one line: an organization's dozens would
  // otherwise make one line of hundreds of characters.
  if (accountsNode !== undefined) return insertProperties(text, accountsNode, entries, style, { oneALine: true });
  const inner = `${style.eol}${style.unit.repeat(2)}`;
  const body = entries.map(([name, entry]) => `${inner}${JSON.stringify(name)}: ${entry}`).join(',');
  return insertTopLevel(text, 'accounts', `{${body}${style.eol}${style.unit}}`);
}

/** Inserts a top-level property just before `accounts`, or last when the file has none. */
function insertTopLevel(text: string, key: string, valueText: string): string {
  const style = textStyle(text);
  const { tree } = parseJson(text, 'accounts.json');
  const accountsProperty = findNodeAtLocation(tree, ['accounts'])?.parent;
  if (accountsProperty === undefined) return insertProperties(text, tree, [[key, valueText]], style);
  const sameLine = lineStart(text, accountsProperty.offset) <= tree.offset;
  const separator = sameLine ? ' ' : `${style.eol}${lineIndent(text, accountsProperty.offset)}`;
  return splice(text, accountsProperty.offset, `${JSON.stringify(key)}: ${valueText},${separator}`);
}

/**
 * Appends `entries` (key and value text) to the object `node`, indented like its existing entries. An
 * object on one line stays on one line, unless `oneALine`: then it is opened up, each existing entry's
 * text unchanged on a line of its own.
 */
function insertProperties(
  text: string,
  node: Node,
  entries: readonly (readonly [string, string])[],
  style: TextStyle,
  { oneALine = false }: { readonly oneALine?: boolean } = {},
): string {
  const children = node.children ?? [];
  const last = children[children.length - 1];
  const rendered = (indent: string): string[] => entries.map(([key, value]) => `${indent}${JSON.stringify(key)}: ${value}`);
  const onOneLine = last !== undefined && lineStart(text, last.offset) <= node.offset;
  if (last === undefined || (onOneLine && oneALine)) {
    // `{}` (perhaps with blank space inside), or an object on one line: open it up, indented one level
    // below the object's line.
    const outer = lineIndent(text, node.offset);
    const inner = `${outer}${style.unit}`;
    const kept = children.map((child) => `${inner}${text.slice(child.offset, child.offset + child.length)}`);
    const body = `${style.eol}${[...kept, ...rendered(inner)].join(`,${style.eol}`)}${style.eol}${outer}`;
    return `${text.slice(0, node.offset + 1)}${body}${text.slice(node.offset + node.length - 1)}`;
  }
  const end = last.offset + last.length;
  if (onOneLine)
    return splice(
      text,
      end,
      rendered(' ')
        .map((line) => `,${line}`)
        .join(''),
    );
  const indent = lineIndent(text, last.offset);
  return splice(
    text,
    end,
    rendered(indent)
      .map((line) => `,${style.eol}${line}`)
      .join(''),
  );
}

interface TextStyle {
  /** `\r\n` when the file uses it, else `\n`. */
  readonly eol: string;
  /** One level of indentation: the first indented line's, else two spaces. */
  readonly unit: string;
}

function textStyle(text: string): TextStyle {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const unit = /\n([ \t]+)\S/.exec(text)?.[1] ?? '  ';
  return { eol, unit };
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

function lineIndent(text: string, offset: number): string {
  return /^[ \t]*/.exec(text.slice(lineStart(text, offset)))?.[0] ?? '';
}

function splice(text: string, offset: number, insert: string): string {
  return `${text.slice(0, offset)}${insert}${text.slice(offset)}`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Writes the merged text over `file` if it validates as loadConfig would load it. First copies the
 * file to `<file>.bak-<UTC timestamp>` (never over an earlier backup), then replaces it in one
 * rename, so a reader never sees half a file. Nothing is written when the merged text is invalid or
 * the file changed since it was read.
 * @returns the backup's path
 */
export function writeMergedAccounts(file: string, shown: string, original: string, merged: string, now = new Date()): string {
  try {
    loadConfigText(merged, shown);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    throw new ConfigError([
      ...error.problems,
      `${shown}: not written, since the merged result would not load (the problems above); fix them in ${shown} and run the import again`,
    ]);
  }
  if (readConfigText(file, shown) !== original) {
    throw new ConfigError([`${shown}: changed while the import ran; not written, run the import again`]);
  }
  const backup = backupPath(file, now);
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.import-${process.pid}.tmp`);
  try {
    writeFileSync(temporary, merged, { mode: statSync(file).mode & 0o777, flag: 'wx' });
    renameSync(temporary, file);
  } finally {
    rmSync(temporary, { force: true });
  }
  return backup;
}

/**
 * Writes an import into a file that did not exist: no backup is needed, and an existing file is never
 * overwritten (one made while the import ran is refused).
 */
export function writeNewAccounts(file: string, shown: string, text: string): void {
  try {
    writeFileSync(file, text, { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new ConfigError([`${shown}: was created while the import ran; not written, run the import again`]);
    }
    throw new ConfigError([
      `${shown}: cannot be written (${(error as NodeJS.ErrnoException).code ?? String(error)}); check the folder and its permissions`,
    ]);
  }
}

/** Copies `file` to a backup name no earlier backup has, and returns that name. */
function backupPath(file: string, now: Date): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  for (let n = 1; ; n++) {
    const candidate = `${file}.bak-${stamp}${n === 1 ? '' : `-${n}`}`;
    try {
      copyFileSync(file, candidate, constants.COPYFILE_EXCL);
      return candidate;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}
