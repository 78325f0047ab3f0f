// The progress view of `npm run deploy`, from cdktf output recorded from a real deploy against moto
// (fixtures/cdktf-deploy-output.txt: state-prod deployed, state-dev failed for its missing profile), and
// from CDK Terrain's cdktn-cli 0.24 on Node 24 (fixtures/cdktn-deploy-output.txt: state-prod and state-qa
// deployed, state-dev failed the same way; cdktn then crashed with an unhandled rejection).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  CdktfOutputParser,
  type CliOutputLayout,
  cliOutputLayout,
  DeployProgress,
  deployedStacks,
  duration,
  type StackEvent,
} from '../../src/deploy/progress';

const RECORDED = readFileSync(path.join(__dirname, 'fixtures', 'cdktf-deploy-output.txt'), 'utf8');
const RECORDED_CDKTN = readFileSync(path.join(__dirname, 'fixtures', 'cdktn-deploy-output.txt'), 'utf8');

function parse(chunks: readonly string[], layout: CliOutputLayout = 'cdktf'): StackEvent[] {
  const events: StackEvent[] = [];
  const parser = new CdktfOutputParser((event) => events.push(event), layout);
  for (const chunk of chunks) parser.push(chunk);
  parser.end();
  return events;
}

describe('the cdktn output parser (CDK Terrain: a burst’s later lines are not indented)', () => {
  test('finds which stacks started, deployed and failed in recorded cdktn output', () => {
    const events = parse([RECORDED_CDKTN], 'cdktn');
    expect(events.filter((event) => event.kind !== 'diagnostic' && event.kind !== 'other')).toEqual([
      { kind: 'started', stack: 'state-dev' },
      { kind: 'started', stack: 'state-prod' },
      { kind: 'started', stack: 'state-qa' },
      { kind: 'failed', stack: 'state-dev', error: 'failed to get shared config profile, dply-dev' },
      { kind: 'deployed', stack: 'state-prod', changes: '8 added, 0 changed, 0 destroyed' },
      { kind: 'deployed', stack: 'state-qa', changes: '8 added, 0 changed, 0 destroyed' },
    ]);
  });

  test('keeps the failed stack’s error box and passes no plan line to the terminal', () => {
    const events = parse([RECORDED_CDKTN], 'cdktn');
    const diagnostics = events.filter((event) => event.kind === 'diagnostic');
    expect(diagnostics).toEqual([expect.objectContaining({ stack: 'state-dev' })]);
    expect((diagnostics[0] as { lines: readonly string[] }).lines).toContain(
      '│ Error: failed to get shared config profile, dply-dev',
    );
    expect(events.filter((event) => event.kind === 'other')).toEqual([]);
  });

  test('reads the same events when the output arrives in small chunks', () => {
    const chunks = RECORDED_CDKTN.match(/[\s\S]{1,97}/g) ?? [];
    expect(parse(chunks, 'cdktn')).toEqual(parse([RECORDED_CDKTN], 'cdktn'));
  });

  test('the layout follows the CLI cliForNode picks: cdktn from Node 22.19, cdktf below', () => {
    expect(cliOutputLayout('24.22.3')).toBe('cdktn');
    expect(cliOutputLayout('22.19.0')).toBe('cdktn');
    expect(cliOutputLayout('20.20.2')).toBe('cdktf');
  });
});

describe('the cdktf output parser', () => {
  test('finds which stacks started, deployed and failed in recorded cdktf output', () => {
    const events = parse([RECORDED]);
    expect(events.filter((event) => event.kind !== 'diagnostic' && event.kind !== 'other')).toEqual([
      { kind: 'started', stack: 'state-dev' },
      { kind: 'started', stack: 'state-prod' },
      { kind: 'failed', stack: 'state-dev', error: 'failed to get shared config profile, dply-dev' },
      { kind: 'deployed', stack: 'state-prod', changes: '8 added, 0 changed, 0 destroyed' },
    ]);
  });

  test('keeps the error box of a failed stack and cdktf’s own lines, but not its running count or warnings', () => {
    const events = parse([RECORDED]);
    const diagnostics = events.filter((event) => event.kind === 'diagnostic');
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ stack: 'state-dev' });
    expect((diagnostics[0] as { lines: readonly string[] }).lines).toContain(
      '│ Error: failed to get shared config profile, dply-dev',
    );
    expect(events.filter((event) => event.kind === 'other')).toEqual([
      { kind: 'other', line: 'Invoking Terraform CLI failed with exit code 1' },
    ]);
  });

  test('reads the same events when chunks split lines anywhere, and ignores colours', () => {
    const coloured = RECORDED.replace(/state-prod {2}/g, '\u001b[32mstate-prod\u001b[0m  ');
    const chunks = coloured.match(/[\s\S]{1,7}/g) ?? [];
    expect(parse(chunks)).toEqual(parse([RECORDED]));
  });

  test('calls a stack whose apply changed nothing "no changes"', () => {
    const events = parse([
      'state-qa  Initializing the backend...\n',
      'state-qa  \n          Apply complete! Resources: 0 added, 0 changed, 0 destroyed.\n',
    ]);
    expect(events).toContainEqual({ kind: 'deployed', stack: 'state-qa', changes: 'no changes' });
  });
});

describe('the deploy progress', () => {
  function clock(): { now: () => number; advance: (seconds: number) => void } {
    let time = 0;
    return { now: () => time, advance: (seconds) => (time += seconds * 1000) };
  }

  test('prints one line per finished stack and the count done / running / waiting / failed with the time left', () => {
    const time = clock();
    const progress = new DeployProgress(time.now);
    progress.setStacks(['state-a', 'state-b', 'state-c', 'state-d']);
    progress.apply({ kind: 'started', stack: 'state-a' });
    progress.apply({ kind: 'started', stack: 'state-b' });
    expect(progress.statusLine()).toBe(
      'Progress: 0 done, 2 running, 2 waiting, 0 failed of 4; 0s elapsed, time left not known yet',
    );
    time.advance(65);
    expect(progress.apply({ kind: 'deployed', stack: 'state-a', changes: '8 added, 0 changed, 0 destroyed' })).toEqual([
      'state-a: deployed (8 added, 0 changed, 0 destroyed) in 1m05s',
      'Progress: 1 done, 1 running, 2 waiting, 0 failed of 4; 1m05s elapsed, about 3m15s left',
    ]);
    time.advance(5);
    expect(progress.apply({ kind: 'failed', stack: 'state-b', error: 'failed to get shared config profile, x' })).toEqual([
      'state-b: FAILED: failed to get shared config profile, x in 1m10s',
      'Progress: 1 done, 0 running, 2 waiting, 1 failed of 4; 1m10s elapsed, about 1m10s left',
    ]);
  });

  test('a deploy that fails part-way says which stacks are done and which not, and the command that finishes them', () => {
    const progress = new DeployProgress(clock().now);
    progress.setStacks(['state-a', 'state-b', 'state-c', 'state-d']);
    for (const stack of ['state-a', 'state-b', 'state-c']) progress.apply({ kind: 'started', stack });
    progress.apply({ kind: 'deployed', stack: 'state-a', changes: 'no changes' });
    progress.apply({ kind: 'failed', stack: 'state-b', error: 'boom' });
    expect(progress.summary(1, "npm run deploy -- 'state-*'")).toEqual([
      'Deployed (1): state-a',
      'Failed (1): state-b',
      'Not finished (1): state-c',
      'Not started (1): state-d',
      "Fix the failures, then run the same command to deploy the rest (deployed stacks show no changes): npm run deploy -- 'state-*'",
    ]);
  });

  test('a deploy that succeeds says how many stacks it deployed', () => {
    const time = clock();
    const progress = new DeployProgress(time.now);
    progress.apply({ kind: 'started', stack: 'state-a' });
    time.advance(3725);
    progress.apply({ kind: 'deployed', stack: 'state-a', changes: '8 added, 0 changed, 0 destroyed' });
    expect(progress.summary(0, 'x')).toEqual(['Deployed 1 stack(s) in 1h02m.']);
    expect(duration(45_400)).toBe('45s');
  });

  test("a stack whose end of output cdktf dropped is still counted as deployed when cdktf's exit code says so", () => {
    const time = clock();
    const progress = new DeployProgress(time.now);
    progress.setStacks(['state-a', 'state-b', 'state-c']);
    for (const stack of ['state-a', 'state-b']) progress.apply({ kind: 'started', stack });
    progress.apply({ kind: 'deployed', stack: 'state-a', changes: 'no changes' });
    time.advance(60);
    expect(progress.summary(0, 'x')).toEqual([
      "state-b: deployed (cdktf's output for it was cut short; its exit code says it succeeded)",
      "state-c: deployed (cdktf's output for it was cut short; its exit code says it succeeded)",
      'Progress: 3 done, 0 running, 0 waiting, 0 failed of 3; 1m00s elapsed, about 0s left',
      'Deployed 3 stack(s) in 1m00s.',
    ]);
    expect(progress.stacksIn('deployed')).toEqual(['state-a', 'state-b', 'state-c']);
  });
});

describe('the stacks a deploy covers', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'progress-test-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  test('are the synthesized stacks that match the patterns, read from --output', () => {
    mkdirSync(path.join(dir, 'out'));
    const stacks = { 'state-dev': {}, 'state-prod': {}, 'pipeline-prod': {} };
    writeFileSync(path.join(dir, 'out', 'manifest.json'), JSON.stringify({ stacks }));
    expect(deployedStacks(['deploy', 'state-*', '--parallelism', '2', '--output', 'out'], dir)).toEqual([
      'state-dev',
      'state-prod',
    ]);
    expect(deployedStacks(['deploy', 'pipeline-prod', '--output', 'out'], dir)).toEqual(['pipeline-prod']);
  });

  test('are not known before a synth', () => {
    expect(deployedStacks(['deploy', 'state-*'], dir)).toBeUndefined();
  });
});
