// The shape issue 15 asked for: a README that fits on a few screens, tables that fit a screen, and
// pages that say in their first lines what they are for.
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { markdownFiles, PROJECT_ROOT } from '../support/docs';

const read = (file: string) => readFileSync(path.join(PROJECT_ROOT, file), 'utf8');

test('the README has at most 200 lines', () => {
  expect(read('README.md').split('\n').length).toBeLessThanOrEqual(200);
});

test('no table line in README.md or docs/ is over 160 characters', () => {
  const long = markdownFiles().flatMap((file) =>
    read(file)
      .split('\n')
      .flatMap((line, index) => (line.startsWith('|') && line.length > 160 ? [`${file}:${index + 1} (${line.length})`] : [])),
  );
  expect(long).toEqual([]);
});

test('every page of docs/ starts with its title, then a paragraph saying what it is for', () => {
  const pages = markdownFiles().filter((file) => file.startsWith('docs'));
  const without = pages.filter((file) => !/^# .+\n\n[A-Za-z`[(]/.test(read(file)));
  expect(without).toEqual([]);
});

test('every page of docs/ is linked from the index, docs/README.md', () => {
  const index = read(path.join('docs', 'README.md'));
  const linked = new Set(
    [...index.matchAll(/\]\(([\w./-]+\.md)(?:#[^)]*)?\)/g)].map((match) => path.join('docs', match[1] ?? '')),
  );
  const pages = markdownFiles().filter((file) => file.startsWith('docs') && file !== path.join('docs', 'README.md'));
  expect(pages.filter((file) => !linked.has(file))).toEqual([]);
});

test('every BOOTSTRAP_ environment variable the code reads is documented in docs/environment.md', () => {
  const sources = ['src', 'scripts', 'stacks'].flatMap((dir) =>
    readdirSync(path.join(PROJECT_ROOT, dir), { recursive: true, encoding: 'utf8' })
      .filter((file) => /\.(ts|js|py)$/.test(file))
      .map((file) => readFileSync(path.join(PROJECT_ROOT, dir, file), 'utf8')),
  );
  sources.push(readFileSync(path.join(PROJECT_ROOT, 'main.ts'), 'utf8'));
  // A constant named BOOTSTRAP_… (e.g. BOOTSTRAP_STATE_PREFIX in src/constructs/pipeline-reach.ts) is not a variable.
  const constants = new Set(
    sources.flatMap((source) => [...source.matchAll(/\bconst (BOOTSTRAP_[A-Z_]+)\b/g)].map((match) => match[1])),
  );
  const used = new Set(
    sources
      .flatMap((source) => [...source.matchAll(/\bBOOTSTRAP_[A-Z_]+\b/g)].map((match) => match[0]))
      .filter((name) => !constants.has(name)),
  );
  const reference = readFileSync(path.join(PROJECT_ROOT, 'docs', 'environment.md'), 'utf8');
  expect(used.size).toBeGreaterThan(5);
  expect([...used].filter((name) => !reference.includes(`\`${name}\``)).sort()).toEqual([]);
});
