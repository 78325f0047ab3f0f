// Messages and comments in the code send readers to docs/ pages, never to README sections (the README is a
// front page now): every docs/<page>.md they name exists.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { PROJECT_ROOT } from '../support/docs';

function sourceFiles(): string[] {
  const under = (folder: string) =>
    readdirSync(path.join(PROJECT_ROOT, folder), { recursive: true, encoding: 'utf8' })
      .filter((file) => /\.(ts|js|py)$/.test(file))
      .map((file) => path.join(folder, file));
  return ['main.ts', ...under('src'), ...under('scripts'), ...under('stacks')];
}

test('no file of src/, scripts/, stacks/ or main.ts refers to a README section', () => {
  const found = sourceFiles().filter((file) => /README/.test(readFileSync(path.join(PROJECT_ROOT, file), 'utf8')));
  expect(found).toEqual([]);
});

test('every docs page the code names exists', () => {
  const missing = sourceFiles().flatMap((file) =>
    [...readFileSync(path.join(PROJECT_ROOT, file), 'utf8').matchAll(/\bdocs\/([\w-]+\.md)/g)]
      .map((match) => path.join('docs', match[1] ?? ''))
      .filter((page) => !existsSync(path.join(PROJECT_ROOT, page)))
      .map((page) => `${file}: ${page}`),
  );
  expect(missing).toEqual([]);
});
