// accounts.schema.json, the JSON Schema editors use for accounts.json: generated from the validator's zod
// schema, committed, and checked here for freshness; it must accept and refuse what the validator does
// for the shapes a schema can express (name rules and cross-field checks stay the validator's).
import Ajv from 'ajv';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { validateConfig } from '../../src/config';
import { accountsJsonSchema, JSON_SCHEMA_FILE, renderAccountsJsonSchema } from '../../src/config/json-schema';
import { NAME_PATTERN, nameProblem } from '../../src/config/names';

const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

function runSchemaScript(args: readonly string[]) {
  return spawnSync(process.execPath, ['--require', './scripts/ts-runner.js', 'scripts/schema.ts', ...args], {
    cwd: PROJECT_ROOT,
    encoding: 'utf8',
  });
}

test('the committed accounts.schema.json is exactly what "npm run schema" writes (else: run it and commit)', () => {
  expect(readFileSync(path.join(PROJECT_ROOT, JSON_SCHEMA_FILE), 'utf8')).toBe(renderAccountsJsonSchema());
});

describe('npm run schema -- --check', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'schema-check-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  test('passes on the committed file', () => {
    expect(runSchemaScript(['--check'])).toMatchObject({ status: 0, stderr: '' });
  });

  test('fails with one line naming the fix on a stale file, writes nothing, and passes once the file is written', () => {
    const file = path.join(dir, 'accounts.schema.json');
    writeFileSync(file, renderAccountsJsonSchema().replace('"platform"', '"platfrom"'));
    const stale = runSchemaScript(['--check', file]);
    expect({ status: stale.status, stderr: stale.stderr }).toEqual({
      status: 1,
      stderr: `error: ${path.relative(PROJECT_ROOT, file)} is stale: it differs from src/config/schema.ts; run "npm run schema -- ${file}" and commit the file\n`,
    });
    expect(readFileSync(file, 'utf8')).toContain('"platfrom"');
    expect(runSchemaScript([file]).status).toBe(0);
    expect(runSchemaScript(['--check', file])).toMatchObject({ status: 0, stderr: '' });
  });

  test('fails on a missing file', () => {
    const result = runSchemaScript(['--check', path.join(dir, 'none.json')]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^error: .*none\.json is missing; run "npm run schema -- .*none\.json" and commit the file\n$/);
  });
});

describe('the schema agrees with the validator', () => {
  const validate = new Ajv({ strict: false }).compile(accountsJsonSchema());
  const base = { platform: 'acme', accounts: { dev: 'acme-dev', prod: 'acme-prod' } };
  const hubAccounts = {
    // The account of accountDefaults.profile: the hub, marked, without a deploy role.
    hub: {
      profile: 'acme-hub',
      accountId: '111111111111',
      region: 'eu-west-1',
      adopt: true,
      allowDestroy: true,
      controlsOtherAccounts: 'hub',
      pipelineAccess: false,
    },
    dev: { accountId: '222222222222', pipelineAccess: false, kmsKeyAdminArns: ['arn:aws:iam::222222222222:role/admin'] },
    prod: {
      roleArn: 'arn:aws:iam::333333333333:role/Deploy',
      externalId: 'acme-bootstrap',
      kmsKeyArn: 'arn:aws:kms:us-east-1:333333333333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      pipelineAccess: {
        adoptOidcProviders: ['token.actions.githubusercontent.com'],
        policyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess'],
        trust: {
          runner: false,
          github: [
            {
              repository: 'acme/infra',
              environment: 'production',
              ownerId: '1',
              repositoryId: '2',
              trustNameSubject: true,
              jobWorkflowRef: 'acme/infra/.github/workflows/deploy.yml@refs/heads/main',
            },
          ],
        },
      },
    },
    stage: { accountId: '444444444444', pipelineAccess: true },
  };
  const valid: Record<string, unknown> = {
    'accounts.example.json': JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'accounts.example.json'), 'utf8')) as unknown,
    'the external pattern ("pipeline": false)': { ...base, pipeline: false },
    'every option': {
      $schema: './accounts.schema.json',
      platform: 'acme',
      region: 'us-east-1',
      productionAccount: 'hub',
      accountDefaults: { profile: 'acme-hub', roleName: 'OrganizationAccountAccessRole' },
      accounts: hubAccounts,
      stateBucket: {
        noncurrentVersionExpirationDays: 30,
        lockTable: true,
        kms: true,
        accessLogs: true,
        accessLogRetentionDays: 90,
      },
      pipeline: {
        cidr: '10.1.0.0/16',
        azCount: 3,
        natGateway: true,
        flowLogRetentionDays: 365,
        ingress: [{ cidr: '10.2.0.0/16', port: 8443, protocol: 'tcp', description: 'webhooks' }],
        egress: [{ cidr: '10.3.0.0/16', port: 53, protocol: 'udp', description: 'dns' }],
        assumableRoleArns: ['arn:aws:iam::111111111111:role/extra'],
        instanceType: 't3.medium',
        amiId: 'ami-0123456789abcdef0',
        rootDeviceName: '/dev/sda1',
        namePrefix: 'acme-ci',
        stateBackend: 's3',
      },
      pipelineAccess: {
        policyArns: ['arn:aws:iam::aws:policy/PowerUserAccess'],
        permissionsBoundaryArn: 'arn:aws:iam::111111111111:policy/boundary',
        roleName: 'acme-deploy',
        maxSessionDuration: 7200,
        trust: {
          runner: true,
          github: [
            {
              repository: 'acme/infra',
              branch: 'main',
              ownerId: '1',
              repositoryId: '2',
              jobWorkflowRef: 'acme/infra/.github/workflows/deploy.yml@refs/heads/main',
            },
          ],
          gitlab: [{ project: 'acme/infra', branch: 'main', url: 'https://gitlab.example.com', audience: 'aud' }],
          circleci: {
            organizationId: '2b3c4d5e-6f70-4812-9abc-def012345678',
            projects: [
              { projectId: '3c4d5e6f-7081-4923-abcd-ef0123456789', vcsOrigin: 'github.com/acme/infra', branches: ['main'] },
            ],
          },
        },
      },
      suppressions: [{ rule: 'BA-SG-1', resource: 'pipeline-prod/security-group/x', reason: 'why' }],
    },
  };
  const invalid: Record<string, unknown> = {
    'a misspelt key': { ...base, platfrom: 'acme' },
    'a platform with uppercase and an underscore': { ...base, platform: 'Loon_Corp' },
    'a platform ending in a hyphen': { ...base, platform: 'acme-' },
    'an account ID as a number': { ...base, accounts: { prod: { profile: 'p', accountId: 123456789012 } } },
    'no accounts': { platform: 'acme', accounts: {} },
    'no platform': { accounts: base.accounts },
    '"pipeline": true': { ...base, pipeline: true },
    'a flow-log retention CloudWatch does not offer': { ...base, pipeline: { flowLogRetentionDays: 91 } },
    'an all-protocol rule': {
      ...base,
      pipeline: { ingress: [{ cidr: '10.0.0.0/8', port: 1, protocol: '-1', description: 'x' }] },
    },
    'a "$schema" that is not a string': { ...base, $schema: 1 },
    'an unknown key in an account': { ...base, accounts: { prod: { profile: 'p', owner: 'me' } } },
    "CircleCI's old projectIds": {
      ...base,
      pipelineAccess: {
        policyArns: ['arn:aws:iam::aws:policy/PowerUserAccess'],
        trust: {
          circleci: {
            organizationId: '2b3c4d5e-6f70-4812-9abc-def012345678',
            projectIds: ['3c4d5e6f-7081-4923-abcd-ef0123456789'],
          },
        },
      },
    },
  };

  test.each(Object.entries(valid))('both accept %s', (_name, file) => {
    expect(() => validateConfig(file, 'accounts.json')).not.toThrow();
    validate(file);
    expect(validate.errors ?? []).toEqual([]);
  });

  test.each(Object.entries(invalid))('both refuse %s', (_name, file) => {
    expect(() => validateConfig(file, 'accounts.json')).toThrow();
    expect(validate(file)).toBe(false);
  });
});

test('the fields editors show most carry a description', () => {
  const schema = accountsJsonSchema();
  const top = schema.properties ?? {};
  const account = (top.accounts?.additionalProperties as { anyOf: { type?: string; properties?: object }[] }).anyOf.find(
    (alternative) => alternative.type === 'object',
  );
  const described = (properties: object | undefined) =>
    Object.entries(properties ?? {}).filter(([, node]) => typeof (node as { description?: unknown }).description !== 'string');
  expect(described(top).map(([key]) => key)).toEqual([]);
  expect(described(account?.properties).map(([key]) => key)).toEqual([]);
  expect(described(top.stateBucket?.properties).map(([key]) => key)).toEqual([]);
});

test.each(['acme', 'a', '0', 'acme-2', 'a-b-c', '', '-acme', 'acme-', 'Acme', 'ac_me', 'ac.me', 'ac me', 'äcme'])(
  'the schema pattern for "platform" and the validator agree on %j',
  (name) => {
    expect(NAME_PATTERN.test(name)).toBe(nameProblem(name) === undefined);
    expect(accountsJsonSchema().properties?.platform?.pattern).toBe(NAME_PATTERN.source);
  },
);
