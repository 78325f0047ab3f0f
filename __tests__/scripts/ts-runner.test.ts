// scripts/ts-runner.js, the app runner of cdktf.json: it caches transpiled files, so it must never
// run a stale copy of a file that changed, and must keep line numbers for stack traces.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

const RUNNER = path.resolve(__dirname, '..', '..', 'scripts', 'ts-runner.js');

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'ts-runner-test-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function run(file: string): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['--require', RUNNER, file], { encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('ts-runner', () => {
  test('runs TypeScript with imports between files', () => {
    writeFileSync(
      path.join(dir, 'lib.ts'),
      'export interface Shape { sides: number }\nexport const square: Shape = { sides: 4 };\n',
    );
    writeFileSync(
      path.join(dir, 'main.ts'),
      "import { square, type Shape } from './lib';\nconst s: Shape = square;\nconsole.log(s.sides);\n",
    );
    expect(run(path.join(dir, 'main.ts'))).toMatchObject({ status: 0, stdout: '4\n' });
  });

  test('a changed file runs as changed, never from a stale cache entry', () => {
    const file = path.join(dir, 'main.ts');
    writeFileSync(file, 'const n: number = 1;\nconsole.log(n);\n');
    expect(run(file).stdout).toBe('1\n');
    expect(run(file).stdout).toBe('1\n');
    writeFileSync(file, 'const n: number = 2;\nconsole.log(n);\n');
    expect(run(file).stdout).toBe('2\n');
  });

  test('stack traces point at the line of the TypeScript source, cached or not', () => {
    const file = path.join(dir, 'main.ts');
    writeFileSync(file, 'interface A {\n  a: string;\n}\n\nthrow new Error("boom");\n');
    for (const attempt of [1, 2]) {
      const { status, stderr } = run(file);
      expect({ attempt, status }).toEqual({ attempt, status: 1 });
      expect(stderr).toContain(`${file}:5`);
    }
  });

  test("drops Node 24's deprecation of util.isArray, which cdktf 0.21 calls on every synth, and prints every other warning", () => {
    const file = path.join(dir, 'main.ts');
    writeFileSync(
      file,
      [
        "import { isArray } from 'node:util';",
        'isArray([]);',
        "process.emitWarning('util.isArray', { type: 'DeprecationWarning', code: 'DEP0044' });",
        "process.emitWarning('another deprecation', 'DeprecationWarning', 'DEP0005');",
        "process.emitWarning('a plain warning');",
      ].join('\n'),
    );
    const { status, stderr } = run(file);
    expect(status).toBe(0);
    expect(stderr).not.toContain('DEP0044');
    expect(stderr).toContain('[DEP0005] DeprecationWarning: another deprecation');
    expect(stderr).toContain('Warning: a plain warning');
  });
});
