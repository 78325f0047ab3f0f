import { mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConfigError, validateConfig } from '../src/config';
import {
  checkPipelineState,
  LOCAL_BACKUP_SUFFIX,
  MOVE_UNKNOWN_SUFFIX,
  type PipelineStateInput,
  pipelineS3Backend,
  preparePipelineState,
  s3StateKey,
} from '../src/pipeline-state';
import { s3BackendEncryption } from '../src/backend-config';
import { runApp } from './support/run-app';

const STATE = JSON.stringify({
  version: 4,
  serial: 3,
  lineage: 'l',
  resources: [{ mode: 'managed', type: 'aws_vpc', name: 'v' }],
});
const EMPTY = JSON.stringify({ version: 4, serial: 4, lineage: 'l', resources: [] });

let dir: string;
let input: PipelineStateInput;
let file: string;
let backup: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'bootstrap-pipeline-state-'));
  input = {
    stackId: 'pipeline-prod',
    backend: 's3',
    stateDir: path.join(dir, 'state'),
    outdir: path.join(dir, 'cdktf.out'),
    bucket: 'acme-prod-state',
    key: 'bootstrap/pipeline-prod.tfstate',
    bucketDeployed: true,
    bucketStack: 'state-prod',
  };
  mkdirSync(input.stateDir);
  file = path.join(input.stateDir, 'pipeline-prod.tfstate');
  backup = `${file}${LOCAL_BACKUP_SUFFIX}`;
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Writes the working folder's backend record, as `terraform init` leaves it. */
function initialized(backend: { type: string; config: Record<string, unknown> }): void {
  const terraformDir = path.join(input.outdir, 'stacks', input.stackId, '.terraform');
  mkdirSync(terraformDir, { recursive: true });
  writeFileSync(path.join(terraformDir, 'terraform.tfstate'), JSON.stringify({ version: 3, backend }));
}
const onLocal = () => {
  initialized({ type: 'local', config: { path: '../../../state/pipeline-prod.tfstate' } });
};
const onBucket = () => {
  initialized({ type: 's3', config: { bucket: input.bucket, key: input.key, region: 'eu-west-1' } });
};

describe('the S3 backend settings', () => {
  const account = validateConfig({ platform: 'acme', region: 'eu-west-1', accounts: { prod: 'acme-prod' } }, 'a.json')
    .accounts[0];
  if (account === undefined) throw new Error('no account');

  test('the key derives from the stack id, under bootstrap/', () => {
    expect(s3StateKey('pipeline-prod')).toBe('bootstrap/pipeline-prod.tfstate');
    expect(s3StateKey('pipeline-live')).toBe('bootstrap/pipeline-live.tfstate');
  });

  test('bucket, key, region and profile are the production account’s, encrypted and natively locked', () => {
    expect(pipelineS3Backend('pipeline-prod', account)).toEqual({
      bucket: 'acme-prod-state',
      key: 'bootstrap/pipeline-prod.tfstate',
      region: 'eu-west-1',
      profile: 'acme-prod',
      encrypt: true,
      useLockfile: true,
    });
  });

  test('a production account reached through a role gives the backend the hub profile and the role session', () => {
    const hub = validateConfig(
      {
        platform: 'acme',
        region: 'eu-west-1',
        accountDefaults: { profile: 'acme-hub', roleName: 'OrganizationAccountAccessRole' },
        accounts: { prod: { accountId: '222222222222' } },
      },
      'a.json',
    ).accounts[0];
    if (hub === undefined) throw new Error('no account');
    expect(pipelineS3Backend('pipeline-prod', hub)).toMatchObject({
      profile: 'acme-hub',
      assumeRole: { roleArn: 'arn:aws:iam::222222222222:role/OrganizationAccountAccessRole', sessionName: 'bootstrap-aws' },
    });
  });

  test('with SSE-KMS on the bucket AES256 is never forced: a given key is named, a created key is left to the bucket default', () => {
    expect(s3BackendEncryption({})).toEqual({ encrypt: true });
    expect(s3BackendEncryption({ stateKeyAlias: 'alias/acme-prod-state' })).toEqual({ encrypt: false });
    const kmsKeyArn = 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    expect(s3BackendEncryption({ kmsKeyArn })).toEqual({ encrypt: true, kmsKeyId: kmsKeyArn });
  });
});

describe('checkPipelineState with "stateBackend": "s3"', () => {
  test('with no local state (never deployed locally, or already moved) nothing is done and the deploy runs', () => {
    expect(checkPipelineState(input)).toEqual({ notes: [] });
    writeFileSync(file, EMPTY);
    expect(checkPipelineState(input)).toEqual({ notes: [] });
    expect(readdirSync(input.stateDir)).toEqual(['pipeline-prod.tfstate']);
  });

  test('before the move (working folder on the local backend) the local file is copied to the backup once, and the deploy runs', () => {
    writeFileSync(file, STATE);
    onLocal();
    const first = checkPipelineState(input);
    expect(first.blocked).toBeUndefined();
    expect(first.notes).toEqual([{ level: 'info', message: expect.stringContaining('copied') as unknown }]);
    expect(readFileSync(backup, 'utf8')).toBe(STATE);
    expect(readFileSync(file, 'utf8')).toBe(STATE);
    expect(checkPipelineState(input)).toEqual({ notes: [] });
    // A later local state (e.g. after moving back and forth) gets a fresh backup; the old one is kept aside.
    writeFileSync(file, STATE.replace('"serial":3', '"serial":9'));
    checkPipelineState(input);
    expect(readFileSync(backup, 'utf8')).toContain('"serial":9');
    expect(readdirSync(input.stateDir)).toHaveLength(3);
  });

  test('after the move (working folder on the bucket and key) the local file stays as it was, next to its backup', () => {
    writeFileSync(file, STATE);
    writeFileSync(backup, STATE);
    onBucket();
    expect(checkPipelineState(input)).toEqual({ notes: [] });
    expect(readFileSync(file, 'utf8')).toBe(STATE);
    expect(readFileSync(backup, 'utf8')).toBe(STATE);
  });

  test('a local file with resources and no working folder (cdktf.out deleted) blocks the deploy with both ways out and leaves a marker', () => {
    writeFileSync(file, STATE);
    const check = checkPipelineState(input);
    expect(check.blocked).toMatch(/^pipeline-prod: "pipeline.stateBackend" is "s3" but .* still records resources/);
    expect(check.blocked).toContain('aws s3 ls s3://acme-prod-state/bootstrap/pipeline-prod.tfstate');
    expect(check.blocked).toContain('npm run deploy -- pipeline-prod --migrate-state');
    expect(check.blocked).not.toContain('\n');
    expect(readFileSync(file, 'utf8')).toBe(STATE);
    expect(readdirSync(input.stateDir).sort()).toEqual(['pipeline-prod.tfstate', `pipeline-prod.tfstate${MOVE_UNKNOWN_SUFFIX}`]);
  });

  test('once blocked, a working folder that a blocked deploy initialised does not unblock it; renaming the file does', () => {
    writeFileSync(file, STATE);
    expect(checkPipelineState(input).blocked).toBeDefined();
    // `cdktf deploy` runs terraform init before the plan fails: on either backend, that settles nothing.
    onBucket();
    expect(checkPipelineState(input).blocked).toBeDefined();
    onLocal();
    expect(checkPipelineState(input).blocked).toBeDefined();
    expect(readFileSync(file, 'utf8')).toBe(STATE);
    // The way out when the object is in the bucket: the file becomes the backup.
    renameSync(file, backup);
    expect(checkPipelineState(input)).toEqual({ notes: [] });
    expect(readdirSync(input.stateDir)).toEqual(['pipeline-prod.tfstate.local-backup']);
  });

  test('switching to "local" (the other way out) removes the marker', () => {
    writeFileSync(file, STATE);
    checkPipelineState(input);
    onLocal();
    expect(checkPipelineState({ ...input, backend: 'local' })).toEqual({ notes: [] });
    expect(readdirSync(input.stateDir)).toEqual(['pipeline-prod.tfstate']);
  });

  test('a working folder on another bucket or key does not count as moved', () => {
    writeFileSync(file, STATE);
    initialized({ type: 's3', config: { bucket: 'other', key: input.key } });
    expect(checkPipelineState(input).blocked).toBeDefined();
  });

  test('when the state stack of the bucket is not deployed, a note says to deploy it first', () => {
    const check = checkPipelineState({ ...input, bucketDeployed: false });
    expect(check.blocked).toBeUndefined();
    expect(check.notes).toEqual([
      {
        level: 'warning',
        message: expect.stringMatching(
          /^pipeline-prod keeps .*state-prod is not deployed .*"npm run deploy -- state-prod"/,
        ) as unknown,
      },
    ]);
  });
});

describe('checkPipelineState with "stateBackend": "local"', () => {
  const local = () => ({ ...input, backend: 'local' as const });

  test('a normal local state, or none, is left alone', () => {
    expect(checkPipelineState(local())).toEqual({ notes: [] });
    writeFileSync(file, STATE);
    expect(checkPipelineState(local())).toEqual({ notes: [] });
  });

  test('moving back from the bucket (working folder on it) runs; without that working folder it is blocked', () => {
    writeFileSync(backup, STATE);
    expect(checkPipelineState(local()).blocked).toMatch(
      /its state was moved to s3:\/\/acme-prod-state\/bootstrap\/pipeline-prod\.tfstate/,
    );
    onBucket();
    expect(checkPipelineState(local())).toEqual({ notes: [] });
  });

  test('the bucket note is only for the s3 backend', () => {
    expect(checkPipelineState({ ...local(), bucketDeployed: false })).toEqual({ notes: [] });
  });
});

describe('preparePipelineState', () => {
  test('"stateBackend": "s3" without the production account among the accounts is a one-line config error', () => {
    const config = validateConfig(
      { platform: 'acme', accounts: { prod: 'p' }, pipeline: { stateBackend: 's3' } },
      'accounts.json',
    );
    const broken = { ...config, productionAccount: 'live' };
    expect(() => preparePipelineState(broken, input, 'pipeline-live', 'state-live')).toThrow(ConfigError);
    expect(() => preparePipelineState(broken, input, 'pipeline-live', 'state-live')).toThrow(
      /^accounts\.json: pipeline\.stateBackend: "s3" .* "live" is not among the accounts; add it or set "stateBackend": "local"$/,
    );
  });
});

describe('main.ts with "stateBackend": "s3"', () => {
  test('synth writes the s3 backend without any machine path, and warns that the bucket is not deployed yet', () => {
    const { status, outdir } = runApp({ platform: 'acme', accounts: { prod: 'p' }, pipeline: { stateBackend: 's3' } }, dir);
    expect(status).toBe(0);
    const text = readFileSync(path.join(outdir, 'stacks', 'pipeline-prod', 'cdk.tf.json'), 'utf8');
    const json = JSON.parse(text) as { terraform: { backend: Record<string, unknown> } };
    expect(Object.keys(json.terraform.backend)).toEqual(['s3']);
    expect(text).not.toContain(dir);
    expect(text).not.toContain(os.homedir());
    // A warning annotation of the stack, which cdktf prints on synth and deploy.
    const manifest = JSON.parse(readFileSync(path.join(outdir, 'manifest.json'), 'utf8')) as {
      stacks: Record<string, { annotations: { level: string; message: string }[] }>;
    };
    expect(manifest.stacks['pipeline-prod']?.annotations).toEqual([
      expect.objectContaining({
        level: '@cdktf/warn',
        message: expect.stringMatching(/^pipeline-prod keeps .*state-prod is not deployed/) as unknown,
      }) as unknown,
    ]);
  });
});
