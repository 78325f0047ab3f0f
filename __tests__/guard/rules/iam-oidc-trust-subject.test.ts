import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { iamOidcTrustSubject } from '../../../src/guard/rules';
import { CIRCLECI_USER_ID_PATTERN } from '../../../src/config/pipeline-access-schema';
import { subjectWildcard } from '../../../src/guard/rules/iam-oidc-trust-subject';
import { findings } from '../fixtures';

const GITHUB = 'token.actions.githubusercontent.com';
const CIRCLECI = 'oidc.circleci.com/org/2b3c4d5e-6f70-4812-9abc-def012345678';
const ORG = '2b3c4d5e-6f70-4812-9abc-def012345678';
const NO_ORIGIN =
  "which does not name the VCS origin (…/vcs-origin/<origin>/vcs-ref/<ref>), so a build of any origin, a fork's too, matches";
const INSIDE =
  'a wildcard that is not the whole last segment, so the parts after it are not pinned (IAM\'s "*" also matches "/" and ":")';

function trust(issuer: string, condition: Record<string, unknown>): string {
  return JSON.stringify({
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: `arn:aws:iam::111111111111:oidc-provider/${issuer}` },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: condition,
      },
    ],
  });
}

describe('BA-IAM-4 an OIDC trust pins the subject', () => {
  test('exact subjects pass, and wildcards only in the branch, environment or user part', () => {
    const lines = findings(iamOidcTrustSubject, (stack) => {
      new IamRole(stack, 'github', {
        assumeRolePolicy: trust(GITHUB, {
          StringEquals: { [`${GITHUB}:sub`]: ['repo:acme/infra:ref:refs/heads/main', 'repo:acme@1/infra@2:environment:prod'] },
        }),
      });
      new IamRole(stack, 'github-any-branch', {
        assumeRolePolicy: trust(GITHUB, { StringLike: { [`${GITHUB}:sub`]: 'repo:acme/infra:*' } }),
      });
      new IamRole(stack, 'circleci', {
        assumeRolePolicy: trust(CIRCLECI, {
          StringLike: {
            [`${CIRCLECI}:sub`]: `org/${ORG}/project/p1/user/${CIRCLECI_USER_ID_PATTERN}/vcs-origin/github.com/acme/infra/vcs-ref/refs/heads/main`,
          },
        }),
      });
      new IamRole(stack, 'gitlab', {
        assumeRolePolicy: trust('gitlab.com', {
          StringLike: { 'gitlab.com:sub': 'project_path:acme/infra:ref_type:branch:ref:*' },
        }),
      });
    });
    expect(lines).toEqual([]);
  });

  test('no subject condition fails: every repository of the service could assume the role', () => {
    const lines = findings(iamOidcTrustSubject, (stack) => {
      new IamRole(stack, 'role', {
        assumeRolePolicy: trust(GITHUB, { StringEquals: { [`${GITHUB}:aud`]: 'sts.amazonaws.com' } }),
      });
    });
    expect(lines).toEqual([
      'BA-IAM-4 fixture/role: trust statement 1 lets every job of the OIDC provider\'s service assume the role (no subject condition); add a StringEquals condition on "<issuer>:sub" naming the repository and branch or environment, e.g. "repo:acme/infra:ref:refs/heads/main"',
    ]);
  });

  test('a wildcard in the owner or repository fails', () => {
    const lines = findings(iamOidcTrustSubject, (stack) => {
      new IamRole(stack, 'role', {
        assumeRolePolicy: trust(GITHUB, {
          StringLike: { [`${GITHUB}:sub`]: ['repo:acme/*', 'repo:*/infra:ref:refs/heads/main'] },
        }),
      });
    });
    expect(lines).toEqual([
      'BA-IAM-4 fixture/role: trust statement 1 matches the subject "repo:acme/*", a wildcard in the owner or repository; name each owner, repository or project exactly; a "*" may only stand for the whole last segment (the branch, environment or ref)',
      'BA-IAM-4 fixture/role: trust statement 1 matches the subject "repo:*/infra:ref:refs/heads/main", a wildcard in the owner or repository; name each owner, repository or project exactly; a "*" may only stand for the whole last segment (the branch, environment or ref)',
    ]);
  });

  test.each<[string, string, string | undefined]>([
    [GITHUB, 'repo:acme/infra:ref:refs/heads/main', undefined],
    [GITHUB, 'repo:acme/infra:*', undefined],
    [GITHUB, 'repo:acme/in*:ref:refs/heads/main', 'a wildcard in the owner or repository'],
    [GITHUB, 'repo:acme*', 'a wildcard in the owner or repository'],
    [GITHUB, '*', 'which does not name a repository (repo:OWNER/REPO:…)'],
    [CIRCLECI, `org/${ORG}/project/*/user/*`, 'a wildcard in the organization or project'],
    [CIRCLECI, 'org/*', 'which does not name an organization and project (org/<org>/project/<project>/…)'],
    ['gitlab.example.com', 'project_path:acme/*:ref_type:branch:ref:main', 'a wildcard in the project path'],
    ['oidc.eks.eu-west-1.amazonaws.com/id/X', 'system:serviceaccount:ci:*', undefined],
    ['oidc.eks.eu-west-1.amazonaws.com/id/X', '*', 'a wildcard for every subject'],
    // Only a `*` standing for the whole last segment, for every issuer.
    [GITHUB, 'repo:acme/infra:ref:refs/heads/*', undefined],
    [GITHUB, 'repo:acme/infra:environment:*', undefined],
    [GITHUB, 'repo:acme/infra:ref:refs/heads/*-prod', INSIDE],
    [GITHUB, 'repo:acme/infra:ref:refs/heads/release-*', INSIDE],
    [GITHUB, 'repo:acme/infra:*:refs/heads/main', INSIDE],
    [GITHUB, 'repo:acme/infra:ref:refs/heads/v?', INSIDE],
    [GITHUB, 'repo:acme/infra:ref:refs/heads/**', INSIDE],
    ['gitlab.com', 'project_path:acme/infra:ref_type:*:ref:main', INSIDE],
    ['oidc.eks.eu-west-1.amazonaws.com/id/X', 'system:serviceaccount:*:deployer', INSIDE],
    [CIRCLECI, `org/${ORG}/project/p1/user/*/vcs-origin/github.com/acme/infra/vcs-ref/refs/heads/main`, INSIDE],
    // CircleCI: with a wildcard, the VCS origin is named; `user/*` would match a fork's build too.
    [CIRCLECI, `org/${ORG}/project/p1/user/*`, NO_ORIGIN],
    [CIRCLECI, `org/${ORG}/project/p1/user/u1/vcs-origin/*`, NO_ORIGIN],
    [CIRCLECI, `org/${ORG}/project/p1/user/${CIRCLECI_USER_ID_PATTERN}/vcs-origin/github.com/acme/infra/vcs-ref/*`, undefined],
    [CIRCLECI, `org/${ORG}/project/p1/user/u1/vcs-origin/github.com/acme/infra/vcs-ref/refs/heads/main`, undefined],
    // CircleCI's user-ID pattern: 36 fixed positions in the user segment, nowhere else.
    [CIRCLECI, `org/${ORG}/project/p1/user/${CIRCLECI_USER_ID_PATTERN}`, NO_ORIGIN],
    [
      CIRCLECI,
      `org/${ORG}/project/p1/user/${CIRCLECI_USER_ID_PATTERN}/vcs-origin/github.com/acme/infra/vcs-ref/refs/heads/*`,
      undefined,
    ],
    [
      CIRCLECI,
      `org/${ORG}/project/p1/user/${CIRCLECI_USER_ID_PATTERN}/vcs-origin/github.com/acme/*/vcs-ref/refs/heads/main`,
      NO_ORIGIN,
    ],
    [
      CIRCLECI,
      `org/${ORG}/project/p1/user/${CIRCLECI_USER_ID_PATTERN}?/vcs-origin/github.com/acme/infra/vcs-ref/refs/heads/main`,
      INSIDE,
    ],
    [
      CIRCLECI,
      `org/${ORG}/project/p1/user/u1/vcs-origin/github.com/acme/infra/vcs-ref/refs/heads/${CIRCLECI_USER_ID_PATTERN}`,
      INSIDE,
    ],
    // The issuer in another letter case is still recognized (BA-IAM-9 reports the case itself).
    ['Token.Actions.GitHubUserContent.com', 'repo:acme/*', 'a wildcard in the owner or repository'],
  ])('%s subject %s: %s', (issuer, value, expected) => {
    expect(subjectWildcard(issuer, value)).toBe(expected);
  });

  test("CircleCI's V2 trust, the user as the ID pattern and the origin and branch exact, passes", () => {
    const subject = `org/${ORG}/project/3c4d5e6f-7081-4923-abcd-ef0123456789/user/${CIRCLECI_USER_ID_PATTERN}/vcs-origin/github.com/acme/infra/vcs-ref/refs/heads/main`;
    const lines = findings(iamOidcTrustSubject, (stack) => {
      new IamRole(stack, 'circleci', {
        assumeRolePolicy: trust(CIRCLECI, {
          StringEquals: { [`${CIRCLECI}:aud`]: ORG },
          StringLike: { [`${CIRCLECI}:sub`]: subject },
        }),
      });
    });
    expect(lines).toEqual([]);
  });

  test('a wildcard inside the subject fails: a branch named to match would choose the rest', () => {
    const lines = findings(iamOidcTrustSubject, (stack) => {
      new IamRole(stack, 'role', {
        assumeRolePolicy: trust(GITHUB, { StringLike: { [`${GITHUB}:sub`]: 'repo:acme/infra:ref:refs/heads/*-prod' } }),
      });
    });
    expect(lines).toEqual([
      `BA-IAM-4 fixture/role: trust statement 1 matches the subject "repo:acme/infra:ref:refs/heads/*-prod", ${INSIDE}; name each owner, repository or project exactly; a "*" may only stand for the whole last segment (the branch, environment or ref)`,
    ]);
  });

  test.each([
    ['StringNotEquals', { StringNotEquals: { [`${GITHUB}:sub`]: 'repo:mallory/infra:ref:refs/heads/main' } }],
    ['StringNotLike', { StringNotLike: { [`${GITHUB}:sub`]: 'repo:mallory/*' } }],
    ['StringEqualsIfExists', { StringEqualsIfExists: { [`${GITHUB}:sub`]: 'repo:acme/infra:ref:refs/heads/main' } }],
    ['StringLikeIfExists', { StringLikeIfExists: { [`${GITHUB}:sub`]: 'repo:acme/infra:*' } }],
    ['Null', { Null: { [`${GITHUB}:sub`]: 'false' } }],
  ])('a subject tested only with %s fails: it holds for tokens of other repositories', (operator, condition) => {
    const lines = findings(iamOidcTrustSubject, (stack) => {
      new IamRole(stack, 'role', {
        assumeRolePolicy: trust(GITHUB, { StringEquals: { [`${GITHUB}:aud`]: 'sts.amazonaws.com' }, ...condition }),
      });
    });
    expect(lines).toEqual([
      expect.stringMatching(
        new RegExp(
          `^BA-IAM-4 fixture/role: trust statement 1 tests the subject only with ${operator}, which holds for tokens of other repositories`,
        ),
      ),
    ]);
  });

  test('a negative subject condition beside a positive pin passes: it only narrows', () => {
    const lines = findings(iamOidcTrustSubject, (stack) => {
      new IamRole(stack, 'role', {
        assumeRolePolicy: trust(GITHUB, {
          StringLike: { [`${GITHUB}:sub`]: 'repo:acme/infra:*' },
          StringNotLike: { [`${GITHUB}:sub`]: 'repo:acme/infra:ref:refs/heads/feature-*' },
        }),
      });
    });
    expect(lines).toEqual([]);
  });

  test('a subject key in another letter case is read as the subject, and its wildcard fails', () => {
    const lines = findings(iamOidcTrustSubject, (stack) => {
      new IamRole(stack, 'role', {
        assumeRolePolicy: trust(GITHUB, { StringLike: { 'Token.Actions.GitHubUserContent.com:SUB': 'repo:*' } }),
      });
    });
    expect(lines).toEqual([expect.stringContaining('matches the subject "repo:*", a wildcard in the owner or repository')]);
  });
});
