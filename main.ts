// Entry point of `cdktf synth`: load accounts.json → one state stack per account → synth → backend configs.
import { loadConfig, readSettings } from './src/config';
import { exitOnUserError } from './src/cli/user-error';
import { skipTokenCreationTraces } from './src/synth/token-traces';

void exitOnUserError(async () => {
  const settings = readSettings(process.env);
  const config = loadConfig(settings.accountsFile);
  skipTokenCreationTraces();
  // cdktf and the stacks load only once the input is valid: a bad accounts.json is reported in half the time.
  const [
    { App },
    { writeBackendConfigs },
    { enforcePolicyGuard },
    { resolveForSynth },
    { PipelineStack, pipelineStackId },
    { StateStack, stateStackId },
  ] = await Promise.all([
    import('cdktf'),
    import('./src/backend-config'),
    import('./src/guard'),
    import('./src/synth/resolved-once-stack'),
    import('./stacks/pipeline-stack'),
    import('./stacks/state-stack'),
  ]);

  const app = new App({ outdir: settings.outdir });
  for (const account of config.accounts) {
    new StateStack(app, stateStackId(account.name), {
      platform: config.platform,
      account,
      stateDir: settings.stateDir,
      noncurrentVersionExpirationDays: config.stateBucket.noncurrentVersionExpirationDays,
      ...(settings.endpointUrl !== undefined ? { endpointUrl: settings.endpointUrl } : {}),
    });
  }
  // The internal pattern; `"pipeline": false` (external pattern) synthesizes no pipeline stack.
  const production = config.accounts.find((account) => account.name === config.productionAccount);
  if (config.pipeline !== undefined && production !== undefined) {
    new PipelineStack(app, pipelineStackId(config.productionAccount), {
      platform: config.platform,
      account: production,
      stateDir: settings.stateDir,
      pipeline: config.pipeline,
      ...(settings.endpointUrl !== undefined ? { endpointUrl: settings.endpointUrl } : {}),
    });
  }
  // Policy guard (src/guard): every finding fails here, before synth writes a single file.
  // The guard and the files read one resolution of each stack (src/synth/resolved-once-stack.ts).
  enforcePolicyGuard(app, config, undefined, resolveForSynth);
  app.synth();
  // Backend configs for consumer projects, next to the stacks (cdktf.out/backends/<account>.s3.tfbackend).
  writeBackendConfigs(settings.outdir, config);
});
