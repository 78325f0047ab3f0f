// `npm run status [-- --live]`: per account, whether its state stack is deployed (from the local
// state files) and, with --live, the bucket's settings read through S3, flagging drift and deleted
// buckets; the same for the pipeline stack and its key resources, and for the access stacks' deploy
// roles and OIDC providers (src/status/).
// Exit code 0 when all is well, 1 on invalid input, drift, a deleted bucket or resource or an unreadable
// bucket, 2 for a bad command line.
import { parseLiveFlag } from '../src/cli/live-flag';
import { runCommand } from '../src/cli/user-error';
import { loadConfig, readSettings } from '../src/config';
import { collectStatus, formatStatus, statusHealthy } from '../src/status';

const USAGE = `Usage: npm run status [-- --live]

Shows, for every account of accounts.json, whether its state stack is deployed (from the local state
files in BOOTSTRAP_STATE_DIR, default ./terraform-state), its bucket and region; and whether the
pipeline stack and each access stack ("pipelineAccess") are deployed.
  --live   also read each deployed bucket's settings through the S3 API with the account's profile
           and flag any drift from the secure defaults or a deleted bucket; read the pipeline stack's
           state when it is in S3, and check that its VPC, security group, runner role, instance
           profile and launch template still exist, and that each access stack's deploy role and OIDC
           providers still exist (exit code 1 when anything needs attention)
`;

async function main(): Promise<number> {
  const parsed = parseLiveFlag(process.argv.slice(2), USAGE);
  if ('exitCode' in parsed) return parsed.exitCode;
  const { live } = parsed;
  // An invalid accounts.json or environment throws a ConfigError: runCommand prints it, exit code 1.
  const settings = readSettings(process.env);
  const config = loadConfig(settings.accountsFile);
  const report = await collectStatus({ config, stateDir: settings.stateDir, live, env: process.env });
  process.stdout.write(formatStatus(report, live));
  return statusHealthy(report) ? 0 : 1;
}

runCommand(main);
