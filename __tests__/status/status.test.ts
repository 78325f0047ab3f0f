import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { validateConfig } from '../../src/config';
import {
  type AccountStatus,
  driftFrom,
  formatStatus,
  lifecycleVerdict,
  type LiveSettings,
  readStackState,
  statusHealthy,
} from '../../src/status';

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

  test('without --live it shows deployment, bucket, region and profile per account', () => {
    const text = formatStatus([notDeployed, { ...deployed(), drift: [] }], false);
    expect(text.split('\n').slice(0, 4)).toEqual([
      expect.stringMatching(/^ACCOUNT\s+STACK\s+DEPLOYED\s+BUCKET\s+REGION\s+PROFILE$/),
      expect.stringMatching(/^-+/),
      expect.stringMatching(/^dev\s+state-dev\s+no\s+acme-dev-state\s+us-east-1\s+acme-dev$/),
      expect.stringMatching(/^prod\s+state-prod\s+yes\s+acme-prod-state\s+eu-west-1\s+acme-prod$/),
    ]);
    expect(text).toContain('1 of 2 state stack(s) deployed; add --live');
  });

  test('with --live drift is flagged in the row and explained below the table with the fix', () => {
    const rows = [notDeployed, deployed()];
    const text = formatStatus(rows, true);
    expect(text).toMatch(
      /^prod\s+state-prod\s+yes\s+.*Suspended\s+AES256\s+all 4 on\s+BucketOwnerEnforced\s+deny non-TLS\s+noncurrent 90d, multipart 7d\s+DRIFT$/m,
    );
    expect(text).toContain(
      'drift: state-prod (acme-prod-state): versioning is Suspended, expected Enabled; find out who changed it, then run "npx cdktf deploy state-prod" to restore it',
    );
    expect(statusHealthy(rows)).toBe(false);
    expect(statusHealthy([notDeployed])).toBe(true);
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
    expect(ok.status).toBe(0);

    writeFileSync(accountsFile, JSON.stringify({ platform: 'acme', acounts: {} }));
    const bad = run();
    expect(bad.stderr).toMatch(/^error: .*accounts\.json: acounts: unknown key; did you mean "accounts"\?/m);
    expect(bad.stdout).toBe('');
    expect(bad.status).toBe(1);
  }, 60_000);
});
