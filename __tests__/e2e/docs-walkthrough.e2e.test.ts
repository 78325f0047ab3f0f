// Docs that are run, not only linked (issue 24): the shell blocks of four pages run in order, as written, in a
// copy of the project against one moto, offline (the registry unreachable, the provider from the mirror the
// project finds), with AWS files of its own (never ~/.aws). Sample outputs marked in the pages are matched
// against what the commands printed. The conventions are in docs/e2e-tests.md ("Docs that are run").
//
// Between pages the test does what a page assumes happened, and nothing else:
// - before recover-lost-state.md: the state files of the state stacks are lost (pipeline-prod's stays: moto
//   copies a launch template's tags into its version, so its recovery needs --allow-updates there, not on AWS);
// - before destroy.md: the dev bucket holds 2 object versions and 1 delete marker, as its transcript says,
//   and accounts.json gives dev "allowDestroy" (the page's first JSON block).
import { spawn } from 'node:child_process';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DeleteObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { loadConfig } from '../../src/config';
import { sandboxS3Client } from '../../src/sandbox/s3-client';
import { startMoto, type MotoServer } from '../../src/sandbox/moto';
import { createWorkspace, type Workspace } from '../../src/sandbox/workspace';
import { PROJECT_ROOT } from '../../src/terraform/cdktf-cli';
import { commandKey, docSteps, mergeJson, unmatchedSampleLines } from '../support/doc-walk';
import { bucketExists } from './day2-support';
import { canDeploy } from './preconditions';

/** What the project's commands need to run from a copy of it; node_modules is linked, not copied. */
const PROJECT_FILES = ['main.ts', 'cdktf.json', 'package.json', 'tsconfig.json', 'accounts.example.json', 'accounts.schema.json'];
const PROJECT_DIRS = ['src', 'stacks', 'scripts'];

interface Walk {
  readonly moto: MotoServer;
  readonly workspace: Workspace;
  /** Temp folder holding the project copy; removed in afterAll. */
  readonly root: string;
  /** The project copy the commands run in. */
  readonly project: string;
  readonly env: NodeJS.ProcessEnv;
  /** Output of every command run so far, by its text (`commandKey`), for the samples. */
  readonly outputs: Map<string, string>;
}

let walk: Walk | undefined;
const w = (): Walk => {
  if (walk === undefined) throw new Error('the walkthrough did not start; see the beforeAll error');
  return walk;
};

/**
 * A copy of the project in `root`: its sources, and a node_modules of links to the project's packages, with
 * `.bin/cdktf` pointing at the copy's own guard as npm's postinstall does.
 */
function copyProject(root: string): string {
  const project = path.join(root, 'bootstrap-aws');
  mkdirSync(project);
  for (const file of PROJECT_FILES) cpSync(path.join(PROJECT_ROOT, file), path.join(project, file));
  for (const dir of PROJECT_DIRS) cpSync(path.join(PROJECT_ROOT, dir), path.join(project, dir), { recursive: true });
  const modules = realpathSync(path.join(PROJECT_ROOT, 'node_modules'));
  mkdirSync(path.join(project, 'node_modules', '.bin'), { recursive: true });
  for (const entry of readdirSync(modules)) {
    if (entry !== '.bin') symlinkSync(path.join(modules, entry), path.join(project, 'node_modules', entry));
  }
  for (const bin of readdirSync(path.join(modules, '.bin'))) {
    const target =
      bin === 'cdktf' ? path.join(project, 'scripts', 'cdktf-guard.js') : realpathSync(path.join(modules, '.bin', bin));
    symlinkSync(target, path.join(project, 'node_modules', '.bin', bin));
  }
  return project;
}

/** Runs one documented command with bash in the project copy; resolves with its exit code and output (stdout and stderr). */
function runCommand(command: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-o', 'pipefail', '-c', command], {
      cwd: w().project,
      env: w().env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const collect = (chunk: Buffer): void => {
      output += chunk.toString();
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', reject);
    child.on('close', (code) => {
      resolve({ code, output });
    });
  });
}

async function runDocumented(page: string, line: number, command: string): Promise<string> {
  const started = Date.now();
  const { code, output } = await runCommand(command);
  process.stdout.write(`docs/${page}:${line}: ${command} (${((Date.now() - started) / 1000).toFixed(0)} s, exit ${code})\n`);
  w().outputs.set(commandKey(command), output);
  const dump = process.env.DOCS_WALKTHROUGH_OUTPUT_DIR;
  if (dump !== undefined && dump !== '') {
    mkdirSync(dump, { recursive: true });
    const name = `${String(w().outputs.size).padStart(2, '0')}-${command.replace(/[^\w-]+/g, '_').slice(0, 60)}.txt`;
    writeFileSync(path.join(dump, name), `$ ${command}\n${output}`);
  }
  if (code !== 0) {
    throw new Error(
      `docs/${page}:${line}: "${command}" exited with ${code}; its output ends with:\n${output.split('\n').slice(-40).join('\n')}`,
    );
  }
  return output;
}

function checkSample(page: string, line: number, command: string, sample: readonly string[], output: string): void {
  const missing = unmatchedSampleLines(sample, output, w().project);
  if (missing.length > 0) {
    throw new Error(
      `docs/${page}:${line}: the sample output of "${command}" does not match what it printed: no line matches\n  ${missing[0]}\n(after the lines before it); the command printed:\n${output}`,
    );
  }
}

/** Runs every step of a page in order: shell blocks, transcripts, samples and accounts.json merges. */
async function walkPage(page: string): Promise<void> {
  const steps = docSteps(readFileSync(path.join(PROJECT_ROOT, 'docs', page), 'utf8'), `docs/${page}`);
  for (const step of steps) {
    switch (step.kind) {
      case 'skip':
        break;
      case 'run':
        for (const { command, line } of step.commands) await runDocumented(page, line, command);
        break;
      case 'transcript':
        for (const { command, line, sample } of step.runs) {
          checkSample(page, line, command, sample, await runDocumented(page, line, command));
        }
        break;
      case 'sample': {
        const output = w().outputs.get(commandKey(step.command));
        if (output === undefined)
          throw new Error(`docs/${page}:${step.line}: "${step.command}" was not run before its sample output`);
        checkSample(page, step.line, step.command, step.sample, output);
        break;
      }
      case 'merge': {
        const file = path.join(w().project, 'accounts.json');
        const merged = mergeJson(JSON.parse(readFileSync(file, 'utf8')) as unknown, step.json);
        writeFileSync(file, `${JSON.stringify(merged, null, 2)}\n`);
        break;
      }
    }
  }
}

const deployable = canDeploy();

(deployable ? describe : describe.skip)('the docs, run as written', () => {
  beforeAll(async () => {
    const moto = await startMoto();
    let workspace: Workspace | undefined;
    const root = mkdtempSync(path.join(os.tmpdir(), 'docs-walkthrough-'));
    try {
      const project = copyProject(root);
      workspace = await createWorkspace({
        config: loadConfig(path.join(project, 'accounts.example.json')),
        accountsFile: path.join(project, 'accounts.example.json'),
        endpoint: moto.endpoint,
      });
      const home = path.join(workspace.root, 'home');
      mkdirSync(home);
      // The pages' defaults (./accounts.json, ./terraform-state) and each command's own terraform setup
      // (the mirror it finds, its CLI config): none of the sandbox's.
      const dropped = new Set(['BOOTSTRAP_ACCOUNTS_FILE', 'BOOTSTRAP_STATE_DIR', 'TF_CLI_CONFIG_FILE', 'CHECKPOINT_DISABLE']);
      const sandboxEnv = Object.fromEntries(Object.entries(workspace.env).filter(([name]) => !dropped.has(name)));
      const env: NodeJS.ProcessEnv = {
        ...sandboxEnv,
        HOME: home,
        // Offline: the registry cannot be reached (moto is on loopback, which bypasses the proxy).
        HTTPS_PROXY: 'http://127.0.0.1:9',
        https_proxy: 'http://127.0.0.1:9',
        NO_PROXY: '127.0.0.1,localhost',
        no_proxy: '127.0.0.1,localhost',
        npm_config_update_notifier: 'false',
        npm_config_fund: 'false',
      };
      walk = { moto, workspace, root, project, env, outputs: new Map() };
    } catch (error) {
      rmSync(root, { recursive: true, force: true });
      workspace?.remove();
      await moto.stop();
      throw error;
    }
  });

  afterAll(async () => {
    if (walk !== undefined) {
      rmSync(walk.root, { recursive: true, force: true });
      walk.workspace.remove();
      await walk.moto.stop();
    }
  });

  const s3 = (account: string) => sandboxS3Client(w().moto.endpoint, 'us-east-1', w().workspace.credentialsOf(account));

  test('first-bootstrap.md: the example accounts are checked, synthesized, diffed, deployed and their outputs read', async () => {
    await walkPage('first-bootstrap.md');
    expect(await bucketExists(s3('dev'), 'acme-dev-state')).toBe(true);
    expect(await bucketExists(s3('prod'), 'acme-prod-state')).toBe(true);
    expect(w().outputs.get('npm run cli -- output state-dev')).toContain('acme-dev-state');
  });

  test('recover-lost-state.md: the lost state files of the state stacks are recovered from AWS', async () => {
    for (const stack of ['state-dev', 'state-prod']) rmSync(path.join(w().project, 'terraform-state', `${stack}.tfstate`));
    await walkPage('recover-lost-state.md');
    const state = JSON.parse(readFileSync(path.join(w().project, 'terraform-state', 'state-dev.tfstate'), 'utf8')) as {
      resources: unknown[];
    };
    expect(state.resources.length).toBeGreaterThan(0);
  });

  test('move-pipeline-state.md: the pipeline state moves into the production bucket with the documented command', async () => {
    await walkPage('move-pipeline-state.md');
    const head = await s3('prod').send(
      new HeadObjectCommand({ Bucket: 'acme-prod-state', Key: 'bootstrap/pipeline-prod.tfstate' }),
    );
    expect(head.ContentLength).toBeGreaterThan(0);
  });

  test('destroy.md: the dev bucket, holding object versions, is emptied and destroyed as the transcript shows', async () => {
    const dev = s3('dev');
    for (const body of ['first', 'second']) {
      await dev.send(new PutObjectCommand({ Bucket: 'acme-dev-state', Key: 'app/terraform.tfstate', Body: body }));
    }
    await dev.send(new DeleteObjectCommand({ Bucket: 'acme-dev-state', Key: 'app/terraform.tfstate' }));
    await walkPage('destroy.md');
    expect(await bucketExists(dev, 'acme-dev-state')).toBe(false);
    expect(await bucketExists(s3('prod'), 'acme-prod-state')).toBe(true);
  });
});
