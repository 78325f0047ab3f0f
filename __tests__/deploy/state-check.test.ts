// The check of local state files before Terraform runs (src/deploy/state-check.ts): a truncated, corrupted or
// empty file is refused with one message that names it and the .backup Terraform kept, or says there is none;
// a cut-off file of an interrupted first deploy (its .creating marker there) is moved aside instead.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkStateFiles, isCutOff, setAsideCutOffFirstDeploys, stateTextProblem } from '../../src/deploy/state-check';

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
        `or move it aside (mv ${file('state-dev')} ${file('state-dev')}.corrupt), then run npm run synth and npm run recover-state -- state-dev, ` +
        'which imports what the stack has in AWS (see docs/recover-lost-state.md).',
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

describe('isCutOff', () => {
  test('an empty file and JSON that ends early are writes cut off part-way', () => {
    expect(isCutOff('')).toBe(true);
    expect(isCutOff(' \n')).toBe(true);
    expect(isCutOff(VALID.slice(0, 80))).toBe(true);
  });

  test('a whole state, or whole JSON that is not a state, is not cut off', () => {
    expect(isCutOff(VALID)).toBe(false);
    expect(isCutOff('[]')).toBe(false);
  });
});

describe('setAsideCutOffFirstDeploys', () => {
  const stateDir = (): string => path.join(dir, 'state');
  const file = (stack: string): string => path.join(stateDir(), `${stack}.tfstate`);
  const mark = (stack: string): void => {
    writeFileSync(`${file(stack)}.creating`, 'first deploy started 2026-12-06T19:27:55.281Z with: npm run deploy -- state-two\n');
  };
  const now = new Date('2026-12-06T19:30:00.000Z');
  const all = (): boolean => true;

  test('an empty state file of an interrupted first deploy is moved aside with a notice, and the check then passes', () => {
    writeFileSync(file('state-two'), '');
    mark('state-two');
    const aside = `${file('state-two')}.cut-off-2026-12-06T19-30-00.000Z`;
    expect(setAsideCutOffFirstDeploys(stateDir(), all, now)).toEqual([
      `state-two: ${file('state-two')} was empty (0 bytes): its first deploy (state-two.tfstate.creating: first deploy started ` +
        `2026-12-06T19:27:55.281Z with: npm run deploy -- state-two) was killed while Terraform wrote it. Moved it to ${aside}; ` +
        'this deploy resumes that first deploy from what it finds in the account.',
    ]);
    expect(existsSync(file('state-two'))).toBe(false);
    expect(readFileSync(aside, 'utf8')).toBe('');
    expect(existsSync(`${file('state-two')}.creating`)).toBe(true);
    expect(checkStateFiles(stateDir(), all)).toEqual([]);
  });

  test('a state file cut off in the middle is moved aside with its bytes kept', () => {
    writeFileSync(file('state-two'), VALID.slice(0, 80));
    mark('state-two');
    const [notice] = setAsideCutOffFirstDeploys(stateDir(), all, now);
    expect(notice).toContain('was cut off (80 bytes, not valid JSON)');
    expect(readFileSync(`${file('state-two')}.cut-off-2026-12-06T19-30-00.000Z`, 'utf8')).toBe(VALID.slice(0, 80));
  });

  test('without a marker (the stack deployed before) the cut-off file stays where it is, for the check to refuse', () => {
    writeFileSync(file('state-dev'), '');
    expect(setAsideCutOffFirstDeploys(stateDir(), all, now)).toEqual([]);
    expect(readdirSync(stateDir())).toEqual(['state-dev.tfstate']);
    expect(checkStateFiles(stateDir(), all)).toHaveLength(1);
  });

  test('a whole file, a file that is no state, and stacks the deploy does not cover are left alone', () => {
    writeFileSync(file('state-dev'), VALID);
    mark('state-dev');
    writeFileSync(file('state-qa'), '[]');
    mark('state-qa');
    writeFileSync(file('state-two'), '');
    mark('state-two');
    expect(setAsideCutOffFirstDeploys(stateDir(), (stack) => stack !== 'state-two', now)).toEqual([]);
    expect(readdirSync(stateDir()).filter((name) => name.endsWith('.tfstate'))).toEqual([
      'state-dev.tfstate',
      'state-qa.tfstate',
      'state-two.tfstate',
    ]);
  });

  test('a missing state folder has nothing to move', () => {
    expect(setAsideCutOffFirstDeploys(path.join(dir, 'none'), all, now)).toEqual([]);
  });
});
