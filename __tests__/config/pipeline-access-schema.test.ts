import { validateConfig } from '../../src/config';
import { branchProblem } from '../../src/config/pipeline-access-schema';
import { problemsOf } from '../support/problems';

const POWER_USER = 'arn:aws:iam::aws:policy/PowerUserAccess';
const ORG = '2b3c4d5e-6f70-4812-9abc-def012345678';
const PROJECT = '3c4d5e6f-7081-4923-abcd-ef0123456789';
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
    expect(config.accounts.map((account) => account.pipelineAccess)).toEqual([
      { deployRoleArn: 'arn:aws:iam::111111111111:role/acme-pipeline-deploy', adoptOidcProviders: [] },
      { deployRoleArn: 'arn:aws:iam::222222222222:role/acme-pipeline-deploy', adoptOidcProviders: [] },
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
          circleci: { organizationId: ORG, projectIds: [PROJECT] },
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
      circleci: { organizationId: ORG, projectIds: [PROJECT] },
    });
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
    expect(config.accounts.map((account) => account.pipelineAccess)).toEqual([
      { adoptOidcProviders: [] },
      { adoptOidcProviders: [] },
    ]);
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
      ],
    ],
    [
      'CircleCI IDs that are not UUIDs, a wildcard project, no projects',
      { policyArns: [POWER_USER], trust: { circleci: { organizationId: 'acme', projectIds: ['*'] } } },
      {},
      [
        'accounts.json: pipelineAccess.trust.circleci.organizationId: "acme" is not a CircleCI organization ID (a lowercase UUID from the CircleCI web app\'s settings); write e.g. "organizationId": "2b3c4d5e-6f70-4812-9abc-def012345678"',
        'accounts.json: pipelineAccess.trust.circleci.projectIds[0]: "*" has a wildcard; a trust names the project ID exactly, so list each one, e.g. "3c4d5e6f-7081-4923-abcd-ef0123456789"',
      ],
    ],
    [
      'CircleCI without projects',
      { policyArns: [POWER_USER], trust: { circleci: { organizationId: ORG, projectIds: [] } } },
      {},
      [
        'accounts.json: pipelineAccess.trust.circleci.projectIds: is empty; list the projects whose jobs may deploy, e.g. "projectIds": ["3c4d5e6f-7081-4923-abcd-ef0123456789"]',
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
        'accounts.json: accounts.dev.pipelineAccess.adoptOidcProviders[0]: "gitlab.com" is not an issuer pipelineAccess trusts (token.actions.githubusercontent.com); remove it, or correct it',
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
        'accounts.json: accounts.dev.pipelineAccess: must be false (no deploy role in this account) or an object like {"adoptOidcProviders": ["token.actions.githubusercontent.com"]}, got the string "no"',
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
