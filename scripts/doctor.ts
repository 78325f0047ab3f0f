// `npm run doctor [-- --live]`: preflight checks before a deploy, printed as a table (src/doctor/).
// Exit code 0 when nothing failed, 1 when a check failed, 2 for a bad command line.
import { parseArgs } from 'node:util';
import { doctorPassed, formatDoctorReport, runDoctor } from '../src/doctor';

const USAGE = `Usage: npm run doctor [-- --live]

Checks accounts.json, the AWS profiles it names, terraform (>= 1.10) and the AWS provider.
  --live   also sign in with every profile (STS GetCallerIdentity), compare with accountId,
           and check the Terraform registry when there is no offline provider mirror
`;

async function main(): Promise<number> {
  let live: boolean;
  try {
    const { values } = parseArgs({
      options: { live: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h' } },
    });
    if (values.help === true) {
      process.stdout.write(USAGE);
      return 0;
    }
    live = values.live;
  } catch (error) {
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    return 2;
  }
  const results = await runDoctor({ env: process.env, live });
  process.stdout.write(formatDoctorReport(results));
  return doctorPassed(results) ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
