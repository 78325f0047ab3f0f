// The progress view of `npm run deploy`: told what terraform did (start, exit status, change summary), it prints a
// line when a stack starts, one when it finishes, the count done / running / waiting / failed, and the summary.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DeployProgress, duration, manifestStacks, synthOutdir } from '../../src/deploy/progress';

function clock(): { now: () => number; advance: (seconds: number) => void } {
  let time = 0;
  return { now: () => time, advance: (seconds) => (time += seconds * 1000) };
}

describe('the deploy progress', () => {
  test('prints a line when a stack starts, one when it finishes, and the count done / running / waiting / failed', () => {
    const time = clock();
    const progress = new DeployProgress(['state-a', 'state-b', 'state-c', 'state-d'], time.now);
    expect(progress.start('state-a')).toEqual(['state-a: deploying']);
    progress.start('state-b');
    expect(progress.statusLine()).toBe('Progress: 0 done, 2 running, 2 waiting, 0 failed of 4; 0s elapsed');
    time.advance(65);
    expect(progress.finish('state-a', { deployed: true, changes: '8 added, 0 changed, 0 destroyed' })).toEqual([
      'state-a: deployed (8 added, 0 changed, 0 destroyed) in 1m05s',
      'Progress: 1 done, 1 running, 2 waiting, 0 failed of 4; 1m05s elapsed',
    ]);
    time.advance(5);
    expect(progress.finish('state-b', { deployed: false, error: 'failed to get shared config profile, x' })).toEqual([
      'state-b: FAILED: failed to get shared config profile, x in 1m10s',
      'Progress: 1 done, 0 running, 2 waiting, 1 failed of 4; 1m10s elapsed',
    ]);
  });

  test('a deploy with failures lists the stacks deployed and failed in deploy order, and the command that finishes them', () => {
    const progress = new DeployProgress(['state-a', 'state-b', 'state-c'], clock().now);
    for (const stack of ['state-c', 'state-b', 'state-a']) progress.start(stack);
    progress.finish('state-c', { deployed: true, changes: 'no changes' });
    progress.finish('state-b', { deployed: false, error: 'boom' });
    progress.finish('state-a', { deployed: true, changes: 'no changes' });
    expect(progress.summary("npm run deploy -- 'state-*'")).toEqual([
      'Deployed (2): state-a, state-c',
      'Failed (1): state-b',
      "Fix the failures, then run the same command to deploy the rest (deployed stacks show no changes): npm run deploy -- 'state-*'",
    ]);
  });

  test('after Ctrl-C the stacks stopped mid-apply and those never started are not finished', () => {
    const progress = new DeployProgress(['state-a', 'state-b', 'state-c', 'state-d'], clock().now);
    for (const stack of ['state-a', 'state-b', 'state-c']) progress.start(stack);
    progress.finish('state-a', { deployed: true, changes: 'no changes' });
    progress.finish('state-b', { deployed: false, error: 'boom' });
    progress.stopAll();
    expect(progress.summary('x').slice(0, -1)).toEqual([
      'Deployed (1): state-a',
      'Failed (1): state-b',
      'Not finished (2): state-c, state-d',
    ]);
  });

  test('a deploy that succeeds says how many stacks it deployed, whatever their names', () => {
    const time = clock();
    const progress = new DeployProgress(['access-dev', 'access-qa'], time.now);
    for (const stack of ['access-dev', 'access-qa']) progress.start(stack);
    time.advance(3725);
    for (const stack of ['access-dev', 'access-qa']) progress.finish(stack, { deployed: true, changes: 'no changes' });
    expect(progress.summary('x')).toEqual(['Deployed 2 stack(s) in 1h02m.']);
    expect(duration(45_400)).toBe('45s');
  });

  test('the count never estimates time left, so nothing grows while stacks wait', () => {
    const time = clock();
    const progress = new DeployProgress(['state-a', 'state-b'], time.now);
    progress.start('state-a');
    time.advance(600);
    expect(progress.statusLine()).toBe('Progress: 0 done, 1 running, 1 waiting, 0 failed of 2; 10m00s elapsed');
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

  test('are the synthesized stacks that match the patterns, in manifest order, read from --output', () => {
    mkdirSync(path.join(dir, 'out'));
    const stacks = { 'state-prod': {}, 'state-dev': {}, 'pipeline-prod': {}, 'access-dev': {} };
    writeFileSync(path.join(dir, 'out', 'manifest.json'), JSON.stringify({ stacks }));
    const outdir = synthOutdir('out', dir);
    expect(manifestStacks(outdir, ['state-*'])).toEqual(['state-prod', 'state-dev']);
    expect(manifestStacks(outdir, ['access-dev', 'pipeline-prod'])).toEqual(['pipeline-prod', 'access-dev']);
  });

  test('are not known before a synth', () => {
    expect(manifestStacks(synthOutdir(undefined, dir), ['state-*'])).toBeUndefined();
  });

  test('the output folder is --output, else cdktf.json’s output, else cdktf.out', () => {
    expect(synthOutdir(undefined, dir)).toBe(path.join(dir, 'cdktf.out'));
    writeFileSync(path.join(dir, 'cdktf.json'), JSON.stringify({ output: 'synth' }));
    expect(synthOutdir(undefined, dir)).toBe(path.join(dir, 'synth'));
    expect(synthOutdir('/elsewhere', dir)).toBe('/elsewhere');
  });
});
