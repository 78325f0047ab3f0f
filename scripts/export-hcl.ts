// `npm run export-hcl -- <dir>`: writes every stack as plain Terraform HCL to <dir>/<stack>/main.tf, on the
// state it has today, so that it can be planned and applied without cdktf (src/export/; docs/leaving-cdktf.md).
// Exit code 0 when written, 1 on invalid input or when nothing could be written, 2 for a bad command line.
import { parseArgs } from 'node:util';
import { runCommand } from '../src/cli/user-error';
import { exportHcl } from '../src/export';

const USAGE = `Usage: npm run export-hcl -- <dir>

Synthesizes the stacks of accounts.json (as "cdktf synth" does) and writes each as plain Terraform HCL to
<dir>/<stack>/main.tf, with the backend that holds its state today: the local state file (by a path
relative to the new folder) or the pipeline's S3 backend. Then, in each folder, "terraform init" and
"terraform plan" show no changes, without cdktf. Run it with the environment you deploy with
(BOOTSTRAP_ACCOUNTS_FILE, BOOTSTRAP_STATE_DIR, AWS_ENDPOINT_URL, BOOTSTRAP_PROVIDER_MIRROR).
Nothing is overwritten: an exported main.tf edited since is reported, not replaced.
`;

async function main(): Promise<number> {
  let positionals: string[];
  try {
    ({ positionals } = parseArgs({ args: process.argv.slice(2), allowPositionals: true, strict: true, options: {} }));
  } catch (error) {
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    return 2;
  }
  const [dir, ...extra] = positionals;
  if (dir === undefined || extra.length > 0) {
    process.stderr.write(
      `error: ${dir === undefined ? 'name the folder to export to' : `one folder only, got ${positionals.length}`}\n${USAGE}`,
    );
    return 2;
  }
  const result = await exportHcl({ dir, env: process.env, onLine: (line) => process.stderr.write(`${line}\n`) });
  const width = Math.max(...result.stacks.map((stack) => stack.id.length));
  process.stdout.write(`Exported ${result.stacks.length} stack(s) to ${result.dir}:\n`);
  for (const stack of result.stacks) process.stdout.write(`  ${stack.id.padEnd(width)}  ${stack.state}\n`);
  const init = result.cliConfig !== undefined ? `TF_CLI_CONFIG_FILE=${result.cliConfig} terraform init` : 'terraform init';
  process.stdout.write(
    `Then, in each stack's folder, expect no changes:\n  ${init}\n  terraform plan\n` +
      'and from then on plan and apply there with terraform; see docs/leaving-cdktf.md.\n',
  );
  return 0;
}

runCommand(main);
