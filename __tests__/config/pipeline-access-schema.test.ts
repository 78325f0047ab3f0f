import { validateConfig } from '../../src/config';
import { branchProblem } from '../../src/config/pipeline-access-schema';
import { problemsOf } from '../support/problems';

const POWER_USER = 'arn:aws:iam::aws:policy/PowerUserAccess';
const ORG = '2b3c4d5e-6f70-4812-9abc-def012345678';
const PROJECT = '3c4d5e6f-7081-4923-abcd-ef0123456789';
const CIRCLECI_PROJECT = { projectId: PROJECT, vcsOrigin: 'github.com/acme/infrastructure', branches: ['main'] };
const ACCOUNTS = {
  dev: { profile: 'acme-dev', accountId: '111111111111' },
  prod: { profile: 'acme-prod', accountId: '222222222222' },
};
const BASE = { platform: 'acme', accounts: ACCOUNTS };

function configWith(pipelineAccess: unknown, extra: Record<string, unknown> = {}) {
  return validateConfig({ ...BASE, ...extra, pipelineAccess }, 'accounts.json');
}

function problems(pipelineAccess: unknown, extra: Record<string, unknown> = {}): readonly string[] {
  return problemsOf(() => configWith(pipelineAccess, extra));
}

describe('the "pipelineAccess" section of accounts.json', () => {
  test('absent: no deploy role anywhere, and the accounts are as before', () => {
    const config = validateConfig(BASE, 'accounts.json');
    expect(config.pipelineAccess).toBeUndefined();
    expect(config.accounts.map((account) => account.pipelineAccess)).toEqual([undefined, undefined]);
  });

  test('the smallest section: the runner of pipeline-prod is trusted, every default applies', () => {
    const config = configWith({ policyArns: [POWER_USER] });
    expect(config.pipelineAccess).toEqual({
      roleName: 'acme-pipeline-deploy',
      maxSessionDuration: 3600,
      policyArns: [POWER_USER],
      runnerRoleArn: 'arn:aws:iam::222222222222:role/acme-pipeline-runner',
      github: [],
      gitlab: [],
    });
    const trust = { runnerRoleArn: 'arn:aws:iam::222222222222:role/acme-pipeline-runner', github: [], gitlab: [] };
    expect(config.accounts.map((account) => account.pipelineAccess)).toEqual([
      {
        deployRoleArn: 'arn:aws:iam::111111111111:role/acme-pipeline-deploy',
        adoptOidcProviders: [],
        policyArns: [POWER_USER],
        trust,
      },
      {
        deployRoleArn: 'arn:aws:iam::222222222222:role/acme-pipeline-deploy',
        adoptOidcProviders: [],
        policyArns: [POWER_USER],
        trust,
      },
    ]);
  });

  test('every option is read as given, GitLab gets its instance and audience defaults', () => {
    const config = configWith(
      {
        roleName: 'terraform-deploy',
        maxSessionDuration: 7200,
        policyArns: [POWER_USER, 'arn:aws:iam::111111111111:policy/path/extra'],
        permissionsBoundaryArn: 'arn:aws:iam::111111111111:policy/deploy-boundary',
        trust: {
          runner: false,
          github: [
            { repository: 'acme/infrastructure', branch: 'main' },
            { repository: 'acme/infrastructure', environment: 'production', ownerId: '123', repositoryId: '456' },
          ],
          gitlab: [
            { project: 'acme/platform/infra', branch: 'main' },
            { project: 'ops/infra', branch: 'release/1.x', url: 'https://gitlab.example.com', audience: 'aws' },
          ],
          circleci: { organizationId: ORG, projects: [CIRCLECI_PROJECT] },
        },
      },
      { pipeline: false },
    );
    expect(config.pipelineAccess).toEqual({
      roleName: 'terraform-deploy',
      maxSessionDuration: 7200,
      policyArns: [POWER_USER, 'arn:aws:iam::111111111111:policy/path/extra'],
      permissionsBoundaryArn: 'arn:aws:iam::111111111111:policy/deploy-boundary',
      github: [
        { repository: 'acme/infrastructure', branch: 'main' },
        { repository: 'acme/infrastructure', environment: 'production', ownerId: '123', repositoryId: '456' },
      ],
      gitlab: [
        { project: 'acme/platform/infra', branch: 'main', url: 'https://gitlab.com', audience: 'https://gitlab.com' },
        { project: 'ops/infra', branch: 'release/1.x', url: 'https://gitlab.example.com', audience: 'aws' },
      ],
      circleci: { organizationId: ORG, projects: [CIRCLECI_PROJECT] },
    });
    // Every account gets the top-level trust and policies, without the runner (trust.runner: false).
    const access = config.pipelineAccess;
    expect(config.accounts[0]?.pipelineAccess).toMatchObject({
      policyArns: access?.policyArns,
      trust: { github: access?.github, gitlab: access?.gitlab, circleci: access?.circleci },
    });
    expect(config.accounts[0]?.pipelineAccess?.trust.runnerRoleArn).toBeUndefined();
  });

  test('"pipelineAccess": false on an account leaves it out; its ID is then not needed', () => {
    const config = configWith(
      { policyArns: [POWER_USER] },
      { accounts: { ...ACCOUNTS, sandbox: { profile: 'acme-sandbox', pipelineAccess: false } } },
    );
    expect(config.accounts.find((account) => account.name === 'sandbox')?.pipelineAccess).toBeUndefined();
    expect(config.accounts.find((account) => account.name === 'dev')?.pipelineAccess).toBeDefined();
  });

  test('account IDs come from roleArn and from accountDefaults as well as from accountId', () => {
    const config = validateConfig(
      {
        platform: 'acme',
        region: 'eu-west-1',
        accountDefaults: { profile: 'acme-hub', roleName: 'OrganizationAccountAccessRole' },
        accounts: {
          prod: { roleArn: 'arn:aws:iam::222222222222:role/TerraformDeployer' },
          dev: { accountId: '111111111111' },
        },
        pipelineAccess: { policyArns: [POWER_USER] },
      },
      'accounts.json',
    );
    expect(config.pipelineAccess?.runnerRoleArn).toBe('arn:aws:iam::222222222222:role/acme-pipeline-runner');
    expect(config.accounts.map((account) => account.pipelineAccess?.deployRoleArn)).toEqual([
      'arn:aws:iam::222222222222:role/acme-pipeline-deploy',
      'arn:aws:iam::111111111111:role/acme-pipeline-deploy',
    ]);
  });

  test('the partition of ARNs follows the region, and the runner name follows the pipeline namePrefix', () => {
    const config = validateConfig(
      {
        platform: 'acme',
        region: 'cn-north-1',
        accounts: { prod: { profile: 'p', accountId: '222222222222' } },
        pipeline: { namePrefix: 'ci' },
        pipelineAccess: { policyArns: ['arn:aws-cn:iam::aws:policy/PowerUserAccess'] },
      },
      'accounts.json',
    );
    expect(config.pipelineAccess?.runnerRoleArn).toBe('arn:aws-cn:iam::222222222222:role/ci-runner');
    expect(config.accounts[0]?.pipelineAccess?.deployRoleArn).toBe('arn:aws-cn:iam::222222222222:role/acme-pipeline-deploy');
  });

  test('without the runner, accounts need no ID: the OIDC trust does not name them', () => {
    const config = validateConfig(
      {
        platform: 'acme',
        accounts: { dev: 'acme-dev', prod: 'acme-prod' },
        pipelineAccess: {
          policyArns: [POWER_USER],
          trust: { runner: false, github: [{ repository: 'acme/infra', branch: 'main' }] },
        },
      },
      'accounts.json',
    );
    expect(config.pipelineAccess?.runnerRoleArn).toBeUndefined();
    const access = {
      adoptOidcProviders: [],
      policyArns: [POWER_USER],
      trust: { github: [{ repository: 'acme/infra', branch: 'main' }], gitlab: [] },
    };
    expect(config.accounts.map((account) => account.pipelineAccess)).toEqual([access, access]);
  });

  test('an account adopts the existing provider of an issuer the section trusts', () => {
    const config = configWith(
      { policyArns: [POWER_USER], trust: { github: [{ repository: 'acme/infra', branch: 'main' }] } },
      {
        accounts: {
          ...ACCOUNTS,
          dev: { ...ACCOUNTS.dev, pipelineAccess: { adoptOidcProviders: ['token.actions.githubusercontent.com'] } },
        },
      },
    );
    expect(config.accounts[0]?.pipelineAccess?.adoptOidcProviders).toEqual(['token.actions.githubusercontent.com']);
  });

  test.each<[string, unknown, Record<string, unknown>, string[]]>([
    [
      'not an object',
      true,
      {},
      [
        'accounts.json: pipelineAccess: must be an object like {"policyArns": ["arn:aws:iam::aws:policy/PowerUserAccess"]}, got the boolean true; leave it out for no deploy roles',
      ],
    ],
    [
      'null',
      null,
      {},
      [
        'accounts.json: pipelineAccess: must be an object like {"policyArns": ["arn:aws:iam::aws:policy/PowerUserAccess"]}, got null; leave it out for no deploy roles',
      ],
    ],
    [
      'no policyArns',
      {},
      {},
      [
        'accounts.json: pipelineAccess.policyArns: is missing; add it, e.g. "policyArns": ["arn:aws:iam::aws:policy/PowerUserAccess"]',
      ],
    ],
    [
      'an empty policyArns',
      { policyArns: [] },
      {},
      [
        'accounts.json: pipelineAccess.policyArns: is empty; list the policies the deploy role gets (there is no default, so that no role becomes an administrator silently), e.g. "policyArns": ["arn:aws:iam::aws:policy/PowerUserAccess"]',
      ],
    ],
    [
      'a policy wildcard, a role ARN for a policy, a repeated policy',
      { policyArns: ['arn:aws:iam::aws:policy/*', 'arn:aws:iam::111111111111:role/x', POWER_USER, POWER_USER] },
      {},
      [
        'accounts.json: pipelineAccess.policyArns[0]: "arn:aws:iam::aws:policy/*" has a wildcard; name each policy by its full ARN',
        'accounts.json: pipelineAccess.policyArns[1]: the string "arn:aws:iam::111111111111:role/x" is not an IAM managed policy ARN; write e.g. "arn:aws:iam::aws:policy/PowerUserAccess" or "arn:aws:iam::123456789012:policy/terraform-deploy"',
        'accounts.json: pipelineAccess.policyArns[3]: repeats entry [2]; remove one',
      ],
    ],
    [
      'a bad role name, session duration and boundary',
      { policyArns: [POWER_USER], roleName: 'deploy role', maxSessionDuration: 60, permissionsBoundaryArn: 'boundary' },
      {},
      [
        'accounts.json: pipelineAccess.roleName: the string "deploy role" is not an IAM role name (1 to 64 letters, digits or +=,.@_-); write e.g. "acme-pipeline-deploy"',
        "accounts.json: pipelineAccess.maxSessionDuration: must be at least 3600 seconds (1 hour), IAM's minimum; write e.g. 3600",
        'accounts.json: pipelineAccess.permissionsBoundaryArn: the string "boundary" is not an IAM managed policy ARN; write e.g. "arn:aws:iam::aws:policy/PowerUserAccess" or "arn:aws:iam::123456789012:policy/terraform-deploy"',
      ],
    ],
    [
      'a session longer than IAM allows',
      { policyArns: [POWER_USER], maxSessionDuration: 86400 },
      {},
      [
        "accounts.json: pipelineAccess.maxSessionDuration: must be at most 43200 seconds (12 hours), IAM's maximum; write e.g. 3600",
      ],
    ],
    [
      'an unknown key, with a suggestion',
      { policyArns: [POWER_USER], trust: { githib: [] } },
      {},
      [
        'accounts.json: pipelineAccess.trust.githib: unknown key; did you mean "github"? remove or rename it (allowed here: runner, github, gitlab, circleci)',
      ],
    ],
    [
      'GitHub wildcards in owner and repository',
      {
        policyArns: [POWER_USER],
        trust: {
          github: [
            { repository: '*/infra', branch: 'main' },
            { repository: 'acme/infra-?', branch: 'main' },
          ],
        },
      },
      {},
      [
        'accounts.json: pipelineAccess.trust.github[0].repository: "*/infra" has a wildcard; a trust names the repository exactly, so list each one, e.g. "repository": "acme/infrastructure"',
        'accounts.json: pipelineAccess.trust.github[1].repository: "acme/infra-?" has a wildcard; a trust names the repository exactly, so list each one, e.g. "repository": "acme/infrastructure"',
      ],
    ],
    [
      'a GitHub branch wildcard and an empty environment',
      {
        policyArns: [POWER_USER],
        trust: {
          github: [
            { repository: 'acme/infra', branch: 'release/*' },
            { repository: 'acme/infra', environment: ' ' },
          ],
        },
      },
      {},
      [
        'accounts.json: pipelineAccess.trust.github[0].branch: "release/*" has a wildcard; a trust names the branch exactly, so list each one, e.g. "branch": "main"',
        'accounts.json: pipelineAccess.trust.github[1].environment: is empty; write the environment, e.g. "environment": "production"',
      ],
    ],
    [
      'malformed GitHub names',
      {
        policyArns: [POWER_USER],
        trust: {
          github: [
            { repository: 'infrastructure', branch: 'main' },
            { repository: '-acme/infra', branch: 'main' },
            { repository: 'acme/in fra', branch: 'main' },
            { repository: 'acme/infra', branch: 'refs/heads/main' },
            { repository: 'acme/infra', environment: 'prod:eu' },
            { repository: 'acme/infrastructure.git', branch: 'main' },
            { repository: 'https://github.com/acme/infrastructure', branch: 'main' },
          ],
        },
      },
      {},
      [
        'accounts.json: pipelineAccess.trust.github[0].repository: "infrastructure" is not OWNER/REPOSITORY; write e.g. "acme/infrastructure"',
        'accounts.json: pipelineAccess.trust.github[1].repository: "-acme" is not a GitHub user or organization name (letters, digits and single hyphens, at most 39); write e.g. "acme/infrastructure"',
        'accounts.json: pipelineAccess.trust.github[2].repository: "in fra" is not a GitHub repository name (letters, digits, ".", "_" and "-", at most 100); write e.g. "acme/infrastructure"',
        'accounts.json: pipelineAccess.trust.github[3].branch: "refs/heads/main" is a full ref; write the branch name alone, e.g. "main"',
        'accounts.json: pipelineAccess.trust.github[4].environment: "prod:eu" is not a GitHub environment name (no ":" or control characters); write e.g. "production"',
        'accounts.json: pipelineAccess.trust.github[5].repository: "acme/infrastructure.git" ends with ".git", which no token\'s subject has; write "acme/infrastructure"',
        'accounts.json: pipelineAccess.trust.github[6].repository: "https://github.com/acme/infrastructure" is a URL; write OWNER/REPOSITORY alone, as a token\'s subject names it, e.g. "acme/infrastructure"',
      ],
    ],
    [
      'GitHub entries with neither or both of branch and environment, half an immutable ID',
      {
        policyArns: [POWER_USER],
        trust: {
          github: [
            { repository: 'acme/infra' },
            { repository: 'acme/infra', branch: 'main', environment: 'production' },
            { repository: 'acme/infra', branch: 'main', ownerId: '12' },
            { repository: 'acme/infra', branch: 'dev', ownerId: 12, repositoryId: '34' },
          ],
        },
      },
      {},
      [
        'accounts.json: pipelineAccess.trust.github[0]: names neither a branch nor an environment; add "branch": "main", or "environment": "production" for jobs that use one',
        "accounts.json: pipelineAccess.trust.github[1]: names both a branch and an environment, but a job's token names only one (the environment when the job has one); split it into two entries",
        'accounts.json: pipelineAccess.trust.github[2].repositoryId: is missing; the immutable subject (repo:OWNER@<id>/REPO@<id>:…) needs both "ownerId" and "repositoryId", or neither',
        'accounts.json: pipelineAccess.trust.github[3].ownerId: must be a string of digits, got the number 12; write e.g. "ownerId": "123456"',
      ],
    ],
    [
      'a repeated GitHub entry',
      {
        policyArns: [POWER_USER],
        trust: {
          github: [
            { repository: 'acme/infra', branch: 'main' },
            { repository: 'acme/infra', branch: 'main' },
          ],
        },
      },
      {},
      ['accounts.json: pipelineAccess.trust.github[1]: repeats entry [0]; remove one'],
    ],
    [
      'GitLab wildcards, malformed names and URLs, an empty audience',
      {
        policyArns: [POWER_USER],
        trust: {
          gitlab: [
            { project: 'acme/*', branch: 'main' },
            { project: 'infra', branch: 'main' },
            { project: 'acme/infra', branch: 'feature..x' },
            { project: 'acme/infra', branch: 'main', url: 'http://gitlab.example.com/' },
            { project: 'acme/infra', branch: 'main', audience: '' },
            { project: 'acme/infra' },
            { project: 'https://gitlab.example.com/acme/infra', branch: 'main' },
            { project: 'acme/in fra', branch: 'main' },
            { project: 'acme/infra.git', branch: 'main' },
          ],
        },
      },
      {},
      [
        'accounts.json: pipelineAccess.trust.gitlab[0].project: "acme/*" has a wildcard; a trust names the project path exactly, so list each one, e.g. "project": "acme/platform/infra"',
        'accounts.json: pipelineAccess.trust.gitlab[1].project: "infra" is not a project path; write the group and project, e.g. "acme/platform/infra"',
        'accounts.json: pipelineAccess.trust.gitlab[2].branch: "feature..x" is not a branch name git accepts (no spaces, "..", "~^:[\\", "@{", leading "-" or "/", trailing "/", "." or ".lock"); write e.g. "main"',
        'accounts.json: pipelineAccess.trust.gitlab[3].url: "http://gitlab.example.com/" is not the https URL of a GitLab instance (the issuer of its ID tokens, no trailing "/"); write e.g. "https://gitlab.example.com"',
        'accounts.json: pipelineAccess.trust.gitlab[4].audience: is empty; write the audience the job\'s id_tokens asks for, e.g. "audience": "https://gitlab.com"',
        'accounts.json: pipelineAccess.trust.gitlab[5].branch: is missing; add it, e.g. "branch": "main"',
        'accounts.json: pipelineAccess.trust.gitlab[6].project: "https://gitlab.example.com/acme/infra" is a URL; write the project path alone, e.g. "acme/platform/infra" (a self-managed instance goes in "url")',
        'accounts.json: pipelineAccess.trust.gitlab[7].project: "acme/in fra": "in fra" is not a GitLab group or project name (letters, digits, "_", "-" and "."); write the path as in the project\'s URL, e.g. "acme/platform/infra"',
        'accounts.json: pipelineAccess.trust.gitlab[8].project: "acme/infra.git" ends with ".git", which no token\'s project_path has; write "acme/infra"',
      ],
    ],
    [
      'CircleCI IDs that are not UUIDs, a wildcard project',
      {
        policyArns: [POWER_USER],
        trust: { circleci: { organizationId: 'acme', projects: [{ ...CIRCLECI_PROJECT, projectId: '*' }] } },
      },
      {},
      [
        'accounts.json: pipelineAccess.trust.circleci.organizationId: "acme" is not a CircleCI organization ID (a lowercase UUID from the CircleCI web app\'s settings); write e.g. "organizationId": "2b3c4d5e-6f70-4812-9abc-def012345678"',
        'accounts.json: pipelineAccess.trust.circleci.projects[0].projectId: "*" has a wildcard; a trust names the project ID exactly, so list each one, e.g. "projectId": "3c4d5e6f-7081-4923-abcd-ef0123456789"',
      ],
    ],
    [
      'CircleCI without projects, a project without repository or branches',
      { policyArns: [POWER_USER], trust: { circleci: { organizationId: ORG, projects: [] } } },
      {},
      [
        'accounts.json: pipelineAccess.trust.circleci.projects: is empty; list the projects whose jobs may deploy, e.g. "projects": [{"projectId": "3c4d5e6f-7081-4923-abcd-ef0123456789", "vcsOrigin": "github.com/acme/infrastructure", "branches": ["main"]}]',
      ],
    ],
    [
      'a CircleCI project without its repository and branches, one with no branch',
      {
        policyArns: [POWER_USER],
        trust: {
          circleci: {
            organizationId: ORG,
            projects: [{ projectId: PROJECT }, { ...CIRCLECI_PROJECT, branches: [] }],
          },
        },
      },
      {},
      [
        'accounts.json: pipelineAccess.trust.circleci.projects[0].vcsOrigin: is missing; add it, e.g. "vcsOrigin": "github.com/acme/infrastructure"',
        'accounts.json: pipelineAccess.trust.circleci.projects[0].branches: is missing; add it, e.g. "branches": ["main"]',
        'accounts.json: pipelineAccess.trust.circleci.projects[1].branches: is empty; list the branches whose jobs may deploy, e.g. "branches": ["main"]',
      ],
    ],
    [
      'a CircleCI project listed twice',
      {
        policyArns: [POWER_USER],
        trust: { circleci: { organizationId: ORG, projects: [CIRCLECI_PROJECT, { ...CIRCLECI_PROJECT, branches: ['dev'] }] } },
      },
      {},
      [
        'accounts.json: pipelineAccess.trust.circleci.projects[1].projectId: repeats the project of entry [0]; list all its branches in that entry',
      ],
    ],
    [
      'CircleCI VCS origins that are URLs, wildcards, end in "/" or ".git", or lack the repository; bad and repeated branches',
      {
        policyArns: [POWER_USER],
        trust: {
          circleci: {
            organizationId: ORG,
            projects: [
              { ...CIRCLECI_PROJECT, vcsOrigin: 'https://github.com/acme/infrastructure' },
              { ...CIRCLECI_PROJECT, projectId: '4d5e6f70-8192-4a3b-bcde-f01234567890', vcsOrigin: 'github.com/acme/*' },
              {
                ...CIRCLECI_PROJECT,
                projectId: '5e6f7081-92a3-4b4c-8def-012345678901',
                vcsOrigin: 'github.com/acme/infrastructure/',
              },
              {
                ...CIRCLECI_PROJECT,
                projectId: '6f708192-a3b4-4c5d-9ef0-123456789012',
                vcsOrigin: 'github.com/acme/infrastructure.git',
              },
              { ...CIRCLECI_PROJECT, projectId: '708192a3-b4c5-4d6e-8f01-234567890123', vcsOrigin: 'github.com/acme' },
              {
                ...CIRCLECI_PROJECT,
                projectId: '8192a3b4-c5d6-4e7f-9012-345678901234',
                vcsOrigin: 'GitHub.com/acme/infrastructure',
              },
              {
                ...CIRCLECI_PROJECT,
                projectId: '92a3b4c5-d6e7-4f80-a123-456789012345',
                branches: ['main', 'refs/heads/dev', 'main', 'release/*'],
              },
            ],
          },
        },
      },
      {},
      [
        'accounts.json: pipelineAccess.trust.circleci.projects[0].vcsOrigin: "https://github.com/acme/infrastructure" has a scheme; write it as the V2 token names it, e.g. "github.com/acme/infrastructure"',
        'accounts.json: pipelineAccess.trust.circleci.projects[1].vcsOrigin: "github.com/acme/*" has a wildcard; a trust names the repository exactly, so list each one, e.g. "vcsOrigin": "github.com/acme/infrastructure"',
        'accounts.json: pipelineAccess.trust.circleci.projects[2].vcsOrigin: "github.com/acme/infrastructure/" ends with "/"; write it as the V2 token names it, e.g. "github.com/acme/infrastructure"',
        'accounts.json: pipelineAccess.trust.circleci.projects[3].vcsOrigin: "github.com/acme/infrastructure.git" ends with ".git"; write it as the V2 token names it, e.g. "github.com/acme/infrastructure"',
        'accounts.json: pipelineAccess.trust.circleci.projects[4].vcsOrigin: "github.com/acme" is not host/owner/repository (letters, digits, "_", "-" and "." in each part); write it as the V2 token names it, e.g. "github.com/acme/infrastructure"',
        'accounts.json: pipelineAccess.trust.circleci.projects[5].vcsOrigin: "GitHub.com" is not a host name (lowercase, e.g. "github.com"); write it as the V2 token names it, e.g. "github.com/acme/infrastructure"',
        'accounts.json: pipelineAccess.trust.circleci.projects[6].branches[1]: "refs/heads/dev" is a full ref; write the branch name alone, e.g. "main"',
        'accounts.json: pipelineAccess.trust.circleci.projects[6].branches[3]: "release/*" has a wildcard; a trust names the branch exactly, so list each one, e.g. "main"',
        'accounts.json: pipelineAccess.trust.circleci.projects[6].branches[2]: repeats entry [0]; remove one',
      ],
    ],
    [
      "CircleCI's old projectIds form, with one line that says what to write instead",
      { policyArns: [POWER_USER], trust: { circleci: { organizationId: ORG, projectIds: [PROJECT] } } },
      {},
      [
        `accounts.json: pipelineAccess.trust.circleci.projectIds: trusts every branch and every fork of the project; replace it with "projects": [{"projectId": "${PROJECT}", "vcsOrigin": "github.com/acme/infrastructure", "branches": ["main"]}], pinned on CircleCI's V2 token (CIRCLE_OIDC_TOKEN_V2)`,
      ],
    ],
    [
      'GitHub: trustNameSubject without IDs, not a boolean',
      {
        policyArns: [POWER_USER],
        trust: {
          github: [
            { repository: 'acme/infra', branch: 'main', trustNameSubject: true },
            { repository: 'acme/infra', branch: 'dev', ownerId: '1', repositoryId: '2', trustNameSubject: 'yes' },
          ],
        },
      },
      {},
      [
        'accounts.json: pipelineAccess.trust.github[0].trustNameSubject: has no effect without "ownerId" and "repositoryId": the name subject is all an entry without them trusts; remove it, or add both IDs',
        'accounts.json: pipelineAccess.trust.github[1].trustNameSubject: must be true or false, got the string "yes"; write e.g. "trustNameSubject": true',
      ],
    ],
    [
      'GitHub: malformed jobWorkflowRef values',
      {
        policyArns: [POWER_USER],
        trust: {
          github: [
            { repository: 'acme/infra', branch: 'a', jobWorkflowRef: 'acme/infra/.github/workflows/deploy.yml' },
            { repository: 'acme/infra', branch: 'b', jobWorkflowRef: 'acme/infra/.github/workflows/*.yml@refs/heads/main' },
            { repository: 'acme/infra', branch: 'c', jobWorkflowRef: 'acme/infra/deploy.yml@refs/heads/main' },
            { repository: 'acme/infra', branch: 'd', jobWorkflowRef: 'acme/infra/.github/workflows/deploy.yml@main' },
            { repository: 'acme/infra', branch: 'e', jobWorkflowRef: '-acme/infra/.github/workflows/deploy.yml@refs/heads/main' },
            { repository: 'acme/infra', branch: 'f', jobWorkflowRef: 'acme/infra/.github/workflows/deploy.yml@refs/heads/a..b' },
            { repository: 'acme/infra', branch: 'g', jobWorkflowRef: 'acme/infra/.github/workflows/d.yml@refs/heads/x:y' },
          ],
        },
      },
      {},
      [
        'accounts.json: pipelineAccess.trust.github[0].jobWorkflowRef: "acme/infra/.github/workflows/deploy.yml" names no ref ("@refs/heads/BRANCH" at the end); write e.g. "acme/infrastructure/.github/workflows/deploy.yml@refs/heads/main"',
        'accounts.json: pipelineAccess.trust.github[1].jobWorkflowRef: "acme/infra/.github/workflows/*.yml@refs/heads/main" has a wildcard; a trust names the workflow exactly, so list each one, e.g. "jobWorkflowRef": "acme/infrastructure/.github/workflows/deploy.yml@refs/heads/main"',
        'accounts.json: pipelineAccess.trust.github[2].jobWorkflowRef: "acme/infra/deploy.yml@refs/heads/main" does not name a workflow file (OWNER/REPO/.github/workflows/FILE.yml@REF); write e.g. "acme/infrastructure/.github/workflows/deploy.yml@refs/heads/main"',
        'accounts.json: pipelineAccess.trust.github[3].jobWorkflowRef: "main" is not a ref of the workflow (refs/heads/BRANCH, refs/tags/TAG or a full commit SHA); write e.g. "acme/infrastructure/.github/workflows/deploy.yml@refs/heads/main"',
        'accounts.json: pipelineAccess.trust.github[4].jobWorkflowRef: "-acme" is not a GitHub user or organization name (letters, digits and single hyphens, at most 39); write e.g. "acme/infrastructure/.github/workflows/deploy.yml@refs/heads/main"',
        'accounts.json: pipelineAccess.trust.github[5].jobWorkflowRef: "a..b" is not a branch name git accepts (no spaces, "..", "~^:[\\", "@{", leading "-" or "/", trailing "/", "." or ".lock"); write e.g. "acme/infrastructure/.github/workflows/deploy.yml@refs/heads/main"',
        'accounts.json: pipelineAccess.trust.github[6].jobWorkflowRef: "acme/infra/.github/workflows/d.yml@refs/heads/x:y" contains ":", which the subject uses as a separator; write e.g. "acme/infrastructure/.github/workflows/deploy.yml@refs/heads/main"',
      ],
    ],
    [
      'GitHub: an entry without jobWorkflowRef for a repository whose other entry (here in an account) has one',
      { policyArns: [POWER_USER], trust: { github: [{ repository: 'acme/infra', branch: 'main' }] } },
      {
        accounts: {
          ...ACCOUNTS,
          prod: {
            ...ACCOUNTS.prod,
            pipelineAccess: {
              trust: {
                github: [
                  {
                    repository: 'acme/infra',
                    environment: 'production',
                    jobWorkflowRef: 'acme/infra/.github/workflows/deploy.yml@refs/heads/main',
                  },
                ],
              },
            },
          },
        },
      },
      [
        'accounts.json: pipelineAccess.trust.github[0]: names no "jobWorkflowRef", but accounts.prod.pipelineAccess.trust.github[0] does, so acme/infra\'s subject template includes job_workflow_ref and every token of the repository has the customized subject, which this entry never matches; add "jobWorkflowRef" to it',
      ],
    ],
    [
      'the runner without a pipeline stack',
      { policyArns: [POWER_USER], trust: { runner: true, github: [{ repository: 'acme/infra', branch: 'main' }] } },
      { pipeline: false },
      [
        'accounts.json: pipelineAccess.trust.runner: there is no runner to trust ("pipeline": false, the external pattern); remove "runner", or remove "pipeline": false to build the pipeline stack',
      ],
    ],
    [
      'nobody trusted (external pattern, no CI service)',
      { policyArns: [POWER_USER] },
      { pipeline: false },
      [
        'accounts.json: pipelineAccess.trust: trusts no one, so no pipeline could use the deploy roles; trust a CI service, e.g. "github": [{"repository": "acme/infrastructure", "branch": "main"}]',
      ],
    ],
    [
      'nobody trusted (runner off)',
      { policyArns: [POWER_USER], trust: { runner: false } },
      {},
      [
        'accounts.json: pipelineAccess.trust: trusts no one, so no pipeline could use the deploy roles; trust a CI service, e.g. "github": [{"repository": "acme/infrastructure", "branch": "main"}], or the runner ("runner": true)',
      ],
    ],
    [
      'the runner trusted but account IDs unknown',
      { policyArns: [POWER_USER] },
      { accounts: { dev: 'acme-dev', prod: 'acme-prod', sandbox: { profile: 'acme-sandbox', pipelineAccess: false } } },
      [
        'accounts.json: pipelineAccess.trust.runner: the deploy roles trust the runner role by its ARN in the production account "prod", whose ID is not known; add "accountId": "123456789012" (or a "roleArn") to accounts.prod, or set "runner": false',
        'accounts.json: accounts.dev: the runner may assume the account\'s deploy role only by its ARN, which needs the account\'s ID; add "accountId": "123456789012" (or a "roleArn"), or "pipelineAccess": false to leave the account out',
      ],
    ],
    [
      'an account in another partition than the runner',
      { policyArns: [POWER_USER] },
      { accounts: { ...ACCOUNTS, china: { profile: 'acme-cn', accountId: '333333333333', region: 'cn-north-1' } } },
      [
        'accounts.json: accounts.china.region: the account is in partition aws-cn, the runner in aws, and roles cannot be assumed across partitions; add "pipelineAccess": false to the account',
      ],
    ],
    [
      'a default role name over 64 characters',
      { policyArns: [POWER_USER] },
      { platform: 'a'.repeat(50), pipeline: { namePrefix: 'ci' } },
      [
        `accounts.json: pipelineAccess.roleName: the default role name "${'a'.repeat(50)}-pipeline-deploy" has 66 characters, over IAM's limit of 64; set a shorter "roleName"`,
      ],
    ],
    [
      'an account adopting an issuer that is not trusted, or written as a URL',
      { policyArns: [POWER_USER], trust: { github: [{ repository: 'acme/infra', branch: 'main' }] } },
      {
        accounts: {
          ...ACCOUNTS,
          dev: {
            ...ACCOUNTS.dev,
            pipelineAccess: { adoptOidcProviders: ['gitlab.com', 'https://token.actions.githubusercontent.com'] },
          },
        },
      },
      [
        'accounts.json: accounts.dev.pipelineAccess.adoptOidcProviders[1]: "https://token.actions.githubusercontent.com" starts with a scheme or ends with "/"; write the issuer as IAM names the provider, e.g. "token.actions.githubusercontent.com"',
        'accounts.json: accounts.dev.pipelineAccess.adoptOidcProviders[0]: "gitlab.com" is not an issuer the account\'s trust names (token.actions.githubusercontent.com); remove it, or correct it',
      ],
    ],
    [
      'an account adopting a provider without a known account ID',
      { policyArns: [POWER_USER], trust: { runner: false, github: [{ repository: 'acme/infra', branch: 'main' }] } },
      {
        accounts: {
          dev: { profile: 'acme-dev', pipelineAccess: { adoptOidcProviders: ['token.actions.githubusercontent.com'] } },
          prod: { profile: 'acme-prod', accountId: '222222222222' },
        },
      },
      [
        'accounts.json: accounts.dev.pipelineAccess.adoptOidcProviders: adopting imports the provider by its ARN, which holds the account\'s ID; add "accountId": "123456789012" (or a "roleArn") to the account',
      ],
    ],
    [
      'an account-level setting that is neither false nor an object',
      { policyArns: [POWER_USER] },
      { accounts: { ...ACCOUNTS, dev: { ...ACCOUNTS.dev, pipelineAccess: 'no' } } },
      [
        'accounts.json: accounts.dev.pipelineAccess: must be false (no deploy role in this account) or an object like {"trust": {"github": [{"repository": "acme/infrastructure", "branch": "main"}]}}, got the string "no"',
      ],
    ],
  ])('refused: %s', (_name, section, extra, expected) => {
    expect(problems(section, extra)).toEqual(expected);
  });

  test('an account-level setting without the top-level section is refused, as it would do nothing', () => {
    expect(
      problemsOf(() =>
        validateConfig(
          { ...BASE, accounts: { ...ACCOUNTS, dev: { ...ACCOUNTS.dev, pipelineAccess: { adoptOidcProviders: [] } } } },
          'accounts.json',
        ),
      ),
    ).toEqual([
      'accounts.json: accounts.dev.pipelineAccess: has no effect without a top-level "pipelineAccess"; add that section, or remove this key',
    ]);
  });

  test.each(['main', 'release/1.x', 'feature/JIRA-12_a', 'v2'])('the branch %s is accepted', (branch) => {
    expect(branchProblem(branch)).toBeUndefined();
  });

  test.each(['-x', 'a b', 'a~1', 'a^', 'a:b', 'a[b', 'a\\b', 'x.lock', 'x/', 'x.', '/x', 'a//b', 'a/.b', '@', 'a@{1}'])(
    'the branch %s is refused',
    (branch) => {
      expect(branchProblem(branch)).toMatch(/is not a branch name git accepts/);
    },
  );
});

describe('an account\'s own "trust" and "policyArns" (accounts.<name>.pipelineAccess)', () => {
  const RUNNER = 'arn:aws:iam::222222222222:role/acme-pipeline-runner';
  const READ_ONLY = 'arn:aws:iam::aws:policy/ReadOnlyAccess';
  const MAIN = { repository: 'acme/infra', branch: 'main' };
  const PRODUCTION = { repository: 'acme/infra', environment: 'production' };
  const withOwn = (own: unknown, section: unknown = { policyArns: [POWER_USER], trust: { github: [MAIN] } }) =>
    [section, { accounts: { ...ACCOUNTS, prod: { ...ACCOUNTS.prod, pipelineAccess: own } } }] as const;

  test('replace the top-level ones for that account, whole; the other accounts keep the top-level ones', () => {
    const config = configWith(
      ...withOwn({ policyArns: [READ_ONLY], trust: { runner: false, github: [PRODUCTION] }, adoptOidcProviders: [] }),
    );
    const [dev, prod] = config.accounts.map((account) => account.pipelineAccess);
    expect(dev).toEqual({
      deployRoleArn: 'arn:aws:iam::111111111111:role/acme-pipeline-deploy',
      adoptOidcProviders: [],
      policyArns: [POWER_USER],
      trust: { runnerRoleArn: RUNNER, github: [MAIN], gitlab: [] },
    });
    expect(prod).toEqual({
      deployRoleArn: 'arn:aws:iam::222222222222:role/acme-pipeline-deploy',
      adoptOidcProviders: [],
      policyArns: [READ_ONLY],
      trust: { github: [PRODUCTION], gitlab: [] },
    });
    // The section keeps the top-level trust, and the runner's ARN: dev's role trusts it.
    expect(config.pipelineAccess).toMatchObject({ policyArns: [POWER_USER], github: [MAIN], runnerRoleArn: RUNNER });
  });

  test('only trust, or only policyArns: the other one is the top-level one', () => {
    const onlyPolicies = configWith(...withOwn({ policyArns: [READ_ONLY] })).accounts[1]?.pipelineAccess;
    expect(onlyPolicies).toMatchObject({ policyArns: [READ_ONLY], trust: { runnerRoleArn: RUNNER, github: [MAIN] } });
    const onlyTrust = configWith(...withOwn({ trust: { github: [PRODUCTION] } })).accounts[1]?.pipelineAccess;
    expect(onlyTrust).toMatchObject({ policyArns: [POWER_USER], trust: { runnerRoleArn: RUNNER, github: [PRODUCTION] } });
  });

  test('the runner is left out where no account trusts it; an account that does not trust it needs no ID for it', () => {
    const config = configWith(
      { policyArns: [POWER_USER], trust: { runner: false, github: [MAIN] } },
      { accounts: { dev: 'acme-dev', prod: { ...ACCOUNTS.prod } } },
    );
    expect(config.pipelineAccess?.runnerRoleArn).toBeUndefined();
    const runnerInProd = configWith(
      { policyArns: [POWER_USER], trust: { runner: false, github: [MAIN] } },
      { accounts: { dev: 'acme-dev', prod: { ...ACCOUNTS.prod, pipelineAccess: { trust: { runner: true } } } } },
    );
    expect(runnerInProd.pipelineAccess?.runnerRoleArn).toBe(RUNNER);
    expect(runnerInProd.accounts.map((account) => account.pipelineAccess?.trust.runnerRoleArn)).toEqual([undefined, RUNNER]);
  });

  test('a top-level trust of no one is fine when every account has its own', () => {
    const config = configWith(
      { policyArns: [POWER_USER], trust: { runner: false } },
      {
        accounts: {
          dev: { ...ACCOUNTS.dev, pipelineAccess: { trust: { github: [MAIN] } } },
          prod: { ...ACCOUNTS.prod, pipelineAccess: { trust: { github: [PRODUCTION] } } },
        },
      },
    );
    expect(config.accounts.map((account) => account.pipelineAccess?.trust.github)).toEqual([[MAIN], [PRODUCTION]]);
  });

  test("an account adopts the provider of an issuer its own trust names, even when the top-level trust doesn't", () => {
    const config = configWith(
      ...withOwn({ trust: { gitlab: [{ project: 'acme/infra', branch: 'main' }] }, adoptOidcProviders: ['gitlab.com'] }),
    );
    expect(config.accounts[1]?.pipelineAccess?.adoptOidcProviders).toEqual(['gitlab.com']);
  });

  test.each<[string, readonly [unknown, Record<string, unknown>], string[]]>([
    [
      'the same field rules as the top-level trust, at the account path',
      withOwn({
        policyArns: [],
        trust: {
          githib: [],
          github: [{ repository: 'acme/*', branch: 'main' }],
          circleci: { organizationId: ORG, projectIds: [PROJECT] },
        },
      }),
      [
        'accounts.json: accounts.prod.pipelineAccess.policyArns: is empty; list the policies the deploy role gets (there is no default, so that no role becomes an administrator silently), e.g. "policyArns": ["arn:aws:iam::aws:policy/PowerUserAccess"]',
        'accounts.json: accounts.prod.pipelineAccess.trust.github[0].repository: "acme/*" has a wildcard; a trust names the repository exactly, so list each one, e.g. "repository": "acme/infrastructure"',
        `accounts.json: accounts.prod.pipelineAccess.trust.circleci.projectIds: trusts every branch and every fork of the project; replace it with "projects": [{"projectId": "${PROJECT}", "vcsOrigin": "github.com/acme/infrastructure", "branches": ["main"]}], pinned on CircleCI's V2 token (CIRCLE_OIDC_TOKEN_V2)`,
        'accounts.json: accounts.prod.pipelineAccess.trust.githib: unknown key; did you mean "github"? remove or rename it (allowed here: runner, github, gitlab, circleci)',
      ],
    ],
    [
      "an account's trust of no one",
      withOwn({ trust: { runner: false } }),
      [
        'accounts.json: accounts.prod.pipelineAccess.trust: trusts no one, so no pipeline could use the deploy roles; trust a CI service, e.g. "github": [{"repository": "acme/infrastructure", "branch": "main"}], or the runner ("runner": true)',
      ],
    ],
    [
      "an account's runner without a pipeline stack",
      [
        { policyArns: [POWER_USER], trust: { github: [MAIN] } },
        {
          pipeline: false,
          accounts: { ...ACCOUNTS, prod: { ...ACCOUNTS.prod, pipelineAccess: { trust: { runner: true } } } },
        },
      ],
      [
        'accounts.json: accounts.prod.pipelineAccess.trust.runner: there is no runner to trust ("pipeline": false, the external pattern); remove "runner", or remove "pipeline": false to build the pipeline stack',
      ],
    ],
    [
      "the runner trusted by an account's own trust only, and the production account's ID unknown",
      [
        { policyArns: [POWER_USER], trust: { runner: false, github: [MAIN] } },
        { accounts: { dev: { profile: 'acme-dev', pipelineAccess: { trust: { runner: true } } }, prod: 'acme-prod' } },
      ],
      [
        'accounts.json: accounts.dev.pipelineAccess.trust.runner: the deploy roles trust the runner role by its ARN in the production account "prod", whose ID is not known; add "accountId": "123456789012" (or a "roleArn") to accounts.prod, or set "runner": false',
        'accounts.json: accounts.dev: the runner may assume the account\'s deploy role only by its ARN, which needs the account\'s ID; add "accountId": "123456789012" (or a "roleArn"), or "pipelineAccess": false to leave the account out',
      ],
    ],
    [
      'an account adopting an issuer only the top-level trust names',
      withOwn(
        { trust: { github: [PRODUCTION] }, adoptOidcProviders: ['gitlab.com'] },
        {
          policyArns: [POWER_USER],
          trust: { gitlab: [{ project: 'acme/infra', branch: 'main' }] },
        },
      ),
      [
        'accounts.json: accounts.prod.pipelineAccess.adoptOidcProviders[0]: "gitlab.com" is not an issuer the account\'s trust names (token.actions.githubusercontent.com); remove it, or correct it',
      ],
    ],
  ])('refused: %s', (_name, [section, extra], expected) => {
    expect(problems(section, extra)).toEqual(expected);
  });
});

describe('the permissions boundary of the deploy roles', () => {
  test('"permissionsBoundary": "create" is read as given', () => {
    expect(configWith({ policyArns: [POWER_USER], permissionsBoundary: 'create' }).pipelineAccess).toMatchObject({
      permissionsBoundary: 'create',
    });
    expect(configWith({ policyArns: [POWER_USER] }).pipelineAccess).not.toHaveProperty('permissionsBoundary');
  });

  test.each([
    [
      'both a created boundary and one of its own',
      { permissionsBoundary: 'create', permissionsBoundaryArn: 'arn:aws:iam::111111111111:policy/deploy-boundary' },
      [
        'accounts.json: pipelineAccess.permissionsBoundary: is set with "permissionsBoundaryArn", but a role has one boundary; keep "permissionsBoundary": "create" for the boundary the access stack makes, or "permissionsBoundaryArn" for your own',
      ],
    ],
    [
      'another value than "create"',
      { permissionsBoundary: 'yes' },
      [
        'accounts.json: pipelineAccess.permissionsBoundary: the string "yes" is not a choice; write "permissionsBoundary": "create" for the boundary the access stack makes, or leave it out',
      ],
    ],
    [
      'AdministratorAccess as the boundary',
      { permissionsBoundaryArn: 'arn:aws:iam::aws:policy/AdministratorAccess' },
      [
        'accounts.json: pipelineAccess.permissionsBoundaryArn: "arn:aws:iam::aws:policy/AdministratorAccess" is AdministratorAccess, which caps nothing as a boundary; use "permissionsBoundary": "create" instead, or a policy of your own that denies what a pipeline must not do',
      ],
    ],
    [
      'IAMFullAccess as the boundary, in another partition',
      { permissionsBoundaryArn: 'arn:aws-us-gov:iam::aws:policy/IAMFullAccess' },
      [
        'accounts.json: pipelineAccess.permissionsBoundaryArn: "arn:aws-us-gov:iam::aws:policy/IAMFullAccess" is IAMFullAccess, which caps nothing as a boundary; use "permissionsBoundary": "create" instead, or a policy of your own that denies what a pipeline must not do',
      ],
    ],
  ])('refused: %s', (_name, boundary, expected) => {
    expect(problems({ policyArns: [POWER_USER], ...boundary })).toEqual(expected);
  });
});
