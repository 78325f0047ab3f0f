import { spawn, type ChildProcess } from 'node:child_process';
import { BusyStacks } from '../../src/deploy/busy-stacks';
import type { ProcReader } from '../../src/process/proc';
import { statLine } from '../support/proc-stat';

/** A /proc whose processes and CPU the test sets; `now` is the test's clock. */
function fakeProc(): {
  reader: ProcReader;
  set: (pid: number, pgrp: number, ticks: number, childTicks?: number) => void;
  exit: (pid: number) => void;
} {
  const stats = new Map<number, string>();
  return {
    reader: {
      pids: () => [...stats.keys()],
      stat: (pid) => stats.get(pid),
      smapsRollup: () => undefined,
      cwd: () => undefined,
    },
    set: (pid, pgrp, ticks, childTicks = 0) => stats.set(pid, statLine(pid, 'terraform', 1, 0, childTicks, 0, ticks, 0, pgrp)),
    exit: (pid) => stats.delete(pid),
  };
}

describe('which stacks use CPU', () => {
  let clock = 0;
  const now = (): number => clock;

  test('a stack counts as busy from its start until a second in which it used under 2 % of a core', () => {
    const proc = fakeProc();
    const busy = new BusyStacks({ reader: proc.reader, ticksPerSecond: 100, now });
    proc.set(100, 100, 0);
    busy.setProcess('state-a', 100);
    expect(busy.busy).toBe(1);
    clock += 1000;
    busy.sample(); // First seen: not measured over a whole interval yet.
    expect(busy.busy).toBe(1);
    proc.set(100, 100, 50);
    clock += 1000;
    busy.sample();
    expect(busy.busy).toBe(1);
    proc.set(100, 100, 51); // 1 tick in a second: 1 % of a core, its wait.
    clock += 1000;
    busy.sample();
    expect(busy.busy).toBe(0);
    proc.set(100, 100, 61); // 10 ticks: at work again.
    clock += 1000;
    busy.sample();
    expect(busy.busy).toBe(1);
  });

  test('the CPU of the provider processes in the stack’s process group counts, and of no other group', () => {
    const proc = fakeProc();
    const busy = new BusyStacks({ reader: proc.reader, ticksPerSecond: 100, now });
    proc.set(200, 200, 0);
    proc.set(201, 200, 0); // its provider
    proc.set(300, 300, 0); // another stack's terraform
    busy.setProcess('state-a', 200);
    busy.setProcess('state-b', 300);
    clock += 1000;
    busy.sample();
    proc.set(201, 200, 80);
    clock += 1000;
    busy.sample();
    expect(busy.busy).toBe(1);
    busy.remove('state-a');
    expect(busy.busy).toBe(0);
  });

  test('a provider process that exits moves its CPU into terraform’s figure, which is no new work', () => {
    const proc = fakeProc();
    const busy = new BusyStacks({ reader: proc.reader, ticksPerSecond: 100, now });
    proc.set(400, 400, 10);
    proc.set(401, 400, 500);
    busy.setProcess('state-a', 400);
    clock += 1000;
    busy.sample();
    proc.exit(401);
    proc.set(400, 400, 10, 500);
    clock += 1000;
    busy.sample();
    expect(busy.busy).toBe(0);
  });

  test('between init and apply the stack keeps its last figure, and apply’s new terraform counts as busy', () => {
    const proc = fakeProc();
    const busy = new BusyStacks({ reader: proc.reader, ticksPerSecond: 100, now });
    proc.set(500, 500, 0);
    busy.setProcess('state-a', 500);
    clock += 1000;
    busy.sample();
    clock += 1000;
    busy.sample();
    expect(busy.busy).toBe(0);
    proc.exit(500);
    clock += 1000;
    busy.sample();
    expect(busy.busy).toBe(0);
    busy.setProcess('state-a', 501);
    expect(busy.busy).toBe(1);
  });
});

describe('on this machine’s /proc', () => {
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const child of children.splice(0)) if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
  });

  test('a process group that spins is busy and one that sleeps is not', async () => {
    const busy = BusyStacks.create();
    // The deploy tests and CI run on Linux: /proc must be there.
    expect(busy).toBeDefined();
    // Each child says when Node has started, so that its start-up is not measured as the sleeper's work.
    const start = async (code: string): Promise<ChildProcess> => {
      const child = spawn(process.execPath, ['-e', `process.stdout.write('ready\\n'); ${code}`], {
        detached: true,
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      children.push(child);
      await new Promise((resolve) => child.stdout.once('data', resolve));
      return child;
    };
    const spinner = await start('const end = Date.now() + 60000; while (Date.now() < end) {}');
    const sleeper = await start('setTimeout(() => {}, 60000)');
    busy?.setProcess('state-spin', spinner.pid as number);
    busy?.setProcess('state-sleep', sleeper.pid as number);
    const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 1100));
    for (let i = 0; i < 2; i++) {
      await tick();
      busy?.sample();
    }
    expect(busy?.busy).toBe(1);
    busy?.remove('state-spin');
    expect(busy?.busy).toBe(0);
  }, 20_000);
});
