import * as path from 'node:path';

/** The project root: where cdktf.json and main.ts live. */
export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

/** The project's own cdktf CLI (devDependency `cdktf-cli`), so no global install is needed. */
export function cdktfCliPath(): string {
  return path.join(path.dirname(require.resolve('cdktf-cli/package.json')), 'bundle', 'bin', 'cdktf');
}
