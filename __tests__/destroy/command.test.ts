// The refusals of `npm run destroy` that come before any AWS call: each is one line, and nothing is changed.
import { cliForNode } from '../../src/cli/node-cli';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConfigError, validateConfig } from '../../src/config';
import { checkConfirmation, destroyableAccount, type DestroyOptions, runDestroy } from '../../src/destroy';

const config = validateConfig(
  {
    platform: 'acme',
    accounts: { dev: { profile: 'acme-dev', allowDestroy: true }, prod: 'acme-prod' },
  },
  'accounts.json',
);

let stateDir: string;
beforeEach(() => {
  stateDir = mkdtempSync(path.join(os.tmpdir(), 'destroy-command-test-'));
});
afterEach(() => {
  rmSync(stateDir, { recursive: true, force: true });
});

/** A local state file of state-dev that records its bucket, as after a deploy. */
function writeDeployedState(): void {
  const state = {
    version: 4,
    resources: [
      { mode: 'managed', type: 'aws_s3_bucket', instances: [{ attributes: { bucket: 'acme-dev-state', region: 'us-east-1' } }] },
    ],
  };
  writeFileSync(path.join(stateDir, 'state-dev.tfstate'), JSON.stringify(state));
}

/** The one-line problem runDestroy refuses with; fails if it does not refuse. */
async function refusal(options: Partial<DestroyOptions>): Promise<string> {
  const printed: string[] = [];
  try {
    await runDestroy({
      config,
      stateDir,
      outdir: path.join(stateDir, 'cdktf.out'),
      account: 'dev',
      deleteObjects: false,
      // Unroutable on purpose: a refusal must come before any AWS call.
      env: { AWS_ENDPOINT_URL: 'http://127.0.0.1:9' },
      print: (line) => printed.push(line),
      ...options,
    });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    expect(error.problems).toHaveLength(1);
    expect(printed).toEqual([]);
    return error.problems[0] ?? '';
  }
  throw new Error('expected a refusal');
}

test('an account that accounts.json does not list is refused with the names it does list', async () => {
  expect(await refusal({ account: 'stage' })).toBe('accounts.json: accounts: there is no account "stage"; name one of dev, prod');
});

test('an account without "allowDestroy": true is refused with the setting that allows it', async () => {
  expect(await refusal({ account: 'prod', confirm: 'acme-prod-state' })).toBe(
    'accounts.json: accounts.prod.allowDestroy: is not true, so the state bucket acme-prod-state may not be destroyed; set "allowDestroy": true on accounts.prod to allow destroying acme-prod-state',
  );
});

test('an account with a lock table is refused, because the command does not lift its deletion protection', () => {
  const withLockTable = validateConfig(
    {
      platform: 'acme',
      accounts: { dev: { profile: 'acme-dev', allowDestroy: true } },
      productionAccount: 'dev',
      stateBucket: { lockTable: true },
    },
    'accounts.json',
  );
  expect(() => destroyableAccount(withLockTable, 'dev')).toThrow(
    'accounts.json: stateBucket.lockTable: state-dev also holds the lock table acme-dev-state-lock, which has deletion protection and prevent_destroy; "npm run destroy" does not remove lock tables, so nothing was changed; turn off "lockTable"',
  );
});

test('the production account is refused while its bucket holds the pipeline state, which would go with it', () => {
  const pipelineInBucket = validateConfig(
    {
      platform: 'acme',
      accounts: { prod: { profile: 'acme-prod', allowDestroy: true } },
      pipeline: { stateBackend: 's3' },
    },
    'accounts.json',
  );
  expect(() => destroyableAccount(pipelineInBucket, 'prod')).toThrow(
    'accounts.json: pipeline.stateBackend: acme-prod-state holds the state of pipeline-prod (bootstrap/pipeline-prod.tfstate); destroy pipeline-prod first, or move its state back with "stateBackend": "local" and "npm run deploy -- pipeline-prod --migrate-state"; nothing was changed',
  );
});

test('a stack whose state bucket is gone but which still records other resources says how to finish the destroy', async () => {
  const state = {
    version: 4,
    resources: [
      {
        mode: 'managed',
        type: 'aws_s3_bucket',
        name: 'access-log-bucket_B377A41D',
        instances: [{ attributes: { bucket: 'acme-dev-state-logs' } }],
      },
    ],
  };
  writeFileSync(path.join(stateDir, 'state-dev.tfstate'), JSON.stringify(state));
  expect(await refusal({ confirm: 'acme-dev-state' })).toBe(
    `state-dev: ${path.join(stateDir, 'state-dev.tfstate')} no longer records acme-dev-state but still 1 other resource(s) (an earlier destroy stopped half-way); finish with "BOOTSTRAP_CONFIRM_DESTROY=acme-dev-state ${cliForNode().npx} destroy state-dev" after emptying any bucket it still holds; nothing was changed`,
  );
});

test('a stack whose local state records no bucket is refused: there is nothing of ours to destroy', async () => {
  expect(await refusal({ confirm: 'acme-dev-state' })).toBe(
    `state-dev: ${path.join(stateDir, 'state-dev.tfstate')} records no bucket, so acme-dev-state was not deployed from here (or is already destroyed); nothing was changed`,
  );
});

test('a --confirm that is not the bucket name is refused', async () => {
  writeDeployedState();
  expect(await refusal({ confirm: 'acme-prod-state' })).toBe(
    '--confirm "acme-prod-state" is not the state bucket of account dev (acme-dev-state); nothing was changed',
  );
});

test('a typed name that is not the bucket name is refused, after asking with the bucket and the stack named', async () => {
  writeDeployedState();
  const questions: string[] = [];
  const ask = (question: string): Promise<string> => {
    questions.push(question);
    return Promise.resolve('yes');
  };
  expect(await refusal({ ask })).toBe(
    'the typed name "yes" is not the state bucket of account dev (acme-dev-state); nothing was changed',
  );
  expect(questions).toEqual([
    'This permanently destroys the state bucket acme-dev-state of account dev (stack state-dev). Type the bucket name to confirm: ',
  ]);
});

test('without a terminal to type on and without --confirm, the command asks for --confirm', async () => {
  writeDeployedState();
  expect(await refusal({})).toBe(
    'stdin is not a terminal, so the bucket name cannot be typed; pass --confirm <bucket-name> to destroy acme-dev-state; nothing was changed',
  );
});

test('the confirmation must match exactly, apart from surrounding spaces', () => {
  const dev = destroyableAccount(config, 'dev');
  expect(() => {
    checkConfirmation(dev, ' acme-dev-state\n', 'typed');
  }).not.toThrow();
  expect(() => {
    checkConfirmation(dev, 'ACME-DEV-STATE', 'typed');
  }).toThrow(/is not the state bucket/);
  expect(() => {
    checkConfirmation(dev, 'acme-dev', '--confirm');
  }).toThrow(/is not the state bucket/);
});

test('with a key this project created, a profile its policy would stop at ScheduleKeyDeletion is refused before any bucket is read', async () => {
  writeDeployedState();
  const kmsConfig = validateConfig(
    {
      platform: 'acme',
      accounts: {
        dev: {
          profile: 'acme-dev',
          accountId: '111122223333',
          allowDestroy: true,
          kmsKeyAdminArns: ['arn:aws:iam::111122223333:role/key-admin'],
        },
        prod: 'acme-prod',
      },
      stateBucket: { kms: true },
    },
    'accounts.json',
  );
  const problem = await refusal({
    config: kmsConfig,
    confirm: 'acme-dev-state',
    identity: () => Promise.resolve('arn:aws:sts::111122223333:assumed-role/AdministratorAccess/laptop'),
  });
  expect(problem).toMatch(/^accounts\.json: accounts\.dev\.kmsKeyAdminArns: the key policy of alias\/acme-dev-state lets only/);
});
