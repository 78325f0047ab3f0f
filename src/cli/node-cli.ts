// Which CDK for Terraform CLI runs on which Node.js. Kept free of cdktf and of the sandbox helpers:
// scripts/cli.js and the `npx cdktf` guard (scripts/cdktf-guard.js) load it before any CLI.
import * as path from 'node:path';

/** Oldest Node.js that CDK Terrain's `cdktn-cli` 0.24 supports (its `engines`). */
export const CDKTN_MIN_NODE = '22.19.0';

/**
 * Newest Node.js major that `cdktf-cli` 0.21 starts on: its `@cdktf/node-pty-prebuilt-multiarch`
 * ships native builds up to ABI 127 (Node 22); Node 23 and later stop with `ERR_DLOPEN_FAILED`.
 */
export const CDKTF_CLI_MAX_NODE_MAJOR = 22;

/** The CLI the project's commands run on a given Node.js. */
export interface CliChoice {
  /** npm package (a devDependency of this project). */
  readonly package: 'cdktn-cli' | 'cdktf-cli';
  /** The CLI's entry script, relative to the package folder; run it with the current Node. */
  readonly entry: string;
  /** What a user types for a plain CLI command on this Node, e.g. `npx cdktn diff`. */
  readonly npx: 'npx cdktn' | 'npx cdktf';
}

const CDKTN: CliChoice = { package: 'cdktn-cli', entry: 'bundle/bin/cdktn.js', npx: 'npx cdktn' };
const CDKTF: CliChoice = { package: 'cdktf-cli', entry: 'bundle/bin/cdktf', npx: 'npx cdktf' };

/**
 * The one place that picks the CLI: CDK Terrain's maintained `cdktn-cli` wherever Node allows it
 * (≥ 22.19; no native module), `cdktf-cli` 0.21 where only it runs (older Node). Both read the same
 * cdktf.json, write the same cdktf.out and pass the same `CDKTF_*` variables to the app.
 */
export function cliForNode(nodeVersion: string = process.versions.node): CliChoice {
  return compareNodeVersions(nodeVersion, CDKTN_MIN_NODE) >= 0 ? CDKTN : CDKTF;
}

/** Absolute path of the chosen CLI's entry script in this project's node_modules. */
export function cliEntryPath(nodeVersion: string = process.versions.node): string {
  const cli = cliForNode(nodeVersion);
  return path.join(path.dirname(require.resolve(`${cli.package}/package.json`)), cli.entry);
}

/** True when `cdktf-cli` 0.21 can start on this Node (its native pseudo-terminal module loads). */
export function cdktfCliRuns(nodeVersion: string = process.versions.node): boolean {
  return parseNodeVersion(nodeVersion)[0] <= CDKTF_CLI_MAX_NODE_MAJOR;
}

/** The one-line refusal of `npx cdktf` on a Node where cdktf-cli 0.21 cannot start. */
export function cdktfCliRefusal(nodeVersion: string = process.versions.node): string {
  return (
    `npx cdktf cannot run on Node.js ${nodeVersion}: cdktf-cli 0.21 has no native pty build for it. ` +
    `Use "npx cdktn …" (CDK Terrain's CLI, same cdktf.json and cdktf.out), or Node.js 22.`
  );
}

function parseNodeVersion(version: string): [number, number, number] {
  const [major = 0, minor = 0, patch = 0] = version
    .replace(/^v/, '')
    .split('.')
    .map((part) => Number.parseInt(part, 10) || 0);
  return [major, minor, patch];
}

function compareNodeVersions(a: string, b: string): number {
  const left = parseNodeVersion(a);
  const right = parseNodeVersion(b);
  for (let i = 0; i < 3; i++) {
    if (left[i] !== right[i]) return (left[i] ?? 0) - (right[i] ?? 0);
  }
  return 0;
}
