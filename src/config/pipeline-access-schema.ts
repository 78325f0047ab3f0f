import { z } from 'zod';
import { formatJsonPath } from './errors';
import { describeValue, JSON_NULL, typeError } from './messages';

/** Defaults of the `"pipelineAccess"` section of accounts.json. */
export const PIPELINE_ACCESS_DEFAULTS = {
  /** One hour: AWS's own default, and the most a role chain (runner → deploy role) gets anyway. */
  maxSessionDuration: 3600,
  gitlabUrl: 'https://gitlab.com',
} as const;

/** IAM's bounds on a role's `MaxSessionDuration`, in seconds (1 to 12 hours). */
export const MIN_SESSION_DURATION = 3600;
export const MAX_SESSION_DURATION = 43200;

/** IAM's limit on role names. */
export const MAX_ROLE_NAME_LENGTH = 64;

/** GitHub's OIDC issuer and the audience `aws-actions/configure-aws-credentials` asks for. */
export const GITHUB_ISSUER = 'token.actions.githubusercontent.com';
export const GITHUB_AUDIENCE = 'sts.amazonaws.com';
/** CircleCI's issuers are per organization: `oidc.circleci.com/org/<organization id>`. */
export const CIRCLECI_ISSUER_PREFIX = 'oidc.circleci.com/org/';
/**
 * The user part of a CircleCI subject (`…/user/<user id>/…`), as an IAM pattern: a user ID is a UUID,
 * so 36 characters with the hyphens in place. Each `?` matches exactly one character, so unlike `*` the
 * pattern cannot reach into the segments after it (the VCS origin and ref, which a fork controls).
 */
export const CIRCLECI_USER_ID_PATTERN = '????????-????-????-????-????????????';

/** An IAM managed policy ARN (AWS-managed or of an account), in any partition; wildcards are refused first. */
const POLICY_ARN = /^arn:aws(-cn|-us-gov)?:iam::(aws|\d{12}):policy\/([\w+=,.@-]+\/)*[\w+=,.@-]{1,128}$/;
/** `"permissionsBoundary"`'s one value: the access stack creates the boundary (src/constructs/permissions-boundary.ts). */
export const CREATE_PERMISSIONS_BOUNDARY = 'create';

/** The AWS-managed policies that make a role an administrator, or let it make itself one: never a boundary. */
export const ADMIN_EQUIVALENT_MANAGED_POLICY = /^arn:aws(?:-cn|-us-gov)?:iam::aws:policy\/(AdministratorAccess|IAMFullAccess)$/;

/** An IAM role name, as IAM accepts it. */
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
/** A GitHub user or organization login: letters, digits and single hyphens, at most 39 characters. */
const GITHUB_OWNER = /^[A-Za-z0-9](?:-?[A-Za-z0-9]){0,38}$/;
/** A GitHub repository name: letters, digits, `.`, `_`, `-`, at most 100 characters. */
const GITHUB_REPOSITORY_NAME = /^[A-Za-z0-9._-]{1,100}$/;
/** A GitLab group or project path segment. */
const GITLAB_SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
/** A CircleCI organization or project ID: a lowercase UUID, as the CircleCI web app shows it. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** The issuer URL of a GitLab instance: https, a host, an optional port and path, no trailing slash. */
const GITLAB_URL = /^https:\/\/[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:\d{1,5})?(\/[\w.~-]+)*$/;

const GITHUB_EXAMPLE = '{"repository": "acme/infrastructure", "branch": "main"}';
const GITLAB_EXAMPLE = '{"project": "acme/platform/infra", "branch": "main"}';
const CIRCLECI_PROJECT_EXAMPLE =
  '{"projectId": "3c4d5e6f-7081-4923-abcd-ef0123456789", "vcsOrigin": "github.com/acme/infrastructure", "branches": ["main"]}';
const CIRCLECI_EXAMPLE = `{"organizationId": "2b3c4d5e-6f70-4812-9abc-def012345678", "projects": [${CIRCLECI_PROJECT_EXAMPLE}]}`;
/** A host name as CircleCI writes it in a VCS origin: lowercase DNS labels, at least one dot. */
const VCS_HOST = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/;
/** One path segment of a VCS origin (an owner, group or repository name). */
const VCS_SEGMENT = /^[A-Za-z0-9_.-]+$/;
/** The ref of a workflow file in `job_workflow_ref`: a branch, a tag or a full commit SHA. */
const WORKFLOW_REF = /^(?:refs\/(heads|tags)\/(.+)|[0-9a-f]{40})$/;
/** A workflow file of a repository, as `job_workflow_ref` names it: `.github/workflows/<file>.yml`. */
const WORKFLOW_FILE = /^\.github\/workflows\/[A-Za-z0-9_.-]+\.ya?ml$/;

/** `"*"` and `"?"` are IAM's wildcards (StringLike); a trust must name every party exactly. */
function hasWildcard(value: string): boolean {
  return value.includes('*') || value.includes('?');
}

/**
 * A string that names one thing exactly: not blank, no surrounding spaces, no IAM wildcard, and then
 * `problem` (the field's own format), which returns why the value is malformed or `undefined`.
 */
function exactString(what: string, example: string, problem: (value: string) => string | undefined = () => undefined) {
  return z.string({ error: typeError('a string', example) }).superRefine((value, ctx) => {
    const message =
      value.trim() === ''
        ? `is empty; write ${what}, e.g. ${example}`
        : value.trim() !== value
          ? `${JSON.stringify(value)} has leading or trailing spaces; remove them`
          : hasWildcard(value)
            ? `${JSON.stringify(value)} has a wildcard; a trust names ${what} exactly, so list each one, e.g. ${example}`
            : problem(value);
    if (message !== undefined) ctx.addIssue({ code: 'custom', message });
  });
}

/** Why `name` is not a branch name git accepts (git check-ref-format), or `undefined`. */
export function branchProblem(name: string): string | undefined {
  if (name.startsWith('refs/')) {
    return `${JSON.stringify(name)} is a full ref; write the branch name alone, e.g. "main"`;
  }
  // eslint-disable-next-line no-control-regex
  const malformed = /[\u0000-\u0020\u007f~^:[\\]|\.\.|@\{|\/\/|^[/.-]|[/.]$|\.lock$|\/\./.test(name) || name === '@';
  return malformed
    ? `${JSON.stringify(name)} is not a branch name git accepts (no spaces, "..", "~^:[\\", "@{", leading "-" or "/", trailing "/", "." or ".lock"); write e.g. "main"`
    : undefined;
}

function githubRepositoryProblem(value: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value) || value.startsWith('git@')) {
    return `${JSON.stringify(value)} is a URL; write OWNER/REPOSITORY alone, as a token's subject names it, e.g. "acme/infrastructure"`;
  }
  if (value.endsWith('.git')) {
    // GitHub's subject (repo:OWNER/REPO:…) never ends in .git, so this entry would match no token.
    return `${JSON.stringify(value)} ends with ".git", which no token's subject has; write ${JSON.stringify(value.slice(0, -'.git'.length))}`;
  }
  const [owner, name, ...rest] = value.split('/');
  if (owner === undefined || name === undefined || rest.length > 0) {
    return `${JSON.stringify(value)} is not OWNER/REPOSITORY; write e.g. "acme/infrastructure"`;
  }
  if (!GITHUB_OWNER.test(owner)) {
    return `${JSON.stringify(owner)} is not a GitHub user or organization name (letters, digits and single hyphens, at most 39); write e.g. "acme/infrastructure"`;
  }
  if (!GITHUB_REPOSITORY_NAME.test(name) || name === '.' || name === '..') {
    return `${JSON.stringify(name)} is not a GitHub repository name (letters, digits, ".", "_" and "-", at most 100); write e.g. "acme/infrastructure"`;
  }
  return undefined;
}

function gitlabProjectProblem(value: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value) || value.startsWith('git@')) {
    return `${JSON.stringify(value)} is a URL; write the project path alone, e.g. "acme/platform/infra" (a self-managed instance goes in "url")`;
  }
  if (value.endsWith('.git')) {
    return `${JSON.stringify(value)} ends with ".git", which no token's project_path has; write ${JSON.stringify(value.slice(0, -'.git'.length))}`;
  }
  const segments = value.split('/');
  if (segments.length < 2) {
    return `${JSON.stringify(value)} is not a project path; write the group and project, e.g. "acme/platform/infra"`;
  }
  const bad = segments.find((segment) => !GITLAB_SEGMENT.test(segment) || segment.endsWith('.git') || segment.endsWith('.'));
  return bad !== undefined
    ? `${JSON.stringify(value)}: ${JSON.stringify(bad)} is not a GitLab group or project name (letters, digits, "_", "-" and "."); write the path as in the project's URL, e.g. "acme/platform/infra"`
    : undefined;
}

function environmentProblem(value: string): string | undefined {
  // GitHub allows up to 255 characters; a ":" would make the subject ambiguous (it separates its parts).
  if (value.length > 255) return `has ${value.length} characters, over GitHub's limit of 255; shorten it`;
  // eslint-disable-next-line no-control-regex
  if (value.includes(':') || /[\u0000-\u001f]/.test(value)) {
    return `${JSON.stringify(value)} is not a GitHub environment name (no ":" or control characters); write e.g. "production"`;
  }
  return undefined;
}

const githubIdSchema = (key: string) =>
  z.string({ error: typeError('a string of digits', `"${key}": "123456"`) }).regex(/^[1-9]\d{0,19}$/, {
    error: (issue) =>
      `${describeValue(issue.input)} is not a GitHub ID; write the number in quotes, as the API's "id" gives it, e.g. "${key}": "123456"`,
  });

/** One GitHub repository and the branch or environment whose jobs may assume the role. */
const githubTrustSchema = z
  .strictObject(
    {
      repository: exactString('the repository', '"repository": "acme/infrastructure"', githubRepositoryProblem).describe(
        'OWNER/REPO whose jobs may assume the role.',
      ),
      branch: exactString('the branch', '"branch": "main"', branchProblem)
        .optional()
        .describe('The branch whose jobs may assume the role; exactly one of branch or environment.'),
      environment: exactString('the environment', '"environment": "production"', environmentProblem)
        .optional()
        .describe('The GitHub environment whose jobs may assume the role; exactly one of branch or environment.'),
      ownerId: githubIdSchema('ownerId')
        .optional()
        .describe('Numeric owner ID, in quotes; with repositoryId, only the immutable subject is trusted.'),
      repositoryId: githubIdSchema('repositoryId').optional().describe('Numeric repository ID, in quotes; with ownerId.'),
      trustNameSubject: z
        .boolean({ error: typeError('true or false', '"trustNameSubject": true') })
        .optional()
        .describe('With the IDs, also trust the name subject repo:OWNER/REPO:… (a transition switch); default false.'),
      jobWorkflowRef: exactString(
        'the workflow',
        '"jobWorkflowRef": "acme/infrastructure/.github/workflows/deploy.yml@refs/heads/main"',
        jobWorkflowRefProblem,
      )
        .optional()
        .describe("The reusable workflow the job must come from; needs the repository's subject template with job_workflow_ref."),
    },
    { error: typeError('an object', GITHUB_EXAMPLE) },
  )
  .superRefine((entry, ctx) => {
    if ((entry.branch === undefined) === (entry.environment === undefined)) {
      ctx.addIssue({
        code: 'custom',
        message:
          entry.branch === undefined
            ? 'names neither a branch nor an environment; add "branch": "main", or "environment": "production" for jobs that use one'
            : "names both a branch and an environment, but a job's token names only one (the environment when the job has one); split it into two entries",
      });
    }
    if ((entry.ownerId === undefined) !== (entry.repositoryId === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: [entry.ownerId === undefined ? 'ownerId' : 'repositoryId'],
        message:
          'is missing; the immutable subject (repo:OWNER@<id>/REPO@<id>:…) needs both "ownerId" and "repositoryId", or neither',
      });
    }
    if (entry.trustNameSubject !== undefined && entry.ownerId === undefined && entry.repositoryId === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['trustNameSubject'],
        message:
          'has no effect without "ownerId" and "repositoryId": the name subject is all an entry without them trusts; remove it, or add both IDs',
      });
    }
  });

/** One GitLab project and branch whose jobs may assume the role. */
const gitlabTrustSchema = z.strictObject(
  {
    project: exactString('the project path', '"project": "acme/platform/infra"', gitlabProjectProblem).describe(
      'The project path, group/.../project.',
    ),
    branch: exactString('the branch', '"branch": "main"', branchProblem).describe('The branch whose jobs may assume the role.'),
    url: exactString('the GitLab instance URL', '"url": "https://gitlab.example.com"', (value) =>
      GITLAB_URL.test(value)
        ? undefined
        : `${JSON.stringify(value)} is not the https URL of a GitLab instance (the issuer of its ID tokens, no trailing "/"); write e.g. "https://gitlab.example.com"`,
    ).optional(),
    audience: exactString("the audience the job's id_tokens asks for", '"audience": "https://gitlab.com"', (value) =>
      /\s/.test(value)
        ? `${JSON.stringify(value)} contains whitespace; write the "aud" of the job's id_tokens exactly`
        : undefined,
    ).optional(),
  },
  { error: typeError('an object', GITLAB_EXAMPLE) },
);

const uuidSchema = (what: string, example: string) =>
  exactString(`the ${what}`, example, (value) =>
    UUID.test(value)
      ? undefined
      : `${JSON.stringify(value)} is not a CircleCI ${what} (a lowercase UUID from the CircleCI web app's settings); write e.g. ${example}`,
  );

/** One CircleCI project, and the branches of its repository whose jobs may assume the role. */
const circleciProjectSchema = z.strictObject(
  {
    projectId: uuidSchema('project ID', '"projectId": "3c4d5e6f-7081-4923-abcd-ef0123456789"').describe(
      "The project's UUID from the CircleCI project settings.",
    ),
    vcsOrigin: exactString('the repository', '"vcsOrigin": "github.com/acme/infrastructure"', vcsOriginProblem).describe(
      "The project's repository as CircleCI's V2 token names it: host/owner/repository.",
    ),
    branches: z
      .array(exactString('the branch', '"main"', branchProblem), {
        error: typeError('a list of branches', '"branches": ["main"]'),
      })
      .min(1, { error: 'is empty; list the branches whose jobs may deploy, e.g. "branches": ["main"]' })
      .superRefine(uniqueEntries)
      .describe('The branches whose jobs may assume the role; at least one.'),
  },
  { error: typeError('an object', CIRCLECI_PROJECT_EXAMPLE) },
);

/**
 * CircleCI projects of one organization whose jobs may assume the role. The old form, `projectIds`
 * alone, trusted every branch and fork of a project: it is refused with one line, before the rest of
 * the object is read (a pipe stops at the first step's issue).
 */
const circleciTrustSchema = z.preprocess(
  (value, ctx) => {
    if (typeof value === 'object' && value !== null && !Array.isArray(value) && 'projectIds' in value) {
      const ids = (value as { projectIds?: unknown }).projectIds;
      const first = Array.isArray(ids) && typeof ids[0] === 'string' && UUID.test(ids[0]) ? ids[0] : '<project id>';
      ctx.addIssue({
        code: 'custom',
        path: ['projectIds'],
        message: `trusts every branch and every fork of the project; replace it with "projects": [{"projectId": "${first}", "vcsOrigin": "github.com/acme/infrastructure", "branches": ["main"]}], pinned on CircleCI's V2 token (CIRCLE_OIDC_TOKEN_V2)`,
      });
      return z.NEVER;
    }
    return value;
  },
  z.strictObject(
    {
      organizationId: uuidSchema('organization ID', '"organizationId": "2b3c4d5e-6f70-4812-9abc-def012345678"').describe(
        "The organization's UUID from the CircleCI settings.",
      ),
      projects: z
        .array(circleciProjectSchema, { error: typeError('a list of projects', `"projects": [${CIRCLECI_PROJECT_EXAMPLE}]`) })
        .min(1, { error: `is empty; list the projects whose jobs may deploy, e.g. "projects": [${CIRCLECI_PROJECT_EXAMPLE}]` })
        .superRefine(uniqueProjects)
        .describe('The projects whose jobs may assume the role, each with its repository and branches.'),
    },
    { error: typeError('an object', CIRCLECI_EXAMPLE) },
  ),
);

/** Why `value` is not a VCS origin as CircleCI's V2 token names it (`github.com/acme/infrastructure`). */
function vcsOriginProblem(value: string): string | undefined {
  const example = 'write it as the V2 token names it, e.g. "github.com/acme/infrastructure"';
  if (value.includes('://')) {
    return `${JSON.stringify(value)} has a scheme; ${example}`;
  }
  if (value.endsWith('/')) return `${JSON.stringify(value)} ends with "/"; ${example}`;
  if (value.endsWith('.git')) return `${JSON.stringify(value)} ends with ".git"; ${example}`;
  const [host = '', ...path] = value.split('/');
  if (!VCS_HOST.test(host)) return `${JSON.stringify(host)} is not a host name (lowercase, e.g. "github.com"); ${example}`;
  const bad = path.find((segment) => !VCS_SEGMENT.test(segment) || segment === '.' || segment === '..');
  if (path.length < 2 || bad !== undefined) {
    return `${JSON.stringify(value)} is not host/owner/repository (letters, digits, "_", "-" and "." in each part); ${example}`;
  }
  return undefined;
}

/** Why `value` is not a `job_workflow_ref` (`OWNER/REPO/.github/workflows/FILE.yml@REF`), or `undefined`. */
function jobWorkflowRefProblem(value: string): string | undefined {
  const example = 'write e.g. "acme/infrastructure/.github/workflows/deploy.yml@refs/heads/main"';
  // GitHub names and the workflow file have no "@"; a branch may.
  const at = value.indexOf('@');
  const [owner = '', repository = '', ...file] = (at < 0 ? value : value.slice(0, at)).split('/');
  const ref = at < 0 ? '' : value.slice(at + 1);
  if (value.includes(':')) return `${JSON.stringify(value)} contains ":", which the subject uses as a separator; ${example}`;
  const repositoryProblem = githubRepositoryProblem(`${owner}/${repository}`);
  if (repositoryProblem !== undefined) return repositoryProblem.replace(/write e\.g\. .*$/, example);
  if (at < 0) return `${JSON.stringify(value)} names no ref ("@refs/heads/BRANCH" at the end); ${example}`;
  if (!WORKFLOW_FILE.test(file.join('/'))) {
    return `${JSON.stringify(value)} does not name a workflow file (OWNER/REPO/.github/workflows/FILE.yml@REF); ${example}`;
  }
  const refMatch = WORKFLOW_REF.exec(ref);
  if (refMatch === null) {
    return `${JSON.stringify(ref)} is not a ref of the workflow (refs/heads/BRANCH, refs/tags/TAG or a full commit SHA); ${example}`;
  }
  const name = refMatch[2];
  return name !== undefined ? branchProblem(name)?.replace(/write e\.g\. .*$/, example) : undefined;
}

/** A project listed twice would need its branches merged: one entry per project. */
function uniqueProjects(projects: readonly { projectId: string }[], ctx: z.RefinementCtx): void {
  const ids = projects.map((project) => project.projectId);
  ids.forEach((id, index) => {
    const first = ids.indexOf(id);
    if (first !== index) {
      ctx.addIssue({
        code: 'custom',
        path: [index, 'projectId'],
        message: `repeats the project of entry [${first}]; list all its branches in that entry`,
      });
    }
  });
}

function uniqueEntries(values: readonly unknown[], ctx: z.RefinementCtx): void {
  const keys = values.map((value) => JSON.stringify(value));
  keys.forEach((key, index) => {
    const first = keys.indexOf(key);
    if (first !== index) ctx.addIssue({ code: 'custom', path: [index], message: `repeats entry [${first}]; remove one` });
  });
}

function listOf<T extends z.ZodType>(item: T, key: string, example: string) {
  return z
    .array(item, { error: typeError('a list', `"${key}": [${example}]`) })
    .superRefine(uniqueEntries)
    .default([]);
}

/** Who may assume a deploy role: the top-level `trust`, or an account's own. */
const trustSchema = z.strictObject(
  {
    runner: z
      .boolean({ error: typeError('true or false', '"runner": true') })
      .optional()
      .describe("The pipeline stack's runner role; default true when there is a pipeline stack."),
    github: listOf(githubTrustSchema, 'github', GITHUB_EXAMPLE).describe('GitHub Actions: repository and branch or environment.'),
    gitlab: listOf(gitlabTrustSchema, 'gitlab', GITLAB_EXAMPLE).describe('GitLab CI: project path and branch.'),
    circleci: circleciTrustSchema
      .optional()
      .describe('CircleCI: organization ID, and each project with its repository and branches.'),
  },
  { error: typeError('an object', `"trust": {"runner": true, "github": [${GITHUB_EXAMPLE}]}`) },
);

const policyArnSchema = (example: string) =>
  z.string({ error: typeError('a string', example) }).superRefine((value, ctx) => {
    if (hasWildcard(value)) {
      ctx.addIssue({ code: 'custom', message: `${JSON.stringify(value)} has a wildcard; name each policy by its full ARN` });
    } else if (!POLICY_ARN.test(value)) {
      ctx.addIssue({
        code: 'custom',
        message: `${describeValue(value)} is not an IAM managed policy ARN; write e.g. "arn:aws:iam::aws:policy/PowerUserAccess" or "arn:aws:iam::123456789012:policy/terraform-deploy"`,
      });
    }
  });

const policyArnsSchema = z
  .array(policyArnSchema('"arn:aws:iam::aws:policy/PowerUserAccess"'), {
    error: typeError('a list of IAM policy ARNs', '"policyArns": ["arn:aws:iam::aws:policy/PowerUserAccess"]'),
  })
  .min(1, {
    error:
      'is empty; list the policies the deploy role gets (there is no default, so that no role becomes an administrator silently), e.g. "policyArns": ["arn:aws:iam::aws:policy/PowerUserAccess"]',
  })
  .superRefine(uniqueEntries);

/** The `"pipelineAccess"` object: a deploy role in every account, and who may assume it. */
export const pipelineAccessObjectSchema = z.strictObject(
  {
    roleName: z
      .string({ error: typeError('a string', '"roleName": "acme-pipeline-deploy"') })
      .regex(ROLE_NAME, {
        error: (issue) =>
          `${describeValue(issue.input)} is not an IAM role name (1 to 64 letters, digits or +=,.@_-); write e.g. "acme-pipeline-deploy"`,
      })
      .optional()
      .describe('Name of the deploy role in every account; default "<platform>-pipeline-deploy".'),
    maxSessionDuration: z
      .int({ error: typeError('a whole number of seconds', '"maxSessionDuration": 3600') })
      .min(MIN_SESSION_DURATION, { error: "must be at least 3600 seconds (1 hour), IAM's minimum; write e.g. 3600" })
      .max(MAX_SESSION_DURATION, { error: "must be at most 43200 seconds (12 hours), IAM's maximum; write e.g. 3600" })
      .default(PIPELINE_ACCESS_DEFAULTS.maxSessionDuration)
      .describe('Maximum session of the deploy role, 3600 to 43200 seconds.'),
    policyArns: policyArnsSchema.describe('Managed policies of every deploy role; at least one, no default.'),
    permissionsBoundaryArn: policyArnSchema('"permissionsBoundaryArn": "arn:aws:iam::123456789012:policy/deploy-boundary"')
      .superRefine((value, ctx) => {
        const admin = ADMIN_EQUIVALENT_MANAGED_POLICY.exec(value)?.[1];
        if (admin !== undefined) {
          ctx.addIssue({
            code: 'custom',
            message: `${JSON.stringify(value)} is ${admin}, which caps nothing as a boundary; use "permissionsBoundary": "create" instead, or a policy of your own that denies what a pipeline must not do`,
          });
        }
      })
      .optional()
      .describe('Permissions boundary of every deploy role, a policy of your own; or permissionsBoundary.'),
    permissionsBoundary: z
      .literal(CREATE_PERMISSIONS_BOUNDARY, {
        error: (issue) =>
          `${describeValue(issue.input)} is not a choice; write "permissionsBoundary": "create" for the boundary the access stack makes, or leave it out`,
      })
      .optional()
      .describe('"create": each access stack creates the permissions boundary of its deploy role; or permissionsBoundaryArn.'),
    trust: trustSchema.default({ github: [], gitlab: [] }).describe('Who may assume the deploy roles.'),
  },
  {
    error: (issue) =>
      issue.code === 'invalid_type'
        ? `must be an object like {"policyArns": ["arn:aws:iam::aws:policy/PowerUserAccess"]}, got ${describeValue(issue.input)}; leave it out for no deploy roles`
        : undefined,
  },
);

/** `"pipelineAccess"`: absent (or `null` refused) means no access stacks at all. */
export const pipelineAccessSchema = z.preprocess(
  (value) => (value === null ? JSON_NULL : value),
  pipelineAccessObjectSchema.optional(),
);

export type PipelineAccessSection = z.output<typeof pipelineAccessObjectSchema>;

/** `accounts.<name>.pipelineAccess`: `false` leaves the account out; an object adopts existing OIDC providers. */
const accountPipelineAccessObjectSchema = z.strictObject(
  {
    allowInControllingAccount: z
      .boolean({ error: typeError('true or false', '"allowInControllingAccount": true') })
      .optional()
      .describe('true: a deploy role even though the account has controlsOtherAccounts (it could reach every other account).'),
    adoptOidcProviders: z
      .array(
        exactString('the issuer', '"token.actions.githubusercontent.com"', (value) =>
          !isIssuerName(value)
            ? `${JSON.stringify(value)} starts with a scheme or ends with "/"; write the issuer as IAM names the provider, e.g. "token.actions.githubusercontent.com"`
            : undefined,
        ),
        { error: typeError('a list of issuers', '"adoptOidcProviders": ["token.actions.githubusercontent.com"]') },
      )
      .superRefine(uniqueEntries)
      .default([])
      .describe('Issuers whose existing OIDC provider in the account the access stack takes over.'),
    policyArns: policyArnsSchema
      .optional()
      .describe("The account's deploy role policies, replacing the top-level policyArns; default those."),
    trust: trustSchema
      .optional()
      .describe("Who may assume the account's deploy role, replacing the top-level trust; default that one."),
  },
  {
    error: (issue) =>
      issue.code === 'invalid_type'
        ? `must be false (no deploy role in this account) or an object like {"trust": {"github": [${GITHUB_EXAMPLE}]}}, got ${describeValue(issue.input)}`
        : undefined,
  },
);

/** Per account: `false` parses to `null` (left out), `true` or absent to the defaults. */
export const accountPipelineAccessSchema = z.preprocess(
  (value) => (value === undefined || value === true ? {} : value === false ? null : value === null ? JSON_NULL : value),
  accountPipelineAccessObjectSchema.nullable(),
);

/** An issuer as IAM names its provider (`token.actions.githubusercontent.com`): no scheme, no trailing "/". */
export function isIssuerName(value: string): boolean {
  return !/^[a-z]+:\/\//i.test(value) && !value.endsWith('/');
}

/** The default deploy role name, `<platform>-pipeline-deploy`. */
export function defaultDeployRoleName(platform: string): string {
  return `${platform}-pipeline-deploy`;
}

/** The issuer (as IAM names the provider: host and path, no scheme) of a GitLab instance URL. */
export function gitlabIssuer(url: string): string {
  return url.replace(/^https:\/\//, '');
}

/** The issuer of a CircleCI organization's tokens. */
export function circleciIssuer(organizationId: string): string {
  return `${CIRCLECI_ISSUER_PREFIX}${organizationId}`;
}

/** Issuers the section trusts, each once, in the order of the file (GitHub, GitLab, CircleCI). */
export function trustedIssuers(section: Pick<PipelineAccessSection, 'trust'>): string[] {
  const issuers = [
    ...(section.trust.github.length > 0 ? [GITHUB_ISSUER] : []),
    ...section.trust.gitlab.map((entry) => gitlabIssuer(entry.url ?? PIPELINE_ACCESS_DEFAULTS.gitlabUrl)),
    ...(section.trust.circleci !== undefined ? [circleciIssuer(section.trust.circleci.organizationId)] : []),
  ];
  return [...new Set(issuers)];
}

/** Where a problem of the section is reported: `pipelineAccess.trust.runner` and the like. */
export function accessPath(...at: PropertyKey[]): string {
  return formatJsonPath(['pipelineAccess', ...at]);
}
