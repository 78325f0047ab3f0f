/** A signal repeated within this time is the same interrupt (npm, or a shell, may pass the terminal's on as well). */
export const SAME_INTERRUPT_MS = 1000;

/** What to do about one SIGINT/SIGTERM the wrapper received. */
export type InterruptAction =
  /** The first: pass it on to each running terraform once (it stops gracefully), start no other stack. */
  | 'stop'
  /** The same interrupt again, within a second: nothing more. */
  | 'repeat'
  /** A second Ctrl-C a second or more after the first: kill terraform at once. */
  | 'kill';

/**
 * Counts the interrupts of a deploy. The terminal's Ctrl-C reaches only the wrapper (each terraform runs in a
 * process group of its own), which passes the first one on to each running terraform: terraform then ends or
 * cancels what it does, saves its state and exits. A second Ctrl-C kills.
 */
export class Interrupts {
  private firstAt: number | undefined;
  private killed = false;
  /** The signal of the first interrupt, passed on to terraform. */
  signal: NodeJS.Signals = 'SIGINT';

  constructor(private readonly now: () => number = Date.now) {}

  /** Whether an interrupt arrived, and whether it ended in a kill. */
  get state(): 'running' | 'stopping' | 'killed' {
    if (this.killed) return 'killed';
    return this.firstAt === undefined ? 'running' : 'stopping';
  }

  receive(signal: NodeJS.Signals): InterruptAction {
    if (this.firstAt === undefined) {
      this.firstAt = this.now();
      this.signal = signal;
      return 'stop';
    }
    if (this.killed || this.now() - this.firstAt < SAME_INTERRUPT_MS) return 'repeat';
    this.killed = true;
    return 'kill';
  }
}
