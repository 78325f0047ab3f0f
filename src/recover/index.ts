/**
 * `npm run recover-state`: when terraform-state/ is lost, brings every resource of the synthesized stacks
 * back into new state files with Terraform import blocks, without creating, replacing or deleting
 * anything (docs/recover-lost-state.md).
 */
import { existsSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { ConfigError } from '../config/errors';
import { mapWithLimit } from '../process/limit';
import { deployParallelism } from '../process/parallelism';
import { CommandError, type ProcessRunner, runProcess } from '../process/run';
import { withTerraformRunEnv } from '../terraform/run-env';
import { awsFinder, recoverClients } from './finders';
import {
  classifyPlan,
  existingStateProblem,
  importFile,
  partitionOf,
  planImports,
  planVerdict,
  type PlannedChange,
} from './plan';
import { readSynthesizedStack, stacksOf } from './stack';

/** The generated file of import blocks, next to the stack's cdk.tf.json; removed when the run ends. */
export const IMPORTS_FILE = 'bootstrap-recover-imports.tf.json';
const PLAN_FILE = 'bootstrap-recover.tfplan';
/** Suffix of a state file that held only a refused deploy's check, moved aside by recover-state. */
export const REFUSED_SUFFIX = '.refused-deploy';

export const RECOVER_USAGE = `Usage: npm run recover-state -- [<stack>...] [--allow-updates]

Rebuilds lost local state (terraform-state/) of the stacks in the synth output (cdktf.out; run
"npm run synth" first): finds each resource in AWS, imports it, and applies only when Terraform's
plan creates, replaces and destroys nothing. --allow-updates also accepts in-place changes.
`;

export interface RecoverOptions {
  readonly outdir: string;
  /** Stacks to recover; empty: every stack of the synth output that has no state. */
  readonly stacks: readonly string[];
  readonly allowUpdates: boolean;
  readonly env: NodeJS.ProcessEnv;
  readonly print: (line: string) => void;
  /** Runs terraform. @default runProcess */
  readonly run?: ProcessRunner;
  /** @default findProviderMirror (see `terraformRunEnv`) */
  readonly findMirror?: (env: NodeJS.ProcessEnv) => string | undefined;
}

type StackOutcome = 'recovered' | 'skipped' | 'refused';

/**
 * Recovers the stacks, as many at a time as a deploy would run (`BOOTSTRAP_DEPLOY_PARALLELISM`); every
 * line names its stack. Exit code 0 when none was refused.
 */
export async function runRecover(options: RecoverOptions): Promise<number> {
  const named = options.stacks.length > 0;
  const all = stacksOf(options.outdir);
  const unknown = options.stacks.filter((stack) => !all.includes(stack));
  if (unknown.length > 0) {
    throw new ConfigError([
      `${unknown.join(', ')}: not a stack of the synth output ${options.outdir} (it has ${all.join(', ')}); run "npm run synth" with the accounts.json the stacks were deployed with`,
    ]);
  }
  const userErrors: ConfigError[] = [];
  // One environment for every terraform of the run: the offline mirror, its CLI config, no checkpoint.
  const outcomes = await withTerraformRunEnv(
    options.env,
    options.findMirror !== undefined ? { findMirror: options.findMirror } : {},
    (prepared) =>
      mapWithLimit(named ? options.stacks : all, deployParallelism(options.env), async (stack) => {
        try {
          return await recoverStack(stack, named, options, prepared.env);
        } catch (error) {
          // Bad input (e.g. AWS_MAX_ATTEMPTS) is the same for every stack: reported once, below.
          if (error instanceof ConfigError) userErrors.push(error);
          else options.print(`error: ${stack}: ${error instanceof Error ? error.message : String(error)}`);
          return 'refused' as const;
        }
      }),
  );
  if (userErrors[0] !== undefined) throw userErrors[0];
  const refused = outcomes.filter((outcome) => outcome === 'refused').length;
  const recovered = outcomes.filter((outcome) => outcome === 'recovered').length;
  options.print(
    refused === 0
      ? `Recovered ${recovered} stack(s); ${outcomes.length - recovered} left alone.`
      : `${refused} stack(s) refused (see above; nothing was imported for them); ${recovered} recovered.`,
  );
  return refused === 0 ? 0 : 1;
}

async function recoverStack(
  stack: string,
  named: boolean,
  options: RecoverOptions,
  terraformEnv: NodeJS.ProcessEnv,
): Promise<StackOutcome> {
  const run = options.run ?? runProcess;
  const { print } = options;
  const synthesized = readSynthesizedStack(options.outdir, stack);
  const problem = existingStateProblem(stack, synthesized.backend);
  if (problem !== undefined) {
    if (named && synthesized.backend.kind === 'local') {
      print(`error: ${problem}`);
      return 'refused';
    }
    // Stacks not named whose state exists were not lost (or are recovered already): left alone, briefly.
    print(`note: ${synthesized.backend.kind === 'local' ? `${stack}: ${synthesized.backend.path} exists; left alone` : problem}`);
    return 'skipped';
  }
  const statePath = synthesized.backend.kind === 'local' ? synthesized.backend.path : '';
  if (statePath !== '' && existsSync(statePath)) {
    // Only the refused check of a deploy after the loss (existingStateProblem let it through): kept aside.
    renameSync(statePath, `${statePath}${REFUSED_SUFFIX}`);
    print(
      `note: ${stack}: ${statePath} held only the failed pre-deploy check of a refused deploy; moved to ${statePath}${REFUSED_SUFFIX}`,
    );
  }
  const { provider } = synthesized;
  const clients = recoverClients(provider, provider.region, options.env);
  let plan;
  try {
    plan = await planImports(synthesized.resources, awsFinder(clients, synthesized.resources), partitionOf(provider.region));
  } finally {
    clients.destroy();
  }
  const inAws = plan.imports.filter(({ address }) => !address.startsWith('terraform_data.'));
  if (inAws.length === 0) {
    print(`note: ${stack}: none of its resources exists in AWS (never deployed, or destroyed); nothing to recover`);
    return 'skipped';
  }
  if (plan.missing.length > 0) {
    for (const { address, reason } of plan.missing) print(`error: ${stack}: ${address} was not found in AWS: ${reason}`);
    print(
      `error: ${stack}: refused: importing the rest would make the next deploy create those ${plan.missing.length} resource(s); nothing was imported. Find out what happened to them (or recreate them by hand), then run recover-state again`,
    );
    return 'refused';
  }
  print(`${stack}: found all ${plan.imports.length} resources in AWS; planning their import into ${statePath}`);
  const importsFile = path.join(synthesized.dir, IMPORTS_FILE);
  const planFile = path.join(synthesized.dir, PLAN_FILE);
  writeFileSync(importsFile, `${JSON.stringify(importFile(plan), null, 2)}\n`);
  try {
    await terraform(synthesized.dir, ['init', '-input=false', '-no-color'], terraformEnv, run);
    await terraform(synthesized.dir, ['plan', '-input=false', '-no-color', '-lock=true', `-out=${PLAN_FILE}`], terraformEnv, run);
    const json = await terraform(synthesized.dir, ['show', '-json', PLAN_FILE], terraformEnv, run);
    const changes = (JSON.parse(json.find((line) => line.startsWith('{')) ?? '{}') as { resource_changes?: PlannedChange[] })
      .resource_changes;
    const classified = classifyPlan(changes ?? []);
    const verdict = planVerdict(stack, classified, options.allowUpdates);
    for (const { address, attributes } of classified.stateOnly) {
      print(`${stack}: ${address}: ${attributes.join(', ')} set in the state only (AWS does not report them; no AWS call)`);
    }
    for (const { address, attributes } of classified.unsetDefaults) {
      print(
        `${stack}: ${address}: ${attributes.join(', ')} left unset by the import, set to the default (its settings are put again, unchanged)`,
      );
    }
    if (!verdict.ok) {
      for (const line of verdict.problems) print(`error: ${line}`);
      print(`error: ${stack}: refused; nothing was imported and ${statePath} was not written`);
      return 'refused';
    }
    const updates = classified.updates.length > 0 ? `, ${classified.updates.length} changed in place (--allow-updates)` : '';
    print(
      `${stack}: the plan imports ${classified.imports.length}${updates}, creates, replaces and destroys nothing; applying it`,
    );
    await terraform(synthesized.dir, ['apply', '-input=false', '-no-color', '-lock=true', PLAN_FILE], terraformEnv, run);
  } finally {
    rmSync(importsFile, { force: true });
    rmSync(planFile, { force: true });
  }
  const check = await run('terraform', ['plan', '-detailed-exitcode', '-input=false', '-no-color', '-lock=true'], {
    cwd: synthesized.dir,
    env: terraformEnv,
  });
  if (check.code === 0) {
    print(`${stack}: recovered into ${statePath}; "terraform plan" shows no changes`);
    return 'recovered';
  }
  if (check.code === 2) {
    for (const line of check.tail) print(`  ${line}`);
    print(
      `error: ${stack}: the resources are in ${statePath} now, but "terraform plan" still shows the changes above; review them, then run "npm run deploy -- ${stack}"`,
    );
    return 'refused';
  }
  throw new CommandError(`terraform plan (in ${synthesized.dir})`, check);
}

/** Runs terraform in `dir`; its output lines, or a {@link CommandError} with the last of them. */
async function terraform(dir: string, args: readonly string[], env: NodeJS.ProcessEnv, run: ProcessRunner): Promise<string[]> {
  const lines: string[] = [];
  const result = await run('terraform', args, { cwd: dir, env, onLine: (line) => lines.push(line), keepLines: 200 });
  if (result.code !== 0) throw new CommandError(`terraform ${args[0] ?? ''} (in ${dir})`, result);
  return lines;
}
