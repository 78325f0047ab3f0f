// A plain `cdktf destroy` of a state stack that keeps prevent_destroy is refused at synth, with the reason
// and the way to destroy it: Terraform's own refusal can be lost in cdktf's output (docs/destroy.md).
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  cdktfArguments,
  destroyStackPatterns,
  matchesStackPattern,
  type ProcessInfo,
  readProcess,
} from '../../src/cli/cdktf-command';
import { type AccountConfig, type BootstrapConfig, ConfigError, validateConfig } from '../../src/config';
import { refuseProtectedDestroy } from '../../src/destroy/plain-destroy';
import { stripAnsi } from '../../src/process/run';
import { runApp, runCdktf } from '../support/run-app';

const UNDER_CLI = { CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS: 'true' };

/** A process table: pid → command line and parent. */
function processes(table: Record<number, ProcessInfo>): (pid: number) => ProcessInfo | undefined {
  return (pid) => table[pid];
}

describe('the cdktf command line the app runs under', () => {
  test('is read from the nearest ancestor that runs the cdktf script, past the shell that runs the app', () => {
    const read = processes({
      20: { argv: ['/bin/sh', '-c', 'node --require ./scripts/ts-runner.js main.ts'], ppid: 10 },
      10: { argv: ['node', '/repo/node_modules/.bin/cdktf', 'destroy', 'state-dev', '--auto-approve'], ppid: 5 },
      5: { argv: ['npm exec cdktf destroy state-dev --auto-approve'], ppid: 1 },
    });
    expect(cdktfArguments(UNDER_CLI, 20, read)).toEqual(['destroy', 'state-dev', '--auto-approve']);
  });

  test("is read from CDK Terrain's cdktn script too, as the project's commands and npx cdktn run it", () => {
    const read = processes({
      20: { argv: ['/bin/sh', '-c', 'node --require ./scripts/ts-runner.js main.ts'], ppid: 10 },
      10: { argv: ['node', '/repo/node_modules/cdktn-cli/bundle/bin/cdktn.js', 'destroy', 'state-dev'], ppid: 5 },
      30: { argv: ['/bin/sh', '-c', 'node --require ./scripts/ts-runner.js main.ts'], ppid: 40 },
      40: { argv: ['node', '/repo/node_modules/.bin/cdktn', 'destroy', 'state-prod'], ppid: 1 },
    });
    expect(cdktfArguments(UNDER_CLI, 20, read)).toEqual(['destroy', 'state-dev']);
    expect(cdktfArguments(UNDER_CLI, 30, read)).toEqual(['destroy', 'state-prod']);
  });

  test('is not looked for when the app does not run under the cdktf CLI', () => {
    const read = jest.fn(processes({ 10: { argv: ['node', 'cdktf', 'destroy'], ppid: 1 } }));
    expect(cdktfArguments({}, 10, read)).toBeUndefined();
    expect(read).not.toHaveBeenCalled();
  });

  test('is unknown when no near ancestor runs cdktf, or a process cannot be read (no /proc)', () => {
    const chain = processes({
      4: { argv: ['sh'], ppid: 3 },
      3: { argv: ['sh'], ppid: 2 },
      2: { argv: ['sh'], ppid: 100 },
      100: { argv: ['sh'], ppid: 99 },
      99: { argv: ['node', 'cdktf', 'destroy'], ppid: 1 },
    });
    expect(cdktfArguments(UNDER_CLI, 4, chain)).toBeUndefined();
    expect(cdktfArguments(UNDER_CLI, 4, () => undefined)).toBeUndefined();
  });

  test('reads this process from /proc: its own command line and parent', () => {
    const own = readProcess(process.pid);
    expect(own?.ppid).toBe(process.ppid);
    expect(own?.argv.map((arg) => path.basename(arg))).toContain(path.basename(process.argv[1] ?? 'none'));
    expect(readProcess(2 ** 30)).toBeUndefined();
  });

  test('gives the stack patterns of destroy only, past the options that take a value', () => {
    expect(destroyStackPatterns(['destroy', 'state-dev', '--output', 'out', '--auto-approve', 'state-p*'])).toEqual([
      'state-dev',
      'state-p*',
    ]);
    expect(destroyStackPatterns(['--log-level', 'debug', 'destroy', '-a', 'node main.ts', '--var=x=1', '--no-color'])).toEqual(
      [],
    );
    expect(destroyStackPatterns(['deploy', 'state-dev'])).toBeUndefined();
    expect(destroyStackPatterns(['synth', '--output', 'destroy'])).toBeUndefined();
  });

  test('matches stack names exactly or with * and ?, and other characters literally', () => {
    expect(matchesStackPattern('state-dev', 'state-dev')).toBe(true);
    expect(matchesStackPattern('state-dev', 'state-*')).toBe(true);
    expect(matchesStackPattern('state-dev', 'state-de?')).toBe(true);
    expect(matchesStackPattern('pipeline-prod', 'state-*')).toBe(false);
    expect(matchesStackPattern('state-dev', 'state-d.v')).toBe(false);
    expect(matchesStackPattern('state-dev2', 'state-dev')).toBe(false);
  });
});

describe('refusing a plain cdktf destroy', () => {
  const config = validateConfig(
    {
      platform: 'acme',
      accounts: {
        dev: { profile: 'acme-dev', allowDestroy: true },
        prod: 'acme-prod',
      },
    },
    '/repo/accounts.json',
  );
  const [dev, prod] = config.accounts;

  function refusal(patterns: readonly string[], confirmed?: AccountConfig, of: BootstrapConfig = config): readonly string[] {
    try {
      refuseProtectedDestroy(of, confirmed, patterns);
      return [];
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      return error.problems;
    }
  }

  test('names the reason and "npm run destroy", with what it needs first when allowDestroy is missing', () => {
    expect(refusal(['state-*'])).toEqual([
      '"cdktf destroy" cannot destroy state-dev: its state bucket acme-dev-state has lifecycle.prevent_destroy, so Terraform would stop at plan ("Instance cannot be destroyed"); nothing was changed; to destroy it, run "npm run destroy -- dev" (it asks for the bucket name)',
      '"cdktf destroy" cannot destroy state-prod: its state bucket acme-prod-state has lifecycle.prevent_destroy, so Terraform would stop at plan ("Instance cannot be destroyed"); nothing was changed; "npm run destroy -- prod" destroys it once this is fixed: /repo/accounts.json: accounts.prod.allowDestroy: is not true, so the state bucket acme-prod-state may not be destroyed; set "allowDestroy": true on accounts.prod to allow destroying acme-prod-state',
    ]);
  });

  test('lets through the bucket BOOTSTRAP_CONFIRM_DESTROY confirmed, and stacks without prevent_destroy', () => {
    expect(refusal(['state-dev'], dev)).toEqual([]);
    expect(refusal(['state-prod'], dev)).toHaveLength(1);
    expect(refusal(['pipeline-prod'])).toEqual([]);
    // No pattern: cdktf itself refuses an app with more than one stack.
    expect(refusal([])).toEqual([]);
    expect(prod?.lockTableName).toBeUndefined();
  });

  test('an access stack counts among the stacks: a lone state stack is then no longer the only one', () => {
    const withAccess = validateConfig(
      {
        platform: 'acme',
        productionAccount: 'dev',
        pipeline: false,
        accounts: { dev: { profile: 'acme-dev' } },
        pipelineAccess: {
          policyArns: ['arn:aws:iam::aws:policy/PowerUserAccess'],
          trust: { github: [{ repository: 'acme/infra', branch: 'main' }] },
        },
      },
      '/repo/accounts.json',
    );
    // No pattern with two stacks: cdktf refuses, nothing to say here; access stacks have no prevent_destroy.
    expect(refusal([], undefined, withAccess)).toEqual([]);
    expect(refusal(['access-dev'], undefined, withAccess)).toEqual([]);
    expect(refusal(['*'], undefined, withAccess)).toHaveLength(1);
  });

  test('refuses a confirmed bucket whose stack also holds a lock table, which always keeps prevent_destroy, also as the only stack', () => {
    const withTable = validateConfig(
      {
        platform: 'acme',
        productionAccount: 'dev',
        pipeline: false,
        accounts: { dev: { profile: 'acme-dev', allowDestroy: true } },
        stateBucket: { lockTable: true },
      },
      '/repo/accounts.json',
    );
    const [only] = withTable.accounts;
    // Its only stack: cdktf destroys it without a pattern.
    expect(refusal([], only, withTable)).toEqual([
      expect.stringMatching(
        /^"cdktf destroy" cannot destroy state-dev: its lock table acme-dev-state-lock has lifecycle.prevent_destroy, .* "npm run destroy -- dev" destroys it once this is fixed: \/repo\/accounts.json: stateBucket.lockTable: /,
      ),
    ]);
  });
});

describe('the real cdktf CLI', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'plain-destroy-test-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const accounts = { platform: 'acme', accounts: { dev: 'acme-dev', prod: { profile: 'acme-prod', allowDestroy: true } } };

  test('cdktf destroy with output to pipes prints the reason and the fix, and exits 1 before Terraform runs', () => {
    const run = runCdktf(['destroy', 'state-prod', '--auto-approve'], accounts, dir);
    const output = stripAnsi(`${run.stdout}\n${run.stderr}`);
    expect(output).toContain(
      'error: "cdktf destroy" cannot destroy state-prod: its state bucket acme-prod-state has lifecycle.prevent_destroy, so Terraform would stop at plan ("Instance cannot be destroyed"); nothing was changed; to destroy it, run "npm run destroy -- prod"',
    );
    expect(output).not.toContain('Invoking Terraform CLI');
    expect(run.status).toBe(1);
  }, 120_000);

  test('the app run directly is not refused: only a cdktf destroy is (cdktf synth: __tests__/synth/cli-messages.test.ts)', () => {
    expect(runApp(accounts, dir).status).toBe(0);
  }, 60_000);
});
