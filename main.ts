// Entry point of `cdktf synth`: load accounts.json → one state stack per account → synth.
import { App } from 'cdktf';
import { loadConfig, readSettings } from './src/config';
import { exitOnUserError } from './src/cli/user-error';
import { StateStack, stateStackId } from './stacks/state-stack';

exitOnUserError(() => {
  const settings = readSettings(process.env);
  const config = loadConfig(settings.accountsFile);

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
  app.synth();
});
