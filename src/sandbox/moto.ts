import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import * as net from 'node:net';
import * as path from 'node:path';
import { killGroup } from '../process/run';

/** How to install moto's server when `moto_server` is not on PATH. */
export const MOTO_INSTALL_HINT = `pip install 'moto[server]'`;

export interface MotoOptions {
  /** The moto server command. @default "moto_server" from PATH */
  readonly command?: string;
  /** Milliseconds to wait for the server to answer. @default 30000 */
  readonly startTimeoutMs?: number;
  /** Port on 127.0.0.1. @default a free port chosen by the OS */
  readonly port?: number;
  /** Environment of the server, before {@link motoEnv} prepares it. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /**
   * Load AWS-managed IAM policies into every account moto creates (see {@link motoEnv}). Off only for
   * suites that create many accounts and attach no managed policy: moto then needs ~2 s less per
   * account (Organizations' CreateAccount).
   * @default true
   */
  readonly loadManagedPolicies?: boolean;
}

/** Folder of the `sitecustomize.py` that patches moto where it differs from AWS in ways this project depends on. */
export const MOTO_PATCH_DIR = path.join(__dirname, 'moto-python');

/**
 * The environment moto runs with, so it behaves like AWS where this project depends on it:
 * - `MOTO_IAM_LOAD_MANAGED_POLICIES=true` (unless `loadManagedPolicies` is false): AWS-managed policies (the runner role's
 *   AmazonSSMManagedInstanceCore) exist and can be attached, as in every AWS account;
 * - `BOOTSTRAP_MOTO_PATCH=1` with {@link MOTO_PATCH_DIR} first on `PYTHONPATH` (see sitecustomize.py):
 *   requests are served one at a time (moto's backends are not thread-safe; concurrent terraform calls
 *   get HTTP 500s from races, the class of fault behind the e2e suite's flakes under load), and bucket policies are
 *   evaluated as AWS does, for an HTTPS request by the caller the access key names (moto 5.2.1 ignores `Bool`
 *   conditions and the caller, so the state bucket's TLS-only and pipeline Denies would otherwise refuse every
 *   object request).
 */
export function motoEnv(base: NodeJS.ProcessEnv, loadManagedPolicies = true): NodeJS.ProcessEnv {
  const pythonPath = [MOTO_PATCH_DIR, ...(base.PYTHONPATH ?? '').split(path.delimiter).filter((entry) => entry !== '')];
  return {
    ...base,
    MOTO_IAM_LOAD_MANAGED_POLICIES: String(loadManagedPolicies),
    BOOTSTRAP_MOTO_PATCH: '1',
    PYTHONPATH: pythonPath.join(path.delimiter),
  };
}

/** A running moto server on 127.0.0.1. */
export interface MotoServer {
  /** `http://127.0.0.1:<port>`: the value for `AWS_ENDPOINT_URL`. */
  readonly endpoint: string;
  readonly port: number;
  /**
   * Process id of the server, the leader of its process group. Tests that time a fault pause it with
   * SIGSTOP (every AWS request then waits), kill a deploy at that exact point, and resume it with SIGCONT.
   */
  readonly pid: number;
  /** Stops the server and everything it started; safe to call more than once. */
  stop(): Promise<void>;
}

/** moto could not be started; the message says why and what to do. */
export class MotoStartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MotoStartError';
  }
}

/**
 * Starts `moto_server` on 127.0.0.1 on a free port and waits until it answers HTTP.
 * The server runs in its own process group; {@link MotoServer.stop} ends the whole group.
 * Retries on another port if the chosen one was taken in the meantime.
 */
export async function startMoto(options: MotoOptions = {}): Promise<MotoServer> {
  if (options.port !== undefined) return startOnce(options, options.port);
  const attempts = 3;
  let lastError: Error | undefined;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      return await startOnce(options, await freePort());
    } catch (error) {
      if (!(error instanceof PortTakenError)) throw error;
      lastError = error;
    }
  }
  throw new MotoStartError(`moto_server could not bind a port after ${attempts} attempts: ${String(lastError?.message)}`);
}

class PortTakenError extends Error {}

async function startOnce(options: MotoOptions, port: number): Promise<MotoServer> {
  const command = options.command ?? 'moto_server';
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn(command, ['-H', '127.0.0.1', '-p', String(port)], {
    env: motoEnv(options.env ?? process.env, options.loadManagedPolicies),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-4000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);

  const stop = async (): Promise<void> => {
    await stopChild(child);
  };

  const failure = new Promise<never>((_, reject) => {
    child.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'ENOENT'
          ? new MotoStartError(`"${command}" was not found on PATH; install moto's server with: ${MOTO_INSTALL_HINT}`)
          : new MotoStartError(`"${command}" could not be started: ${error.message}`),
      );
    });
    child.once('exit', (code, signal) => {
      const why = signal !== null ? `was ended by ${signal}` : `exited with code ${String(code)}`;
      const message = `moto_server ${why} before answering on ${endpoint}; its output:\n${output.trim()}`;
      reject(/address already in use/i.test(output) ? new PortTakenError(message) : new MotoStartError(message));
    });
  });
  failure.catch(() => undefined);

  const waiting = new AbortController();
  try {
    await Promise.race([waitForHttp(endpoint, options.startTimeoutMs ?? 30_000, waiting.signal), failure]);
  } catch (error) {
    await stop();
    throw error;
  } finally {
    // Ends the polling loop when the process failed first.
    waiting.abort();
  }
  return { endpoint, port, pid: child.pid ?? 0, stop };
}

/** Asks the OS for a free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (address === null || typeof address === 'string') throw new Error('could not determine a free port');
  return address.port;
}

async function waitForHttp(endpoint: string, timeoutMs: number, cancelled: AbortSignal): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cancelled.aborted) {
    try {
      const response = await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(2000) });
      await response.arrayBuffer();
      return;
    } catch {
      if (Date.now() > deadline) {
        throw new MotoStartError(`moto_server did not answer on ${endpoint} within ${Math.round(timeoutMs / 1000)} s`);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

/** SIGTERM to the process group, SIGKILL after 5 s, and wait for the exit. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = once(child, 'exit');
  killGroup(child, 'SIGTERM');
  const timer = setTimeout(() => {
    killGroup(child, 'SIGKILL');
  }, 5000);
  await exited;
  clearTimeout(timer);
}
