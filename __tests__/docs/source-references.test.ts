// Messages and comments in the code send readers to docs/ pages, never to README sections (the README is a
// front page now).
import { readdirSync, readFileSync } from 'node:fs';
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
