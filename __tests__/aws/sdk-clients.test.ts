// Every AWS SDK client the project creates (src/, scripts/, stacks/, main.ts) takes its retry settings from
// src/aws/retry.ts: a client built without them would fail on the first throttled or 5xx answer.
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

interface ClientSite {
  readonly file: string;
  readonly line: number;
  readonly client: string;
  /** The source text between the constructor's parentheses. */
  readonly arguments: string;
}

/** Every `new <Name>Client(...)` in `text`, with its argument text (parentheses balanced). */
function clientConstructions(file: string, text: string): ClientSite[] {
  const sites: ClientSite[] = [];
  for (const match of text.matchAll(/new (\w+Client)\(/g)) {
    const start = match.index + match[0].length;
    let depth = 1;
    let end = start;
    while (end < text.length && depth > 0) {
      const char = text[end];
      if (char === '(') depth++;
      else if (char === ')') depth--;
      end++;
    }
    const line = text.slice(0, match.index).split('\n').length;
    sites.push({ file, line, client: match[1] ?? '', arguments: text.slice(start, end - 1) });
  }
  return sites;
}

const root = path.resolve(__dirname, '..', '..');

function sources(dir: string): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.(ts|js)$/.test(entry.name))
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)));
}

const files = [...sources('src'), ...sources('scripts'), ...sources('stacks'), 'main.ts'];

test('the scan finds the clients of the status, Organizations and existing-bucket code', () => {
  const found = files.flatMap((file) => clientConstructions(file, readFileSync(path.join(root, file), 'utf8')));
  const where = new Set(found.map((site) => site.file));
  expect([...where]).toEqual(
    expect.arrayContaining([
      'src/status/live.ts',
      'src/organizations/list-accounts.ts',
      'scripts/check-existing-state-bucket.ts',
    ]),
  );
  expect(found.length).toBeGreaterThanOrEqual(10);
});

test('no AWS SDK client of the project is created without the retry settings of src/aws/retry.ts', () => {
  const missing = files
    .flatMap((file) => clientConstructions(file, readFileSync(path.join(root, file), 'utf8')))
    .filter((site) => !site.arguments.includes('retryOptions('))
    .map((site) => `${site.file}:${site.line}: new ${site.client}(...) without ...retryOptions(env)`);
  expect(missing).toEqual([]);
});

test('the scan flags a client built without the settings, and accepts one built with them', () => {
  const bad = clientConstructions('x.ts', 'const s3 = new S3Client({\n  region,\n  maxAttempts: 2,\n});\n');
  expect(bad).toEqual([{ file: 'x.ts', line: 1, client: 'S3Client', arguments: '{\n  region,\n  maxAttempts: 2,\n}' }]);
  const good = clientConstructions('y.ts', 'new KMSClient({ region, ...retryOptions(env, f(1)) }); new Other();');
  expect(good.map((site) => site.arguments.includes('retryOptions('))).toEqual([true]);
});
