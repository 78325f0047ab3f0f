import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type BootstrapConfig, ConfigError, loadConfig, readSettings } from '../config';
import { cdktfCliPath, PROJECT_ROOT } from '../sandbox/cdktf';
import { deployCommand, shellQuote } from './command';
import { type ChildLister, DeployInterrupter } from './interrupt';
import { credentialHints, DeployOutputScanner, interruptedMessage } from './output';

export { deployAdvice, DEPLOY_USAGE, deployCommand, shellQuote } from './command';

/** Exit code after an interrupt, as for a shell command ended by Ctrl-C. */
export const INTERRUPTED_EXIT_CODE = 130;

export interface DeployOptions {
  /** The user's arguments: stacks and cdktf deploy options. */
  readonly args: readonly string[];
  /** Environment to deploy with (accounts file, state folder, AWS files, mirror settings). */
  readonly env: NodeJS.ProcessEnv;
  /** Where cdktf's output and the wrapper's lines go. */
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  /**
   * Registers the handler of SIGINT/SIGTERM and returns its removal (scripts/deploy.ts passes
   * process signals). @default interrupts are not handled
   */
  readonly onInterrupt?: (handler: (signal: NodeJS.Signals) => void) => () => void;
  /** The cdktf CLI as a command and its first arguments. @default the project's cdktf-cli run by this Node */
  readonly cli?: readonly [string, ...string[]];
  /** Folder with cdktf.json. @default the project root */
  readonly cwd?: string;
  /** @default findProviderMirror (see `providerSource`) */
  readonly findMirror?: (env: NodeJS.ProcessEnv) => string | undefined;
  /** @default childPids, from /proc or ps */
  readonly listChildren?: ChildLister;
}

/**
 * `npm run deploy`: prints and runs `cdktf deploy` (see {@link deployCommand}) with its output
 * passed through as it comes, then adds what the output alone does not say: after Ctrl-C, what the
 * state holds and what to run; after a credential error, which profile and `npm run doctor -- --live`.
 * Resolves with the exit code: cdktf's, or {@link INTERRUPTED_EXIT_CODE} after an interrupt.
 * @throws ConfigError for bad input, before anything runs.
 */
export async function runDeploy(options: DeployOptions): Promise<number> {
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'bootstrap-deploy-'));
  try {
    const command = deployCommand(options.args, options.env, {
      workDir,
      ...(options.findMirror !== undefined ? { findMirror: options.findMirror } : {}),
    });
    options.stdout.write(`$ ${command.display}\n${command.note !== undefined ? `  (${command.note})\n` : ''}`);
    const [executable, ...cliArgs] = options.cli ?? [process.execPath, cdktfCliPath()];
    const cwd = options.cwd ?? PROJECT_ROOT;
    // A process group of its own: the terminal's Ctrl-C reaches only this process, which passes it on
    // to terraform (DeployInterrupter). No stdin: a background group reading the terminal would stop.
    const child = spawn(executable, [...cliArgs, ...command.args], {
      cwd,
      env: command.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const scanner = new DeployOutputScanner();
    const pass = (target: NodeJS.WritableStream) => (chunk: Buffer) => {
      target.write(chunk);
      scanner.push(chunk.toString('utf8'));
    };
    child.stdout.on('data', pass(options.stdout));
    child.stderr.on('data', pass(options.stderr));
    const exited = new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code) => {
        resolve(code);
      });
    });
    const interrupter = child.pid !== undefined ? new DeployInterrupter(child.pid, options.listChildren) : undefined;
    const removeHandler = options.onInterrupt?.((signal) => interrupter?.interrupt(signal));
    let code: number | null;
    try {
      code = await exited;
    } finally {
      removeHandler?.();
      interrupter?.dispose();
    }
    scanner.end();

    if (interrupter !== undefined && interrupter.state !== 'running') {
      const rerun = `npm run deploy -- ${options.args.map(shellQuote).join(' ')}`.trimEnd();
      options.stderr.write(`\n${interruptedMessage(rerun, interrupter.state === 'killed')}\n`);
      return INTERRUPTED_EXIT_CODE;
    }
    const failedStacks = scanner.credentialErrors;
    if (code !== 0 && failedStacks.length > 0) {
      options.stderr.write(`\n${credentialHints(failedStacks, readConfig(options.env, cwd)).join('\n')}\n`);
    }
    return code ?? 1;
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

/** accounts.json as synth reads it, to name accounts and profiles; `undefined` when it cannot be read. */
function readConfig(env: NodeJS.ProcessEnv, cwd: string): BootstrapConfig | undefined {
  try {
    return loadConfig(readSettings(env, cwd).accountsFile);
  } catch (error) {
    if (error instanceof ConfigError) return undefined;
    throw error;
  }
}
