// Guarded destroy at synth: BOOTSTRAP_CONFIRM_DESTROY lifts prevent_destroy on the one bucket it names,
// only when that account has "allowDestroy": true; everything else keeps it, and a wrong value fails synth.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Testing } from 'cdktf';
import { validateConfig } from '../../src/config';
import { confirmedDestroyAccount } from '../../src/destroy';
import { StateStack } from '../../stacks/state-stack';
import { type AppRun, runApp } from '../support/run-app';

const ACCOUNTS = {
  platform: 'acme',
  accounts: {
    dev: { profile: 'acme-dev', allowDestroy: true },
    prod: 'acme-prod',
    test: { profile: 'acme-test', allowDestroy: true },
  },
};

const BUCKET = 'aws_s3_bucket';
const BUCKET_ADDRESS = 'state-bucket_828F7150';

let dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs = [];
});

/** Synthesizes ACCOUNTS with the real entry point and BOOTSTRAP_CONFIRM_DESTROY set to `confirm`. */
function synth(confirm: string | undefined, accounts: unknown = ACCOUNTS): AppRun {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'destroy-synth-test-'));
  dirs.push(dir);
  const saved = process.env.BOOTSTRAP_CONFIRM_DESTROY;
  if (confirm === undefined) delete process.env.BOOTSTRAP_CONFIRM_DESTROY;
  else process.env.BOOTSTRAP_CONFIRM_DESTROY = confirm;
  try {
    return runApp(accounts, dir);
  } finally {
    if (saved === undefined) delete process.env.BOOTSTRAP_CONFIRM_DESTROY;
    else process.env.BOOTSTRAP_CONFIRM_DESTROY = saved;
  }
}

/** The accounts file of a run, as messages name it (outside the working directory: absolute). */
function accountsFile(run: AppRun): string {
  return path.join(path.dirname(run.outdir), 'accounts.json');
}

/** prevent_destroy of each state stack's bucket, by stack id. */
function preventDestroyByStack(run: AppRun): Record<string, unknown> {
  if (run.status !== 0) throw new Error(`synth failed: ${run.stderr}`);
  return Object.fromEntries(
    ['state-dev', 'state-prod', 'state-test'].map((stack) => {
      const json = JSON.parse(readFileSync(path.join(run.outdir, 'stacks', stack, 'cdk.tf.json'), 'utf8')) as {
        resource: Record<string, Record<string, { lifecycle?: { prevent_destroy?: unknown } }>>;
      };
      return [stack, json.resource[BUCKET]?.[BUCKET_ADDRESS]?.lifecycle?.prevent_destroy];
    }),
  );
}

test('without a confirmation every state bucket keeps prevent_destroy, even where allowDestroy is true', () => {
  expect(preventDestroyByStack(synth(undefined))).toEqual({ 'state-dev': true, 'state-prod': true, 'state-test': true });
}, 60_000);

test('with BOOTSTRAP_CONFIRM_DESTROY naming a bucket, only that bucket loses prevent_destroy', () => {
  expect(preventDestroyByStack(synth('acme-dev-state'))).toEqual({ 'state-dev': false, 'state-prod': true, 'state-test': true });
}, 60_000);

test('a confirmation that names no account’s bucket fails synth with the valid names, and writes nothing', () => {
  const run = synth('acme-dev');
  expect(run.status).toBe(1);
  expect(run.stderr).toBe(
    `error: BOOTSTRAP_CONFIRM_DESTROY: "acme-dev" is not the state bucket of any account in ${accountsFile(run)}; set it to the exact name of the bucket to destroy (one of acme-dev-state, acme-prod-state, acme-test-state) or unset it\n`,
  );
  expect(existsSync(run.outdir)).toBe(false);
}, 60_000);

test('a confirmation of a bucket whose account lacks allowDestroy fails synth and says how to allow it', () => {
  const run = synth('acme-prod-state');
  expect(run.status).toBe(1);
  expect(run.stderr).toBe(
    `error: ${accountsFile(run)}: accounts.prod.allowDestroy: is not true, so the state bucket acme-prod-state may not be destroyed; set "allowDestroy": true on accounts.prod to allow destroying acme-prod-state\n`,
  );
  expect(existsSync(run.outdir)).toBe(false);
}, 60_000);

describe('confirmedDestroyAccount', () => {
  const config = validateConfig(ACCOUNTS, 'team.json');

  test('no confirmation confirms no account', () => {
    expect(confirmedDestroyAccount(config, undefined)).toBeUndefined();
  });

  test('the exact bucket name confirms its account; another case or a prefix does not', () => {
    expect(confirmedDestroyAccount(config, 'acme-test-state')?.name).toBe('test');
    expect(() => confirmedDestroyAccount(config, 'ACME-test-state')).toThrow(
      /is not the state bucket of any account in team\.json/,
    );
    expect(() => confirmedDestroyAccount(config, 'acme-test')).toThrow(/is not the state bucket of any account/);
  });
});

describe('StateStack preventDestroy', () => {
  function bucketLifecycle(preventDestroy: boolean | undefined): unknown {
    const app = Testing.app();
    const account = validateConfig(ACCOUNTS, 'accounts.json').accounts[0];
    if (account === undefined) throw new Error('no account');
    const stack = new StateStack(app, 'state-dev', {
      platform: 'acme',
      account,
      stateDir: path.join(app.outdir, '..', 'terraform-state'),
      ...(preventDestroy !== undefined ? { preventDestroy } : {}),
    });
    const json = JSON.parse(Testing.synth(stack)) as { resource: Record<string, Record<string, { lifecycle?: unknown }>> };
    return json.resource[BUCKET]?.[BUCKET_ADDRESS]?.lifecycle;
  }

  test('defaults to prevent_destroy, and turns it off only when asked, with the same bucket address', () => {
    expect(bucketLifecycle(undefined)).toEqual({ prevent_destroy: true });
    expect(bucketLifecycle(true)).toEqual({ prevent_destroy: true });
    expect(bucketLifecycle(false)).toEqual({ prevent_destroy: false });
  });
});
