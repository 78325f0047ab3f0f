import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import type { GuardRule, Violation } from '../rule';
import {
  claimConditions,
  hasWildcard,
  isForAllValues,
  isWebIdentityTrust,
  statementLabel,
  trustStatements,
} from '../trust-policies';

/**
 * BA-IAM-4: a role that trusts an OIDC provider pins the token's subject (`<issuer>:sub`), with no
 * wildcard in the part that names who runs the job: GitHub's owner and repository
 * (`repo:OWNER/REPO:…`), GitLab's project path (`project_path:GROUP/PROJECT:…`), CircleCI's
 * organization and project (`org/<org>/project/<project>/…`); any other issuer's subject may not be
 * a wildcard alone.
 *
 * Every repository on GitHub gets tokens from the same issuer: without a subject condition, or with
 * `repo:*` / `repo:acme*`, anyone's workflow (a fork, a repository named to match) can assume the role.
 */
export const iamOidcTrustSubject: GuardRule = {
  id: 'BA-IAM-4',
  title: 'A role trusting an OIDC provider pins the subject, with no wildcard in its owner, repository or project',
  explanation:
    "A CI service's issuer signs tokens for every one of its users: without a subject condition, or with a wildcard in the owner, repository or project, anyone's job can assume the role.",
  resourceTypes: [IamRole.tfResourceType],
  check(resource, context) {
    // An unreadable trust policy is reported once, by BA-IAM-3.
    const violations: Violation[] = [];
    (trustStatements(resource, context) ?? []).forEach((statement, index) => {
      if (!isWebIdentityTrust(statement)) return;
      const subjects = claimConditions(statement, 'sub');
      if (subjects.length === 0) {
        violations.push({
          what: `${statementLabel(index)} lets every job of the OIDC provider's service assume the role (no subject condition)`,
          fix: 'add a StringEquals condition on "<issuer>:sub" naming the repository and branch or environment, e.g. "repo:acme/infra:ref:refs/heads/main"',
        });
        return;
      }
      for (const condition of subjects) {
        // ForAllValues is BA-IAM-5's finding.
        if (isForAllValues(condition)) continue;
        const issuer = condition.variable.slice(0, -':sub'.length);
        for (const value of condition.values) {
          const problem = subjectWildcard(issuer, value);
          if (problem !== undefined) {
            violations.push({
              what: `${statementLabel(index)} matches the subject ${JSON.stringify(value)}, ${problem}`,
              fix: 'name each owner, repository or project exactly; a wildcard may only stand for the branch, environment or user',
            });
          }
        }
      }
    });
    return violations;
  },
};

/** Why a subject value lets in parties it should not, or `undefined`. */
export function subjectWildcard(issuer: string, value: string): string | undefined {
  if (!hasWildcard(value)) return undefined;
  if (issuer === 'token.actions.githubusercontent.com') {
    const match = /^repo:([^:]*)(:|$)/.exec(value);
    if (match === null) return 'which does not name a repository (repo:OWNER/REPO:…)';
    return hasWildcard(match[1] ?? '') || !(match[1] ?? '').includes('/') ? 'a wildcard in the owner or repository' : undefined;
  }
  if (issuer.startsWith('oidc.circleci.com/org/')) {
    const match = /^org\/([^/]*)\/project\/([^/]*)\//.exec(value);
    if (match === null) return 'which does not name an organization and project (org/<org>/project/<project>/…)';
    return hasWildcard(match[1] ?? '') || hasWildcard(match[2] ?? '') ? 'a wildcard in the organization or project' : undefined;
  }
  if (value.startsWith('project_path:')) {
    const path = /^project_path:([^:]*)(:|$)/.exec(value)?.[1] ?? '';
    return hasWildcard(path) ? 'a wildcard in the project path' : undefined;
  }
  return /^[*?]+$/.test(value) ? 'a wildcard for every subject' : undefined;
}
