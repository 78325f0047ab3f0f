/**
 * `npm run export-hcl -- <dir>`: the way out of cdktf. Synthesizes the stacks as `cdktf synth` does,
 * then writes each as plain Terraform HCL to `<dir>/<stack>/main.tf`, with the backend that holds its
 * state today (the local file, relative to the new folder, or the pipeline's S3 backend), so that
 * `terraform init && terraform plan` there shows no changes. See docs/leaving-cdktf.md.
 */
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pipelineStackId } from '../../stacks/pipeline-stack';
import { stateStackId } from '../../stacks/state-stack';
import { ConfigError, loadConfig, readSettings, type Settings } from '../config';
import { preparePipelineState } from '../pipeline-state';
import { PROJECT_ROOT } from '../terraform/cdktf-cli';
import { CommandError, runProcess } from '../process/run';
import { mirrorCliConfig } from '../terraform/cli-config';
import { needsCliConfig, type ProviderSource } from '../terraform/provider-source';
import { terraformRunEnv } from '../terraform/run-env';
import { terraformFmt } from './format';
import { readProvidersSchema } from './provider-schema';
import { relocateStack } from './relocate';
import { renderTerraformJson } from './render';

/** The file each exported stack is written to. */
export const EXPORTED_FILE = 'main.tf';
/** The terraform CLI config written next to the stacks when the provider comes from a mirror terraform does not know. */
export const CLI_CONFIG_FILE = 'terraform.rc';
const LOCK_FILE = '.terraform.lock.hcl';

export interface ExportOptions {
  /** Folder to write to (the user's argument), relative to `cwd`. */
  readonly dir: string;
  /** The environment the stacks deploy with: accounts file, state folder, endpoint, provider mirror. */
  readonly env: NodeJS.ProcessEnv;
  /** @default process.cwd() */
  readonly cwd?: string;
  /** @default findProviderMirror (see `providerSource`) */
  readonly findMirror?: (env: NodeJS.ProcessEnv) => string | undefined;
  /** Called with each line synth prints (warnings and notes). */
  readonly onLine?: (line: string) => void;
}

export interface ExportedStack {
  readonly id: string;
  /** Absolute folder of the stack's HCL. */
  readonly dir: string;
  /** Where its state is: `local state <path relative to dir>` or `s3://bucket/key`. */
  readonly state: string;
}

export interface ExportResult {
  readonly dir: string;
  readonly stacks: readonly ExportedStack[];
  /** Path of the CLI config written for an offline mirror (`TF_CLI_CONFIG_FILE` for terraform init), if one was. */
  readonly cliConfig?: string;
}

/**
 * Synthesizes, renders every stack, checks that nothing of the user's would be overwritten, then
 * writes. Nothing is written unless every stack renders.
 * @throws ConfigError for bad input: an invalid accounts.json or environment, a folder inside the
 * synth output, files in the way, a pipeline stack whose state cannot be located (see
 * `checkPipelineState`), no provider to read the schema from.
 */
export async function exportHcl(options: ExportOptions): Promise<ExportResult> {
  const cwd = options.cwd ?? process.cwd();
  const settings = readSettings(options.env, cwd);
  const config = loadConfig(settings.accountsFile);
  const target = path.resolve(cwd, options.dir);
  if (isInside(target, settings.outdir)) {
    throw new ConfigError([
      `${options.dir}: is inside the synth output ${settings.outdir}, which every synth rewrites; export to a folder outside it`,
    ]);
  }
  // A pipeline stack whose state cannot be located would be exported with the wrong backend.
  const pipelineState = preparePipelineState(
    config,
    settings,
    pipelineStackId(config.productionAccount),
    stateStackId(config.productionAccount),
  );
  if (pipelineState.blocked !== undefined) {
    throw new ConfigError([`${pipelineState.blocked}; nothing was exported`]);
  }

  await synthesize(settings, options.env, options.onLine);
  const stacks = synthesizedStacks(settings.outdir);

  const workDir = mkdtempSync(path.join(os.tmpdir(), 'bootstrap-export-'));
  const files: { stack: SynthesizedStack; dir: string; text: string; state: string }[] = [];
  let source: ProviderSource;
  try {
    const prepared = terraformRunEnv(options.env, {
      workDir,
      ...(options.findMirror !== undefined ? { findMirror: options.findMirror } : {}),
    });
    source = prepared.source;
    const env = prepared.env;
    const schema = await readProvidersSchema(mergedRequiredProviders(stacks.map((stack) => stack.json)), env, workDir);
    for (const stack of stacks) {
      const dir = path.join(target, stack.id);
      const relocated = relocateStack(stack.json, stack.workingDir, dir);
      try {
        const text = await terraformFmt(renderTerraformJson(relocated, schema), env);
        files.push({ stack, dir, text, state: stateLocation(relocated) });
      } catch (error) {
        throw new Error(`${stack.id}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      }
    }
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }

  const conflicts = files.flatMap(({ stack, dir, text }) => conflictsIn(dir, text, stack.id));
  if (conflicts.length > 0) throw new ConfigError(conflicts);

  for (const { stack, dir, text } of files) {
    mkdirSync(dir, { recursive: true });
    writeAtomically(path.join(dir, EXPORTED_FILE), text);
    // The provider checksums the stack was deployed with; terraform init adds to them as needed.
    const lock = path.join(stack.workingDir, LOCK_FILE);
    if (existsSync(lock) && !existsSync(path.join(dir, LOCK_FILE))) copyFileSync(lock, path.join(dir, LOCK_FILE));
  }
  let cliConfig: string | undefined;
  if (needsCliConfig(source)) {
    cliConfig = path.join(target, CLI_CONFIG_FILE);
    writeAtomically(cliConfig, mirrorCliConfig(source.mirror));
  }
  return {
    dir: target,
    stacks: files.map(({ stack, dir, state }) => ({ id: stack.id, dir, state })),
    ...(cliConfig !== undefined ? { cliConfig } : {}),
  };
}

/**
 * Runs the app (main.ts) as `cdktf synth` does, into the synth output the deploys use: the pipeline
 * stack's backend depends on that folder's record of its last init (src/pipeline-state.ts). Without
 * BOOTSTRAP_CONFIRM_DESTROY: the exported state buckets always keep `prevent_destroy`.
 */
async function synthesize(settings: Settings, env: NodeJS.ProcessEnv, onLine?: (line: string) => void): Promise<void> {
  const synthEnv: NodeJS.ProcessEnv = {
    ...env,
    BOOTSTRAP_ACCOUNTS_FILE: settings.accountsFile,
    BOOTSTRAP_STATE_DIR: settings.stateDir,
    CDKTF_OUTDIR: settings.outdir,
  };
  delete synthEnv.BOOTSTRAP_CONFIRM_DESTROY;
  // Not run by the cdktf CLI: the app prints its warnings itself (see cliPrintsAnnotations).
  delete synthEnv.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS;
  const result = await runProcess(process.execPath, ['--require', './scripts/ts-runner.js', 'main.ts'], {
    cwd: PROJECT_ROOT,
    env: synthEnv,
    ...(onLine !== undefined ? { onLine } : {}),
  });
  if (result.code === 0) return;
  const problems = result.tail.filter((line) => line.startsWith('error: ')).map((line) => line.slice('error: '.length));
  if (problems.length > 0) throw new ConfigError(problems);
  throw new CommandError('synth (node main.ts)', result);
}

interface SynthesizedStack {
  readonly id: string;
  /** Absolute folder cdktf runs terraform in for the stack (`<outdir>/stacks/<id>`). */
  readonly workingDir: string;
  readonly json: unknown;
}

/** The stacks of the synth output's manifest.json, in its order. */
function synthesizedStacks(outdir: string): SynthesizedStack[] {
  const manifest = JSON.parse(readFileSync(path.join(outdir, 'manifest.json'), 'utf8')) as {
    stacks?: Record<string, { workingDirectory?: string; synthesizedStackPath?: string }>;
  };
  return Object.entries(manifest.stacks ?? {}).map(([id, stack]) => ({
    id,
    workingDir: path.resolve(outdir, stack.workingDirectory ?? path.join('stacks', id)),
    json: JSON.parse(
      readFileSync(path.resolve(outdir, stack.synthesizedStackPath ?? path.join('stacks', id, 'cdk.tf.json')), 'utf8'),
    ) as unknown,
  }));
}

/** Every stack's `terraform.required_providers`, merged (the same provider everywhere in this project). */
export function mergedRequiredProviders(stacks: readonly unknown[]): Record<string, unknown> {
  const merged: Record<string, unknown> = {};
  for (const stack of stacks) {
    const required = (stack as { terraform?: { required_providers?: Record<string, unknown> } }).terraform?.required_providers;
    if (required !== undefined) Object.assign(merged, required);
  }
  return merged;
}

/** Where a relocated stack's state is, for the summary. */
function stateLocation(stack: unknown): string {
  const backend = (stack as { terraform?: { backend?: Record<string, Record<string, unknown>> } }).terraform?.backend ?? {};
  const s3 = backend.s3;
  if (s3 !== undefined) return `s3://${String(s3.bucket)}/${String(s3.key)}`;
  const local = backend.local;
  if (local !== undefined && typeof local.path === 'string') return `local state ${local.path}`;
  return 'local state terraform.tfstate';
}

/**
 * What would be lost or mixed in: a main.tf that differs from this export (edited since an earlier
 * one?), or other Terraform files that terraform would read together with it.
 */
export function conflictsIn(dir: string, text: string, stackId: string): string[] {
  if (!existsSync(dir)) return [];
  const problems: string[] = [];
  const file = path.join(dir, EXPORTED_FILE);
  if (existsSync(file) && readFileSync(file, 'utf8') !== text) {
    problems.push(
      `${file}: exists and differs from the export of ${stackId} (edited since?); move it away or export to another folder`,
    );
  }
  const others = readdirSync(dir).filter((name) => name !== EXPORTED_FILE && /\.tf(\.json)?$/.test(name));
  if (others.length > 0) {
    problems.push(
      `${dir}: holds ${others.join(', ')}, which terraform would read with the exported ${EXPORTED_FILE}; export to an empty folder`,
    );
  }
  return problems;
}

/** Written to a temporary name and renamed, so that no reader sees half a file. */
function writeAtomically(file: string, text: string): void {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, file);
}

function isInside(child: string, parent: string): boolean {
  const relative = path.relative(parent, child);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}
