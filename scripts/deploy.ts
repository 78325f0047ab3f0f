// `npm run deploy -- <stack>... [options]`: synth, then terraform init and apply per stack (src/deploy/),
// offline-ready, with Ctrl-C that lets Terraform stop cleanly and a pointer to the doctor on credential errors.
// Exit code: 0 when every stack deployed, 1 otherwise or for bad input; 130 after Ctrl-C; 2 for a bad command line.
import { runCommand } from '../src/cli/user-error';
import { DEPLOY_USAGE, runDeploy } from '../src/deploy';

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(DEPLOY_USAGE);
    return 0;
  }
  if (!args.some((arg) => !arg.startsWith('-'))) {
    process.stderr.write(`error: name the stacks to deploy, e.g. npm run deploy -- 'state-*'\n${DEPLOY_USAGE}`);
    return 2;
  }
  return runDeploy({
    args,
    env: process.env,
    stdout: process.stdout,
    stderr: process.stderr,
    onInterrupt: (handler) => {
      const signals = ['SIGINT', 'SIGTERM'] as const;
      for (const signal of signals) process.on(signal, handler);
      return () => {
        for (const signal of signals) process.off(signal, handler);
      };
    },
  });
}

runCommand(main);
