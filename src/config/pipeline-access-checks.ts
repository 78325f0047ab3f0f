// Checks of "pipelineAccess" that need other fields of accounts.json: the runner and the production
// account's ID, every account's ID for the runner's permission, the derived role name, adopted issuers.
import { partitionOf, roleAccountId } from './access';
import { formatJsonPath } from './errors';
import {
  accessPath,
  defaultDeployRoleName,
  isIssuerName,
  MAX_ROLE_NAME_LENGTH,
  pipelineAccessObjectSchema,
  trustedIssuers,
} from './pipeline-access-schema';
import { DEFAULT_PRODUCTION_ACCOUNT, DEFAULT_REGION } from './schema';

/** The 12-digit ID of an account as written: its `accountId`, else the account of its `roleArn`. */
export function writtenAccountId(account: unknown): string | undefined {
  if (!isPlainObject(account)) return undefined;
  if (typeof account.accountId === 'string' && /^\d{12}$/.test(account.accountId)) return account.accountId;
  return typeof account.roleArn === 'string' ? roleAccountId(account.roleArn) : undefined;
}

/** The account's own `"pipelineAccess": false` leaves it out. */
export function excludedFromPipelineAccess(account: unknown): boolean {
  return isPlainObject(account) && account.pipelineAccess === false;
}

/** Whether the runner is trusted: `trust.runner`, by default on when the pipeline stack exists. */
export function runnerTrusted(runner: boolean | undefined, pipeline: unknown): boolean {
  return runner ?? pipeline !== false;
}

/** Every cross-field problem of `pipelineAccess`, one line each; [] when the section is absent. */
export function pipelineAccessCrossFieldProblems(raw: unknown, file: string): string[] {
  if (!isPlainObject(raw) || !isPlainObject(raw.accounts)) return [];
  const accounts = raw.accounts;
  const problems: string[] = [];
  if (raw.pipelineAccess === undefined) {
    // An account's adopt list without the section would silently do nothing.
    for (const [name, account] of Object.entries(accounts)) {
      if (isPlainObject(account) && isPlainObject(account.pipelineAccess)) {
        problems.push(
          `${file}: ${formatJsonPath(['accounts', name, 'pipelineAccess'])}: has no effect without a top-level "pipelineAccess"; add that section, or remove this key`,
        );
      }
    }
    return problems;
  }
  // Read leniently: shape problems are the schema's to report, and these are reported with them.
  if (!isPlainObject(raw.pipelineAccess)) return problems;
  const section = raw.pipelineAccess;
  const included = Object.entries(accounts).filter(([, account]) => !excludedFromPipelineAccess(account));

  if (section.permissionsBoundary !== undefined && section.permissionsBoundaryArn !== undefined) {
    problems.push(
      `${file}: ${accessPath('permissionsBoundary')}: is set with "permissionsBoundaryArn", but a role has one boundary; keep "permissionsBoundary": "create" for the boundary the access stack makes, or "permissionsBoundaryArn" for your own`,
    );
  }

  if (typeof raw.platform === 'string' && section.roleName === undefined) {
    const name = defaultDeployRoleName(raw.platform);
    if (name.length > MAX_ROLE_NAME_LENGTH) {
      problems.push(
        `${file}: ${accessPath('roleName')}: the default role name "${name}" has ${name.length} characters, over IAM's limit of ${MAX_ROLE_NAME_LENGTH}; set a shorter "roleName"`,
      );
    }
  }

  // Each account's trust: its own `trust`, whole, else the top-level one. Read leniently, like the rest.
  const topLevel = { at: ['pipelineAccess', 'trust'] as PropertyKey[], trust: isPlainObject(section.trust) ? section.trust : {} };
  const ownTrusts = new Map<string, { at: PropertyKey[]; trust: Record<string, unknown> }>();
  for (const [name, account] of included) {
    if (isPlainObject(account) && isPlainObject(account.pipelineAccess) && account.pipelineAccess.trust !== undefined) {
      const own = account.pipelineAccess.trust;
      ownTrusts.set(name, { at: ['accounts', name, 'pipelineAccess', 'trust'], trust: isPlainObject(own) ? own : {} });
    }
  }
  const trustOf = (name: string) => ownTrusts.get(name) ?? topLevel;
  // The top-level trust is checked when an account uses it (or no account is included, so nothing else is).
  const sources = [
    ...(included.length === 0 || included.some(([name]) => !ownTrusts.has(name)) ? [topLevel] : []),
    ...ownTrusts.values(),
  ];
  for (const { at, trust } of sources) {
    const listsSomeone =
      ['github', 'gitlab'].some((key) => Array.isArray(trust[key]) && trust[key].length > 0) || trust.circleci !== undefined;
    const explicitRunner = typeof trust.runner === 'boolean' ? trust.runner : undefined;
    if (explicitRunner === true && raw.pipeline === false) {
      problems.push(
        `${file}: ${formatJsonPath([...at, 'runner'])}: there is no runner to trust ("pipeline": false, the external pattern); remove "runner", or remove "pipeline": false to build the pipeline stack`,
      );
    } else if (!runnerTrusted(explicitRunner, raw.pipeline) && !listsSomeone) {
      problems.push(
        `${file}: ${formatJsonPath(at)}: trusts no one, so no pipeline could use the deploy roles; trust a CI service, e.g. "github": [{"repository": "acme/infrastructure", "branch": "main"}]${raw.pipeline === false ? '' : ', or the runner ("runner": true)'}`,
      );
    }
  }
  problems.push(...jobWorkflowRefProblems([topLevel, ...ownTrusts.values()], file));

  const trustsRunner = (name: string): boolean => {
    const runner = trustOf(name).trust.runner;
    return runnerTrusted(typeof runner === 'boolean' ? runner : undefined, raw.pipeline);
  };
  const runnerAccounts = included.filter(([name]) => trustsRunner(name));
  if (runnerAccounts.length > 0 && raw.pipeline !== false) {
    const productionName = typeof raw.productionAccount === 'string' ? raw.productionAccount : DEFAULT_PRODUCTION_ACCOUNT;
    const production = accounts[productionName];
    const productionRegion = regionOf(production, raw.region);
    if (production !== undefined && writtenAccountId(production) === undefined) {
      // Named where the runner is trusted: the top-level trust when an account uses it, else the first account's own.
      const [firstName = ''] = runnerAccounts.find(([name]) => !ownTrusts.has(name)) ?? runnerAccounts[0] ?? [];
      problems.push(
        `${file}: ${formatJsonPath([...trustOf(firstName).at, 'runner'])}: the deploy roles trust the runner role by its ARN in the production account "${productionName}", whose ID is not known; add "accountId": "123456789012" (or a "roleArn") to ${formatJsonPath(['accounts', productionName])}, or set "runner": false`,
      );
    }
    for (const [name, account] of runnerAccounts) {
      // The production account's missing ID is reported once, above.
      if (writtenAccountId(account) === undefined && name !== productionName) {
        problems.push(
          `${file}: ${formatJsonPath(['accounts', name])}: the runner may assume the account's deploy role only by its ARN, which needs the account's ID; add "accountId": "123456789012" (or a "roleArn"), or "pipelineAccess": false to leave the account out`,
        );
      } else if (
        writtenAccountId(account) !== undefined &&
        partitionOf(regionOf(account, raw.region)) !== partitionOf(productionRegion)
      ) {
        problems.push(
          `${file}: ${formatJsonPath(['accounts', name, 'region'])}: the account is in partition ${partitionOf(regionOf(account, raw.region))}, the runner in ${partitionOf(productionRegion)}, and roles cannot be assumed across partitions; add "pipelineAccess": false to the account`,
        );
      }
    }
  }

  problems.push(...controllingAccountProblems(included, section, file), ...unmarkedHubProblems(included, raw, file));

  for (const [name, account] of included) {
    if (!isPlainObject(account) || !isPlainObject(account.pipelineAccess)) continue;
    const adopted = account.pipelineAccess.adoptOidcProviders;
    if (!Array.isArray(adopted)) continue;
    if (adopted.length > 0 && writtenAccountId(account) === undefined) {
      problems.push(
        `${file}: ${formatJsonPath(['accounts', name, 'pipelineAccess', 'adoptOidcProviders'])}: adopting imports the provider by its ARN, which holds the account's ID; add "accountId": "123456789012" (or a "roleArn") to the account`,
      );
    }
    // Issuers of the account's trust, when it is valid; an invalid entry is reported by the schema.
    const parsedTrust = pipelineAccessObjectSchema.shape.trust.safeParse(trustOf(name).trust);
    const issuers = parsedTrust.success ? trustedIssuers({ trust: parsedTrust.data }) : undefined;
    adopted.forEach((issuer, index) => {
      if (issuers !== undefined && typeof issuer === 'string' && isIssuerName(issuer) && !issuers.includes(issuer)) {
        problems.push(
          `${file}: ${formatJsonPath(['accounts', name, 'pipelineAccess', 'adoptOidcProviders', index])}: "${issuer}" is not an issuer the account's trust names (${issuers.length > 0 ? issuers.join(', ') : 'none'}); remove it, or correct it`,
        );
      }
    });
  }
  return problems;
}

/**
 * A repository's subject template is one for all its jobs: once it includes `job_workflow_ref` (for an
 * entry with `jobWorkflowRef`), no token of the repository has the default subject any more, so an
 * entry of the same repository without `jobWorkflowRef`, in any trust of the file, would never match.
 */
function jobWorkflowRefProblems(
  trusts: readonly { at: PropertyKey[]; trust: Record<string, unknown> }[],
  file: string,
): string[] {
  const entries = trusts.flatMap(({ at, trust }) =>
    (Array.isArray(trust.github) ? trust.github : []).flatMap((entry: unknown, index) =>
      isPlainObject(entry) && typeof entry.repository === 'string'
        ? [{ at: [...at, 'github', index], repository: entry.repository, pinned: entry.jobWorkflowRef !== undefined }]
        : [],
    ),
  );
  const customized = new Map(entries.filter((entry) => entry.pinned).map((entry) => [entry.repository, entry.at]));
  return entries.flatMap((entry) => {
    const pinnedAt = customized.get(entry.repository);
    return pinnedAt === undefined || entry.pinned
      ? []
      : [
          `${file}: ${formatJsonPath(entry.at)}: names no "jobWorkflowRef", but ${formatJsonPath(pinnedAt)} does, so ${entry.repository}'s subject template includes job_workflow_ref and every token of the repository has the customized subject, which this entry never matches; add "jobWorkflowRef" to it`,
        ];
  });
}

function regionOf(account: unknown, fallback: unknown): string {
  if (isPlainObject(account) && typeof account.region === 'string') return account.region;
  return typeof fallback === 'string' ? fallback : DEFAULT_REGION;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What a deploy role in an account that reaches the others could do, by the account's kind. */
const CONTROLLING_REACH: Readonly<Record<string, string>> = {
  'organizations-management':
    'the Organizations management account, which OrganizationAccountAccessRole in every member account trusts: a deploy role here that may edit its own policies, or act on AWS Organizations, reaches every member',
  hub: "the hub, whose profile assumes a role in every other account: a deploy role here that may edit its own policies can assume those roles where they trust the hub's account",
};

/**
 * The hub is the account of `accountDefaults.profile`: an account reached with that profile alone (no `roleArn`)
 * is it, and must say so (`controlsOtherAccounts`), so that it gets no deploy role by accident. The import
 * marks it; this catches an account written by hand.
 */
function unmarkedHubProblems(included: readonly [string, unknown][], raw: Record<string, unknown>, file: string): string[] {
  const hubProfile = isPlainObject(raw.accountDefaults) ? raw.accountDefaults.profile : undefined;
  if (typeof hubProfile !== 'string') return [];
  return included
    .filter(([, account]) =>
      typeof account === 'string'
        ? account === hubProfile
        : isPlainObject(account) &&
          account.profile === hubProfile &&
          account.roleArn === undefined &&
          account.controlsOtherAccounts === undefined,
    )
    .map(
      ([name]) =>
        `${file}: ${formatJsonPath(['accounts', name])}: is reached with accountDefaults.profile ("${hubProfile}") alone, so it is the hub, which can reach every other account; add "controlsOtherAccounts": "hub" to it, and "pipelineAccess": false unless it should hold a deploy role`,
    );
}

/**
 * A deploy role in the Organizations management account or the hub (`controlsOtherAccounts`) is
 * refused unless the account opts in (`pipelineAccess.allowInControllingAccount`), which is refused
 * where it has nothing to allow, and without the boundary the access stack creates (a role there that could
 * edit its own policies would reach every other account).
 */
function controllingAccountProblems(
  included: readonly [string, unknown][],
  section: Record<string, unknown>,
  file: string,
): string[] {
  const problems: string[] = [];
  for (const [name, account] of included) {
    if (!isPlainObject(account)) continue;
    const kind = account.controlsOtherAccounts;
    const optIn = isPlainObject(account.pipelineAccess) ? account.pipelineAccess.allowInControllingAccount : undefined;
    if (typeof kind === 'string' && CONTROLLING_REACH[kind] !== undefined && optIn !== true) {
      problems.push(
        `${file}: ${formatJsonPath(['accounts', name, 'pipelineAccess'])}: the account is ${CONTROLLING_REACH[kind]} ("controlsOtherAccounts": "${kind}"); add "pipelineAccess": false to the account, or opt in with "pipelineAccess": {"allowInControllingAccount": true}`,
      );
    } else if (typeof kind === 'string' && optIn === true && section.permissionsBoundary !== 'create') {
      problems.push(
        `${file}: ${formatJsonPath(['accounts', name, 'pipelineAccess', 'allowInControllingAccount'])}: a deploy role in ${kind === 'hub' ? 'the hub' : 'the Organizations management account'} needs the boundary the access stack creates, which stops it editing its own policies; add "permissionsBoundary": "create" to the top-level "pipelineAccess"`,
      );
    } else if (kind === undefined && optIn === true) {
      problems.push(
        `${file}: ${formatJsonPath(['accounts', name, 'pipelineAccess', 'allowInControllingAccount'])}: has no effect, since the account has no "controlsOtherAccounts"; remove it`,
      );
    }
  }
  return problems;
}
