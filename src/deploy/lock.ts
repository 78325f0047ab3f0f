import { linkSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * What a deploy lock file holds: which process deploys, where, since when and with what command. Written
 * whole (a temp file hard-linked into place), so a reader never sees half of it.
 */
export interface LockHolder {
  readonly pid: number;
  readonly host: string;
  /** ISO time the deploy started. */
  readonly startedAt: string;
  /** The command line, as the user would type it again. */
  readonly command: string;
  /** Folder the command runs in. */
  readonly cwd: string;
  /**
   * Identity of the process beyond its pid (Linux: boot id and start time), so a pid reused after a
   * reboot or by another program does not pass for the holder. @default unknown: the pid alone counts
   */
  readonly processId?: string;
  /**
   * The terraform processes this deploy runs now, each the leader of its own process group: a rerun that finds
   * the deploy gone but one of these alive refuses, naming it (where terraform cannot be tied to the deploy's life).
   */
  readonly children?: readonly LockChild[];
}

/** A terraform process a deploy started: its pid, identity and stack. */
export interface LockChild {
  readonly pid: number;
  readonly stack: string;
  readonly processId?: string;
}

/** Whether a process of this host is alive, and whether it is still the one that took the lock. */
export interface ProcessProbe {
  isAlive(pid: number): boolean;
  /** {@link LockHolder.processId} of a live pid; `undefined` where the platform cannot tell. */
  identity(pid: number): string | undefined;
}

/**
 * The real probe: signal 0 (EPERM is a live process of another user), and /proc on Linux. A zombie (state Z:
 * exited, not yet reaped by its parent, e.g. a killed deploy's child reparented to an init that does not reap)
 * answers signal 0 but is dead.
 */
export const systemProcesses: ProcessProbe = {
  isAlive(pid) {
    try {
      process.kill(pid, 0);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
    }
    return !isZombie(pid);
  },
  identity(pid) {
    try {
      const bootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // Field 22, start time in clock ticks since boot, counted after the ")" that ends the command name.
      const startTime = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
      return startTime === undefined ? undefined : `${bootId}:${startTime}`;
    } catch {
      return undefined;
    }
  },
};

/** True when /proc says `pid` is a zombie; false where there is no /proc or no such process. */
export function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false;
  }
}

/** The outcome of {@link acquireDeployLock}. */
export type LockResult =
  | {
      readonly ok: true;
      /** Removes the lock files this process holds (never one another process took since). */
      readonly release: () => void;
      /** Records the terraform processes running now in the lock files ({@link LockHolder.children}). */
      readonly recordChildren: (children: readonly LockChild[]) => void;
      /** Lines to print: stale locks of dead processes taken over. */
      readonly notices: readonly string[];
    }
  | { readonly ok: false; readonly message: string };

export interface LockOptions {
  /** The lock files: all are taken, or none. */
  readonly files: readonly string[];
  /** What this deploy writes into them. */
  readonly holder: LockHolder;
  /** @default systemProcesses */
  readonly processes?: ProcessProbe;
  /** @default os.hostname() */
  readonly host?: string;
}

/** This process as a lock holder. */
export function currentHolder(command: string, cwd: string, processes: ProcessProbe = systemProcesses): LockHolder {
  const processId = processes.identity(process.pid);
  return {
    pid: process.pid,
    host: os.hostname(),
    startedAt: new Date().toISOString(),
    command,
    cwd,
    ...(processId !== undefined ? { processId } : {}),
  };
}

/**
 * Takes the deploy lock files (the state folder's and the synth output's), so that a second `npm run deploy`
 * neither re-synthesizes the output folder under a running one nor touches its state. A lock left by a
 * process of this host that is gone (killed, laptop closed and rebooted) is taken over with a notice; a lock of
 * another host (a shared or synced folder) never is, since its process cannot be seen from here.
 */
export function acquireDeployLock(options: LockOptions): LockResult {
  const processes = options.processes ?? systemProcesses;
  const host = options.host ?? os.hostname();
  const taken: string[] = [];
  const notices: string[] = [];
  const release = (): void => {
    for (const file of taken.reverse()) {
      const holder = readHolder(file);
      if (holder !== undefined && sameHolder(holder, options.holder)) rmSync(file, { force: true });
    }
  };
  for (const file of options.files) {
    const outcome = takeOne(file, options.holder, processes, host);
    if (outcome.kind === 'refused') {
      release();
      return { ok: false, message: outcome.message };
    }
    taken.push(file);
    if (outcome.notice !== undefined) notices.push(outcome.notice);
  }
  const recordChildren = (children: readonly LockChild[]): void => {
    for (const file of taken) {
      const holder = readHolder(file);
      if (holder === undefined || !sameHolder(holder, options.holder)) continue;
      const temp = `${file}.${process.pid}.tmp`;
      writeFileSync(temp, `${JSON.stringify({ ...options.holder, children }, null, 2)}\n`);
      renameSync(temp, file);
    }
  };
  return { ok: true, release, notices, recordChildren };
}

type TakeOutcome = { readonly kind: 'taken'; readonly notice?: string } | { readonly kind: 'refused'; readonly message: string };

function takeOne(file: string, holder: LockHolder, processes: ProcessProbe, host: string): TakeOutcome {
  mkdirSync(path.dirname(file), { recursive: true });
  if (tryCreate(file, holder)) return { kind: 'taken' };
  const text = readText(file);
  if (text === undefined) return tryCreate(file, holder) ? { kind: 'taken' } : busy(file, undefined);
  const current = parseHolder(text);
  if (current === undefined) {
    return {
      kind: 'refused',
      message:
        `${file} exists but is not a deploy lock this tool wrote (${JSON.stringify(text.slice(0, 60))}); ` +
        `if no "npm run deploy" runs from this folder, remove it (rm ${file}) and deploy again`,
    };
  }
  if (current.host !== host) {
    return {
      kind: 'refused',
      message:
        `another deploy holds ${file}: ${describe(current)}, on host ${current.host} (this is ${host}). ` +
        `A lock of another machine is never taken over: wait for that deploy to finish; if it no longer runs there, ` +
        `remove the lock (rm ${file}) and deploy again`,
    };
  }
  if (isRunning(current, processes)) {
    return {
      kind: 'refused',
      message:
        `another deploy holds ${file}: ${describe(current)}. Wait for it to finish (it removes the lock), or stop it ` +
        `with Ctrl-C in its terminal (kill -INT ${current.pid}); then run your command again`,
    };
  }
  const orphans = (current.children ?? []).filter((child) => isRunning(child, processes));
  if (orphans.length > 0) {
    const named = orphans.map((child) => `pid ${child.pid} (stack ${child.stack})`).join(', ');
    return {
      kind: 'refused',
      message:
        `the deploy that held ${file} is gone (${describe(current)}), but its terraform still runs: ${named}. ` +
        `Stop it gracefully with kill -INT ${orphans.map((child) => child.pid).join(' ')}, wait until it has exited ` +
        `(it saves its state), then run your command again`,
    };
  }
  // The holder is gone. Move its file aside before taking the lock: of two deploys that both saw it stale, only
  // one rename succeeds, and a fresh lock written meanwhile is put back.
  const aside = `${file}.stale-${process.pid}`;
  try {
    renameSync(file, aside);
  } catch {
    return tryCreate(file, holder) ? { kind: 'taken' } : busy(file, readHolder(file));
  }
  if (readText(aside) !== text) {
    try {
      linkSync(aside, file);
    } catch {
      // Someone else holds the lock by now; theirs stays.
    }
    rmSync(aside, { force: true });
    return busy(file, readHolder(file));
  }
  rmSync(aside, { force: true });
  if (!tryCreate(file, holder)) return busy(file, readHolder(file));
  return {
    kind: 'taken',
    notice: `Took over ${file}: the deploy that held it is gone (${describe(current)}; no such process on ${host} now).`,
  };
}

function busy(file: string, holder: LockHolder | undefined): TakeOutcome {
  return {
    kind: 'refused',
    message: `another deploy holds ${file}${holder !== undefined ? `: ${describe(holder)}` : ''}; wait for it to finish, then run your command again`,
  };
}

/** Creates `file` holding `holder` unless it exists; the content appears at once, complete. */
function tryCreate(file: string, holder: LockHolder): boolean {
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(holder, null, 2)}\n`);
  try {
    linkSync(temp, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    rmSync(temp, { force: true });
  }
}

function isRunning(holder: Pick<LockHolder, 'pid' | 'processId'>, processes: ProcessProbe): boolean {
  if (!processes.isAlive(holder.pid)) return false;
  if (holder.processId === undefined) return true;
  const now = processes.identity(holder.pid);
  return now === undefined || now === holder.processId;
}

function describe(holder: LockHolder): string {
  return `pid ${holder.pid}, started ${holder.startedAt}, running "${holder.command}" in ${holder.cwd}`;
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** The holder recorded in `file`; `undefined` when it is missing or not a lock this tool wrote. */
export function readHolder(file: string): LockHolder | undefined {
  const text = readText(file);
  return text === undefined ? undefined : parseHolder(text);
}

function parseHolder(text: string): LockHolder | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockHolder>;
    if (typeof value.pid !== 'number' || typeof value.host !== 'string' || typeof value.command !== 'string') return undefined;
    return {
      pid: value.pid,
      host: value.host,
      startedAt: String(value.startedAt),
      command: value.command,
      cwd: String(value.cwd),
      ...(typeof value.processId === 'string' ? { processId: value.processId } : {}),
      ...(Array.isArray(value.children) ? { children: value.children.filter(isLockChild) } : {}),
    };
  } catch {
    return undefined;
  }
}

function sameHolder(a: LockHolder, b: LockHolder): boolean {
  return a.pid === b.pid && a.host === b.host && a.startedAt === b.startedAt;
}

function isLockChild(value: unknown): value is LockChild {
  const child = value as Partial<LockChild> | null;
  return typeof child === 'object' && child !== null && typeof child.pid === 'number' && typeof child.stack === 'string';
}
