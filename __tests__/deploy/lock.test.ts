// The deploy lock (src/deploy/lock.ts): a second `npm run deploy` is refused while the first runs, a lock
// left by a process of this host that is gone is taken over with a notice, another host's never is.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import {
  acquireDeployLock,
  isZombie,
  type LockHolder,
  type ProcessProbe,
  readHolder,
  systemProcesses,
} from '../../src/deploy/lock';

let dir: string;
let files: string[];
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'deploy-lock-test-'));
  files = [path.join(dir, 'terraform-state', 'deploy.lock'), path.join(dir, 'cdktf.out.deploy.lock')];
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const HOST = 'laptop';
// The holder's folder, only ever printed.
const CWD = path.join(os.tmpdir(), 'alice', 'bootstrap');

function holder(pid: number, extra: Partial<LockHolder> = {}): LockHolder {
  return {
    pid,
    host: HOST,
    startedAt: '2026-12-02T01:00:00.000Z',
    command: "npm run deploy -- 'state-*'",
    cwd: CWD,
    processId: `boot:${pid}`,
    ...extra,
  };
}

/** Processes of this host: `alive` pids, each with the identity `boot:<pid>` unless `identities` says otherwise. */
function processes(alive: readonly number[], identities: Record<number, string> = {}): ProcessProbe {
  return {
    isAlive: (pid) => alive.includes(pid),
    identity: (pid) => identities[pid] ?? `boot:${pid}`,
  };
}

function lockWith(file: string, content: LockHolder | string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
}

test('a free lock is taken: both files name this deploy, and release removes them', () => {
  const result = acquireDeployLock({ files, holder: holder(100), processes: processes([100]), host: HOST });
  expect(result.ok).toBe(true);
  if (!result.ok) return;
  expect(result.notices).toEqual([]);
  for (const file of files) expect(readHolder(file)).toEqual(holder(100));
  result.release();
  for (const file of files) expect(existsSync(file)).toBe(false);
});

test('a second deploy is refused while the first runs, naming its process and what to do', () => {
  const first = acquireDeployLock({ files, holder: holder(100), processes: processes([100, 200]), host: HOST });
  expect(first.ok).toBe(true);
  const second = acquireDeployLock({ files, holder: holder(200), processes: processes([100, 200]), host: HOST });
  expect(second).toEqual({
    ok: false,
    message:
      `another deploy holds ${files[0]}: pid 100, started 2026-12-02T01:00:00.000Z, running "npm run deploy -- 'state-*'" ` +
      `in ${CWD}. Wait for it to finish (it removes the lock), or stop it with Ctrl-C in its terminal ` +
      '(kill -INT 100); then run your command again',
  });
  // The first deploy's locks are untouched.
  for (const file of files) expect(readHolder(file)?.pid).toBe(100);
});

test('a refusal on the second file gives back the first one', () => {
  lockWith(files[1] as string, holder(100));
  const result = acquireDeployLock({ files, holder: holder(200), processes: processes([100, 200]), host: HOST });
  expect(result.ok).toBe(false);
  expect(existsSync(files[0] as string)).toBe(false);
  expect(readHolder(files[1] as string)?.pid).toBe(100);
});

test('a lock of a process gone from this host is taken over, with a notice', () => {
  const stale = holder(100);
  lockWith(files[0] as string, stale);
  const result = acquireDeployLock({ files, holder: holder(200), processes: processes([200]), host: HOST });
  expect(result.ok).toBe(true);
  if (!result.ok) return;
  expect(result.notices).toEqual([
    `Took over ${files[0]}: the deploy that held it is gone (pid 100, started 2026-12-02T01:00:00.000Z, ` +
      `running "npm run deploy -- 'state-*'" in ${CWD}; no such process on laptop now).`,
  ]);
  expect(readHolder(files[0] as string)?.pid).toBe(200);
});

test('a pid reused by another process (after a reboot) does not keep a lock alive', () => {
  lockWith(files[0] as string, holder(100));
  const result = acquireDeployLock({
    files,
    holder: holder(200),
    processes: processes([100, 200], { 100: 'other-boot:100' }),
    host: HOST,
  });
  expect(result.ok).toBe(true);
});

test('a lock of another host is never taken over, and the message says how to remove it', () => {
  lockWith(files[0] as string, holder(100, { host: 'desktop' }));
  const result = acquireDeployLock({ files, holder: holder(200), processes: processes([200]), host: HOST });
  expect(result).toEqual({
    ok: false,
    message:
      `another deploy holds ${files[0]}: pid 100, started 2026-12-02T01:00:00.000Z, running "npm run deploy -- 'state-*'" ` +
      `in ${CWD}, on host desktop (this is laptop). A lock of another machine is never taken over: ` +
      `wait for that deploy to finish; if it no longer runs there, remove the lock (rm ${files[0]}) and deploy again`,
  });
  expect(readHolder(files[0] as string)?.host).toBe('desktop');
});

test('a file that is not a lock of this tool is refused, not overwritten', () => {
  lockWith(files[0] as string, 'garbage');
  const result = acquireDeployLock({ files, holder: holder(200), processes: processes([200]), host: HOST });
  expect(result.ok).toBe(false);
  if (result.ok) return;
  expect(result.message).toBe(
    `${files[0]} exists but is not a deploy lock this tool wrote ("garbage"); if no "npm run deploy" runs from this folder, ` +
      `remove it (rm ${files[0]}) and deploy again`,
  );
  expect(readFileSync(files[0] as string, 'utf8')).toBe('garbage');
});

test('release leaves a lock that another deploy took over in the meantime', () => {
  const result = acquireDeployLock({ files, holder: holder(100), processes: processes([100]), host: HOST });
  if (!result.ok) throw new Error(result.message);
  lockWith(files[0] as string, holder(300));
  result.release();
  expect(readHolder(files[0] as string)?.pid).toBe(300);
  expect(existsSync(files[1] as string)).toBe(false);
});

test('with the real process table: this test process holds a lock that a second taker cannot get', () => {
  const me: LockHolder = {
    pid: process.pid,
    host: os.hostname(),
    startedAt: 'now',
    command: 'npm run deploy -- state-dev',
    cwd: dir,
  };
  const first = acquireDeployLock({ files, holder: me });
  expect(first.ok).toBe(true);
  const second = acquireDeployLock({ files, holder: { ...me, pid: process.pid + 1, startedAt: 'later' } });
  expect(second.ok).toBe(false);
  if (first.ok) first.release();
});

test('the terraform processes a deploy records stay in its lock files, and a rerun after the deploy died names those alive', () => {
  const first = acquireDeployLock({ files, holder: holder(100), processes: processes([100]), host: HOST });
  if (!first.ok) throw new Error('the first deploy did not get the lock');
  first.recordChildren([
    { pid: 300, stack: 'state-dev', processId: 'boot:300' },
    { pid: 301, stack: 'state-qa', processId: 'boot:301' },
  ]);
  for (const file of files)
    expect(readHolder(file)?.children).toEqual([
      { pid: 300, stack: 'state-dev', processId: 'boot:300' },
      { pid: 301, stack: 'state-qa', processId: 'boot:301' },
    ]);
  // The deploy was killed; terraform 300 still runs, 301 has exited.
  const rerun = acquireDeployLock({ files, holder: holder(200), processes: processes([200, 300]), host: HOST });
  expect(rerun).toEqual({
    ok: false,
    message:
      `the deploy that held ${files[0]} is gone (pid 100, started 2026-12-02T01:00:00.000Z, running "npm run deploy -- 'state-*'" ` +
      `in ${CWD}), but its terraform still runs: pid 300 (stack state-dev). Stop it gracefully with kill -INT 300, wait until it ` +
      'has exited (it saves its state), then run your command again',
  });
  // Once it has exited, the lock is taken over as usual.
  const later = acquireDeployLock({ files, holder: holder(200), processes: processes([200]), host: HOST });
  expect(later.ok).toBe(true);
});

test('a zombie (exited, not reaped) is not alive to the real probe', () => {
  // A child that has exited and that this process has not waited for yet is a zombie.
  const zombie = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
  const pid = zombie.pid ?? 0;
  // Wait until it has exited: node reaps it only once the event loop turns, which a busy wait does not allow.
  const deadline = Date.now() + 10_000;
  while (!isZombie(pid) && Date.now() < deadline) {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
  }
  expect(isZombie(pid)).toBe(true);
  expect(systemProcesses.isAlive(pid)).toBe(false);
  expect(systemProcesses.isAlive(process.pid)).toBe(true);
});
