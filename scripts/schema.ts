// `npm run schema [-- --check] [file]`: writes accounts.schema.json, the JSON Schema editors use for
// accounts.json, from the validator's zod schema (src/config/json-schema.ts). With --check it writes nothing
// and exits 1 with a one-line fix when the file is missing or stale (CI: __tests__/config/json-schema.test.ts).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { JSON_SCHEMA_FILE, renderAccountsJsonSchema } from '../src/config/json-schema';

const USAGE = `Usage: npm run schema [-- --check] [file]

Writes ${JSON_SCHEMA_FILE} (or the file named) from src/config/schema.ts.
  --check   write nothing; exit 1 if the file is missing or differs from what would be written
`;

function main(args: readonly string[]): number {
  const check = args.includes('--check');
  const rest = args.filter((arg) => arg !== '--check');
  if (rest.some((arg) => arg.startsWith('-')) || rest.length > 1) {
    process.stderr.write(USAGE);
    return 2;
  }
  const file = rest[0] ?? path.join(__dirname, '..', JSON_SCHEMA_FILE);
  const shown = path.relative(process.cwd(), file) || file;
  const fix = rest[0] === undefined ? 'npm run schema' : `npm run schema -- ${rest[0]}`;
  const text = renderAccountsJsonSchema();
  if (check) {
    const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
    if (current === text) return 0;
    const what = current === undefined ? 'is missing' : 'is stale: it differs from src/config/schema.ts';
    process.stderr.write(`error: ${shown} ${what}; run "${fix}" and commit the file\n`);
    return 1;
  }
  fs.writeFileSync(file, text);
  process.stdout.write(`wrote ${shown}\n`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
