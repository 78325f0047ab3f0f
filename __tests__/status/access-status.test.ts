import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { validateConfig } from '../../src/config';
import { collectStatus, formatStatus, statusHealthy } from '../../src/status';
import { collectAccessStatus } from '../../src/status/access';
import { awsError, fakeAws } from '../support/fake-aws';

const POWER_USER = 'arn:aws:iam::aws:policy/PowerUserAccess';
const PROVIDER_ARN = 'arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'access-status-test-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const withAccess = validateConfig(
  {
    platform: 'acme',
    accounts: {
      dev: { profile: 'acme-dev', accountId: '111111111111' },
      prod: { profile: 'acme-prod', accountId: '222222222222' },
    },
    pipelineAccess: { policyArns: [POWER_USER], trust: { github: [{ repository: 'acme/infra', branch: 'main' }] } },
  },
  'accounts.json',
);
const withoutAccess = validateConfig({ platform: 'acme', accounts: { dev: 'acme-dev', prod: 'acme-prod' } }, 'accounts.json');

/** A local state file shaped like the one terraform writes for a deployed access stack. */
function writeAccessState(stack: string, account: string): void {
  const managed = (type: string, name: string, id: string) => ({
    mode: 'managed',
    type,
    name,
    provider: 'provider["registry.terraform.io/hashicorp/aws"]',
    instances: [{ schema_version: 0, attributes: { id } }],
  });
  const state = {
    version: 4,
    resources: [
      { mode: 'data', type: 'aws_iam_policy_document', name: 'trust', instances: [] },
      managed('aws_iam_openid_connect_provider', 'github', PROVIDER_ARN.replace('111111111111', account)),
      managed('aws_iam_role', 'deploy-role', 'acme-pipeline-deploy'),
      managed('aws_iam_role_policy_attachment', 'policy', 'acme-pipeline-deploy-x'),
    ],
  };
  writeFileSync(path.join(dir, `${stack}.tfstate`), JSON.stringify(state));
}

describe('collectAccessStatus', () => {
  test('without "pipelineAccess" there are no access stacks to report', async () => {
    expect(await collectAccessStatus({ config: withoutAccess, stateDir: dir })).toEqual([]);
  });

  test('each account has a row; one with a state recording the role is deployed, with its role and providers', async () => {
    writeAccessState('access-dev', '111111111111');
    const rows = await collectAccessStatus({ config: withAccess, stateDir: dir });
    expect(rows.map((row) => [row.stack, row.deployed, row.roleName])).toEqual([
      ['access-dev', true, 'acme-pipeline-deploy'],
      ['access-prod', false, 'acme-pipeline-deploy'],
    ]);
    expect(rows[0]?.resources).toEqual([
      { what: 'OIDC provider', type: 'aws_iam_openid_connect_provider', id: PROVIDER_ARN },
      { what: 'deploy role', type: 'aws_iam_role', id: 'acme-pipeline-deploy' },
    ]);
    expect(rows[0]?.gone).toBeUndefined();
  });

  test('a state file that is not JSON is a problem that names the file and its backup', async () => {
    writeFileSync(path.join(dir, 'access-prod.tfstate'), '{"version": 4, "resour');
    const rows = await collectAccessStatus({ config: withAccess, stateDir: dir });
    expect(rows[1]?.problem).toBe(`${path.join(dir, 'access-prod.tfstate')} is not valid JSON; restore it from its .backup file`);
    expect(rows[1]?.deployed).toBe(false);
  });

  test('an unreadable state file is a problem, not a crash', async () => {
    if (process.getuid?.() === 0) {
      // root reads any file; a directory in the file's place fails the read just the same.
      rmSync(dir, { recursive: true, force: true });
      await import('node:fs').then((fs) => fs.mkdirSync(path.join(dir, 'access-dev.tfstate'), { recursive: true }));
    } else {
      writeAccessState('access-dev', '111111111111');
      chmodSync(path.join(dir, 'access-dev.tfstate'), 0o000);
    }
    const rows = await collectAccessStatus({ config: withAccess, stateDir: dir });
    expect(rows[0]?.problem).toMatch(/access-dev\.tfstate cannot be read \((EISDIR|EACCES)\); check its permissions$/);
  });

  test('--live asks IAM for each recorded resource and takes NoSuchEntity as gone', async () => {
    writeAccessState('access-dev', '111111111111');
    const sent: string[] = [];
    const iam = fakeAws(
      {
        GetRoleCommand: () => ({ Role: {} }),
        GetOpenIDConnectProviderCommand: () => {
          throw awsError('NoSuchEntityException');
        },
      },
      sent,
    ).iam;
    const rows = await collectAccessStatus({ config: withAccess, stateDir: dir, iam: () => iam });
    expect(sent).toEqual(['GetOpenIDConnectProviderCommand', 'GetRoleCommand']);
    expect(rows[0]?.gone).toEqual([{ what: 'OIDC provider', type: 'aws_iam_openid_connect_provider', id: PROVIDER_ARN }]);
    // Nothing recorded, nothing asked.
    expect(rows[1]?.gone).toBeUndefined();
  });

  test('--live turns any other IAM error into an error that names the permissions needed', async () => {
    writeAccessState('access-dev', '111111111111');
    const iam = fakeAws({
      GetOpenIDConnectProviderCommand: () => {
        throw awsError('AccessDenied', 'User is not authorized to perform iam:GetOpenIDConnectProvider');
      },
    }).iam;
    const [row] = await collectAccessStatus({ config: withAccess, stateDir: dir, iam: () => iam });
    expect(row?.gone).toBeUndefined();
    expect(row?.error).toBe(
      'could not check its resources with profile acme-dev (AccessDenied: User is not authorized to perform iam:GetOpenIDConnectProvider); the profile needs iam:GetRole and iam:GetOpenIDConnectProvider',
    );
  });
});

describe('npm run status with access stacks', () => {
  test('the access table lists every access stack and the summary counts the deployed ones', async () => {
    writeAccessState('access-dev', '111111111111');
    const report = await collectStatus({ config: withAccess, env: {}, stateDir: dir, live: false });
    const text = formatStatus(report, false);
    expect(text).toMatch(/ACCESS\s+ACCOUNT\s+DEPLOYED\s+DEPLOY ROLE\s+OIDC PROVIDERS\s+PROFILE/);
    expect(text).toMatch(/access-dev\s+dev\s+yes\s+acme-pipeline-deploy\s+1\s+acme-dev/);
    expect(text).toMatch(/access-prod\s+prod\s+no\s+acme-pipeline-deploy\s+0\s+acme-prod/);
    expect(text).toContain('1 of 2 access stack(s) deployed');
  });

  test('without "pipelineAccess" the report has no access table', async () => {
    const report = await collectStatus({ config: withoutAccess, env: {}, stateDir: dir, live: false });
    expect(report.access).toEqual([]);
    expect(formatStatus(report, false)).not.toContain('ACCESS');
  });

  test('a deleted deploy role is drift with the fix, and the report is not healthy', async () => {
    writeAccessState('access-dev', '111111111111');
    const iam = fakeAws({
      GetRoleCommand: () => {
        throw awsError('NoSuchEntity');
      },
      GetOpenIDConnectProviderCommand: () => ({}),
    }).iam;
    const [row] = await collectAccessStatus({ config: withAccess, stateDir: dir, iam: () => iam });
    if (row === undefined) throw new Error('no access row');
    const report = { accounts: [], access: [row] };
    const text = formatStatus(report, true);
    expect(text).toMatch(/access-dev\s+dev\s+yes\s+acme-pipeline-deploy\s+1\s+acme-dev\s+1 of 2 exist\s+DRIFT/);
    expect(text).toContain(
      'drift: access-dev: the deploy role acme-pipeline-deploy is gone (deleted outside Terraform); find out who deleted it, then run "npm run deploy -- access-dev" to recreate it',
    );
    expect(statusHealthy(report)).toBe(false);
    expect(statusHealthy({ accounts: [], access: [{ ...row, gone: [] }] })).toBe(true);
  });
});
