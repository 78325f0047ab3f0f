import { cdktfCliRuns, cliForNode } from '../cli/node-cli';
import type { CheckResult } from './checks';

/** Node.js majors the project is tested on (`engines` in package.json). */
const SUPPORTED_MAJORS = [20, 22, 24];

/** Which CLI the project's commands run on this Node, and which `npx` command to type by hand. */
export function checkNodeCli(nodeVersion: string = process.versions.node): CheckResult {
  const cli = cliForNode(nodeVersion);
  const name = cli.package === 'cdktn-cli' ? "CDK Terrain's cdktn-cli 0.24" : 'cdktf-cli 0.21';
  const noCdktf = cdktfCliRuns(nodeVersion) ? '' : ' ("npx cdktf" cannot start on this Node)';
  const detail = `Node.js ${nodeVersion}: commands run ${name}; by hand type "${cli.npx} …"${noCdktf}`;
  const major = Number.parseInt(nodeVersion.replace(/^v/, ''), 10);
  if (!SUPPORTED_MAJORS.includes(major)) {
    return { check: 'Node.js', status: 'warn', detail: `${detail}; Node.js ${major} is untested here: use Node.js 24 or 22` };
  }
  return { check: 'Node.js', status: 'ok', detail };
}
