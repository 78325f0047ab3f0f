// `npm run export-hcl -- <dir>`, the way out of cdktf: every exported stack passes `terraform validate`
// (for the example and for an accounts file with every option), and stacks deployed with cdktf to moto
// plan no changes from their exported folders, on the state cdktf left: the state stack's local file
// and the pipeline stack's S3 backend in the production bucket. To keep it light, one moto and two
// deploys (state-prod, which adopts its bucket and has SSE-KMS, access logs and a lock table, then
// pipeline-prod, whose state lives in that bucket); state-dev is exported and validated only.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { CLI_CONFIG_FILE, EXPORTED_FILE } from '../../src/export';
import { PROJECT_ROOT } from '../../src/terraform/cdktf-cli';
import { runProcess, type RunResult } from '../../src/process/run';
import { terraformPlan } from '../../src/sandbox/terraform';
import { type Day2Sandbox, startDay2Sandbox, started } from './day2-support';
import { isMotoLaunchTemplateTagArtifact, planChanges } from './plan-support';
import { canDeploy } from './preconditions';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const EVERY_OPTION = {
  platform: 'exit',
  accounts: {
    dev: { profile: 'exit-dev', region: 'eu-west-1' },
    prod: { profile: 'exit-prod', adopt: true },
  },
  stateBucket: { kms: true, accessLogs: true, lockTable: true },
  pipeline: { stateBackend: 's3' },
};
const STACKS = ['pipeline-prod', 'state-dev', 'state-prod'];

type Run = RunResult & { output: string };

async function run(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Run> {
  const result = await runProcess(command, args, { cwd, env });
  return { ...result, output: result.tail.join('\n') };
}

/** `npm run export-hcl -- <dir>` as a user runs it, in `env`. */
function exportHcl(dir: string, env: NodeJS.ProcessEnv): Promise<Run> {
  return run(process.execPath, ['--require', './scripts/ts-runner.js', 'scripts/export-hcl.ts', dir], PROJECT_ROOT, env);
}

/** The exported folders' terraform environment: the CLI config the export wrote for the offline mirror, if it wrote one. */
function exportedEnv(dir: string, env: NodeJS.ProcessEnv, output: string): NodeJS.ProcessEnv {
  return output.includes(`TF_CLI_CONFIG_FILE=${path.join(dir, CLI_CONFIG_FILE)}`)
    ? { ...env, TF_CLI_CONFIG_FILE: path.join(dir, CLI_CONFIG_FILE) }
    : env;
}

/** `terraform validate -json` of a stack folder, initialised without its backend first unless initialised already. */
async function validate(stackDir: string, env: NodeJS.ProcessEnv): Promise<{ valid: boolean; diagnostics: string[] }> {
  if (!existsSync(path.join(stackDir, '.terraform'))) {
    const init = await run('terraform', ['init', '-backend=false', '-input=false', '-no-color'], stackDir, env);
    if (init.code !== 0) throw new Error(`terraform init in ${stackDir} failed:\n${init.output}`);
  }
  // Exit code 1 when invalid: the report on stdout says why either way.
  const stdout = await new Promise<string>((resolve) => {
    execFile('terraform', ['validate', '-json', '-no-color'], { cwd: stackDir, env }, (_error, out) => {
      resolve(out);
    });
  });
  const report = JSON.parse(stdout) as { valid: boolean; diagnostics: { severity: string; summary: string }[] };
  return { valid: report.valid, diagnostics: report.diagnostics.map((d) => `${d.severity}: ${d.summary}`) };
}

const describeDeploy = canDeploy() ? describe : describe.skip;

describeDeploy('npm run export-hcl on accounts.example.json', () => {
  let root: string;
  let exported: string;
  let result: Run;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    root = mkdtempSync(path.join(os.tmpdir(), 'export-example-'));
    exported = path.join(root, 'exported');
    // Nothing is deployed: no AWS is reached, and no endpoint is set, so the providers target AWS itself.
    env = {
      ...process.env,
      BOOTSTRAP_ACCOUNTS_FILE: path.join(PROJECT_ROOT, 'accounts.example.json'),
      BOOTSTRAP_STATE_DIR: path.join(root, 'terraform-state'),
      CDKTF_OUTDIR: path.join(root, 'cdktf.out'),
      CHECKPOINT_DISABLE: '1',
    };
    delete env.AWS_ENDPOINT_URL;
    result = await exportHcl(exported, env);
  }, 300_000);

  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
  });

  test('it writes every stack of the example, each on its local state file', () => {
    expect({ code: result.code, output: result.output }).toEqual({
      code: 0,
      output: expect.stringContaining(`Exported 3 stack(s) to ${exported}`) as unknown,
    });
    for (const stack of STACKS) {
      expect(result.output).toMatch(
        new RegExp(`^  ${stack}\\s+local state \\.\\./\\.\\./terraform-state/${stack}\\.tfstate$`, 'm'),
      );
      expect(readFileSync(path.join(exported, stack, EXPORTED_FILE), 'utf8')).toContain(
        `  backend "local" {\n    path = "../../terraform-state/${stack}.tfstate"\n  }`,
      );
    }
  });

  test('it gives HCL that terraform validate accepts without an error or a warning, for every stack', async () => {
    const terraformEnv = exportedEnv(exported, env, result.output);
    for (const stack of STACKS) {
      expect({ stack, ...(await validate(path.join(exported, stack), terraformEnv)) }).toEqual({
        stack,
        valid: true,
        diagnostics: [],
      });
    }
  }, 300_000);
});

describeDeploy('npm run export-hcl on every option, deployed to moto', () => {
  let sandbox: Day2Sandbox | undefined;
  let exported: string;
  let result: Run;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    sandbox = await startDay2Sandbox(EVERY_OPTION);
    // The bucket state-prod adopts (`"adopt": true`), made by hand before any deploy.
    await sandbox.s3('prod').send(new CreateBucketCommand({ Bucket: 'exit-prod-state' }));
    await sandbox.synth();
    // The pipeline's S3 backend needs the production bucket first.
    await sandbox.deploy(['state-prod']);
    await sandbox.deploy(['pipeline-prod']);
    exported = path.join(sandbox.workspace.root, 'exported');
    // The export synthesizes into the folder the deploys used: the pipeline stack's backend depends on it.
    const exportEnv = { ...sandbox.workspace.env, CDKTF_OUTDIR: sandbox.workspace.outdir };
    result = await exportHcl(exported, exportEnv);
    env = exportedEnv(exported, sandbox.workspace.env, result.output);
  }, 900_000);

  afterAll(async () => {
    await sandbox?.stop();
  });

  test('it keeps the pipeline stack on its S3 backend in the production bucket, and the state stacks on their files', () => {
    expect(result.code).toBe(0);
    expect(result.output).toMatch(/^ {2}pipeline-prod\s+s3:\/\/exit-prod-state\/bootstrap\/pipeline-prod\.tfstate$/m);
    const stateDir = path.relative(path.join(exported, 'state-prod'), started(sandbox).workspace.stateDir);
    expect(result.output).toMatch(
      new RegExp(`^  state-prod\\s+local state ${stateDir.replace(/\./g, '\\.')}/state-prod\\.tfstate$`, 'm'),
    );
    expect(readFileSync(path.join(exported, 'pipeline-prod', EXPORTED_FILE), 'utf8')).toMatch(
      /backend "s3" \{\n\s+bucket\s+= "exit-prod-state"\n/,
    );
  });

  // Before the validate test: terraform init with the backend, as an operator runs it.
  test("terraform plan in the exported folders of the deployed stacks finds no changes on the state cdktf left, but moto's launch-template artifact", async () => {
    for (const stack of ['state-prod', 'pipeline-prod']) {
      const dir = path.join(exported, stack);
      const init = await run('terraform', ['init', '-input=false', '-no-color'], dir, env);
      expect({ stack, code: init.code }).toEqual({ stack, code: 0 });
    }
    await expect(terraformPlan(path.join(exported, 'state-prod'), env)).resolves.toBe('no-changes');
    // The launch template differs in moto only, and from cdktf's own folder the same (see plan-support).
    const changes = await planChanges(path.join(exported, 'pipeline-prod'), env);
    expect(changes.filter((change) => !isMotoLaunchTemplateTagArtifact(change))).toEqual([]);
  }, 300_000);

  test('it gives HCL that terraform validate accepts without an error or a warning, for every stack', async () => {
    for (const stack of STACKS) {
      expect({ stack, ...(await validate(path.join(exported, stack), env)) }).toEqual({ stack, valid: true, diagnostics: [] });
    }
  }, 300_000);

  test('the existing-bucket check of a stack never deployed runs from its exported folder', async () => {
    const hcl = readFileSync(path.join(exported, 'state-dev', EXPORTED_FILE), 'utf8');
    const quoted = /^\s+command\s+= ("(?:[^"\\]|\\.)*")$/m.exec(hcl)?.[1];
    expect(quoted).toContain('check-existing-state-bucket.ts');
    const check = await run('sh', ['-c', JSON.parse(quoted ?? '""') as string], path.join(exported, 'state-dev'), {
      ...started(sandbox).workspace.env,
      AWS_PROFILE: 'exit-dev',
      AWS_REGION: 'eu-west-1',
    });
    expect({ code: check.code, output: check.output }).toEqual({
      code: 0,
      output: expect.stringContaining('exit-dev-state') as unknown,
    });
  }, 120_000);
});
