/**
 * The trust policy of a deploy role: who may assume it. Plain JSON, built at synth, so that the
 * document a test evaluates is the document IAM receives (only the OIDC provider ARNs may be
 * Terraform references).
 *
 * - The runner: the production account's root as principal, narrowed by `aws:PrincipalArn` to the
 *   runner role. Naming the role itself as principal would make IAM resolve it at deploy time, and
 *   refuse the policy while pipeline-prod has not created the role yet; the condition has no such
 *   order, and a role recreated under the same name is still the runner.
 * - CI services through OIDC (`sts:AssumeRoleWithWebIdentity`): the audience and the subject pinned
 *   with `StringEquals` (never `ForAllValues`, which is true when the key is absent).
 * - GitHub: with the owner's and repository's IDs, only the immutable subject
 *   `repo:OWNER@<id>/REPO@<id>:…` (a recycled name cannot match it), the name form too only with
 *   `trustNameSubject`. With `jobWorkflowRef`, the subject customized to `…:job_workflow_ref:<ref>`:
 *   AWS does not offer GitHub's custom claims as condition keys, so the pin has to be in the subject.
 * - CircleCI: the V2 subject (`$CIRCLE_OIDC_TOKEN_V2`), whose user part varies and so is matched with
 *   `StringLike` and a pattern of exactly 36 `?` there (see CIRCLECI_USER_ID_PATTERN), then the VCS
 *   origin and the branch ref exactly. The V1 subject ends at the user and names no branch or fork.
 */
import type { CircleciProjectTrustConfig, CircleciTrustConfig, GithubTrustConfig, GitlabTrustConfig } from '../config';
import {
  CIRCLECI_USER_ID_PATTERN,
  circleciIssuer,
  GITHUB_AUDIENCE,
  GITHUB_ISSUER,
  gitlabIssuer,
} from '../config/pipeline-access-schema';

/** An IAM policy document, ready for `JSON.stringify`. */
export interface TrustPolicyDocument {
  readonly Version: '2012-10-17';
  readonly Statement: readonly TrustStatement[];
}

export interface TrustStatement {
  readonly Sid: string;
  readonly Effect: 'Allow';
  readonly Principal: { readonly AWS: string } | { readonly Federated: string };
  readonly Action: string;
  readonly Condition: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;
}

/** Who may assume the role (an account's resolved `TrustConfig` fits), and where its providers are. */
export interface DeployRoleTrustProps {
  /**
   * The runner role that may assume the deploy role (`sts:AssumeRole`).
   * @default undefined: the runner is not trusted.
   */
  readonly runnerRoleArn?: string;
  /** @default []: no GitHub repository. */
  readonly github?: readonly GithubTrustConfig[];
  /** @default []: no GitLab project. */
  readonly gitlab?: readonly GitlabTrustConfig[];
  /** @default undefined: no CircleCI organization. */
  readonly circleci?: CircleciTrustConfig;
  /** The ARN of the account's OIDC provider for an issuer (`token.actions.githubusercontent.com`). */
  readonly providerArn: (issuer: string) => string;
}

/**
 * The subjects of GitHub's tokens for one entry: with IDs, the immutable form (and the name form with
 * `trustNameSubject`); without, the name form. With `jobWorkflowRef`, each in the customized form of
 * the template `["repo", "context", "job_workflow_ref"]`: `<repo>:<context>:job_workflow_ref:<ref>`.
 */
export function githubSubjects(entry: GithubTrustConfig): string[] {
  const [owner, repository] = entry.repository.split('/');
  const context = entry.environment !== undefined ? `environment:${entry.environment}` : `ref:refs/heads/${String(entry.branch)}`;
  const withIds = entry.ownerId !== undefined && entry.repositoryId !== undefined;
  const repos = [
    ...(withIds ? [`repo:${String(owner)}@${entry.ownerId}/${String(repository)}@${entry.repositoryId}`] : []),
    ...(!withIds || entry.trustNameSubject === true ? [`repo:${entry.repository}`] : []),
  ];
  const workflow = entry.jobWorkflowRef !== undefined ? `:job_workflow_ref:${entry.jobWorkflowRef}` : '';
  return repos.map((repo) => `${repo}:${context}${workflow}`);
}

/**
 * Why a GitHub entry without IDs will stop matching, as a synth warning; `undefined` with IDs.
 * GitHub gives repositories created, renamed or transferred after 2026-07-15 the immutable subject by
 * default (changelog 2026-04-23, "Immutable subject claims"), which a name-only trust denies.
 */
export function githubNameOnlyWarning(entry: Pick<GithubTrustConfig, 'repository' | 'ownerId'>): string | undefined {
  if (entry.ownerId !== undefined) return undefined;
  return `the GitHub trust of ${entry.repository} names no "ownerId" and "repositoryId", so it trusts only the name subject repo:${entry.repository}:…; GitHub gives repositories created, renamed or transferred after 2026-07-15 the immutable subject repo:OWNER@<owner id>/REPO@<repository id>:… (changelog 2026-04-23, "Immutable subject claims"), which this trust denies. Add both IDs, read with: gh api repos/${entry.repository} --jq '.owner.id, .id'; see docs/pipeline-access.md`;
}

/** The subject of GitLab's tokens for jobs of `project` on `branch`. */
export function gitlabSubject(entry: Pick<GitlabTrustConfig, 'project' | 'branch'>): string {
  return `project_path:${entry.project}:ref_type:branch:ref:${entry.branch}`;
}

/**
 * The subject patterns of CircleCI's V2 tokens for jobs of one project on its branches, started by any
 * user: `org/<org>/project/<project>/user/<36 ?>/vcs-origin/<origin>/vcs-ref/refs/heads/<branch>`.
 * Not `user/*`: IAM's `*` also matches `/`, so a fork's branch named
 * `x/vcs-origin/github.com/acme/infra/vcs-ref/refs/heads/main` would match `user/*` followed by the real
 * origin and ref. The 36 `?` match one user ID and nothing more.
 */
export function circleciSubjectPatterns(organizationId: string, project: CircleciProjectTrustConfig): string[] {
  return project.branches.map(
    (branch) =>
      `org/${organizationId}/project/${project.projectId}/user/${CIRCLECI_USER_ID_PATTERN}/vcs-origin/${project.vcsOrigin}/vcs-ref/refs/heads/${branch}`,
  );
}

/** The OIDC issuers the trust names, each with the audiences its provider must list (its client IDs). */
export function oidcAudiences(props: Omit<DeployRoleTrustProps, 'providerArn' | 'runnerRoleArn'>): Map<string, string[]> {
  const audiences = new Map<string, string[]>();
  const add = (issuer: string, audience: string): void => {
    const list = audiences.get(issuer) ?? [];
    if (!list.includes(audience)) list.push(audience);
    audiences.set(issuer, list);
  };
  if ((props.github ?? []).length > 0) add(GITHUB_ISSUER, GITHUB_AUDIENCE);
  for (const entry of props.gitlab ?? []) add(gitlabIssuer(entry.url), entry.audience);
  if (props.circleci !== undefined) add(circleciIssuer(props.circleci.organizationId), props.circleci.organizationId);
  return audiences;
}

/** The deploy role's trust policy; at least one of the parties must be given (the config checks that). */
export function deployRoleTrustPolicy(props: DeployRoleTrustProps): TrustPolicyDocument {
  const statements: TrustStatement[] = [];
  if (props.runnerRoleArn !== undefined) {
    const [, partition, accountId] = /^arn:([^:]+):iam::(\d{12}):role\//.exec(props.runnerRoleArn) ?? [];
    if (partition === undefined || accountId === undefined) throw new Error(`not a role ARN: ${props.runnerRoleArn}`);
    statements.push({
      Sid: 'PipelineRunner',
      Effect: 'Allow',
      Principal: { AWS: `arn:${partition}:iam::${accountId}:root` },
      Action: 'sts:AssumeRole',
      Condition: { ArnEquals: { 'aws:PrincipalArn': props.runnerRoleArn } },
    });
  }
  const webIdentity = (sid: string, issuer: string, condition: TrustStatement['Condition']): TrustStatement => ({
    Sid: sid,
    Effect: 'Allow',
    Principal: { Federated: props.providerArn(issuer) },
    Action: 'sts:AssumeRoleWithWebIdentity',
    Condition: condition,
  });
  const github = props.github ?? [];
  if (github.length > 0) {
    statements.push(
      webIdentity('GithubActions', GITHUB_ISSUER, {
        StringEquals: {
          [`${GITHUB_ISSUER}:aud`]: GITHUB_AUDIENCE,
          [`${GITHUB_ISSUER}:sub`]: unique(github.flatMap(githubSubjects)),
        },
      }),
    );
  }
  // One statement per issuer and audience: a job's token must match both of one entry, never the
  // audience of one and the subject of another.
  const gitlabGroups = new Map<string, { issuer: string; audience: string; subjects: string[] }>();
  for (const entry of props.gitlab ?? []) {
    const issuer = gitlabIssuer(entry.url);
    const key = JSON.stringify([issuer, entry.audience]);
    const group = gitlabGroups.get(key) ?? { issuer, audience: entry.audience, subjects: [] };
    group.subjects.push(gitlabSubject(entry));
    gitlabGroups.set(key, group);
  }
  [...gitlabGroups.values()].forEach((group, index) => {
    statements.push(
      webIdentity(`GitlabCi${index === 0 ? '' : String(index + 1)}`, group.issuer, {
        StringEquals: { [`${group.issuer}:aud`]: group.audience, [`${group.issuer}:sub`]: unique(group.subjects) },
      }),
    );
  });
  if (props.circleci !== undefined) {
    const { organizationId, projects } = props.circleci;
    const issuer = circleciIssuer(organizationId);
    statements.push(
      webIdentity('CircleCi', issuer, {
        StringEquals: { [`${issuer}:aud`]: organizationId },
        StringLike: {
          [`${issuer}:sub`]: unique(projects.flatMap((project) => circleciSubjectPatterns(organizationId, project))),
        },
      }),
    );
  }
  if (statements.length === 0) throw new Error('a deploy role must trust someone');
  return { Version: '2012-10-17', Statement: statements };
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
