// `npm run sandbox [accounts-file]`: rehearse the whole bootstrap against a throwaway moto server.
// Validate → start moto → synth with AWS_ENDPOINT_URL → deploy state-*, pipeline-*, then access-* →
// read every state bucket back through the S3 API → always stop moto and remove temp files.
import * as path from 'node:path';
import { ConfigError, loadConfig } from '../src/config';
import type { AccountConfig, BootstrapConfig } from '../src/config';
import type { S3Client } from '@aws-sdk/client-s3';
import { formatTable } from '../src/report/table';
import { readBucketReport } from '../src/report/bucket-report';
import { sandboxS3Client } from '../src/sandbox/s3-client';
import { cdktfDeploy, cdktfSynth, synthesizedStacks } from '../src/sandbox/cdktf';
import { PROJECT_ROOT } from '../src/terraform/cdktf-cli';
import { type MotoServer, startMoto } from '../src/sandbox/moto';
import { chooseParallelism, type ParallelismChoice } from '../src/process/parallelism';
import { missingTools } from '../src/sandbox/preconditions';
import { printProblems } from '../src/cli/user-error';
import { killRunningChildren } from '../src/process/run';
import { PROVIDER_MIRROR_ENV } from '../src/terraform/cli-config';
import { findProviderMirror } from '../src/terraform/provider-mirror';
import { createWorkspace, type Workspace } from '../src/sandbox/workspace';
import { parseProfileAccounts, PROFILE_ACCOUNTS_ENV } from '../src/sandbox/accounts';
import { createBucketsToAdopt, readPipelineStateObject } from '../src/sandbox/rehearsal';

const USAGE = `usage: npm run sandbox [-- <accounts-file>]

Deploys the stacks of <accounts-file> (default: $BOOTSTRAP_ACCOUNTS_FILE, else accounts.example.json)
to a temporary local moto server and prints the resulting state buckets. Touches no real AWS account,
no ~/.aws file, no terraform-state/ and no cdktf.out.

Every account gets a moto account of its own: its accountId (or its role's), else a stable made-up ID.

Environment: BOOTSTRAP_PROVIDER_MIRROR (offline provider mirror), BOOTSTRAP_DEPLOY_PARALLELISM
(stacks deployed at once, default from free memory and cores), BOOTSTRAP_SANDBOX_VERBOSE=1 (show all
terraform output), ${PROFILE_ACCOUNTS_ENV}=profile=<account id>,... (the account a profile really
reaches, to rehearse a wrong accountId: the deploy is then refused as on AWS).`;

const started = Date.now();
let moto: MotoServer | undefined;
let workspace: Workspace | undefined;
let interrupted: NodeJS.Signals | undefined;

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes('-h') || args.includes('--help')) {
    console.log(USAGE);
    return;
  }
  if (args.length > 1 || args.some((arg) => arg.startsWith('-')))
    throw new ConfigError([`unexpected arguments: ${args.join(' ')}\n${USAGE}`]);
  const accountsFile = path.resolve(
    args[0] ?? nonEmpty(process.env.BOOTSTRAP_ACCOUNTS_FILE) ?? path.join(PROJECT_ROOT, 'accounts.example.json'),
  );
  const verbose = process.env.BOOTSTRAP_SANDBOX_VERBOSE === '1';
  // Offline machines carry a provider mirror: use it without asking the user to find it.
  const mirror = findProviderMirror(process.env);
  if (mirror !== undefined && nonEmpty(process.env[PROVIDER_MIRROR_ENV]) === undefined) {
    process.env[PROVIDER_MIRROR_ENV] = mirror;
    note(`using the offline provider mirror ${mirror} (set ${PROVIDER_MIRROR_ENV} to choose another)`);
  }

  const config = await step(
    `Validating ${displayPath(accountsFile)}`,
    () => {
      const problems = missingTools(process.env);
      let loaded: BootstrapConfig | undefined;
      let parallelism: ParallelismChoice = { value: 1, reason: '' };
      let profileAccounts: Record<string, string> = {};
      try {
        loaded = loadConfig(accountsFile);
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        problems.push(...error.problems);
      }
      try {
        profileAccounts = parseProfileAccounts(process.env[PROFILE_ACCOUNTS_ENV]);
      } catch (error) {
        problems.push(error instanceof Error ? error.message : String(error));
      }
      try {
        parallelism = chooseParallelism(process.env);
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        problems.push(...error.problems);
      }
      if (problems.length > 0 || loaded === undefined) throw new ConfigError(problems);
      return { ...loaded, parallelism: parallelism.value, parallelismReason: parallelism.reason, profileAccounts };
    },
    (result) => `${result.accounts.length} account(s): ${result.accounts.map((account) => account.name).join(', ')}`,
  );

  moto = await step(
    'Starting moto_server on 127.0.0.1',
    () => startMoto(),
    (server) => server.endpoint,
  );
  const server = moto;
  const ws = await step(
    'Giving every account its own moto account',
    async () => {
      workspace = await createWorkspace({
        config,
        accountsFile,
        endpoint: server.endpoint,
        profileAccounts: config.profileAccounts,
      });
      return workspace;
    },
    (created) => `${new Set(created.accounts.accountIds.values()).size} account(s)`,
  );
  note(`temp folder ${ws.root} (removed at the end)`);
  const s3For = (account: AccountConfig): S3Client =>
    sandboxS3Client(server.endpoint, account.region, ws.credentialsOf(account.name));
  if (config.accounts.some((account) => account.adopt)) {
    await step(
      'Creating the buckets to adopt ("adopt": true), empty, as the existing buckets they stand for',
      () => createBucketsToAdopt(config.accounts, s3For),
      (buckets) => buckets.join(', '),
    );
  }

  await step('Synthesizing the stacks with AWS_ENDPOINT_URL', () => cdktfSynth({ outdir: ws.outdir, env: ws.env }));
  const stacks = synthesizedStacks(ws.outdir);
  const stateStacks = stacks.filter((stack) => stack.startsWith('state-'));
  const pipelineStacks = stacks.filter((stack) => stack.startsWith('pipeline-'));
  const accessStacks = stacks.filter((stack) => stack.startsWith('access-'));
  note(`stacks: ${stacks.join(', ')}`);

  note('each takes about a minute: the AWS provider waits ~55 s for a new bucket lifecycle rule to settle');
  note(`${config.parallelism} stack(s) at a time, ${config.parallelismReason}`);
  await step(`Deploying ${stateStacks.length} state stack(s), ${config.parallelism} at a time`, () =>
    cdktfDeploy({
      outdir: ws.outdir,
      env: ws.env,
      stacks: ['state-*'],
      parallelism: config.parallelism,
      outputsFile: ws.outputsFile,
      ...deployOutput(verbose),
    }),
  );
  if (pipelineStacks.length > 0 && config.pipeline?.stateBackend === 's3') {
    // The pipeline's S3 backend lives in the production bucket: synth again now that it is deployed,
    // as a user does between the two deploys, so the stack is synthesized against a deployed bucket.
    await step('Synthesizing again: the pipeline keeps its state in the production state bucket', () =>
      cdktfSynth({ outdir: ws.outdir, env: ws.env }),
    );
  }
  if (pipelineStacks.length > 0) {
    await step(`Deploying ${pipelineStacks.join(', ')}`, () =>
      cdktfDeploy({
        outdir: ws.outdir,
        env: ws.env,
        stacks: pipelineStacks,
        parallelism: config.parallelism,
        ...deployOutput(verbose),
      }),
    );
  } else {
    note('no pipeline-* stack in this synth: skipped');
  }
  if (accessStacks.length > 0) {
    // After the state stacks: a deploy role's policy finds the created state key by its alias.
    await step(`Deploying ${accessStacks.length} access stack(s), ${config.parallelism} at a time`, () =>
      cdktfDeploy({
        outdir: ws.outdir,
        env: ws.env,
        stacks: ['access-*'],
        parallelism: config.parallelism,
        ...deployOutput(verbose),
      }),
    );
  }

  for (const stack of pipelineStacks) {
    const object = await readPipelineStateObject(config, stack, s3For);
    if (object !== undefined) note(`${stack} keeps its state in ${object.location} (${object.resources} resources)`);
  }
  const rows = await step('Reading the state buckets back through the S3 API', () =>
    Promise.all(
      config.accounts.map(async (account) => {
        const report = await readBucketReport(s3For(account), account.stateBucketName);
        return { account, report };
      }),
    ),
  );
  console.log('');
  console.log(
    formatTable(
      ['ACCOUNT', 'ACCOUNT ID', 'PROFILE', 'BUCKET', 'VERSIONING', 'ENCRYPTION', 'PUBLIC ACCESS BLOCK', 'TLS POLICY'],
      rows.map(({ account, report }) => [
        account.name,
        `${ws.accounts.accountIds.get(account.name) ?? '?'}${ws.accounts.madeUp.has(account.name) ? ' (made up)' : ''}`,
        account.roleArn !== undefined ? `${account.profile} -> role` : account.profile,
        report.bucket,
        report.versioning,
        report.encryption === 'AES256' ? 'SSE-S3 (AES256)' : report.encryption,
        report.publicAccessBlock,
        report.tlsPolicy,
      ]),
    ),
  );
  console.log('');
  const insecure = rows.filter(({ report }) => !report.secure).map(({ account }) => account.name);
  if (insecure.length > 0) throw new Error(`state bucket settings are not all secure for: ${insecure.join(', ')}`);
  console.log(
    `Sandbox rehearsal passed in ${seconds(Date.now() - started)}: every state bucket is versioned, encrypted, private and TLS-only.`,
  );
}

/** Prints a step line, runs it, and prints how long it took (and a detail of its result). */
async function step<T>(title: string, run: () => T | Promise<T>, detail?: (result: T) => string): Promise<T> {
  const begin = Date.now();
  console.log(`==> ${title}`);
  const result = await run();
  console.log(`    done in ${seconds(Date.now() - begin)}${detail !== undefined ? `: ${detail(result)}` : ''}`);
  return result;
}

function note(text: string): void {
  console.log(`    ${text}`);
}

/**
 * Without BOOTSTRAP_SANDBOX_VERBOSE, the deploy's progress view (as `npm run deploy` shows it): a line when a
 * stack starts and finishes, the count done / running / waiting / failed, and Terraform's errors; with it, every
 * event terraform reports. The errors are part of the thrown error when the deploy fails.
 */
function deployOutput(verbose: boolean): Pick<Parameters<typeof cdktfDeploy>[0], 'onLine' | 'onProgress'> {
  if (verbose)
    return {
      onLine: (line) => {
        console.log(`    | ${line}`);
      },
    };
  return {
    onProgress: (line) => {
      console.log(`    ${line}`);
    },
  };
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative !== '' && !relative.startsWith('..') ? relative : file;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

/** Stops moto and removes the temp folder; never throws. */
async function cleanUp(): Promise<void> {
  killRunningChildren();
  try {
    await moto?.stop();
  } catch (error) {
    console.error(`warning: could not stop moto_server: ${String(error)}`);
  }
  try {
    workspace?.remove();
  } catch (error) {
    console.error(`warning: could not remove ${workspace?.root ?? 'the temp folder'}: ${String(error)}`);
  }
  moto = undefined;
  workspace = undefined;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (interrupted !== undefined) {
      // Second Ctrl-C: stop waiting for a graceful terraform shutdown.
      killRunningChildren('SIGKILL');
      return;
    }
    interrupted = signal;
    console.error(`\n${signal}: stopping terraform and moto, removing temp files...`);
    // Ends the running command; main() then fails and cleanUp() runs once, below.
    killRunningChildren();
  });
}

void main()
  .then(
    () => 0,
    (error: unknown) => {
      if (interrupted !== undefined) {
        console.error(`error: interrupted by ${interrupted}`);
        return 130;
      }
      if (error instanceof ConfigError) printProblems(error);
      else console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
      return 1;
    },
  )
  .then(async (code) => {
    const hadResources = moto !== undefined || workspace !== undefined;
    await cleanUp();
    if (code !== 0) {
      const cleaned = hadResources ? '; moto stopped and temp files removed' : '';
      console.error(`sandbox failed after ${seconds(Date.now() - started)}${cleaned}`);
    }
    process.exit(code);
  });
