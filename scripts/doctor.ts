// `npm run doctor [-- --live]`: preflight checks before a deploy, printed as a table (src/doctor/).
// Exit code 0 when nothing failed, 1 when a check failed, 2 for a bad command line.
import { parseLiveFlag } from '../src/cli/live-flag';
import { runCommand } from '../src/cli/user-error';
import { deployInstructions, doctorPassed, formatDoctorReport, runDoctor } from '../src/doctor';

const USAGE = `Usage: npm run doctor [-- --live]

Checks accounts.json, the AWS profiles it names, terraform (>= 1.10) and the AWS provider, then
prints the commands that deploy it on this machine (offline too).
  --live   also sign in with every profile (STS GetCallerIdentity), compare with accountId,
           and check the Terraform registry when there is no offline provider mirror
`;

async function main(): Promise<number> {
  const parsed = parseLiveFlag(process.argv.slice(2), USAGE);
  if ('exitCode' in parsed) return parsed.exitCode;
  const { live } = parsed;
  const results = await runDoctor({ env: process.env, live });
  process.stdout.write(formatDoctorReport(results));
  if (!doctorPassed(results)) return 1;
  process.stdout.write(`\n${deployInstructions({ env: process.env }).join('\n')}\n`);
  return 0;
}

runCommand(main);
