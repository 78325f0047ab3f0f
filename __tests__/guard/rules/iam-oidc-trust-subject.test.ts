import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { iamOidcTrustSubject } from '../../../src/guard/rules';
import { subjectWildcard } from '../../../src/guard/rules/iam-oidc-trust-subject';
import { findings } from '../fixtures';

const GITHUB = 'token.actions.githubusercontent.com';
const CIRCLECI = 'oidc.circleci.com/org/2b3c4d5e-6f70-4812-9abc-def012345678';
const ORG = '2b3c4d5e-6f70-4812-9abc-def012345678';

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
        assumeRolePolicy: trust(CIRCLECI, { StringLike: { [`${CIRCLECI}:sub`]: `org/${ORG}/project/p1/user/*` } }),
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
      'BA-IAM-4 fixture/role: trust statement 1 matches the subject "repo:acme/*", a wildcard in the owner or repository; name each owner, repository or project exactly; a wildcard may only stand for the branch, environment or user',
      'BA-IAM-4 fixture/role: trust statement 1 matches the subject "repo:*/infra:ref:refs/heads/main", a wildcard in the owner or repository; name each owner, repository or project exactly; a wildcard may only stand for the branch, environment or user',
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
  ])('%s subject %s: %s', (issuer, value, expected) => {
    expect(subjectWildcard(issuer, value)).toBe(expected);
  });
});
