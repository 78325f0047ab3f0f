// The check of local state files before Terraform runs (src/deploy/state-check.ts): a truncated, corrupted or
// empty file is refused with one message that names it and the .backup Terraform kept, or says there is none.
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkStateFiles, stateTextProblem } from '../../src/deploy/state-check';

const VALID = JSON.stringify({
  version: 4,
  terraform_version: '1.11.4',
  serial: 7,
  lineage: '0b8f3c1e-1111-4222-8333-944455556666',
  outputs: {},
  resources: [{ mode: 'managed', type: 'aws_s3_bucket', name: 'b', instances: [] }],
  check_results: null,
});

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'state-check-test-'));
  mkdirSync(path.join(dir, 'state'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('stateTextProblem', () => {
  test('a state Terraform wrote passes, and so does one without resources yet', () => {
    expect(stateTextProblem(VALID)).toBeUndefined();
    expect(stateTextProblem('{"version":4,"serial":1,"lineage":"x"}')).toBeUndefined();
  });

  test('a file cut short is truncated or corrupted', () => {
    expect(stateTextProblem(VALID.slice(0, 80))).toMatch(/^is truncated or corrupted: not valid JSON \(.+, 80 bytes\)$/);
  });

  test('an empty file is refused: Terraform would read it as no state', () => {
    expect(stateTextProblem('')).toBe('is empty (0 bytes): Terraform would take it for no state at all');
    expect(stateTextProblem('\n')).toBe('is empty (1 bytes): Terraform would take it for no state at all');
  });

  test('JSON that is not a state names what is missing', () => {
    expect(stateTextProblem('[]')).toBe('is not a Terraform state: not a JSON object');
    expect(stateTextProblem('{"version":4,"resources":{}}')).toBe(
      'is not a Terraform state: no valid serial, lineage, resources',
    );
  });
});

describe('checkStateFiles', () => {
  const stateDir = (): string => path.join(dir, 'state');
  const file = (stack: string): string => path.join(stateDir(), `${stack}.tfstate`);
  const all = (): boolean => true;

  test('good files and files of stacks not deployed pass', () => {
    writeFileSync(file('state-dev'), VALID);
    writeFileSync(file('state-qa'), '{');
    expect(checkStateFiles(stateDir(), (stack) => stack === 'state-dev')).toEqual([]);
  });

  test('a missing state folder has nothing to check', () => {
    expect(checkStateFiles(path.join(dir, 'none'), all)).toEqual([]);
  });

  test('a corrupted file with a good backup: the message names both and the commands that put the backup back', () => {
    writeFileSync(file('state-dev'), VALID.slice(0, 50));
    writeFileSync(`${file('state-dev')}.backup`, VALID);
    const written = new Date('2026-12-01T10:00:00.000Z');
    utimesSync(`${file('state-dev')}.backup`, written, written);
    const [message, ...more] = checkStateFiles(stateDir(), all);
    expect(more).toEqual([]);
    expect(message?.split('\n')).toEqual([
      expect.stringMatching(
        new RegExp(
          `^${file('state-dev')} is truncated or corrupted: not valid JSON \\(.+\\)\\. Refused before Terraform ran; the file is left as it is\\.$`,
        ),
      ),
      `  Terraform kept ${file('state-dev')}.backup (serial 7, 1 resources, written 2026-12-01T10:00:00.000Z): the state before its last change.`,
      `  To recover: mv ${file('state-dev')} ${file('state-dev')}.corrupt && cp ${file('state-dev')}.backup ${file('state-dev')}, ` +
        'then run npm run deploy -- state-dev again.',
    ]);
  });

  test('without a backup the message says so and what is left to do', () => {
    writeFileSync(file('state-dev'), '');
    expect(checkStateFiles(stateDir(), all)).toEqual([
      `${file('state-dev')} is empty (0 bytes): Terraform would take it for no state at all. Refused before Terraform ran; the file is left as it is.\n` +
        `  Terraform kept no ${file('state-dev')}.backup: restore state-dev.tfstate from your own copy of ${stateDir()}, ` +
        `or move it aside (mv ${file('state-dev')} ${file('state-dev')}.corrupt) and take the state bucket over with "adopt": true (see "Adopt an existing bucket").`,
    ]);
  });

  test('a backup that is bad as well is named as such', () => {
    writeFileSync(file('state-dev'), '{"ver');
    writeFileSync(`${file('state-dev')}.backup`, '');
    expect(checkStateFiles(stateDir(), all)[0]).toContain(
      `  Terraform's ${file('state-dev')}.backup is empty (0 bytes): Terraform would take it for no state at all as well: restore`,
    );
  });
});
