import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Live (not yet exited) child processes of `pid`. */
export type ChildLister = (pid: number) => number[];

/** The live children of `pid`, from /proc on Linux, else from `ps` (macOS). */
export const childPids: ChildLister = (pid) => {
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((entry) => /^\d+$/.test(entry));
  } catch {
    return psChildren(pid);
  }
  const children: number[] = [];
  for (const entry of entries) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so read after the last ")".
    const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(ppid) === pid && state !== 'Z') children.push(Number(entry));
  }
  return children;
};

function psChildren(pid: number): number[] {
  try {
    return execFileSync('ps', ['-A', '-o', 'pid=,ppid=,stat='], { encoding: 'utf8' })
      .split('\n')
      .map((line) => line.trim().split(/\s+/))
      .filter(([, ppid, state]) => Number(ppid) === pid && !(state ?? '').startsWith('Z'))
      .map(([child]) => Number(child));
  } catch {
    return [];
  }
}

/** A signal repeated within this time is the same interrupt (a shell or npm may pass it on as well). */
const SAME_INTERRUPT_MS = 1000;
const POLL_MS = 250;
/** Polls without a child before cdktf itself is signalled: it may be about to exit, or to start the next stack. */
const IDLE_POLLS_BEFORE_LEADER = 4;

/**
 * Stops a running `cdktf deploy` (started in a process group of its own) on Ctrl-C without losing
 * state. Signalling cdktf itself is not clean: it aborts at once and closes the pseudo-terminal each
 * terraform runs in, which kills terraform mid-apply with no graceful stop (ending or cancelling what
 * it does, then saving its state). So the first interrupt goes to cdktf's children (terraform, in its
 * own session, with its providers and local-exec commands: what a terminal's Ctrl-C reaches), and
 * terraform stops gracefully. Children cdktf starts afterwards (the next stack) get it too; cdktf
 * itself is signalled only once it has had no child for a second, to stop its queue.
 * A second interrupt kills everything.
 */
export class DeployInterrupter {
  private firstAt: number | undefined;
  private signal: NodeJS.Signals = 'SIGINT';
  private killed = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly signalled = new Set<number>();
  private idlePolls = 0;

  constructor(
    /** Process id of cdktf, the leader of its process group. */
    private readonly pid: number,
    private readonly listChildren: ChildLister = childPids,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether an interrupt arrived, and whether it ended in a kill. */
  get state(): 'running' | 'stopping' | 'killed' {
    if (this.killed) return 'killed';
    return this.firstAt === undefined ? 'running' : 'stopping';
  }

  /** Handles one SIGINT/SIGTERM received by the wrapper. */
  interrupt(signal: NodeJS.Signals): void {
    if (this.firstAt === undefined) {
      this.firstAt = this.now();
      this.signal = signal;
      this.tick();
      this.timer = setInterval(() => {
        this.tick();
      }, POLL_MS);
      this.timer.unref();
    } else if (!this.killed && this.now() - this.firstAt >= SAME_INTERRUPT_MS) {
      this.kill();
    }
  }

  /** Stops polling; call once cdktf has exited. */
  dispose(): void {
    clearInterval(this.timer);
  }

  private tick(): void {
    const children = this.listChildren(this.pid);
    for (const child of children) {
      if (this.signalled.has(child)) continue;
      this.signalled.add(child);
      signalGroupOrProcess(child, this.signal);
    }
    this.idlePolls = children.length === 0 ? this.idlePolls + 1 : 0;
    if (this.idlePolls === IDLE_POLLS_BEFORE_LEADER) signalGroupOrProcess(this.pid, this.signal);
  }

  private kill(): void {
    this.killed = true;
    this.dispose();
    for (const child of this.listChildren(this.pid)) signalGroupOrProcess(child, 'SIGKILL');
    signalGroupOrProcess(this.pid, 'SIGKILL');
  }
}

/** Signals the process group led by `pid` (terraform with its providers), else the process alone. */
function signalGroupOrProcess(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
    return;
  } catch {
    // Not a group leader, e.g. the app cdktf runs to synthesize.
  }
  try {
    process.kill(pid, signal);
  } catch {
    // Already exited.
  }
}
