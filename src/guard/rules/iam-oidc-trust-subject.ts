import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { CIRCLECI_ISSUER_PREFIX, CIRCLECI_USER_ID_PATTERN, GITHUB_ISSUER } from '../../config/pipeline-access-schema';
import type { GuardRule, Violation } from '../rule';
import {
  claimConditions,
  claimIssuer,
  hasWildcard,
  isForAllValues,
  isWebIdentityTrust,
  pinsValue,
  statementLabel,
  trustStatements,
} from '../trust-policies';

/**
 * BA-IAM-4: a role that trusts an OIDC provider pins the token's subject (`<issuer>:sub`) with a
 * positive operator (`StringEquals`, `StringLike`), and a wildcard only where it cannot let in
 * another party:
 *
 * - the subject must be pinned by a positive operator: a `sub` tested only with a negative operator
 *   (`StringNotEquals`, `StringNotLike`), an `…IfExists` operator or a `Null` check holds for tokens
 *   of any repository (a negative one for every subject it does not list; `…IfExists` when the
 *   claim is absent; `Null` for every token that has the claim);
 * - no wildcard in the part that names who runs the job: GitHub's owner and repository
 *   (`repo:OWNER/REPO:…`), GitLab's project path (`project_path:GROUP/PROJECT:…`), CircleCI's
 *   organization and project (`org/<org>/project/<project>/…`), and, with any wildcard, CircleCI's
 *   VCS origin (`…/vcs-origin/<origin>/vcs-ref/…`: `user/*` also matches a fork's build); for any other
 *   issuer the subject may not be a wildcard alone;
 * - and, for every issuer, a `*` only as the whole last segment (`…:*`, `…/*`): IAM's `*` also
 *   matches `/` and `:`, so a wildcard inside the subject (`repo:acme/infra:ref:refs/heads/*-prod`)
 *   lets whoever can name a branch choose the parts after it. A trailing `*` only extends what is
 *   already pinned. `?` counts as a wildcard too, except CircleCI's user-ID pattern
 *   (`…/user/????????-????-????-????-????????????/…`, 36 fixed positions that cannot reach into the
 *   VCS origin and ref after it).
 *
 * Every repository on GitHub gets tokens from the same issuer: without a subject condition, or with
 * `repo:*` / `repo:acme*`, anyone's workflow (a fork, a repository named to match) can assume the role.
 */
export const iamOidcTrustSubject: GuardRule = {
  id: 'BA-IAM-4',
  title:
    'A role trusting an OIDC provider pins the subject with a positive operator, with no wildcard in its owner, repository or project and none but a final "*"',
  explanation:
    "A CI service's issuer signs tokens for every one of its users: without a positive subject condition, or with a wildcard in the owner, repository or project, or inside the subject, anyone's job (or any branch's) can assume the role.",
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
      // ForAllValues is BA-IAM-5's finding.
      const pins = subjects.filter((condition) => !isForAllValues(condition) && pinsValue(condition));
      if (pins.length === 0 && !subjects.some(isForAllValues)) {
        violations.push({
          what: `${statementLabel(index)} tests the subject only with ${[...new Set(subjects.map((condition) => condition.test))].join(', ')}, which holds for tokens of other repositories (a negative operator for every subject it does not list, …IfExists when the claim is absent, Null for any token that has it)`,
          fix: 'add a StringEquals condition on "<issuer>:sub" naming the repository and branch or environment, e.g. "repo:acme/infra:ref:refs/heads/main"',
        });
        return;
      }
      for (const condition of pins) {
        const issuer = claimIssuer(condition.variable);
        for (const value of condition.values) {
          const problem = subjectWildcard(issuer, value);
          if (problem !== undefined) {
            violations.push({
              what: `${statementLabel(index)} matches the subject ${JSON.stringify(value)}, ${problem}`,
              fix: 'name each owner, repository or project exactly; a "*" may only stand for the whole last segment (the branch, environment or ref)',
            });
          }
        }
      }
    });
    return violations;
  },
};

/** CircleCI's user-ID pattern as a whole segment after `/user/`. */
const CIRCLECI_USER_SEGMENT = new RegExp(`/user/${CIRCLECI_USER_ID_PATTERN.replace(/\?/g, '\\?')}(?=/|$)`);

/** Why a subject value lets in parties it should not, or `undefined`. */
export function subjectWildcard(issuer: string, value: string): string | undefined {
  if (!hasWildcard(value)) return undefined;
  const name = issuer.toLowerCase();
  let rest = value;
  if (name === GITHUB_ISSUER) {
    const match = /^repo:([^:]*)(:|$)/.exec(value);
    if (match === null) return 'which does not name a repository (repo:OWNER/REPO:…)';
    if (hasWildcard(match[1] ?? '') || !(match[1] ?? '').includes('/')) return 'a wildcard in the owner or repository';
  } else if (name.startsWith(CIRCLECI_ISSUER_PREFIX)) {
    const match = /^org\/([^/]*)\/project\/([^/]*)\//.exec(value);
    if (match === null) return 'which does not name an organization and project (org/<org>/project/<project>/…)';
    if (hasWildcard(match[1] ?? '') || hasWildcard(match[2] ?? '')) return 'a wildcard in the organization or project';
    rest = value.replace(CIRCLECI_USER_SEGMENT, '/user/<user>');
    // A pattern that stops before the VCS origin (`…/user/*`, or the user-ID pattern of a V1 subject)
    // admits every origin's build of the project, a fork's pull request too.
    if (!/\/vcs-origin\/[^*?]+\/vcs-ref\//.test(rest)) {
      return "which does not name the VCS origin (…/vcs-origin/<origin>/vcs-ref/<ref>), so a build of any origin, a fork's too, matches";
    }
  } else if (value.startsWith('project_path:')) {
    const path = /^project_path:([^:]*)(:|$)/.exec(value)?.[1] ?? '';
    if (hasWildcard(path)) return 'a wildcard in the project path';
  } else if (/^[*?]+$/.test(value)) {
    return 'a wildcard for every subject';
  }
  if (!hasWildcard(rest)) return undefined;
  // A `*` standing for the whole last segment, after a `/` or `:`, and no other wildcard.
  if (/[:/]\*$/.test(rest) && !hasWildcard(rest.slice(0, -1))) return undefined;
  return 'a wildcard that is not the whole last segment, so the parts after it are not pinned (IAM\'s "*" also matches "/" and ":")';
}
