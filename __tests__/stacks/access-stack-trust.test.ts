// Proof that the deploy roles admit exactly who they should, with a real IAM policy evaluator
// (@cloud-copilot/iam-simulate, AGPL-3.0: a test-only dependency, never shipped) on the trust policy
// the access stack synthesizes. moto checks no trust policy at all (it lets anyone assume any role),
// so the e2e tests cannot prove this.
//
// Two call paths of the evaluator:
// - the runner (sts:AssumeRole): `runSimulation`, which validates every input and evaluates the
//   runner's identity policy and the deploy role's trust together, as AWS does across accounts;
// - OIDC (sts:AssumeRoleWithWebIdentity): `runSimulation` drops every context key that is not in its
//   action data for the action, and the providers' generic `<issuer>:sub` / `<issuer>:aud` keys are not
//   there (0.1.173), so every allowed case would be denied. `runUnsafeSimulation` evaluates the context
//   as given, with the same engine in Strict mode; it only needs the trust policy passed as a validated
//   policy with a name (without one it crashes reading `metadata().name`). The trust is validated with
//   the evaluator's own `validateTrustPolicy` first, which `runSimulation` would have done.
// What neither models, and AWS does before the trust is read: the token's signature and expiry, and
// its audience among the provider's client IDs (the access stack lists exactly the trusted audiences).
import { createValidatedPolicy, validateTrustPolicy } from '@cloud-copilot/iam-policy';
import { runSimulation, runUnsafeSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import { Testing } from 'cdktf';
import { type BootstrapConfig, validateConfig } from '../../src/config';
import { AccessStack, accessStackId } from '../../stacks/access-stack';
import { PipelineStack, pipelineStackId } from '../../stacks/pipeline-stack';

const DEV = '111111111111';
const PROD = '222222222222';
const OTHER = '333333333333';
const GITHUB = 'token.actions.githubusercontent.com';
const ORG = '2b3c4d5e-6f70-4812-9abc-def012345678';
const PROJECT = '3c4d5e6f-7081-4923-abcd-ef0123456789';
const CIRCLECI = `oidc.circleci.com/org/${ORG}`;
const RUNNER = `arn:aws:iam::${PROD}:role/acme-pipeline-runner`;
const DEV_DEPLOY_ROLE = `arn:aws:iam::${DEV}:role/acme-pipeline-deploy`;
const PROD_DEPLOY_ROLE = `arn:aws:iam::${PROD}:role/acme-pipeline-deploy`;
const ACCOUNTS = { dev: { profile: 'acme-dev', accountId: DEV }, prod: { profile: 'acme-prod', accountId: PROD } };
const POLICY_ARNS = ['arn:aws:iam::aws:policy/PowerUserAccess'];
/** A CircleCI user ID as its tokens carry it: a UUID. */
const USER = '4d5e6f70-8192-4a3b-bcde-f01234567890';
const WORKFLOW = 'acme/infrastructure/.github/workflows/deploy.yml@refs/heads/main';

const config = validateConfig(
  {
    platform: 'acme',
    accounts: ACCOUNTS,
    pipelineAccess: {
      policyArns: POLICY_ARNS,
      trust: {
        github: [
          { repository: 'acme/infrastructure', branch: 'main' },
          { repository: 'acme/infrastructure', environment: 'production', ownerId: '123', repositoryId: '456' },
        ],
        gitlab: [{ project: 'acme/platform/infra', branch: 'main' }],
        circleci: {
          organizationId: ORG,
          projects: [{ projectId: PROJECT, vcsOrigin: 'github.com/acme/infrastructure', branches: ['main'] }],
        },
      },
    },
  },
  'accounts.json',
);

type Blocks = Record<string, Record<string, Record<string, unknown>>>;

/** The trust policy of an account's synthesized deploy role, provider references replaced by their ARNs. */
function synthesizedTrust(accountName: string, from: BootstrapConfig = config): unknown {
  const account = from.accounts.find((candidate) => candidate.name === accountName);
  if (account?.accountId === undefined || from.pipelineAccess === undefined) throw new Error('fixture lost an account');
  const app = Testing.app();
  const stack = new AccessStack(app, accessStackId(account.name), {
    platform: from.platform,
    account,
    pipelineAccess: from.pipelineAccess,
    stateDir: '/tmp/state',
  });
  const json = JSON.parse(Testing.synth(stack)) as { resource: Blocks };
  const providers = json.resource.aws_iam_openid_connect_provider ?? {};
  const role = Object.values(json.resource.aws_iam_role ?? {})[0];
  // The ARN IAM gives a provider: arn:aws:iam::<account>:oidc-provider/<url without https://>.
  const text = String(role?.assume_role_policy).replace(
    /\$\{aws_iam_openid_connect_provider\.([^.]+)\.arn\}/g,
    (_match, id: string) =>
      `arn:aws:iam::${String(account.accountId)}:oidc-provider/${String(providers[id]?.url).replace(/^https:\/\//, '')}`,
  );
  return JSON.parse(text) as unknown;
}

/** The runner's identity policy as pipeline-prod synthesizes it: its sts:AssumeRole statement. */
function runnerAssumePolicy(): unknown {
  const production = config.accounts.find((account) => account.name === 'prod');
  if (production === undefined || config.pipeline === undefined) throw new Error('fixture lost prod');
  const app = Testing.app();
  const stack = new PipelineStack(app, pipelineStackId('prod'), {
    platform: config.platform,
    account: production,
    stateDir: '/tmp/state',
    pipeline: config.pipeline,
    deployRoleArns: config.accounts.flatMap((account) => account.pipelineAccess?.deployRoleArn ?? []),
  });
  const json = JSON.parse(Testing.synth(stack)) as { data: Blocks };
  const [, document] =
    Object.entries(json.data.aws_iam_policy_document ?? {}).find(([id]) => id.startsWith('runner-role_assume-roles-document')) ??
    [];
  const statements = (document?.statement ?? []) as { effect: string; actions: string[]; resources: string[] }[];
  return {
    Version: '2012-10-17',
    Statement: statements.map((statement) => ({
      Effect: statement.effect,
      Action: statement.actions,
      Resource: statement.resources,
    })),
  };
}

const devTrust = synthesizedTrust('dev');
const runnerPolicy = runnerAssumePolicy();
/** What a role of the production account may do when it is not the runner: assume any role. */
const ASSUME_ANY = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }] };

/**
 * `sts:AssumeRole` of `target` by a session of `roleArn` holding `identityPolicy`. The evaluator fills
 * in no context key itself: aws:PrincipalArn is given as AWS sets it, the ARN of the session's role.
 */
async function assumeRole(roleArn: string, identityPolicy: unknown, target = DEV_DEPLOY_ROLE, trust: unknown = devTrust) {
  const [, account, name] = /^arn:aws:iam::(\d{12}):role\/(.+)$/.exec(roleArn) ?? [];
  const simulation: Simulation = {
    request: {
      principal: `arn:aws:sts::${String(account)}:assumed-role/${String(name)}/i-0123456789abcdef0`,
      action: 'sts:AssumeRole',
      resource: { resource: target, accountId: /iam::(\d{12}):/.exec(target)?.[1] ?? '' },
      contextVariables: { 'aws:PrincipalArn': roleArn },
    },
    identityPolicies: [{ name: 'identity', policy: identityPolicy }],
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: trust,
  };
  const result = await runSimulation(simulation, {});
  if (result.resultType === 'error') throw new Error(`the evaluator refused the input: ${JSON.stringify(result.errors)}`);
  return result.overallResult;
}

interface TokenTarget {
  /** The account of the OIDC provider the token is presented through. @default DEV */
  readonly account?: string;
  /** The deploy role assumed. @default dev's */
  readonly role?: string;
  /** That role's trust policy. @default dev's, from `config` */
  readonly trust?: unknown;
}

/** `sts:AssumeRoleWithWebIdentity` of a deploy role (dev's by default) with a token of `issuer`'s provider. */
function assumeWithToken(issuer: string, claims: Record<string, string>, target: TokenTarget | string = {}): string {
  const { account = DEV, role = DEV_DEPLOY_ROLE, trust = devTrust } = typeof target === 'string' ? { account: target } : target;
  return runUnsafeSimulation(
    {
      request: {
        principal: `arn:aws:iam::${account}:oidc-provider/${issuer}`,
        action: 'sts:AssumeRoleWithWebIdentity',
        resource: { resource: role, accountId: /iam::(\d{12}):/.exec(role)?.[1] ?? '' },
        contextVariables: Object.fromEntries(Object.entries(claims).map(([claim, value]) => [`${issuer}:${claim}`, value])),
      },
      identityPolicies: [],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: createValidatedPolicy(trust, validateTrustPolicy, { name: 'deploy-role-trust' }),
    },
    {},
  );
}

/** The trust of `accountName`'s deploy role for a file whose top-level trust is `trust` (and accounts as given). */
function trustFor(trust: unknown, accountName = 'dev', accounts: unknown = ACCOUNTS): unknown {
  const from = validateConfig(
    { platform: 'acme', accounts, pipelineAccess: { policyArns: POLICY_ARNS, trust } },
    'accounts.json',
  );
  return synthesizedTrust(accountName, from);
}

describe('the deploy role trust, evaluated by an IAM policy evaluator', () => {
  test('the synthesized trust policy is valid for IAM, per the evaluator', () => {
    expect(validateTrustPolicy(devTrust)).toEqual([]);
    expect(JSON.stringify(devTrust)).not.toContain('${');
  });

  describe('the runner (sts:AssumeRole across accounts)', () => {
    test("pipeline-prod's runner role may assume dev's deploy role", async () => {
      await expect(assumeRole(RUNNER, runnerPolicy)).resolves.toBe('Allowed');
    });

    test('another role of the production account is denied, even with permission to assume any role', async () => {
      await expect(assumeRole(`arn:aws:iam::${PROD}:role/developer`, ASSUME_ANY)).resolves.toBe('ImplicitlyDenied');
    });

    test("a role named like the runner in another account (another account's runner) is denied", async () => {
      await expect(assumeRole(`arn:aws:iam::${OTHER}:role/acme-pipeline-runner`, ASSUME_ANY)).resolves.toBe('ImplicitlyDenied');
    });

    test('the runner may assume no other role of dev: its own permission names only the deploy roles', async () => {
      await expect(assumeRole(RUNNER, runnerPolicy, `arn:aws:iam::${DEV}:role/admin`)).resolves.toBe('ImplicitlyDenied');
    });
  });

  describe('GitHub Actions', () => {
    const aud = 'sts.amazonaws.com';
    test.each([
      [
        'the configured repository on the configured branch (an entry without IDs: the name subject)',
        'repo:acme/infrastructure:ref:refs/heads/main',
      ],
      [
        'the immutable subject of the configured repository and environment (an entry with IDs)',
        'repo:acme@123/infrastructure@456:environment:production',
      ],
    ])('allowed: %s', (_name, sub) => {
      expect(assumeWithToken(GITHUB, { aud, sub })).toBe('Allowed');
    });

    test.each([
      ['another repository of the owner', { aud, sub: 'repo:acme/other:ref:refs/heads/main' }],
      ['another branch', { aud, sub: 'repo:acme/infrastructure:ref:refs/heads/feature' }],
      ['a tag', { aud, sub: 'repo:acme/infrastructure:ref:refs/tags/v1' }],
      ['a fork', { aud, sub: 'repo:mallory/infrastructure:ref:refs/heads/main' }],
      ['a pull request (also from a fork)', { aud, sub: 'repo:acme/infrastructure:pull_request' }],
      ['another environment', { aud, sub: 'repo:acme/infrastructure:environment:staging' }],
      [
        'the name subject of the entry with IDs (a repository that took over a deleted or renamed name)',
        { aud, sub: 'repo:acme/infrastructure:environment:production' },
      ],
      ['a branch named like the environment', { aud, sub: 'repo:acme/infrastructure:ref:refs/heads/production' }],
      ['the immutable subject with other IDs', { aud, sub: 'repo:acme@999/infrastructure@456:environment:production' }],
      ['a wrong audience', { aud: 'https://github.com/acme', sub: 'repo:acme/infrastructure:ref:refs/heads/main' }],
      ['a missing audience', { sub: 'repo:acme/infrastructure:ref:refs/heads/main' }],
      ['a missing subject', { aud }],
    ])('denied: %s', (_name, claims) => {
      expect(assumeWithToken(GITHUB, claims)).toBe('ImplicitlyDenied');
    });

    test("denied: a token through another account's GitHub provider", () => {
      expect(assumeWithToken(GITHUB, { aud, sub: 'repo:acme/infrastructure:ref:refs/heads/main' }, OTHER)).toBe(
        'ImplicitlyDenied',
      );
    });

    describe('with the IDs and "trustNameSubject": true (the transition switch)', () => {
      const trust = trustFor({
        runner: false,
        github: [
          { repository: 'acme/infrastructure', branch: 'main', ownerId: '123', repositoryId: '456', trustNameSubject: true },
        ],
      });
      test.each([
        ['the immutable subject', 'repo:acme@123/infrastructure@456:ref:refs/heads/main'],
        ['the name subject', 'repo:acme/infrastructure:ref:refs/heads/main'],
      ])('allowed: %s', (_name, sub) => {
        expect(assumeWithToken(GITHUB, { aud, sub }, { trust })).toBe('Allowed');
      });

      test.each([
        ['the immutable subject with another owner ID', 'repo:acme@999/infrastructure@456:ref:refs/heads/main'],
        ['the name subject of another branch', 'repo:acme/infrastructure:ref:refs/heads/feature'],
      ])('denied: %s', (_name, sub) => {
        expect(assumeWithToken(GITHUB, { aud, sub }, { trust })).toBe('ImplicitlyDenied');
      });
    });

    describe('with "jobWorkflowRef" (the repository\'s subject template includes repo, context and job_workflow_ref)', () => {
      const trust = trustFor({
        runner: false,
        github: [
          { repository: 'acme/infrastructure', branch: 'main', ownerId: '123', repositoryId: '456', jobWorkflowRef: WORKFLOW },
        ],
      });
      test('allowed: a job of the configured workflow on the configured branch', () => {
        expect(
          assumeWithToken(
            GITHUB,
            { aud, sub: `repo:acme@123/infrastructure@456:ref:refs/heads/main:job_workflow_ref:${WORKFLOW}` },
            { trust },
          ),
        ).toBe('Allowed');
      });

      test.each([
        [
          'another workflow of the same repository and branch',
          'repo:acme@123/infrastructure@456:ref:refs/heads/main:job_workflow_ref:acme/infrastructure/.github/workflows/other.yml@refs/heads/main',
        ],
        [
          'the configured workflow at another ref',
          'repo:acme@123/infrastructure@456:ref:refs/heads/main:job_workflow_ref:acme/infrastructure/.github/workflows/deploy.yml@refs/heads/feature',
        ],
        [
          "a reusable workflow of another repository with the configured file's name",
          'repo:acme@123/infrastructure@456:ref:refs/heads/main:job_workflow_ref:mallory/infrastructure/.github/workflows/deploy.yml@refs/heads/main',
        ],
        [
          'the default-template subject of the same repository and branch',
          'repo:acme@123/infrastructure@456:ref:refs/heads/main',
        ],
        ['the default-template name subject', 'repo:acme/infrastructure:ref:refs/heads/main'],
      ])('denied: %s', (_name, sub) => {
        expect(assumeWithToken(GITHUB, { aud, sub }, { trust })).toBe('ImplicitlyDenied');
      });
    });
  });

  describe('GitLab CI', () => {
    const aud = 'https://gitlab.com';
    test('allowed: the configured project on the configured branch', () => {
      expect(assumeWithToken('gitlab.com', { aud, sub: 'project_path:acme/platform/infra:ref_type:branch:ref:main' })).toBe(
        'Allowed',
      );
    });

    test.each([
      ['another project', { aud, sub: 'project_path:acme/platform/other:ref_type:branch:ref:main' }],
      ['a fork in another group', { aud, sub: 'project_path:mallory/infra:ref_type:branch:ref:main' }],
      ['another branch', { aud, sub: 'project_path:acme/platform/infra:ref_type:branch:ref:feature' }],
      ['a tag named like the branch', { aud, sub: 'project_path:acme/platform/infra:ref_type:tag:ref:main' }],
      ['a wrong audience', { aud: 'sts.amazonaws.com', sub: 'project_path:acme/platform/infra:ref_type:branch:ref:main' }],
      ['a missing subject', { aud }],
    ])('denied: %s', (_name, claims) => {
      expect(assumeWithToken('gitlab.com', claims)).toBe('ImplicitlyDenied');
    });

    test('denied: a token of another GitLab instance', () => {
      expect(
        assumeWithToken('gitlab.example.com', { aud, sub: 'project_path:acme/platform/infra:ref_type:branch:ref:main' }),
      ).toBe('ImplicitlyDenied');
    });
  });

  describe('CircleCI (V2 subject: project, VCS origin, branch)', () => {
    const v2 = (origin: string, ref: string, project = PROJECT, user = USER): string =>
      `org/${ORG}/project/${project}/user/${user}/vcs-origin/${origin}/vcs-ref/${ref}`;
    const ORIGIN = 'github.com/acme/infrastructure';
    test('allowed: a job of the configured project, repository and branch, started by any user', () => {
      expect(assumeWithToken(CIRCLECI, { aud: ORG, sub: v2(ORIGIN, 'refs/heads/main') })).toBe('Allowed');
      expect(
        assumeWithToken(CIRCLECI, {
          aud: ORG,
          sub: v2(ORIGIN, 'refs/heads/main', PROJECT, '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d'),
        }),
      ).toBe('Allowed');
    });

    const otherOrg = '9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a';
    const crafted = v2('github.com/mallory/infra-fork', `refs/heads/x/vcs-origin/${ORIGIN}/vcs-ref/refs/heads/main`);
    test.each([
      ['another branch', { aud: ORG, sub: v2(ORIGIN, 'refs/heads/feature') }],
      ['a branch that starts like the configured one', { aud: ORG, sub: v2(ORIGIN, 'refs/heads/main-x') }],
      ['a tag', { aud: ORG, sub: v2(ORIGIN, 'refs/tags/v1') }],
      ["a fork's pull request", { aud: ORG, sub: v2('github.com/mallory/infra-fork', 'refs/pull/7/head') }],
      ["a fork's branch named to end like the configured origin and branch", { aud: ORG, sub: crafted }],
      ['another project of the organization', { aud: ORG, sub: v2(ORIGIN, 'refs/heads/main', otherOrg) }],
      ['another repository (VCS origin)', { aud: ORG, sub: v2('github.com/acme/other', 'refs/heads/main') }],
      ['the V1 subject, which names no repository or branch', { aud: ORG, sub: `org/${ORG}/project/${PROJECT}/user/${USER}` }],
      ['a user part one character short', { aud: ORG, sub: v2(ORIGIN, 'refs/heads/main', PROJECT, USER.slice(1)) }],
      ['a user part one character long', { aud: ORG, sub: v2(ORIGIN, 'refs/heads/main', PROJECT, `${USER}0`) }],
      ['a subject of another organization', { aud: ORG, sub: v2(ORIGIN, 'refs/heads/main').replace(ORG, otherOrg) }],
      ['a wrong audience', { aud: otherOrg, sub: v2(ORIGIN, 'refs/heads/main') }],
      ['a missing subject', { aud: ORG }],
    ])('denied: %s', (_name, claims) => {
      expect(assumeWithToken(CIRCLECI, claims)).toBe('ImplicitlyDenied');
    });

    test("denied: another organization's provider", () => {
      expect(assumeWithToken(`oidc.circleci.com/org/${otherOrg}`, { aud: ORG, sub: v2(ORIGIN, 'refs/heads/main') })).toBe(
        'ImplicitlyDenied',
      );
    });

    test('why the user part is 36 "?" and not "*": IAM\'s "*" matches "/", so "user/*" admits the crafted fork branch', () => {
      const withStar = JSON.parse(
        JSON.stringify(devTrust).replace(/user\/\?{8}-\?{4}-\?{4}-\?{4}-\?{12}\//g, 'user/*/'),
      ) as unknown;
      expect(JSON.stringify(withStar)).toContain('/user/*/vcs-origin/');
      expect(assumeWithToken(CIRCLECI, { aud: ORG, sub: crafted }, { trust: withStar })).toBe('Allowed');
    });
  });

  describe("an account's own trust replaces the top-level one (prod: environment production only; dev: branch main)", () => {
    const accounts = {
      dev: ACCOUNTS.dev,
      prod: {
        ...ACCOUNTS.prod,
        pipelineAccess: {
          trust: {
            runner: false,
            github: [{ repository: 'acme/infrastructure', environment: 'production', ownerId: '123', repositoryId: '456' }],
          },
        },
      },
    };
    const topLevel = { github: [{ repository: 'acme/infrastructure', branch: 'main', ownerId: '123', repositoryId: '456' }] };
    const dev = trustFor(topLevel, 'dev', accounts);
    const prod = trustFor(topLevel, 'prod', accounts);
    const aud = 'sts.amazonaws.com';
    const devSubject = 'repo:acme@123/infrastructure@456:ref:refs/heads/main';
    const prodSubject = 'repo:acme@123/infrastructure@456:environment:production';

    test("denied: dev's subject (branch main) in prod", () => {
      expect(assumeWithToken(GITHUB, { aud, sub: devSubject }, { account: PROD, role: PROD_DEPLOY_ROLE, trust: prod })).toBe(
        'ImplicitlyDenied',
      );
    });

    test("allowed: dev's subject in dev", () => {
      expect(assumeWithToken(GITHUB, { aud, sub: devSubject }, { trust: dev })).toBe('Allowed');
    });

    test("allowed: prod's environment subject in prod; denied in dev", () => {
      expect(assumeWithToken(GITHUB, { aud, sub: prodSubject }, { account: PROD, role: PROD_DEPLOY_ROLE, trust: prod })).toBe(
        'Allowed',
      );
      expect(assumeWithToken(GITHUB, { aud, sub: prodSubject }, { trust: dev })).toBe('ImplicitlyDenied');
    });

    test("prod's stack gets its own policies and only the providers of its own trust; dev's the top-level ones", () => {
      const from = validateConfig(
        {
          platform: 'acme',
          accounts: {
            ...accounts,
            prod: {
              ...accounts.prod,
              pipelineAccess: { ...accounts.prod.pipelineAccess, policyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess'] },
            },
          },
          pipelineAccess: {
            policyArns: POLICY_ARNS,
            trust: { ...topLevel, gitlab: [{ project: 'acme/platform/infra', branch: 'main' }] },
          },
        },
        'accounts.json',
      );
      const resources = (name: string) => {
        const account = from.accounts.find((candidate) => candidate.name === name);
        if (account === undefined || from.pipelineAccess === undefined) throw new Error('fixture lost an account');
        const stack = new AccessStack(Testing.app(), accessStackId(name), {
          platform: from.platform,
          account,
          pipelineAccess: from.pipelineAccess,
          stateDir: '/tmp/state',
        });
        const json = JSON.parse(Testing.synth(stack)) as { resource: Blocks };
        return {
          policies: Object.values(json.resource.aws_iam_role_policy_attachment ?? {}).map((block) => block.policy_arn),
          providers: Object.values(json.resource.aws_iam_openid_connect_provider ?? {})
            .map((block) => String(block.url))
            .sort(),
        };
      };
      expect(resources('prod')).toEqual({
        policies: ['arn:aws:iam::aws:policy/ReadOnlyAccess'],
        providers: ['https://token.actions.githubusercontent.com'],
      });
      expect(resources('dev')).toEqual({
        policies: POLICY_ARNS,
        providers: ['https://gitlab.com', 'https://token.actions.githubusercontent.com'],
      });
    });

    test("the runner may assume dev's deploy role, not prod's, whose own trust leaves it out", async () => {
      await expect(assumeRole(RUNNER, ASSUME_ANY, DEV_DEPLOY_ROLE, dev)).resolves.toBe('Allowed');
      await expect(assumeRole(RUNNER, ASSUME_ANY, PROD_DEPLOY_ROLE, prod)).resolves.toBe('ImplicitlyDenied');
    });
  });
});
