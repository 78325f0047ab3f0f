/**
 * cdktf 0.21 records a full stack trace for every token and computed attribute it creates (a plain
 * `{ stack: "" }` object passed to `Error.captureStackTrace`, never an `Error`), only to say where a
 * token was created if it later fails to resolve. A state stack creates hundreds of them, and
 * formatting those traces was 12-14 % of a 1000-account synth and 40 MB of its memory (npm run bench).
 *
 * This leaves the traces of real errors exactly as they were and turns only those non-Error captures
 * into empty strings, which cdktf reads as "no trace". It uses V8's documented
 * `Error.prepareStackTrace` hook, not cdktf internals, so it keeps working if cdktf is swapped for
 * its fork. Set `BOOTSTRAP_TOKEN_TRACES=1` to keep cdktf's traces when debugging a token error.
 *
 * @returns a function that restores the previous hook.
 */
export function skipTokenCreationTraces(env: NodeJS.ProcessEnv = process.env): () => void {
  // Typed by hand: Node's types claim the hook only ever sees Errors, which is what this is about.
  const hooks = Error as unknown as { prepareStackTrace?: PrepareStackTrace };
  const previous = hooks.prepareStackTrace;
  if (env.BOOTSTRAP_TOKEN_TRACES === '1') return () => undefined;
  hooks.prepareStackTrace = (error, frames) => {
    if (!(error instanceof Error)) return '';
    if (previous !== undefined) return previous(error, frames);
    // V8's own format: "Name: message" then one "    at <frame>" line per call site.
    return `${Error.prototype.toString.call(error)}${frames.map((frame) => `\n    at ${callSiteText(frame)}`).join('')}`;
  };
  return () => {
    hooks.prepareStackTrace = previous;
  };
}

type PrepareStackTrace = (error: unknown, frames: NodeJS.CallSite[]) => unknown;

/** V8 call sites print as `fn (file:line:column)`; Node's types leave their toString() out. */
function callSiteText(frame: NodeJS.CallSite): string {
  return (frame as unknown as { toString(): string }).toString();
}
