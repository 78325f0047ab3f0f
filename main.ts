// Entry point of `cdktf synth`: load accounts.json → one state stack per account, the pipeline stack, an
// access stack per account with "pipelineAccess" → policy guard → synth → backend configs.
import { loadConfig, readSettings } from './src/config';
import { exitOnUserError } from './src/cli/user-error';
import { skipTokenCreationTraces } from './src/synth/token-traces';
import { confirmedDestroyAccount } from './src/destroy/confirmation';
import { cdktfArguments, cliPrintsAnnotations, destroyStackPatterns } from './src/cli/cdktf-command';
import { runnerRoleName } from './src/config/pipeline-schema';

void exitOnUserError(async () => {
  const settings = readSettings(process.env);
  const config = loadConfig(settings.accountsFile);
  skipTokenCreationTraces();
  // Guarded destroy: BOOTSTRAP_CONFIRM_DESTROY names the one bucket that may lose prevent_destroy,
  // and only if its account has "allowDestroy": true; anything else fails here, before any synth.
  const destroyable = confirmedDestroyAccount(config, settings.confirmDestroy);
  // A plain `cdktf destroy` of a state stack that keeps prevent_destroy is refused here, where the reason
  // always reaches the user: Terraform's own refusal can be lost in cdktf's output (docs/destroy.md).
  const cliArgs = cdktfArguments(process.env);
  const destroyPatterns = cliArgs !== undefined ? destroyStackPatterns(cliArgs) : undefined;
  if (destroyPatterns !== undefined) {
    const { refuseProtectedDestroy } = await import('./src/destroy/plain-destroy');
    refuseProtectedDestroy(config, destroyable, destroyPatterns);
  }
  // cdktf and the stacks load only once the input is valid: a bad accounts.json is reported in half the time.
  const [
    { Annotations, App },
    { callInWorker },
    { enforcePolicyGuard },
    { resolveForSynth },
    { PipelineStack, pipelineStackId },
    { StateStack, stateStackId },
    { preparePipelineState },
  ] = await Promise.all([
    import('cdktf'),
    import('./src/synth/in-worker'),
    import('./src/guard'),
    import('./src/synth/resolved-once-stack'),
    import('./stacks/pipeline-stack'),
    import('./stacks/state-stack'),
    import('./src/pipeline-state'),
  ]);
  // Only a file with "pipelineAccess" loads the access stacks.
  const access = config.pipelineAccess !== undefined ? await import('./stacks/access-stack') : undefined;

  const app = new App({ outdir: settings.outdir });
  // Warnings and notes are annotations, which the cdktf CLI prints as WARN / INFO lines. On stderr they
  // would be printed a second time, as `[ERROR] default - ...`: only a direct run (`node main.ts`) gets them there.
  const cliPrints = cliPrintsAnnotations(process.env);
  const report = (line: string): void => {
    if (!cliPrints) process.stderr.write(`${line}\n`);
  };
  // The pipeline's roles whose reach each state stack's policies keep to the state (issue 22): the account's
  // deploy role, and the runner's role in the production account whenever there is a pipeline stack.
  const runnerRole = config.pipeline !== undefined ? runnerRoleName(config.pipeline.namePrefix) : undefined;
  for (const account of config.accounts) {
    new StateStack(app, stateStackId(account.name), {
      platform: config.platform,
      account,
      stateDir: settings.stateDir,
      noncurrentVersionExpirationDays: config.stateBucket.noncurrentVersionExpirationDays,
      accessLogRetentionDays: config.stateBucket.accessLogRetentionDays,
      preventDestroy: account !== destroyable,
      // Set by `npm run deploy` after an interrupted first deploy: the buckets it left, proven ours by their tags.
      resumeBuckets: settings.resumeBuckets,
      ...(settings.endpointUrl !== undefined ? { endpointUrl: settings.endpointUrl } : {}),
      ...(account.pipelineAccess !== undefined && config.pipelineAccess !== undefined
        ? { deployRoleName: config.pipelineAccess.roleName }
        : {}),
      ...(runnerRole !== undefined && account.name === config.productionAccount ? { runnerRoleName: runnerRole } : {}),
    });
  }
  // The internal pattern; `"pipeline": false` (external pattern) synthesizes no pipeline stack.
  const production = config.accounts.find((account) => account.name === config.productionAccount);
  const pipelineId = pipelineStackId(config.productionAccount);
  // Where its state lives (local file or the production bucket) and whether a deploy is safe now.
  const pipelineState = preparePipelineState(config, settings, pipelineId, stateStackId(config.productionAccount));
  if (config.pipeline !== undefined && production !== undefined) {
    const pipelineStack = new PipelineStack(app, pipelineId, {
      platform: config.platform,
      account: production,
      stateDir: settings.stateDir,
      pipeline: config.pipeline,
      // With "pipelineAccess", the runner may assume the deploy role of every account whose trust names it.
      ...(config.pipelineAccess?.runnerRoleArn !== undefined
        ? {
            deployRoleArns: config.accounts.flatMap((account) =>
              account.pipelineAccess?.trust.runnerRoleArn !== undefined ? (account.pipelineAccess.deployRoleArn ?? []) : [],
            ),
          }
        : {}),
      ...(pipelineState.blocked !== undefined ? { stateBlocked: pipelineState.blocked } : {}),
      ...(settings.endpointUrl !== undefined ? { endpointUrl: settings.endpointUrl } : {}),
    });
    for (const note of pipelineState.notes) {
      if (note.level === 'warning') Annotations.of(pipelineStack).addWarning(note.message);
      else Annotations.of(pipelineStack).addInfo(note.message);
      report(`${note.level}: ${note.message}`);
    }
  }
  // "pipelineAccess": a deploy role in every account that does not say "pipelineAccess": false.
  if (access !== undefined && config.pipelineAccess !== undefined) {
    const warned = new Set<string>();
    for (const account of config.accounts) {
      if (account.pipelineAccess === undefined) continue;
      const accessStack = new access.AccessStack(app, access.accessStackId(account.name), {
        platform: config.platform,
        account,
        pipelineAccess: config.pipelineAccess,
        stateDir: settings.stateDir,
        ...(settings.endpointUrl !== undefined ? { endpointUrl: settings.endpointUrl } : {}),
      });
      // Each stack carries its warnings as annotations; a direct run prints each line once.
      for (const warning of accessStack.warnings.filter((line) => !warned.has(line))) {
        warned.add(warning);
        report(`warning: ${warning}`);
      }
    }
  }
  // Policy guard (src/guard): every finding fails here, before synth writes a single file.
  // The guard and the files read one resolution of each stack (src/synth/resolved-once-stack.ts).
  // Suppressed findings are warning annotations already (src/guard); `report` adds the stderr line.
  enforcePolicyGuard(app, config, report, resolveForSynth);
  // Backend configs for consumer projects, next to the stacks (cdktf.out/backends/<account>.s3.tfbackend).
  // They depend on accounts.json alone: a worker thread writes them on another core during synth.
  const backendsWritten = callInWorker(require.resolve('./src/backend-config'), 'writeBackendConfigs', [settings.outdir, config]);
  try {
    app.synth();
  } finally {
    // Never exit while the worker still writes: it would leave a temporary file behind.
    await Promise.allSettled([backendsWritten]);
  }
  await backendsWritten;
});
