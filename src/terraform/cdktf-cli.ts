import * as path from 'node:path';

/** The project root: where cdktf.json and main.ts live. */
export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');
