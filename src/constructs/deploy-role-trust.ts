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
 *   with `StringEquals` (never `ForAllValues`, which is true when the key is absent). CircleCI's
 *   subject ends in the user who started the job, so it is matched with `StringLike` and a `*` in that
 *   part only: the form CircleCI and AWS document, and one subject rule for every service in the
 *   policy guard (BA-IAM-4). IAM also knows CircleCI's `oidc.circleci.com/project-id` claim as a key.
 */
import type { CircleciTrustConfig, GithubTrustConfig, GitlabTrustConfig } from '../config';
import { circleciIssuer, GITHUB_AUDIENCE, GITHUB_ISSUER, gitlabIssuer } from '../config/pipeline-access-schema';

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

/** The subjects of GitHub's tokens for one entry: the name form, and the immutable form when IDs are given. */
export function githubSubjects(entry: GithubTrustConfig): string[] {
  const [owner, repository] = entry.repository.split('/');
  const context = entry.environment !== undefined ? `environment:${entry.environment}` : `ref:refs/heads/${String(entry.branch)}`;
  const subjects = [`repo:${entry.repository}:${context}`];
  if (entry.ownerId !== undefined && entry.repositoryId !== undefined) {
    subjects.push(`repo:${String(owner)}@${entry.ownerId}/${String(repository)}@${entry.repositoryId}:${context}`);
  }
  return subjects;
}

/** The subject of GitLab's tokens for jobs of `project` on `branch`. */
export function gitlabSubject(entry: Pick<GitlabTrustConfig, 'project' | 'branch'>): string {
  return `project_path:${entry.project}:ref_type:branch:ref:${entry.branch}`;
}

/** The subject pattern of CircleCI's tokens for jobs of one project, started by any user. */
export function circleciSubjectPattern(organizationId: string, projectId: string): string {
  return `org/${organizationId}/project/${projectId}/user/*`;
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
    const { organizationId, projectIds } = props.circleci;
    const issuer = circleciIssuer(organizationId);
    statements.push(
      webIdentity('CircleCi', issuer, {
        StringEquals: { [`${issuer}:aud`]: organizationId },
        StringLike: { [`${issuer}:sub`]: projectIds.map((project) => circleciSubjectPattern(organizationId, project)) },
      }),
    );
  }
  if (statements.length === 0) throw new Error('a deploy role must trust someone');
  return { Version: '2012-10-17', Statement: statements };
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
