// `npm run deploy` against moto, offline (BOOTSTRAP_PROVIDER_MIRROR): synth, then terraform init and apply per
// stack from the mirror (no provider lock step asks registry.terraform.io); a stack whose profile is missing
// from the AWS files fails with Terraform's error, followed by a line naming the account and profile
// and the doctor command that checks them. The terminal gets the progress view (one line per finished
// stack, the count of stacks done / running / waiting / failed) and, at the end, which stacks are done
// and which not with the command that finishes them.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { cliForNode } from '../../src/cli/node-cli';
import { PROJECT_ROOT } from '../../src/terraform/cdktf-cli';
import { runProcess } from '../../src/process/run';
import { bucketExists, type Day2Sandbox, startDay2Sandbox, started } from './day2-support';

/** The plain command the deploy shows: `npx cdktf`, or `npx cdktn` on Node >= 22.19 (src/cli/node-cli.ts). */
const NPX = cliForNode().npx;

let sandbox: Day2Sandbox | undefined;

const sb = (): Day2Sandbox => started(sandbox);

beforeAll(async () => {
  sandbox = await startDay2Sandbox({
    platform: 'dply',
    pipeline: false,
    accounts: { prod: 'dply-prod', dev: 'dply-dev', qa: 'dply-qa' },
  });
  // The dev profile is missing from both AWS files, as on a machine where it was never configured.
  const { AWS_SHARED_CREDENTIALS_FILE: credentials, AWS_CONFIG_FILE: config } = sandbox.workspace.env;
  for (const file of [credentials, config]) {
    if (file === undefined) throw new Error('the sandbox has no AWS files');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/\[(profile )?dply-dev\][^[]*/, ''));
  }
}, 120_000);

afterAll(async () => {
  await sandbox?.stop();
});

test('npm run deploy deploys offline, shows each stack finish, and names what failed, its profile and the rerun', async () => {
  const ws = sb().workspace;
  const result = await runProcess(
    process.execPath,
    // --output: synthesize into the workspace, not the project's cdktf.out.
    ['--require', './scripts/ts-runner.js', 'scripts/deploy.ts', 'state-*', '--parallelism', '3', '--output', ws.outdir],
    { cwd: PROJECT_ROOT, env: ws.env, keepLines: 10_000 },
  );
  const output = result.tail.join('\n');
  const lines = result.tail.filter((line) => line.trim() !== '');

  expect(lines[0]).toBe(
    `$ TF_CLI_CONFIG_FILE=${/TF_CLI_CONFIG_FILE=(\S+)/.exec(lines[0] ?? '')?.[1] ?? '?'} CDKTF_OUTDIR=${ws.outdir} ` +
      `node --require ./scripts/ts-runner.js main.ts  (the app, as "${NPX} synth" runs it)`,
  );
  expect(lines[1]).toBe(
    `$ terraform init -input=false -json && terraform apply -auto-approve -input=false -json  (in ${ws.outdir}/stacks/<stack>, for each stack)`,
  );
  expect(lines[2]).toMatch(
    new RegExp(
      `^  by hand, the same deploy \\(it asks before each stack\\): TF_CLI_CONFIG_FILE=\\S+ ${NPX} deploy 'state-\\*' --output \\S+ --parallelism 3 --skip-provider-lock$`,
    ),
  );
  expect(output).not.toContain('Could not retrieve providers for locking');
  expect(output).toContain('failed to get shared config profile, dply-dev');
  expect(lines.at(-1)).toBe(
    'state-dev: Terraform found no usable AWS credentials in profile dply-dev (accounts.dev); check it with "npm run doctor -- --live"',
  );
  expect(output).not.toMatch(/state-prod: Terraform found no usable AWS credentials/);
  // The progress view, not cdktf's plan of every resource (that is in the log file).
  expect(lines).toContainEqual(
    expect.stringMatching(
      /^ {2}3 stack\(s\) at a time \(from --parallelism\); another starts only while fewer than \d+ use CPU$/,
    ),
  );
  expect(output).not.toContain('will be created');
  expect(output).toMatch(/^state-prod: deployed \(8 added, 0 changed, 0 destroyed\) in \S+$/m);
  expect(output).toMatch(/^state-qa: deployed \(8 added, 0 changed, 0 destroyed\) in \S+$/m);
  expect(output).toMatch(/^state-dev: FAILED: failed to get shared config profile, dply-dev in \S+$/m);
  // Terraform's error once, with its stack; a line when each stack starts.
  expect(lines.filter((line) => line === 'state-dev  Error: failed to get shared config profile, dply-dev')).toHaveLength(1);
  expect(lines).toContain('state-qa: deploying');
  expect(output).toMatch(/^Progress: 2 done, 0 running, 0 waiting, 1 failed of 3; \S+ elapsed$/m);
  expect(output).toMatch(/^Deployed \(2\): state-(prod, state-qa|qa, state-prod)$/m);
  expect(lines).toContain('Failed (1): state-dev');
  // A first deploy that failed before terraform created anything leaves no resume marker (issue 24 item 5).
  expect(existsSync(path.join(ws.stateDir, 'state-dev.tfstate.creating'))).toBe(false);
  expect(existsSync(path.join(ws.stateDir, 'state-prod.tfstate.creating'))).toBe(false);
  expect(lines).toContain(
    `Fix the failures, then run the same command to deploy the rest (deployed stacks show no changes): npm run deploy -- 'state-*' --parallelism 3 --output ${ws.outdir}`,
  );
  expect(output).not.toMatch(/NodeVersionSupportWarning/);
  expect(result.code).toBe(1);
  // The stack with credentials was deployed all the same, from the offline mirror.
  expect(await bucketExists(sb().s3('prod'), 'dply-prod-state')).toBe(true);
  expect(await bucketExists(sb().s3('qa'), 'dply-qa-state')).toBe(true);
  expect(await bucketExists(sb().s3('dev'), 'dply-dev-state')).toBe(false);
}, 600_000);
