// The app's warnings and notes under the real `cdktf synth`: each printed once, at its own level. The
// CLI prints annotations itself, and prints whatever the app writes to stderr again as `[ERROR] default -`.
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { stripAnsi } from '../../src/process/run';
import { runApp, runCdktf } from '../support/run-app';

const INGRESS = 'pipeline-prod/security-group/ingress-tcp-8080-0.0.0.0_0';
/** A suppressed guard finding (open ingress) and a pipeline-state warning (state-prod not deployed). */
const ACCOUNTS = {
  platform: 'acme',
  accounts: { dev: 'acme-dev', prod: 'acme-prod' },
  pipeline: {
    stateBackend: 's3',
    ingress: [{ cidr: '0.0.0.0/0', port: 8080, protocol: 'tcp', description: 'webhooks' }],
  },
  suppressions: [{ rule: 'BA-SG-1', resource: INGRESS, reason: 'webhook receiver behind a WAF' }],
};
const FINDING = `BA-SG-1 ${INGRESS}: ingress from 0.0.0.0/0 on tcp port 8080 is open to the whole internet;`;
const NOTE =
  'pipeline-prod keeps its state in s3://acme-prod-state/bootstrap/pipeline-prod.tfstate, but state-prod is not deployed';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'cli-messages-test-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** The lines of `text` that contain `part`. */
function linesWith(text: string, part: string): string[] {
  return text.split('\n').filter((line) => line.includes(part));
}

test('cdktf synth prints a suppressed finding and a pipeline-state warning once each, as WARN lines, and no [ERROR] line', () => {
  const run = runCdktf(['synth'], ACCOUNTS, dir);
  const output = stripAnsi(`${run.stdout}\n${run.stderr}`);
  if (run.status !== 0) throw new Error(`cdktf synth failed:\n${output}`);
  expect(linesWith(output, FINDING)).toEqual([expect.stringMatching(new RegExp(`^WARN \\[${INGRESS}\\]: BA-SG-1 `))]);
  expect(linesWith(output, NOTE)).toEqual([expect.stringMatching(/^WARN \[pipeline-prod\]: pipeline-prod keeps its state/)]);
  expect(linesWith(output, '[ERROR]')).toEqual([]);
}, 120_000);

test('the app run directly, without the cdktf CLI, prints the same two messages once each as warning lines on stderr', () => {
  const run = runApp(ACCOUNTS, dir);
  if (run.status !== 0) throw new Error(`synth failed:\n${run.stderr}`);
  expect(linesWith(run.stderr, FINDING)).toEqual([expect.stringMatching(/^warning: BA-SG-1 /)]);
  expect(linesWith(run.stderr, NOTE)).toEqual([expect.stringMatching(/^warning: pipeline-prod keeps its state/)]);
  expect(run.stdout).toBe('');
}, 60_000);
