import * as path from 'node:path';
import { Testing } from 'cdktf';
import { validateConfig } from '../../src/config';
import { EXISTING_OIDC_PROVIDER_CHECK_SCRIPT } from '../../src/constructs/existing-oidc-provider-check';
import { EXISTING_RESOURCE_CHECK_SCRIPT } from '../../src/constructs/existing-resource-check';
import { AccessStack, accessStackId, oidcProviderId } from '../../stacks/access-stack';

type Blocks = Record<string, Record<string, Record<string, unknown>>>;
interface SynthesizedStack {
  terraform: { backend: { local: { path: string } } };
  provider: { aws: Record<string, unknown>[] };
  resource: Blocks;
  data?: Blocks;
  output: Record<string, { value: unknown }>;
  import?: { id: string; to: string }[];
}

const GITHUB = 'token.actions.githubusercontent.com';
const POWER_USER = 'arn:aws:iam::aws:policy/PowerUserAccess';

function synth(raw: Record<string, unknown>, accountName = 'dev') {
  const config = validateConfig({ platform: 'acme', region: 'eu-west-1', ...raw }, 'accounts.json');
  const account = config.accounts.find((candidate) => candidate.name === accountName);
  if (account === undefined || config.pipelineAccess === undefined) throw new Error('fixture without access');
  const app = Testing.app();
  const stack = new AccessStack(app, accessStackId(account.name), {
    platform: config.platform,
    account,
    pipelineAccess: config.pipelineAccess,
    stateDir: path.join(app.outdir, '..', 'terraform-state'),
  });
  return JSON.parse(Testing.synth(stack)) as SynthesizedStack;
}

const ACCOUNTS = {
  dev: { profile: 'acme-dev', accountId: '111111111111' },
  prod: { profile: 'acme-prod', accountId: '222222222222' },
};

/** The existing-provider check (the stack's other terraform_data is the existing-resource check). */
function oidcCheck(blocks: Blocks | undefined): Record<string, unknown> {
  const check = blocks?.terraform_data?.['existing-oidc-provider-check'];
  if (check === undefined) throw new Error('no existing-oidc-provider-check');
  return check;
}

function only(blocks: Blocks | undefined, type: string): Record<string, unknown> {
  const found = Object.values(blocks?.[type] ?? {});
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return found[0] as Record<string, unknown>;
}

/** The deploy role's inline state access policy (its other inline policy is the Deny of other accounts). */
function statePolicy(blocks: Blocks | undefined): Record<string, unknown> {
  const found = Object.values(blocks?.aws_iam_role_policy ?? {}).filter((policy) => policy.name === 'terraform-state-access');
  if (found.length !== 1) throw new Error(`expected one state access policy, found ${found.length}`);
  return found[0] as Record<string, unknown>;
}

describe('AccessStack', () => {
  describe('the runner only (the default with a pipeline stack)', () => {
    const json = synth({ accounts: ACCOUNTS, pipelineAccess: { policyArns: [POWER_USER] } });

    test('the stack id is access-<account>, its state a local file next to the others', () => {
      expect(accessStackId('dev')).toBe('access-dev');
      expect(json.terraform.backend.local.path).toMatch(/terraform-state\/access-dev\.tfstate$/);
    });

    test("it deploys with the account's own profile, pinned to its ID", () => {
      expect(json.provider.aws[0]).toMatchObject({
        profile: 'acme-dev',
        region: 'eu-west-1',
        allowed_account_ids: ['111111111111'],
      });
    });

    test('the role trusts the runner of the production account, and no OIDC provider or check is made', () => {
      const role = only(json.resource, 'aws_iam_role');
      expect(JSON.parse(String(role.assume_role_policy))).toEqual({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'PipelineRunner',
            Effect: 'Allow',
            Principal: { AWS: 'arn:aws:iam::222222222222:root' },
            Action: 'sts:AssumeRole',
            Condition: { ArnEquals: { 'aws:PrincipalArn': 'arn:aws:iam::222222222222:role/acme-pipeline-runner' } },
          },
        ],
      });
      expect(role).toMatchObject({ name: 'acme-pipeline-deploy', max_session_duration: 3600 });
      expect(json.resource).not.toHaveProperty('aws_iam_openid_connect_provider');
      expect(Object.keys(json.resource.terraform_data ?? {})).toEqual(['existing-resource-check']);
    });

    test('the state access names the account bucket, with no key and no table by default', () => {
      const policy = JSON.parse(String(statePolicy(json.resource).policy)) as { Statement: { Sid: string }[] };
      expect(policy.Statement.map((statement) => statement.Sid)).toEqual(['ListStateBucket', 'ReadWriteStateObjects']);
      expect(JSON.stringify(policy)).toContain('arn:aws:s3:::acme-dev-state');
    });

    test('outputs: the deploy role ARN and name', () => {
      expect(Object.keys(json.output)).toEqual(['deploy_role_arn', 'deploy_role_name']);
    });
  });

  describe('OIDC trust, SSE-KMS and the lock table', () => {
    const raw = {
      accounts: { dev: { profile: 'acme-dev' }, prod: 'acme-prod' },
      stateBucket: { kms: true, lockTable: true },
      pipelineAccess: {
        policyArns: [POWER_USER],
        trust: {
          runner: false,
          github: [{ repository: 'acme/infra', branch: 'main' }],
          gitlab: [{ project: 'a/b', branch: 'main' }],
        },
      },
    };
    const json = synth(raw);

    test('one provider per issuer, each created after the existing-provider check, and the role after it too', () => {
      const providers = Object.values(json.resource.aws_iam_openid_connect_provider ?? {});
      expect(providers.map((provider) => provider.url)).toEqual(['https://gitlab.com', `https://${GITHUB}`]);
      for (const provider of providers) {
        expect(provider.depends_on).toEqual([
          'terraform_data.existing-oidc-provider-check',
          'terraform_data.existing-resource-check',
        ]);
      }
      expect(only(json.resource, 'aws_iam_role').depends_on).toEqual([
        'terraform_data.existing-oidc-provider-check',
        'terraform_data.existing-resource-check',
      ]);
      expect(oidcProviderId('oidc.circleci.com/org/x')).toBe('oidc-provider-oidc.circleci.com_org_x');
    });

    test("the check runs the project's script with the account's profile, for every issuer", () => {
      const check = oidcCheck(json.resource);
      const [provisioner] = check.provisioner as { 'local-exec': { command: string; environment: Record<string, string> } }[];
      const command = provisioner?.['local-exec'].command ?? '';
      expect(command).toContain(path.basename(EXISTING_OIDC_PROVIDER_CHECK_SCRIPT));
      expect(command).toMatch(
        /--issuer token\.actions\.githubusercontent\.com --issuer gitlab\.com --stack access-dev --account dev --state-file \S+access-dev\.tfstate$/,
      );
      expect(provisioner?.['local-exec'].environment).toEqual({ AWS_PROFILE: 'acme-dev', AWS_REGION: 'eu-west-1' });
    });

    test('the trust names the providers by reference', () => {
      const trust = String(only(json.resource, 'aws_iam_role').assume_role_policy);
      expect(trust).toContain(
        '"Federated":"${aws_iam_openid_connect_provider.oidc-provider-tokenactionsgithubusercontentcom_provider_',
      );
      expect(trust).not.toContain('PipelineRunner');
    });

    test('the created state key is found by its alias, the lock table by the account ID AWS reports', () => {
      expect(only(json.data, 'aws_kms_alias')).toMatchObject({ name: 'alias/acme-dev-state' });
      const policy = String(statePolicy(json.resource).policy);
      expect(policy).toContain('"Resource":"${data.aws_kms_alias.state-key-alias.target_key_arn}"');
      expect(policy).toContain(
        '"Resource":"arn:aws:dynamodb:eu-west-1:${data.aws_caller_identity.caller-identity.account_id}:table/acme-dev-state-lock"',
      );
    });

    test('an output maps each issuer to its provider ARN', () => {
      expect(Object.keys(json.output.oidc_provider_arns?.value as object)).toEqual(['gitlab.com', GITHUB]);
    });

    test("the account's own key is named as given", () => {
      const kmsKeyArn = 'arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab';
      const withKey = synth({ ...raw, accounts: { ...raw.accounts, dev: { profile: 'acme-dev', kmsKeyArn } } });
      expect(withKey.data ?? {}).not.toHaveProperty('aws_kms_alias');
      expect(String(statePolicy(withKey.resource).policy)).toContain(`"Resource":"${kmsKeyArn}"`);
    });
  });

  test('an adopted provider is imported by its ARN, and the check lets it pass', () => {
    const json = synth({
      accounts: { ...ACCOUNTS, dev: { ...ACCOUNTS.dev, pipelineAccess: { adoptOidcProviders: [GITHUB] } } },
      pipelineAccess: { policyArns: [POWER_USER], trust: { github: [{ repository: 'acme/infra', branch: 'main' }] } },
    });
    expect(json.import).toEqual([
      {
        id: `arn:aws:iam::111111111111:oidc-provider/${GITHUB}`,
        to: expect.stringMatching(/^aws_iam_openid_connect_provider\.oidc-provider-/) as unknown,
      },
    ]);
    const check = oidcCheck(json.resource);
    expect(JSON.stringify(check)).toContain(`--issuer ${GITHUB} --adopt ${GITHUB} --stack access-dev`);
  });

  test('the existing-resource check names the deploy role and the created boundary, and every resource waits for it', () => {
    const json = synth({
      accounts: ACCOUNTS,
      pipelineAccess: {
        policyArns: [POWER_USER],
        permissionsBoundary: 'create',
        trust: { github: [{ repository: 'acme/infra', branch: 'main' }] },
      },
    });
    const command = JSON.stringify(json.resource.terraform_data?.['existing-resource-check']);
    expect(command).toContain(path.basename(EXISTING_RESOURCE_CHECK_SCRIPT));
    expect(command).toMatch(
      /--resource role=acme-pipeline-deploy --resource policy=acme-pipeline-deploy-boundary --stack access-dev --state-file \S+access-dev\.tfstate/,
    );
    const resources = Object.entries(json.resource).filter(([type]) => type !== 'terraform_data');
    expect(resources.length).toBeGreaterThan(3);
    for (const [, byId] of resources) {
      for (const resource of Object.values(byId)) expect(resource.depends_on).toContain('terraform_data.existing-resource-check');
    }
  });

  test('a permissions boundary and a longer session reach the role', () => {
    const json = synth({
      accounts: ACCOUNTS,
      pipelineAccess: {
        policyArns: [POWER_USER],
        permissionsBoundaryArn: 'arn:aws:iam::aws:policy/PowerUserAccess',
        maxSessionDuration: 7200,
        roleName: 'deployer',
      },
    });
    expect(only(json.resource, 'aws_iam_role')).toMatchObject({
      name: 'deployer',
      permissions_boundary: POWER_USER,
      max_session_duration: 7200,
    });
  });

  describe('the permissions boundary ("permissionsBoundary": "create")', () => {
    const raw = {
      accounts: ACCOUNTS,
      stateBucket: { kms: true, lockTable: true },
      pipelineAccess: { policyArns: ['arn:aws:iam::aws:policy/AdministratorAccess'], permissionsBoundary: 'create' },
    };
    const json = synth(raw);

    test('the stack creates the boundary under the permanent id permissions-boundary, named <role>-boundary', () => {
      expect(Object.keys(json.resource.aws_iam_policy ?? {})).toEqual([
        expect.stringMatching(/^permissions-boundary_policy_[0-9A-F]+$/),
      ]);
      expect(only(json.resource, 'aws_iam_policy')).toMatchObject({ name: 'acme-pipeline-deploy-boundary' });
    });

    test('the deploy role carries it by reference, so the policy exists before the role names it', () => {
      expect(only(json.resource, 'aws_iam_role').permissions_boundary).toMatch(
        /^\$\{aws_iam_policy\.permissions-boundary_policy_[0-9A-F]+\.arn\}$/,
      );
    });

    test('the boundary protects the account state: the bucket, the created key by its alias, the lock table', () => {
      const policy = String(only(json.resource, 'aws_iam_policy').policy);
      expect(policy).toContain('"arn:aws:s3:::acme-dev-state/bootstrap/*"');
      expect(policy).toContain('"Resource":"${data.aws_kms_alias.state-key-alias.target_key_arn}"');
      expect(policy).toContain('arn:aws:dynamodb:eu-west-1:111111111111:table/acme-dev-state-lock');
      expect(policy).toContain('"NotResource":"arn:aws:iam::111111111111:role/acme-pipeline-deploy-boundary/*"');
    });

    test('outputs name the boundary and the path of the roles the pipeline may assume, for the consumer project', () => {
      expect(json.output.permissions_boundary_arn?.value).toMatch(
        /^\$\{aws_iam_policy\.permissions-boundary_policy_[0-9A-F]+\.arn\}$/,
      );
      expect(json.output.permissions_boundary_role_path?.value).toBe('/acme-pipeline-deploy-boundary/');
    });

    test("without an account ID, the boundary's ARN names the account AWS reports", () => {
      const withoutId = synth({
        ...raw,
        accounts: { ...ACCOUNTS, dev: { profile: 'acme-dev' } },
        pipelineAccess: {
          ...raw.pipelineAccess,
          trust: { runner: false, github: [{ repository: 'acme/infra', branch: 'main' }] },
        },
      });
      expect(String(only(withoutId.resource, 'aws_iam_policy').policy)).toContain(
        '"iam:PermissionsBoundary":"arn:aws:iam::${data.aws_caller_identity.caller-identity.account_id}:policy/acme-pipeline-deploy-boundary"',
      );
    });

    test('with a boundary of its own, or none, no boundary is created, and the role denies other accounts all the same', () => {
      for (const boundary of [{ permissionsBoundaryArn: 'arn:aws:iam::111111111111:policy/own-boundary' }, {}]) {
        const other = synth({ ...raw, pipelineAccess: { policyArns: [POWER_USER], ...boundary } });
        expect(other.resource).not.toHaveProperty('aws_iam_policy');
        expect(only(other.resource, 'aws_iam_role').permissions_boundary).toBe(
          'permissionsBoundaryArn' in boundary ? boundary.permissionsBoundaryArn : undefined,
        );
        expect(other.output.permissions_boundary_arn?.value).toBe(
          'permissionsBoundaryArn' in boundary ? boundary.permissionsBoundaryArn : undefined,
        );
        expect(other.output).not.toHaveProperty('permissions_boundary_role_path');
        const denies = Object.values(other.resource.aws_iam_role_policy ?? {}).filter(
          (policy) => policy.name === 'deny-cross-account-assume',
        );
        expect(denies.map((policy) => JSON.parse(String(policy.policy)) as unknown)).toEqual([
          {
            Statement: [
              {
                Action: ['sts:AssumeRole', 'sts:AssumeRoot', 'sts:SetSourceIdentity', 'sts:TagSession'],
                Effect: 'Deny',
                NotResource: 'arn:aws:iam::111111111111:role/*',
                Sid: 'DenyAssumeRoleInOtherAccounts',
              },
            ],
            Version: '2012-10-17',
          },
        ]);
      }
    });
  });
});
