// Every `npm run <script>` the README and docs/ tell a reader to type exists in package.json.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { markdownFiles, missingNpmScripts, PROJECT_ROOT } from '../support/docs';

const { scripts } = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>;
};

test('every npm script the README and docs/ mention exists in package.json', () => {
  expect(missingNpmScripts(PROJECT_ROOT, markdownFiles(), scripts)).toEqual([]);
});

test('the check finds a script that does not exist, also across a line break, and passes the ones that do', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'docs-scripts-'));
  try {
    mkdirSync(path.join(dir, 'docs'));
    writeFileSync(path.join(dir, 'README.md'), 'Run `npm run sandbox`, then `npm test`.\n');
    writeFileSync(path.join(dir, 'docs', 'page.md'), '# Page\n\nFirst `npm run deploy`, then `npm run\nredeploy -- x`.\n');
    expect(missingNpmScripts(dir, markdownFiles(dir), scripts)).toEqual([
      { file: path.join('docs', 'page.md'), line: 3, script: 'redeploy' },
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('every npm script in package.json has its row in the commands reference, docs/commands.md', () => {
  const reference = readFileSync(path.join(PROJECT_ROOT, 'docs', 'commands.md'), 'utf8');
  const documented = new Set([...reference.matchAll(/`npm run ([\w:-]+)/g)].map((match) => match[1]));
  // `npm test` is the README's own command, written without `run`.
  documented.add(reference.includes('`npm test`') ? 'test' : '');
  expect(Object.keys(scripts).filter((script) => !documented.has(script))).toEqual([]);
});
