import {
  circleciSubjectPatterns,
  deployRoleTrustPolicy,
  githubNameOnlyWarning,
  githubSubjects,
  gitlabSubject,
  oidcAudiences,
} from '../../src/constructs/deploy-role-trust';

const RUNNER = 'arn:aws:iam::222222222222:role/acme-pipeline-runner';
const ORG = '2b3c4d5e-6f70-4812-9abc-def012345678';
const PROJECT = '3c4d5e6f-7081-4923-abcd-ef0123456789';
const providerArn = (issuer: string): string => `arn:aws:iam::111111111111:oidc-provider/${issuer}`;
const GITLAB = { project: 'acme/platform/infra', branch: 'main', url: 'https://gitlab.com', audience: 'https://gitlab.com' };
const CIRCLECI_PROJECT = { projectId: PROJECT, vcsOrigin: 'github.com/acme/infrastructure', branches: ['main'] };
const USER = '????????-????-????-????-????????????';

describe('deployRoleTrustPolicy', () => {
  test('the runner: the production account root, narrowed to the runner role by aws:PrincipalArn', () => {
    expect(deployRoleTrustPolicy({ runnerRoleArn: RUNNER, providerArn })).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'PipelineRunner',
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:iam::222222222222:root' },
          Action: 'sts:AssumeRole',
          Condition: { ArnEquals: { 'aws:PrincipalArn': RUNNER } },
        },
      ],
    });
  });

  test('the runner in another partition keeps its partition in the root principal', () => {
    const policy = deployRoleTrustPolicy({ runnerRoleArn: 'arn:aws-cn:iam::222222222222:role/r', providerArn });
    expect(policy.Statement[0]?.Principal).toEqual({ AWS: 'arn:aws-cn:iam::222222222222:root' });
  });

  test('GitHub: audience sts.amazonaws.com and every subject with StringEquals, only the immutable form when IDs are given', () => {
    const policy = deployRoleTrustPolicy({
      github: [
        { repository: 'acme/infrastructure', branch: 'main' },
        { repository: 'acme/infrastructure', environment: 'production', ownerId: '123', repositoryId: '456' },
      ],
      providerArn,
    });
    expect(policy.Statement).toEqual([
      {
        Sid: 'GithubActions',
        Effect: 'Allow',
        Principal: { Federated: 'arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com' },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringEquals: {
            'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
            'token.actions.githubusercontent.com:sub': [
              'repo:acme/infrastructure:ref:refs/heads/main',
              'repo:acme@123/infrastructure@456:environment:production',
            ],
          },
        },
      },
    ]);
  });

  test('GitLab: one statement per instance and audience, so no job matches the audience of one entry and the subject of another', () => {
    const policy = deployRoleTrustPolicy({
      gitlab: [
        GITLAB,
        { ...GITLAB, project: 'acme/other', branch: 'release' },
        { project: 'ops/infra', branch: 'main', url: 'https://gitlab.example.com/gl', audience: 'aws' },
      ],
      providerArn,
    });
    expect(policy.Statement).toEqual([
      {
        Sid: 'GitlabCi',
        Effect: 'Allow',
        Principal: { Federated: 'arn:aws:iam::111111111111:oidc-provider/gitlab.com' },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringEquals: {
            'gitlab.com:aud': 'https://gitlab.com',
            'gitlab.com:sub': [
              'project_path:acme/platform/infra:ref_type:branch:ref:main',
              'project_path:acme/other:ref_type:branch:ref:release',
            ],
          },
        },
      },
      {
        Sid: 'GitlabCi2',
        Effect: 'Allow',
        Principal: { Federated: 'arn:aws:iam::111111111111:oidc-provider/gitlab.example.com/gl' },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringEquals: {
            'gitlab.example.com/gl:aud': 'aws',
            'gitlab.example.com/gl:sub': ['project_path:ops/infra:ref_type:branch:ref:main'],
          },
        },
      },
    ]);
  });

  test('CircleCI: the organization as audience, each project and branch by its V2 subject, 36 ? in the user part only', () => {
    const issuer = `oidc.circleci.com/org/${ORG}`;
    const other = {
      projectId: '9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a',
      vcsOrigin: 'gitlab.com/acme/ops/infra',
      branches: ['main', 'release/1.x'],
    };
    const policy = deployRoleTrustPolicy({ circleci: { organizationId: ORG, projects: [CIRCLECI_PROJECT, other] }, providerArn });
    expect(policy.Statement).toEqual([
      {
        Sid: 'CircleCi',
        Effect: 'Allow',
        Principal: { Federated: `arn:aws:iam::111111111111:oidc-provider/${issuer}` },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringEquals: { [`${issuer}:aud`]: ORG },
          StringLike: {
            [`${issuer}:sub`]: [
              `org/${ORG}/project/${PROJECT}/user/${USER}/vcs-origin/github.com/acme/infrastructure/vcs-ref/refs/heads/main`,
              `org/${ORG}/project/${other.projectId}/user/${USER}/vcs-origin/gitlab.com/acme/ops/infra/vcs-ref/refs/heads/main`,
              `org/${ORG}/project/${other.projectId}/user/${USER}/vcs-origin/gitlab.com/acme/ops/infra/vcs-ref/refs/heads/release/1.x`,
            ],
          },
        },
      },
    ]);
    // The only wildcards are the 36 single-character ones of the user ID: no "*" anywhere.
    expect(JSON.stringify(policy)).not.toContain('*');
  });

  test('no condition anywhere uses ForAllValues or ForAnyValue', () => {
    const policy = deployRoleTrustPolicy({
      runnerRoleArn: RUNNER,
      github: [{ repository: 'acme/infra', branch: 'main' }],
      gitlab: [GITLAB],
      circleci: { organizationId: ORG, projects: [CIRCLECI_PROJECT] },
      providerArn,
    });
    expect(JSON.stringify(policy)).not.toMatch(/ForAllValues|ForAnyValue/);
    expect(policy.Statement.map((statement) => statement.Sid)).toEqual([
      'PipelineRunner',
      'GithubActions',
      'GitlabCi',
      'CircleCi',
    ]);
  });

  test('a trust of no one is a programming error', () => {
    expect(() => deployRoleTrustPolicy({ providerArn })).toThrow('a deploy role must trust someone');
  });
});

describe('subjects and audiences', () => {
  test('GitHub subjects name the branch ref or the environment', () => {
    expect(githubSubjects({ repository: 'a/b', branch: 'release/1.x' })).toEqual(['repo:a/b:ref:refs/heads/release/1.x']);
    expect(githubSubjects({ repository: 'a/b', environment: 'prod' })).toEqual(['repo:a/b:environment:prod']);
  });

  test('GitHub with IDs: the immutable subject only, and the name subject too with trustNameSubject', () => {
    const entry = { repository: 'acme/infra', branch: 'main', ownerId: '12', repositoryId: '34' };
    expect(githubSubjects(entry)).toEqual(['repo:acme@12/infra@34:ref:refs/heads/main']);
    expect(githubSubjects({ ...entry, trustNameSubject: true })).toEqual([
      'repo:acme@12/infra@34:ref:refs/heads/main',
      'repo:acme/infra:ref:refs/heads/main',
    ]);
    expect(githubSubjects({ ...entry, trustNameSubject: false })).toEqual(['repo:acme@12/infra@34:ref:refs/heads/main']);
  });

  test('GitHub with jobWorkflowRef: the subject of the template ["repo", "context", "job_workflow_ref"]', () => {
    const jobWorkflowRef = 'acme/infra/.github/workflows/deploy.yml@refs/heads/main';
    expect(githubSubjects({ repository: 'acme/infra', environment: 'prod', jobWorkflowRef })).toEqual([
      `repo:acme/infra:environment:prod:job_workflow_ref:${jobWorkflowRef}`,
    ]);
    expect(
      githubSubjects({ repository: 'acme/infra', branch: 'main', ownerId: '12', repositoryId: '34', jobWorkflowRef }),
    ).toEqual([`repo:acme@12/infra@34:ref:refs/heads/main:job_workflow_ref:${jobWorkflowRef}`]);
  });

  test('a GitHub entry without IDs gets a warning that names the date and the gh api command; with IDs none', () => {
    expect(githubNameOnlyWarning({ repository: 'acme/infra' })).toBe(
      `the GitHub trust of acme/infra names no "ownerId" and "repositoryId", so it trusts only the name subject repo:acme/infra:…; GitHub gives repositories created, renamed or transferred after 2026-07-15 the immutable subject repo:OWNER@<owner id>/REPO@<repository id>:… (changelog 2026-04-23, "Immutable subject claims"), which this trust denies. Add both IDs, read with: gh api repos/acme/infra --jq '.owner.id, .id'; see docs/pipeline-access.md`,
    );
    expect(githubNameOnlyWarning({ repository: 'acme/infra', ownerId: '12' })).toBeUndefined();
  });

  test('GitLab and CircleCI subjects', () => {
    expect(gitlabSubject({ project: 'g/p', branch: 'main' })).toBe('project_path:g/p:ref_type:branch:ref:main');
    expect(circleciSubjectPatterns(ORG, CIRCLECI_PROJECT)).toEqual([
      `org/${ORG}/project/${PROJECT}/user/${USER}/vcs-origin/github.com/acme/infrastructure/vcs-ref/refs/heads/main`,
    ]);
  });

  test('each issuer lists the audiences its entries use, once', () => {
    expect(
      oidcAudiences({
        github: [{ repository: 'a/b', branch: 'main' }],
        gitlab: [GITLAB, { ...GITLAB, audience: 'aws' }, { ...GITLAB, branch: 'dev' }],
        circleci: { organizationId: ORG, projects: [CIRCLECI_PROJECT] },
      }),
    ).toEqual(
      new Map([
        ['token.actions.githubusercontent.com', ['sts.amazonaws.com']],
        ['gitlab.com', ['https://gitlab.com', 'aws']],
        [`oidc.circleci.com/org/${ORG}`, [ORG]],
      ]),
    );
  });
});
