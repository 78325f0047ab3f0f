import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type BootstrapConfig, ConfigError, loadConfig, readSettings } from '../config';
import { cdktfCliPath, PROJECT_ROOT } from '../sandbox/cdktf';
import { deployCommand, shellQuote } from './command';
import { type ChildLister, DeployInterrupter } from './interrupt';
import { credentialHints, DeployOutputScanner, interruptedMessage } from './output';
import { CdktfOutputParser, DeployProgress, deployedStacks, type StackEvent } from './progress';
import type { MachineResources } from '../sandbox/parallelism';

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
  /** What the default parallelism is derived from. @default currentMachine() */
  readonly machine?: MachineResources;
  /** Where cdktf's full output is written. @default a new file in the temp folder */
  readonly logFile?: string;
  /** How often the progress count is printed while no stack finishes. @default 30 s */
  readonly progressIntervalMs?: number;
}

/** The wrapper's own option: show cdktf's full output, not only the progress view. */
export const VERBOSE_FLAG = '--verbose';

/**
 * `npm run deploy`: prints and runs `cdktf deploy` (see {@link deployCommand}). cdktf's output goes to
 * a log file (and to the terminal with `--verbose`, or once interrupted, so Terraform's stopping shows);
 * the terminal gets a progress view instead: one line per finished stack, the count of stacks done /
 * running / waiting / failed, Terraform's error boxes and cdktf's own lines. Then it adds what the
 * output alone does not say: which stacks are done and which not, and the command to finish; after
 * Ctrl-C, what the state holds; after a credential error, which profile and `npm run doctor -- --live`.
 * Resolves with the exit code: cdktf's, or {@link INTERRUPTED_EXIT_CODE} after an interrupt.
 * @throws ConfigError for bad input, before anything runs.
 */
export async function runDeploy(options: DeployOptions): Promise<number> {
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'bootstrap-deploy-'));
  try {
    const verbose = options.args.includes(VERBOSE_FLAG);
    const cdktfArgs = options.args.filter((arg) => arg !== VERBOSE_FLAG);
    const command = deployCommand(cdktfArgs, options.env, {
      workDir,
      ...(options.findMirror !== undefined ? { findMirror: options.findMirror } : {}),
      ...(options.machine !== undefined ? { machine: options.machine } : {}),
    });
    const logFile =
      options.logFile ?? path.join(os.tmpdir(), `bootstrap-deploy-${new Date().toISOString().replace(/[:.]/g, '-')}.log`);
    const log = createWriteStream(logFile);
    options.stdout.write(`$ ${command.display}\n${command.note !== undefined ? `  (${command.note})\n` : ''}`);
    options.stdout.write(
      `  ${command.parallelismNote}\n  cdktf's full output: ${logFile}${verbose ? '' : ` (${VERBOSE_FLAG} shows it here)`}\n`,
    );
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
    const interrupter = child.pid !== undefined ? new DeployInterrupter(child.pid, options.listChildren) : undefined;
    const scanner = new DeployOutputScanner();
    const progress = new DeployProgress();
    const passThrough = () => verbose || (interrupter !== undefined && interrupter.state !== 'running');
    const onEvent = (event: StackEvent) => {
      if (event.kind === 'started' && !progress.knowsStacks) {
        // cdktf synthesized before the first stack started: its manifest names every stack to come.
        const stacks = deployedStacks(command.args, cwd);
        if (stacks !== undefined) progress.setStacks(stacks);
      }
      const lines = progress.apply(event);
      if (!passThrough()) {
        if (event.kind === 'diagnostic') lines.unshift(...event.lines.map((line) => `${event.stack}  ${line}`));
        if (event.kind === 'other') lines.push(event.line);
      }
      if (lines.length > 0) options.stdout.write(`${lines.join('\n')}\n`);
    };
    const parser = new CdktfOutputParser(onEvent);
    const pass = (target: NodeJS.WritableStream) => (chunk: Buffer) => {
      log.write(chunk);
      if (passThrough()) target.write(chunk);
      const text = chunk.toString('utf8');
      scanner.push(text);
      parser.push(text);
    };
    child.stdout.on('data', pass(options.stdout));
    child.stderr.on('data', pass(options.stderr));
    const ticker = setInterval(() => {
      options.stdout.write(`${progress.statusLine()}\n`);
    }, options.progressIntervalMs ?? 30_000);
    ticker.unref();
    const exited = new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code) => {
        resolve(code);
      });
    });
    const removeHandler = options.onInterrupt?.((signal) => interrupter?.interrupt(signal));
    let code: number | null;
    try {
      code = await exited;
    } finally {
      removeHandler?.();
      interrupter?.dispose();
      clearInterval(ticker);
      await new Promise((resolve) => log.end(resolve));
    }
    scanner.end();
    parser.end();

    const rerun = `npm run deploy -- ${options.args.map(shellQuote).join(' ')}`.trimEnd();
    if (interrupter !== undefined && interrupter.state !== 'running') {
      options.stderr.write(`\n${progress.summary(1, rerun).slice(0, -1).join('\n')}\n`);
      options.stderr.write(`${interruptedMessage(rerun, interrupter.state === 'killed')}\n`);
      return INTERRUPTED_EXIT_CODE;
    }
    options.stderr.write(`\n${progress.summary(code ?? 1, rerun).join('\n')}\n`);
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
