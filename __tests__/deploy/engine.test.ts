// The deploy engine's scheduling with a fake terraform (fixtures/fake-terraform.js, mode `hold`: each stack's
// apply finishes when the test releases it) and a stand-in for /proc's view of which stacks use CPU, so that
// when a stack starts is decided by the test, not by how busy the machine is.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { BusySource } from '../../src/deploy/busy-stacks';
import { StackRunner, type StackRunOptions } from '../../src/deploy/engine';
import type { StackApplyResult } from '../../src/terraform/stack-apply';

const FAKE_TERRAFORM = path.join(__dirname, 'fixtures', 'fake-terraform.js');
const STACKS = ['state-a', 'state-b', 'state-c'];

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'engine-test-'));
  for (const stack of STACKS) mkdirSync(path.join(dir, 'out', 'stacks', stack), { recursive: true });
});
afterEach(() => {
  // Lets any fake terraform still waiting finish.
  for (const stack of STACKS) writeFileSync(path.join(dir, `release-${stack}`), '');
  rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
});

/** Busy until the test says a stack entered its wait. */
class FakeBusy implements BusySource {
  readonly started = new Set<string>();
  readonly idle = new Set<string>();
  samples = 0;
  get busy(): number {
    return [...this.started].filter((stack) => !this.idle.has(stack)).length;
  }
  setProcess(stack: string): void {
    this.started.add(stack);
  }
  remove(stack: string): void {
    this.started.delete(stack);
  }
  sample(): void {
    this.samples++;
  }
}

function runner(options: Partial<StackRunOptions>): {
  runner: StackRunner;
  started: string[];
  done: Promise<Map<string, StackApplyResult>>;
} {
  const started: string[] = [];
  const stackRunner = new StackRunner({
    stacks: STACKS,
    outdir: path.join(dir, 'out'),
    env: { PATH: process.env.PATH, FAKE_MODE: 'hold', FAKE_DIR: dir },
    parallelism: 3,
    terraform: FAKE_TERRAFORM,
    setpriv: null,
    sampleIntervalMs: 20,
    onStart: (stack) => started.push(stack),
    ...options,
  });
  return { runner: stackRunner, started, done: stackRunner.run() };
}

function release(stack: string): void {
  writeFileSync(path.join(dir, `release-${stack}`), '');
}
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

test('a further stack starts when a running one enters its wait, not only when one finishes', async () => {
  const busy = new FakeBusy();
  const run = runner({ busyLimit: 1, busyStacks: busy });
  await waitFor(() => busy.samples >= 10, 'ten samples');
  // One stack uses CPU, and the limit is one: the others wait, though memory would allow three.
  expect(run.started).toEqual(['state-a']);
  busy.idle.add('state-a');
  await waitFor(() => run.started.length === 2, 'the second stack');
  expect(run.started).toEqual(['state-a', 'state-b']);
  const samples = busy.samples;
  await waitFor(() => busy.samples >= samples + 10, 'ten more samples');
  expect(run.started).toEqual(['state-a', 'state-b']);
  busy.idle.add('state-b');
  await waitFor(() => run.started.length === 3, 'the third stack');
  for (const stack of STACKS) release(stack);
  const results = await run.done;
  expect([...results.values()].map((result) => result.outcome)).toEqual(['deployed', 'deployed', 'deployed']);
}, 30_000);

test('the memory bound holds however idle the stacks are: a stack starts as another finishes', async () => {
  const busy = new FakeBusy();
  const run = runner({ parallelism: 1, busyLimit: 4, busyStacks: busy });
  for (const stack of STACKS) busy.idle.add(stack);
  await waitFor(() => busy.samples >= 10, 'ten samples');
  expect(run.started).toEqual(['state-a']);
  release('state-a');
  await waitFor(() => run.started.length === 2, 'the second stack');
  await waitFor(() => busy.samples >= 20, 'ten more samples');
  expect(run.started).toEqual(['state-a', 'state-b']);
  release('state-b');
  release('state-c');
  expect((await run.done).size).toBe(3);
}, 30_000);

test('without a busy limit every stack the memory bound allows starts at once and nothing is sampled', async () => {
  const busy = new FakeBusy();
  const run = runner({ busyStacks: busy });
  await waitFor(() => run.started.length === 3, 'three stacks');
  for (const stack of STACKS) release(stack);
  expect((await run.done).size).toBe(3);
  expect(busy.samples).toBe(0);
}, 30_000);

test('after an interrupt no stack starts, even when the running one enters its wait', async () => {
  const busy = new FakeBusy();
  const run = runner({ busyLimit: 1, busyStacks: busy });
  await waitFor(() => busy.started.has('state-a'), 'the first terraform');
  expect(run.runner.interrupt('SIGINT')).toBe('stop');
  busy.idle.add('state-a');
  // The fake terraform ends on SIGINT; the other stacks never start.
  const results = await run.done;
  expect(run.started).toEqual(['state-a']);
  expect([...results.keys()]).toEqual(['state-a']);
  expect(results.get('state-a')?.outcome).toBe('stopped');
}, 30_000);
