// `npm run local-aws [-- <accounts-file>] [--port N]`: a long-lived local AWS double for rehearsing by hand.
// Starts moto exactly as the sandbox does (src/sandbox/moto.ts), writes temp AWS files with a profile per
// account and an env file, prints how to use them, and on Ctrl-C stops moto and removes every temp file.
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { ConfigError, loadConfig } from '../src/config';
import { printProblems } from '../src/cli/user-error';
import { PROJECT_ROOT } from '../src/terraform/cdktf-cli';
import { shellExports } from '../src/sandbox/local-aws';
import { type MotoServer, startMoto } from '../src/sandbox/moto';
import { PROVIDER_MIRROR_ENV } from '../src/terraform/cli-config';
import { findProviderMirror } from '../src/terraform/provider-mirror';
import { createWorkspace, type Workspace } from '../src/sandbox/workspace';

const USAGE = `usage: npm run local-aws [-- <accounts-file>] [--port N]

Starts a local AWS double (moto on 127.0.0.1, prepared as "npm run sandbox" prepares it) that stays up
until Ctrl-C, and writes an env file that points terraform, cdktf and the AWS CLI/SDKs at it, with a
profile for every account of <accounts-file> (default: $BOOTSTRAP_ACCOUNTS_FILE, else
accounts.example.json) whose keys act in a moto account of its own. Touches no real AWS account, no ~/.aws, no terraform-state/ and no cdktf.out.`;

let moto: MotoServer | undefined;
let workspace: Workspace | undefined;

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes('-h') || args.includes('--help')) {
    console.log(USAGE);
    return;
  }
  const { file, port } = parseArgs(args);
  const accountsFile = path.resolve(
    file ?? process.env.BOOTSTRAP_ACCOUNTS_FILE ?? path.join(PROJECT_ROOT, 'accounts.example.json'),
  );
  const config = loadConfig(accountsFile);
  const mirror = findProviderMirror(process.env);
  if (mirror !== undefined && (process.env[PROVIDER_MIRROR_ENV] ?? '').trim() === '') process.env[PROVIDER_MIRROR_ENV] = mirror;

  moto = await startMoto(port !== undefined ? { port } : {});
  const ws = await createWorkspace({ config, accountsFile, endpoint: moto.endpoint });
  workspace = ws;
  const envFile = path.join(ws.root, 'env.sh');
  writeFileSync(envFile, shellExports(ws.env, process.env), { mode: 0o600 });
  const out = ws.outdir;
  const [firstProfile = 'default'] = ws.accounts.profileAccounts.keys();
  console.log(
    [
      `Local AWS double running at ${moto.endpoint} (moto; AWS-managed IAM policies loaded; bucket policies`,
      `evaluated as for HTTPS requests). Profiles of ${accountsFile}, each with keys of its own moto account:`,
      ...[...ws.accounts.profileAccounts].map(([profile, id]) => `  ${profile}: account ${id}`),
      '',
      'In another terminal, from this project:',
      `  source ${envFile}`,
      `  npm run synth -- --output ${out}`,
      `  npm run deploy -- 'state-*' --output ${out} --skip-synth`,
      `  aws s3 ls --profile ${firstProfile}   # the AWS CLI and SDKs: the same env, with one of the profiles above`,
      '',
      `env file: ${envFile}`,
      'Press Ctrl-C to stop moto and remove the temp folder (state, synth output, AWS files).',
    ].join('\n'),
  );
  await new Promise<void>((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const)
      process.once(signal, () => {
        resolve();
      });
  });
}

function parseArgs(args: readonly string[]): { file?: string; port?: number } {
  let file: string | undefined;
  let port: number | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '--port') {
      const value = Number(args[++i]);
      if (!Number.isInteger(value) || value < 1 || value > 65535)
        throw new ConfigError([`--port: "${args[i] ?? ''}" is not a TCP port; write e.g. --port 5000`]);
      port = value;
    } else if (arg.startsWith('-') || file !== undefined) {
      throw new ConfigError([`unexpected argument ${arg}\n${USAGE}`]);
    } else {
      file = arg;
    }
  }
  return { ...(file !== undefined ? { file } : {}), ...(port !== undefined ? { port } : {}) };
}

async function cleanUp(): Promise<void> {
  await moto?.stop();
  workspace?.remove();
}

void main()
  .then(
    () => 0,
    (error: unknown) => {
      if (error instanceof ConfigError) printProblems(error);
      else console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
      return 1;
    },
  )
  .then(async (code) => {
    await cleanUp();
    if (code === 0 && moto !== undefined) console.log('moto stopped; temp folder removed');
    process.exit(code);
  });
