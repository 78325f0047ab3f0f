// npm 11's `npm ci` warns about every package with an install script that package.json's allowScripts does not
// cover. docs/troubleshooting.md says why each is harmless here, and the README says so in a line: this keeps
// the list equal to the packages of package-lock.json that have one.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { PROJECT_ROOT } from '../support/docs';

const lock = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { hasInstallScript?: boolean }>;
};
const withScripts = Object.entries(lock.packages)
  // The root ("") is this project itself: its postinstall links the CLI guards.
  .filter(([at, entry]) => at !== '' && entry.hasInstallScript === true)
  .map(([at]) => at.slice(at.lastIndexOf('node_modules/') + 'node_modules/'.length))
  .sort();

test('docs/troubleshooting.md names every package of package-lock.json with an install script, and their number', () => {
  const page = readFileSync(path.join(PROJECT_ROOT, 'docs', 'troubleshooting.md'), 'utf8');
  const entry = page.split(/^- /m).find((item) => item.includes('not yet covered by allowScripts')) ?? '';
  expect(withScripts.length).toBeGreaterThan(0);
  expect(entry).toContain(`${withScripts.length} packages have install scripts`);
  const named = new Set([...entry.matchAll(/`(@?[\w./-]+)`/g)].map((match) => match[1] ?? ''));
  expect(withScripts.filter((name) => !named.has(name))).toEqual([]);
});

test('the README says the warning is harmless, in a line that links the details', () => {
  const readme = readFileSync(path.join(PROJECT_ROOT, 'README.md'), 'utf8').replace(/\s*\n\s*/g, ' ');
  expect(readme).toMatch(
    /npm 11's warning [^.]*allowScripts[^.]* is harmless[^.]*\(\[Troubleshooting\]\(docs\/troubleshooting\.md\)\)/,
  );
});
