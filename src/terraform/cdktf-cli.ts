import * as path from 'node:path';
import { cliEntryPath } from '../cli/node-cli';

/** The project root: where cdktf.json and main.ts live. */
export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

/**
 * The project's own CLI entry script, run with this Node (no global install needed): CDK Terrain's
 * `cdktn-cli` where this Node allows it, else `cdktf-cli` 0.21 (see `cliForNode`).
 */
export function cdktfCliPath(nodeVersion: string = process.versions.node): string {
  return cliEntryPath(nodeVersion);
}
