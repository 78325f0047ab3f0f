import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BACKENDS_DIR, backendConfigPath, pipelineBackendConfigText, writeBackendConfigs } from '../src/backend-config';
import { validateConfig } from '../src/config';

const POWER_USER = 'arn:aws:iam::aws:policy/PowerUserAccess';
const ACCOUNTS = {
  dev: { profile: 'acme-hub', roleArn: 'arn:aws:iam::111111111111:role/OrganizationAccountAccessRole' },
  prod: { profile: 'acme-prod', accountId: '222222222222' },
  sandbox: { profile: 'acme-sandbox', pipelineAccess: false },
};

function configWith(trust: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return validateConfig(
    { platform: 'acme', region: 'eu-west-1', accounts: ACCOUNTS, pipelineAccess: { policyArns: [POWER_USER], trust }, ...extra },
    'accounts.json',
  );
}

/** The settings of a backend file, comments dropped. */
function settingLines(text: string): string[] {
  return text.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('#'));
}

describe('pipelineBackendConfigText', () => {
  const config = configWith({ github: [{ repository: 'acme/infra', branch: 'main' }] }, { stateBucket: { lockTable: true } });
  const dev = config.accounts[0];
  if (dev === undefined) throw new Error('fixture lost its dev account');

  test('the runner: no profile; the deploy role assumed as an S3 backend attribute', () => {
    expect(settingLines(pipelineBackendConfigText(dev, 'runner'))).toEqual([
      'bucket       = "acme-dev-state"',
      'region       = "eu-west-1"',
      'encrypt      = true',
      'use_lockfile = true',
      'dynamodb_table = "acme-dev-state-lock"',
      'assume_role = {',
      '  role_arn     = "arn:aws:iam::111111111111:role/acme-pipeline-deploy"',
      '  session_name = "pipeline-runner"',
      '}',
    ]);
  });

  test('CI: the job holds the deploy role already, so no credential setting at all', () => {
    const text = pipelineBackendConfigText(dev, 'ci');
    expect(settingLines(text)).toEqual([
      'bucket       = "acme-dev-state"',
      'region       = "eu-west-1"',
      'encrypt      = true',
      'use_lockfile = true',
      'dynamodb_table = "acme-dev-state-lock"',
    ]);
    expect(text).toContain('-backend-config=path/to/dev.ci.s3.tfbackend');
  });
});

describe('writeBackendConfigs with pipelineAccess', () => {
  let outdir: string;
  beforeEach(() => {
    outdir = mkdtempSync(path.join(os.tmpdir(), 'backend-pipeline-test-'));
  });
  afterEach(() => {
    rmSync(outdir, { recursive: true, force: true });
  });

  test('runner and CI files for every account with a deploy role, none for an account left out', () => {
    const config = configWith({ github: [{ repository: 'acme/infra', branch: 'main' }] });
    writeBackendConfigs(outdir, config);
    expect(readdirSync(path.join(outdir, BACKENDS_DIR)).sort()).toEqual([
      'dev.ci.s3.tfbackend',
      'dev.runner.s3.tfbackend',
      'dev.s3.tfbackend',
      'prod.ci.s3.tfbackend',
      'prod.runner.s3.tfbackend',
      'prod.s3.tfbackend',
      'sandbox.s3.tfbackend',
    ]);
    const prod = config.accounts[1];
    if (prod === undefined) throw new Error('fixture lost its prod account');
    expect(readFileSync(backendConfigPath(outdir, 'prod', 'runner'), 'utf8')).toBe(pipelineBackendConfigText(prod, 'runner'));
  });

  test('the runner alone: no CI files; CI alone: no runner files, and stale ones are removed', () => {
    writeBackendConfigs(outdir, configWith({}));
    expect(readdirSync(path.join(outdir, BACKENDS_DIR)).filter((name) => name.includes('.ci.'))).toEqual([]);
    expect(readdirSync(path.join(outdir, BACKENDS_DIR)).filter((name) => name.includes('.runner.'))).toHaveLength(2);
    writeBackendConfigs(outdir, configWith({ runner: false, gitlab: [{ project: 'acme/infra', branch: 'main' }] }));
    expect(readdirSync(path.join(outdir, BACKENDS_DIR)).filter((name) => name.includes('.runner.'))).toEqual([]);
    expect(readdirSync(path.join(outdir, BACKENDS_DIR)).filter((name) => name.includes('.ci.'))).toHaveLength(2);
  });
});
