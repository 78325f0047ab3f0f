// `npm run sandbox -- <file>` as a user runs it, on an accounts file that turns on every documented option:
// adoption, SSE-KMS with a created key, access logs, a lock table, a second region, and the pipeline state
// kept in the production bucket. The sandbox starts and stops its own moto.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PROJECT_ROOT } from '../../src/terraform/cdktf-cli';
import { runProcess, type RunResult } from '../../src/process/run';
import { canDeploy } from './preconditions';

const EVERY_OPTION = {
  platform: 'rehearse',
  accounts: {
    dev: { profile: 'rehearse-dev', adopt: true },
    prod: { profile: 'rehearse-prod', region: 'eu-west-1' },
  },
  stateBucket: { kms: true, accessLogs: true, lockTable: true },
  pipeline: { stateBackend: 's3' },
};

const describeDeploy = canDeploy() ? describe : describe.skip;

describeDeploy('npm run sandbox on an accounts file with every documented option', () => {
  let dir: string;
  let run: RunResult & { output: string };

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'sandbox-e2e-'));
    const file = path.join(dir, 'accounts.json');
    writeFileSync(file, JSON.stringify(EVERY_OPTION, null, 2));
    const lines: string[] = [];
    const result = await runProcess(process.execPath, ['--require', './scripts/ts-runner.js', 'scripts/sandbox.ts', file], {
      cwd: PROJECT_ROOT,
      env: process.env,
      onLine: (line) => lines.push(line),
    });
    run = { ...result, output: lines.join('\n') };
  }, 900_000);

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  test('passes, with every state bucket secure', () => {
    expect({ code: run.code, output: run.output }).toEqual({
      code: 0,
      output: expect.stringContaining('Sandbox rehearsal passed') as unknown,
    });
  });

  test('shows the progress view: a line per finished stack and the count of stacks done', () => {
    expect(run.output).toMatch(/^ {4}state-dev: deployed \(1 imported, \d+ added, \d+ changed, 0 destroyed\) in \S+$/m);
    expect(run.output).toMatch(/^ {4}Progress: 2 done, 0 running, 0 waiting, 0 failed of 2; /m);
    expect(run.output).toMatch(/^ {4}pipeline-prod: deployed \(\d+ added, /m);
  });

  test('puts every account in a moto account of its own, shown in the table', () => {
    const ids = run.output
      .split('\n')
      .filter((text) => /^(dev|prod)\s/.test(text))
      .map((row) => /^\w+\s+(\d{12}) \(made up\)\s/.exec(row)?.[1]);
    expect(ids).toHaveLength(2);
    expect(ids[0]).toMatch(/^\d{12}$/);
    expect(ids[1]).toMatch(/^\d{12}$/);
    expect(ids[0]).not.toBe(ids[1]);
  });

  test('shows no AWS SDK notice among its progress lines', () => {
    expect(run.output).not.toMatch(/NodeVersionSupportWarning/);
  });

  test('creates the bucket to adopt first, and the deploy adopts it', () => {
    expect(run.output).toContain('Creating the buckets to adopt');
    expect(run.output).toMatch(/done in [\d.]+ s: rehearse-dev-state/);
  });

  test('deploys pipeline-prod with its state in the production bucket, without a "not deployed" warning', () => {
    const line =
      /pipeline-prod keeps its state in s3:\/\/rehearse-prod-state\/bootstrap\/pipeline-prod\.tfstate \((\d+) resources\)/.exec(
        run.output,
      );
    expect(Number(line?.[1])).toBeGreaterThan(10);
    expect(run.output).not.toMatch(/is not deployed from this checkout/);
  });

  test('reports SSE-KMS and the TLS-only policy for both accounts, in their own regions', () => {
    const rows = run.output.split('\n').filter((text) => /^(dev|prod)\s/.test(text));
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row).toContain('aws:kms');
      expect(row).toContain('deny non-TLS');
    }
  });
});
