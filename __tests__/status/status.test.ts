import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { type AccountConfig, validateConfig } from '../../src/config';
import {
  type AccountStatus,
  collectStatus,
  driftFrom,
  formatStatus,
  type KeyResource,
  lifecycleVerdict,
  type LiveSettings,
  type PipelineStatus,
  readStackState,
  statusHealthy,
} from '../../src/status';
import { awsError, fakeAws } from '../support/fake-aws';

const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'status-test-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const config = validateConfig(
  { platform: 'acme', accounts: { dev: 'acme-dev', prod: { profile: 'acme-prod', region: 'eu-west-1' } } },
  'accounts.json',
);
const [dev, prod] = config.accounts as [(typeof config.accounts)[0], (typeof config.accounts)[0]];

/** A local state file shaped like the one terraform writes for a deployed state stack. */
function writeState(stack: string, bucket: string, region: string, extra: object[] = [], into = dir): void {
  const state = {
    version: 4,
    terraform_version: '1.11.4',
    serial: 9,
    lineage: 'x',
    outputs: {},
    resources: [
      ...extra,
      {
        mode: 'managed',
        type: 'aws_s3_bucket',
        name: 'state-bucket_828F7150',
        provider: 'provider["registry.terraform.io/hashicorp/aws"]',
        instances: [{ schema_version: 0, attributes: { bucket, region, arn: `arn:aws:s3:::${bucket}` } }],
      },
    ],
  };
  writeFileSync(path.join(into, `${stack}.tfstate`), JSON.stringify(state));
}

const secure: LiveSettings = {
  versioning: 'Enabled',
  encryption: 'AES256',
  publicAccessBlock: 'all 4 on',
  ownership: 'BucketOwnerEnforced',
  tlsPolicy: 'deny non-TLS',
  lifecycle: 'noncurrent 90d, multipart 7d',
};

describe('readStackState', () => {
  test('a stack without a state file is not deployed', () => {
    expect(readStackState(dir, 'state-dev', dev)).toEqual({
      stack: 'state-dev',
      stateFile: path.join(dir, 'state-dev.tfstate'),
      deployed: false,
    });
  });

  test('a state file that records the bucket means deployed, with the bucket and region from the state', () => {
    writeState('state-prod', 'acme-prod-state', 'eu-west-1', [
      { mode: 'data', type: 'aws_caller_identity', name: 'x', instances: [] },
    ]);
    expect(readStackState(dir, 'state-prod', prod)).toMatchObject({
      deployed: true,
      bucket: 'acme-prod-state',
      region: 'eu-west-1',
    });
    expect(readStackState(dir, 'state-prod', prod).problem).toBeUndefined();
  });

  test('a state file without the bucket (e.g. after a failed first deploy) is not deployed', () => {
    writeFileSync(path.join(dir, 'state-dev.tfstate'), JSON.stringify({ version: 4, resources: [] }));
    expect(readStackState(dir, 'state-dev', dev).deployed).toBe(false);
  });

  test('a corrupt state file is reported with how to restore it', () => {
    writeFileSync(path.join(dir, 'state-dev.tfstate'), '{"version": 4, "resou');
    const state = readStackState(dir, 'state-dev', dev);
    expect(state.deployed).toBe(false);
    expect(state.problem).toMatch(/state-dev\.tfstate is not valid JSON; restore it from its \.backup file/);
  });

  test('a state that records another bucket than accounts.json names is reported', () => {
    writeState('state-dev', 'other-dev-state', 'us-east-1');
    expect(readStackState(dir, 'state-dev', dev).problem).toMatch(/records bucket other-dev-state, not acme-dev-state/);
  });
});

describe('lifecycleVerdict', () => {
  test('the project’s rule reads as its noncurrent and multipart days', () => {
    const rules = [
      {
        ID: 'r',
        Status: 'Enabled' as const,
        NoncurrentVersionExpiration: { NoncurrentDays: 90 },
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
      },
    ];
    expect(lifecycleVerdict(rules)).toBe('noncurrent 90d, multipart 7d');
  });

  test('disabled rules do not count', () => {
    expect(lifecycleVerdict([{ Status: 'Disabled', NoncurrentVersionExpiration: { NoncurrentDays: 90 } }])).toBe('none');
  });

  test('a missing half is named', () => {
    expect(lifecycleVerdict([{ Status: 'Enabled', NoncurrentVersionExpiration: { NoncurrentDays: 30 } }])).toBe(
      'noncurrent 30d, no multipart abort',
    );
  });
});

describe('driftFrom', () => {
  test('the secure defaults show no drift', () => {
    expect(driftFrom(secure, { noncurrentVersionExpirationDays: 90 })).toEqual([]);
    expect(driftFrom({ ...secure, encryption: 'aws:kms' }, { noncurrentVersionExpirationDays: 90 })).toEqual([]);
  });

  test.each<[Partial<LiveSettings>, RegExp]>([
    [{ versioning: 'Suspended' }, /^versioning is Suspended, expected Enabled$/],
    [{ encryption: 'none' }, /^default encryption is off/],
    [{ publicAccessBlock: '3/4 on' }, /^public-access block is 3\/4 on, expected all 4 flags on$/],
    [{ ownership: 'ObjectWriter' }, /^object ownership is ObjectWriter, expected BucketOwnerEnforced$/],
    [{ tlsPolicy: 'missing' }, /^TLS-only bucket policy is missing/],
    [{ lifecycle: 'none' }, /^lifecycle is "none", expected "noncurrent 90d, multipart 7d"$/],
  ])('%j is drift', (change, message) => {
    expect(driftFrom({ ...secure, ...change }, { noncurrentVersionExpirationDays: 90 })).toEqual([
      expect.stringMatching(message),
    ]);
  });

  test('a lifecycle with other days than accounts.json asks for is drift', () => {
    expect(driftFrom(secure, { noncurrentVersionExpirationDays: 30 })).toEqual([
      'lifecycle is "noncurrent 90d, multipart 7d", expected "noncurrent 30d, multipart 7d"',
    ]);
  });

  test('an adopted bucket is expected to keep its noncurrent versions, so their expiry is drift there', () => {
    const adopted = { ...secure, lifecycle: 'no noncurrent expiry, multipart 7d' };
    expect(driftFrom(adopted, { noncurrentVersionExpirationDays: 90, adopt: true })).toEqual([]);
    expect(driftFrom(secure, { noncurrentVersionExpirationDays: 90, adopt: true })).toEqual([
      'lifecycle is "noncurrent 90d, multipart 7d", expected "no noncurrent expiry, multipart 7d"',
    ]);
  });
});

describe('formatStatus', () => {
  const deployed = (): AccountStatus => ({
    account: prod,
    state: { stack: 'state-prod', stateFile: 'x', deployed: true, bucket: 'acme-prod-state', region: 'eu-west-1' },
    live: { ...secure, versioning: 'Suspended' },
    drift: ['versioning is Suspended, expected Enabled'],
  });
  const notDeployed: AccountStatus = { account: dev, state: { stack: 'state-dev', stateFile: 'y', deployed: false }, drift: [] };
  const pipeline: PipelineStatus = {
    stack: 'pipeline-prod',
    account: prod,
    backend: 'local',
    stateLocation: '/state/pipeline-prod.tfstate',
    deployed: true,
    resources: [
      { what: 'VPC', type: 'aws_vpc', id: 'vpc-1111' },
      { what: 'runner launch template', type: 'aws_launch_template', id: 'lt-3333' },
    ],
    unrecorded: [],
  };

  test('without --live it shows deployment, bucket, region and profile per account', () => {
    const text = formatStatus({ access: [], accounts: [notDeployed, { ...deployed(), drift: [] }] }, false);
    expect(text.split('\n').slice(0, 4)).toEqual([
      expect.stringMatching(/^ACCOUNT\s+STACK\s+DEPLOYED\s+BUCKET\s+REGION\s+PROFILE$/),
      expect.stringMatching(/^-+/),
      expect.stringMatching(/^dev\s+state-dev\s+no\s+acme-dev-state\s+us-east-1\s+acme-dev$/),
      expect.stringMatching(/^prod\s+state-prod\s+yes\s+acme-prod-state\s+eu-west-1\s+acme-prod$/),
    ]);
    expect(text).toContain(
      '1 of 2 state stack(s) deployed; no pipeline stack ("pipeline": false); add --live to compare each bucket with the secure defaults',
    );
  });

  test('with --live drift is flagged in the row and explained below the table with the fix', () => {
    const report = { access: [], accounts: [notDeployed, deployed()] };
    const text = formatStatus(report, true);
    expect(text).toMatch(
      /^prod\s+state-prod\s+yes\s+.*Suspended\s+AES256\s+all 4 on\s+BucketOwnerEnforced\s+deny non-TLS\s+noncurrent 90d, multipart 7d\s+DRIFT$/m,
    );
    expect(text).toContain(
      'drift: state-prod (acme-prod-state): versioning is Suspended, expected Enabled; find out who changed it, then run "npm run deploy -- state-prod" to restore it',
    );
    expect(statusHealthy(report)).toBe(false);
    expect(statusHealthy({ access: [], accounts: [notDeployed] })).toBe(true);
  });

  test('a bucket the state records but S3 no longer has is drift: flagged, explained with the recovery, and not counted as deployed', () => {
    const gone: AccountStatus = {
      ...deployed(),
      live: undefined,
      drift: [],
      bucketGone: true,
      state: { ...deployed().state, stateFile: '/state/state-prod.tfstate' },
    };
    const report = { access: [], accounts: [notDeployed, gone] };
    const text = formatStatus(report, true);
    expect(text).toMatch(/^prod\s+state-prod\s+GONE\s+acme-prod-state\s+eu-west-1\s+acme-prod(\s+-){6}\s+DRIFT$/m);
    expect(text).toContain(
      'drift: state-prod (acme-prod-state): the bucket is gone: /state/state-prod.tfstate records it, so it was deleted outside Terraform, with every state file it held; run "npm run deploy -- state-prod" to recreate it empty, then put back those state files from a backup',
    );
    expect(text).not.toContain('npm run doctor');
    expect(text).toContain(
      '0 of 2 state stack(s) deployed and 1 whose bucket is gone; no pipeline stack ("pipeline": false); 1 finding(s) above need attention.',
    );
    expect(statusHealthy(report)).toBe(false);
  });

  test('the pipeline stack has a table of its own; without --live it shows where its state is', () => {
    const text = formatStatus({ access: [], accounts: [notDeployed], pipeline }, false);
    expect(text).toMatch(/^PIPELINE\s+ACCOUNT\s+DEPLOYED\s+STATE\s+REGION\s+PROFILE$/m);
    expect(text).toMatch(/^pipeline-prod\s+prod\s+yes\s+local\s+eu-west-1\s+acme-prod$/m);
    expect(text).toContain('0 of 1 state stack(s) deployed; pipeline-prod deployed; add --live');
    const inS3: PipelineStatus = {
      ...pipeline,
      backend: 's3',
      stateLocation: 's3://acme-prod-state/bootstrap/pipeline-prod.tfstate',
      deployed: undefined,
      resources: [],
    };
    const unread = formatStatus({ access: [], accounts: [notDeployed], pipeline: inS3 }, false);
    expect(unread).toMatch(
      /^pipeline-prod\s+prod\s+unknown\s+s3:\/\/acme-prod-state\/bootstrap\/pipeline-prod\.tfstate\s+eu-west-1\s+acme-prod$/m,
    );
    expect(unread).toContain('pipeline-prod unknown (its state is in S3); add --live');
    expect(statusHealthy({ access: [], accounts: [notDeployed], pipeline: inS3 })).toBe(true);
  });

  test('with --live a pipeline resource that is gone is drift, with the fix', () => {
    const report = {
      access: [],
      accounts: [notDeployed],
      pipeline: { ...pipeline, gone: [pipeline.resources[1] as KeyResource] },
    };
    const text = formatStatus(report, true);
    expect(text).toMatch(/^pipeline-prod\s+prod\s+yes\s+local\s+eu-west-1\s+acme-prod\s+1 of 2 exist\s+DRIFT$/m);
    expect(text).toContain(
      'drift: pipeline-prod: the runner launch template lt-3333 is gone (deleted outside Terraform); find out who deleted it, then run "npm run deploy -- pipeline-prod" to recreate it',
    );
    expect(text).toContain('0 of 1 state stack(s) deployed; pipeline-prod deployed; 1 finding(s) above need attention.');
    expect(statusHealthy(report)).toBe(false);
    const fine = { access: [], accounts: [notDeployed], pipeline: { ...pipeline, gone: [] } };
    expect(formatStatus(fine, true)).toMatch(/^pipeline-prod\s+.*\s+2 of 2 exist\s+none$/m);
    expect(formatStatus(fine, true)).toContain('; no drift.');
    expect(statusHealthy(fine)).toBe(true);
  });

  test('a pipeline state that lacks a key resource, or cannot be read, needs attention', () => {
    const half = { access: [], accounts: [notDeployed], pipeline: { ...pipeline, unrecorded: ['runner launch template'] } };
    expect(formatStatus(half, false)).toContain(
      'state problem: pipeline-prod: /state/pipeline-prod.tfstate records no runner launch template (did a deploy stop half-way?); run "npm run deploy -- pipeline-prod" to finish it',
    );
    expect(statusHealthy(half)).toBe(false);
    const unreadable = {
      access: [],
      accounts: [notDeployed],
      pipeline: { ...pipeline, deployed: undefined, error: 'could not read its state' },
    };
    expect(formatStatus(unreadable, true)).toContain('error: pipeline-prod: could not read its state');
    expect(formatStatus(unreadable, true)).toContain('pipeline-prod unknown (see above)');
    expect(statusHealthy(unreadable)).toBe(false);
  });
});

describe('collectStatus', () => {
  test('--live takes NoSuchBucket for a deployed bucket as gone, not as an error', async () => {
    writeState('state-prod', 'acme-prod-state', 'eu-west-1');
    const regions: string[] = [];
    const noBucket = (account: AccountConfig, region: string): S3Client => {
      regions.push(`${account.name} ${region}`);
      return fakeAws(
        Object.fromEntries(
          [
            'GetBucketVersioningCommand',
            'GetBucketEncryptionCommand',
            'GetPublicAccessBlockCommand',
            'GetBucketPolicyCommand',
            'GetBucketOwnershipControlsCommand',
            'GetBucketLifecycleConfigurationCommand',
            'GetBucketLoggingCommand',
          ].map((command) => [
            command,
            () => {
              throw awsError('NoSuchBucket', 'The specified bucket does not exist');
            },
          ]),
        ),
      ).s3;
    };
    const unused = (): never => {
      throw new Error('no pipeline state, so no EC2 or IAM call');
    };
    const report = await collectStatus({
      config,
      stateDir: dir,
      live: true,
      env: {},
      clients: { s3: noBucket, ec2: unused, iam: unused },
    });
    expect(regions).toEqual(['prod eu-west-1']);
    expect(report.accounts.map((row) => [row.account.name, row.bucketGone === true, row.error])).toEqual([
      ['dev', false, undefined],
      ['prod', true, undefined],
    ]);
    expect(report.pipeline).toMatchObject({ stack: 'pipeline-prod', deployed: false });
    expect(statusHealthy(report)).toBe(false);
  });
});

describe('npm run status', () => {
  test('it reads the state folder and exits 0; an invalid accounts.json exits 1 with the one-line problem', () => {
    const accountsFile = path.join(dir, 'accounts.json');
    writeFileSync(accountsFile, JSON.stringify({ platform: 'acme', accounts: { dev: 'acme-dev', prod: 'acme-prod' } }));
    const stateDir = path.join(dir, 'state');
    mkdirSync(stateDir);
    const run = () =>
      spawnSync(process.execPath, ['--require', './scripts/ts-runner.js', 'scripts/status.ts'], {
        cwd: PROJECT_ROOT,
        env: { ...process.env, BOOTSTRAP_ACCOUNTS_FILE: accountsFile, BOOTSTRAP_STATE_DIR: stateDir },
        encoding: 'utf8',
      });
    writeState('state-prod', 'acme-prod-state', 'us-east-1', [], stateDir);
    const ok = run();
    expect(ok.stdout).toMatch(/^dev\s+state-dev\s+no\s/m);
    expect(ok.stdout).toMatch(/^prod\s+state-prod\s+yes\s+acme-prod-state\s+us-east-1\s+acme-prod$/m);
    expect(ok.stdout).toMatch(/^pipeline-prod\s+prod\s+no\s+local\s+us-east-1\s+acme-prod$/m);
    expect(ok.status).toBe(0);

    writeFileSync(accountsFile, JSON.stringify({ platform: 'acme', acounts: {} }));
    const bad = run();
    expect(bad.stderr).toMatch(/^error: .*accounts\.json: acounts: unknown key; did you mean "accounts"\?/m);
    expect(bad.stdout).toBe('');
    expect(bad.status).toBe(1);
  }, 60_000);
});
