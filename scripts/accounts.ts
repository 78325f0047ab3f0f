// `npm run accounts -- import --profile <management profile> [--role-name NAME] [--platform NAME] [--write] [accounts-file]`:
// lists the accounts of an AWS organization (src/organizations/) and prints accounts.json with the
// ACTIVE ones it lacks added (src/config/import-merge.ts); --write writes it if it validates. A file
// that does not exist yet is started from --platform.
// The merged file goes to stdout, the report to stderr. Exit code 0 on success, 1 on bad input
// (accounts.json, the profile, AWS refusing) or a merged file that does not validate with --write,
// 2 for a bad command line.
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as path from 'node:path';
import { runCommand } from '../src/cli/user-error';
import { readSettings } from '../src/config';
import { ConfigError } from '../src/config/errors';
import {
  DEFAULT_IMPORT_ROLE_NAME,
  importSettings,
  type ImportResult,
  mergeImport,
  newAccountsText,
  readAccountsText,
  writeMergedAccounts,
  writeNewAccounts,
} from '../src/config/import-merge';
import { displayName, loadConfigText } from '../src/config/load';
import { nameProblem } from '../src/config/names';
import { IAM_ROLE_NAME } from '../src/config/schema';
import { type LeftOutAccount, readOrganization, selectAccounts } from '../src/organizations/list-accounts';

const USAGE = `Usage: npm run accounts -- import --profile PROFILE [--role-name NAME] [--platform NAME] [--write] [ACCOUNTS_FILE]

Lists the accounts of the AWS organization that PROFILE belongs to and prints ACCOUNTS_FILE with
the ACTIVE accounts it does not have yet added, each named after its AWS account name (made valid
and unique; renames are reported). Existing entries stay first and unchanged. New accounts are
{"accountId": "…"}, reached through "accountDefaults": {"profile": PROFILE, "roleName": NAME};
PROFILE's own account is {"profile": PROFILE, "accountId": "…", "controlsOtherAccounts": …}:
"organizations-management" (or "hub" for a delegated administrator's), which keeps deploy roles
out of it (docs/pipeline-access.md). Suspended and closed accounts are left out and listed.
Nothing is written without --write. An ACCOUNTS_FILE that does not exist yet is started from
{"platform": NAME, "accounts": {}} (give --platform) and written with --write even before it
validates, with the problems to fix listed. To keep stdout for a file of your own, run
"npm run --silent accounts -- import … > other.json" (without --silent, npm prints its own lines there).
  --profile NAME     AWS profile of the organization's management account (or of a delegated
                     administrator for AWS Organizations)
  --role-name NAME   role PROFILE assumes in each account (default: accountDefaults.roleName when
                     accountDefaults names PROFILE, else ${DEFAULT_IMPORT_ROLE_NAME})
  --platform NAME    the platform of a new ACCOUNTS_FILE (first part of every bucket name)
  --write            write the result to ACCOUNTS_FILE if it validates, after copying the file to
                     ACCOUNTS_FILE.bak-<UTC time>
  ACCOUNTS_FILE      default: BOOTSTRAP_ACCOUNTS_FILE, else ./accounts.json
`;

interface ImportArgs {
  readonly profile: string;
  readonly roleName?: string;
  readonly platform?: string;
  readonly write: boolean;
  readonly file?: string;
}

/** The command line, or an exit code after printing the usage (0 for --help, 2 for a mistake). */
function parseImportArgs(args: readonly string[]): ImportArgs | { exitCode: number } {
  const fail = (message: string): { exitCode: number } => {
    process.stderr.write(`error: ${message}\n${USAGE}`);
    return { exitCode: 2 };
  };
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: {
        profile: { type: 'string' },
        'role-name': { type: 'string' },
        platform: { type: 'string' },
        write: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  if (values.help === true) {
    process.stdout.write(USAGE);
    return { exitCode: 0 };
  }
  const [command, file, ...extra] = positionals;
  if (command !== 'import')
    return fail(command === undefined ? 'name the command: import' : `unknown command "${command}"; the command is import`);
  if (extra.length > 0) return fail(`one accounts file at most, got ${[file, ...extra].join(' ')}`);
  const profile = values.profile?.trim();
  if (profile === undefined || profile === '') return fail('--profile is required: the AWS profile of the management account');
  const roleName = values['role-name'];
  if (roleName !== undefined && !IAM_ROLE_NAME.test(roleName)) {
    return fail(
      `--role-name "${roleName}" is not an IAM role name; give the name alone (not an ARN), e.g. ${DEFAULT_IMPORT_ROLE_NAME}`,
    );
  }
  const platform = values.platform;
  if (platform !== undefined && nameProblem(platform) !== undefined) {
    return fail(
      `--platform: ${String(nameProblem(platform))}; use lowercase letters, digits and hyphens, starting and ending with a letter or digit, e.g. --platform acme`,
    );
  }
  return {
    profile,
    write: values.write,
    ...(roleName !== undefined ? { roleName } : {}),
    ...(platform !== undefined ? { platform } : {}),
    ...(file !== undefined ? { file } : {}),
  };
}

async function main(): Promise<number> {
  const args = parseImportArgs(process.argv.slice(2));
  if ('exitCode' in args) return args.exitCode;
  const file = args.file !== undefined ? path.resolve(args.file) : readSettings(process.env).accountsFile;
  const shown = displayName(file);
  const isNew = !existsSync(file);
  if (isNew && args.platform === undefined) {
    throw new ConfigError([
      `${shown}: file not found; to start it with the organization's accounts, add --platform NAME (the first part of every bucket name, e.g. --platform acme)`,
    ]);
  }
  if (!isNew && args.platform !== undefined) {
    throw new ConfigError([`--platform: ${shown} exists and names its own platform; leave --platform out, or name a new file`]);
  }
  const original = isNew ? newAccountsText(args.platform ?? '') : readAccountsText(file, shown);
  const settings = importSettings(original, shown, args.profile);
  const roleName = args.roleName ?? settings.roleName;

  const org = await readOrganization({ profile: args.profile, region: settings.region, env: process.env });
  const { toAdd, leftOut } = selectAccounts(org);
  const result = mergeImport(original, shown, {
    profile: args.profile,
    roleName,
    profileAccountId: org.profileAccountId,
    accounts: toAdd,
  });
  process.stdout.write(result.text.endsWith('\n') ? result.text : `${result.text}\n`);
  const say = (line: string): void => {
    process.stderr.write(`${line}\n`);
  };
  say(
    `Organization of management account ${org.managementAccountId}: ${org.accounts.length} accounts, listed as ${org.profileArn} (profile ${args.profile}).`,
  );
  report(result, leftOut, shown, say);

  if (result.added.length === 0) {
    say(isNew ? `Nothing to add; ${shown} is not written.` : `Nothing to add; ${shown} is unchanged.`);
    return 0;
  }
  if (isNew) return writeNew(file, shown, result, args.write, say);
  if (!args.write) {
    try {
      loadConfigText(result.text, shown);
      say(`Nothing written. Run again with --write to write ${shown} (a backup is kept).`);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      for (const problem of error.problems) say(`warning: ${problem}`);
      say(`Nothing written; --write would refuse until the problems above are fixed in ${shown}.`);
    }
    return 0;
  }
  const backup = writeMergedAccounts(file, shown, original, result.text);
  say(`Wrote ${shown} (${result.added.length} accounts added); the previous version is in ${displayName(backup)}.`);
  return 0;
}

/**
 * A file that did not exist: written with --write even when it does not validate yet (it replaces
 * nothing, and every command refuses it until it does), with the problems to fix listed.
 */
function writeNew(file: string, shown: string, result: ImportResult, write: boolean, say: (line: string) => void): number {
  let problems: readonly string[] = [];
  try {
    loadConfigText(result.text, shown);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems = error.problems;
  }
  for (const problem of problems) say(`warning: ${problem}`);
  if (!write) {
    say(`Nothing written. Run again with --write to create ${shown}.`);
    return 0;
  }
  writeNewAccounts(file, shown, result.text);
  say(
    problems.length === 0
      ? `Wrote ${shown} (${result.added.length} accounts).`
      : `Wrote ${shown} (${result.added.length} accounts); fix the problems above in it before any deploy (every command refuses it until then).`,
  );
  return 0;
}

/** The report on stderr: what was added and renamed, what was already there, what was left out. */
function report(result: ImportResult, leftOut: readonly LeftOutAccount[], shown: string, say: (line: string) => void): void {
  if (result.added.length > 0) {
    say(`Added ${result.added.length} accounts:`);
    for (const account of result.added) {
      const renamed = account.reasons.length > 0 ? ` (renamed from "${account.awsName}": ${account.reasons.join('; ')})` : '';
      say(`  ${account.name}  ${account.accountId}${renamed}`);
    }
  }
  if (result.present.length > 0) {
    say(`Already in ${shown}, not added again:`);
    for (const account of result.present) say(`  ${account.name}  ${account.accountId} ("${account.awsName}")`);
  }
  if (leftOut.length > 0) {
    say('Left out:');
    for (const { account, why } of leftOut) say(`  "${account.name}"  ${account.id}  ${why}`);
  }
  for (const note of result.notes) say(`note: ${shown}: ${note}`);
}

runCommand(main);
