/**
 * The running part of `npm run deploy`: synth (the CLI), then the stacks with terraform (StackRunner), with the
 * progress view, the log file, Ctrl-C, and what to say at the end. Every outcome comes from an exit status, a
 * `-json` event or a state file.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { BootstrapConfig } from '../config';
import { describeChanges, type Diagnostic } from '../terraform/json-events';
import { stackCommands, type StackApplyResult } from '../terraform/stack-apply';
import { cliForNode } from '../cli/node-cli';
import { type DeployArgs, deployCommand, shellQuote } from './command';
import { StackRunner, type StackRunOptions, writeOutputsFile } from './engine';
import type { DeployOptions } from './options';
import { credentialHints, isCredentialError, stateLockConflict, type StateLockConflict, stateLockHints } from './output';
import { DeployProgress, manifestStacks } from './progress';
import { RESUME_BUCKETS_ENV } from './resume';
import { appCommand, startSynth } from './synth';
import { stoppedStack, untaintBuckets } from './untaint';
import { interruptedMessage } from './output';

export interface RunStacksInput {
  readonly options: DeployOptions;
  readonly args: DeployArgs;
  readonly cwd: string;
  readonly rerun: string;
  readonly outdir: string;
  readonly stateDir: string;
  readonly config: BootstrapConfig | undefined;
  /** Buckets synth imports (RESUME_BUCKETS_ENV). */
  readonly imports: readonly string[];
  /** A temp folder for the CLI config; the caller removes it. */
  readonly workDir: string;
  readonly onProcesses: (running: readonly { readonly pid: number; readonly stack: string }[]) => void;
}

export interface StacksRun {
  readonly exitCode: number;
  /** Stacks whose apply exited 0. */
  readonly deployed: readonly string[];
  /** Stacks for which terraform started changing a resource (an `apply_start` event). */
  readonly changesStarted: ReadonlySet<string>;
}

/** Synthesizes, deploys the selected stacks and reports; resolves with the exit code. */
export async function runStacks(input: RunStacksInput): Promise<StacksRun> {
  const { options, args, rerun, outdir } = input;
  const out = (line: string): void => {
    options.stdout.write(`${line}\n`);
  };
  const err = (line: string): void => {
    options.stderr.write(`${line}\n`);
  };
  const nothing = { deployed: [], changesStarted: new Set<string>() };
  const command = deployCommand(args, options.env, {
    workDir: input.workDir,
    ...(options.findMirror !== undefined ? { findMirror: options.findMirror } : {}),
    ...(options.machine !== undefined ? { machine: options.machine } : {}),
  });
  const logFile =
    options.logFile ?? path.join(os.tmpdir(), `bootstrap-deploy-${new Date().toISOString().replace(/[:.]/g, '-')}.log`);
  const log = createWriteStream(logFile);
  try {
    const resume = input.imports.length > 0 ? `${RESUME_BUCKETS_ENV}=${shellQuote(input.imports.join(','))} ` : '';
    const commands = stackCommands({ migrateState: args.migrateState });
    const app = appCommand(input.cwd);
    const synthLine = `${resume}${command.envPrefix}CDKTF_OUTDIR=${shellQuote(outdir)} ${app}`;
    out(`$ ${synthLine}  (${args.skipSynth ? 'skipped: --skip-synth' : `the app, as "${cliForNode().npx} synth" runs it`})`);
    out(
      `$ terraform ${commands.init.join(' ')} && terraform ${commands.apply.join(' ')}  (in ${path.join(outdir, 'stacks')}/<stack>, for each stack)`,
    );
    out(`  by hand, the same deploy (it asks before each stack): ${command.byHand}`);
    if (command.note !== undefined) out(`  ${command.note}`);
    out(`  ${command.parallelismNote}`);
    out(`  terraform's full output: ${logFile}${args.verbose ? '' : ' (--verbose shows it here)'}`);

    let stopSynth: ((signal: NodeJS.Signals) => void) | undefined;
    let runner: StackRunner | undefined;
    const interrupted = { beforeStacks: false };
    const removeHandler = options.onInterrupt?.((signal) => {
      if (runner !== undefined) {
        if (runner.interrupt(signal) === 'stop')
          err(
            `${signal}: passed on to the running terraform, which stops cleanly and saves its state; no other stack starts. A second Ctrl-C kills it.`,
          );
        return;
      }
      interrupted.beforeStacks = true;
      stopSynth?.(signal);
    });
    try {
      if (!args.skipSynth) {
        // The wrapper alone decides which buckets synth imports: never a value left in the user's environment.
        const synth = startSynth(app, outdir, {
          cwd: input.cwd,
          env: { ...command.env, [RESUME_BUCKETS_ENV]: input.imports.join(',') },
          onOutput: (chunk, stream) => {
            log.write(chunk);
            if (args.verbose) (stream === 'stdout' ? options.stdout : options.stderr).write(chunk);
          },
        });
        stopSynth = (signal) => {
          synth.signal(signal);
        };
        const synthesized = await synth.done;
        stopSynth = undefined;
        if (interrupted.beforeStacks) {
          err('Interrupted during synth: no stack was deployed. Run the same command again: ' + rerun);
          return { exitCode: 130, ...nothing };
        }
        if (synthesized.code !== 0) {
          if (!args.verbose) for (const line of synthesized.tail.filter((text) => text.trim() !== '')) err(line);
          err(
            `Synth failed (exit code ${String(synthesized.code)}): no stack was deployed. Fix the error above, then run: ${rerun}`,
          );
          return { exitCode: 1, ...nothing };
        }
      }
      if (interrupted.beforeStacks) {
        err(`Interrupted before any stack started: no stack was deployed. Run the same command again: ${rerun}`);
        return { exitCode: 130, ...nothing };
      }
      const stacks = manifestStacks(outdir, args.patterns);
      if (stacks === undefined || stacks.length === 0) {
        err(
          stacks === undefined
            ? `${path.join(outdir, 'manifest.json')} is missing: synthesize first (drop --skip-synth)`
            : `no stack of ${path.join(outdir, 'manifest.json')} matches ${args.patterns.join(' ')}`,
        );
        return { exitCode: 1, ...nothing };
      }
      const shown = view(input, stacks, log, () => runner?.state ?? 'running');
      runner = new StackRunner({
        stacks,
        outdir,
        env: command.env,
        parallelism: command.parallelism,
        busyLimit: command.busyLimit,
        migrateState: args.migrateState,
        ...(options.terraform !== undefined ? { terraform: options.terraform } : {}),
        ...(options.setpriv !== undefined ? { setpriv: options.setpriv } : {}),
        onProcesses: input.onProcesses,
        ...shown.callbacks,
      });
      return await finish(input, command.env, runner, shown.state);
    } finally {
      removeHandler?.();
    }
  } finally {
    await new Promise((resolve) => log.end(resolve));
  }
}

/** What the progress view and the summary need while stacks run. */
interface ViewState {
  readonly progress: DeployProgress;
  readonly results: Map<string, StackApplyResult>;
  readonly changesStarted: Set<string>;
  readonly ticker: NodeJS.Timeout;
}

/** The runner's callbacks: log file, --verbose, one line per start and finish, errors once, the count every 30 s. */
function view(
  input: RunStacksInput,
  stacks: readonly string[],
  log: WriteStream,
  state: () => 'running' | 'stopping' | 'killed',
): { callbacks: Pick<StackRunOptions, 'onLine' | 'onEvent' | 'onStart' | 'onFinish'>; state: ViewState } {
  const { options, args } = input;
  const out = (line: string): void => {
    options.stdout.write(`${line}\n`);
  };
  const progress = new DeployProgress(stacks);
  const ticker = setInterval(() => {
    out(progress.statusLine());
  }, options.progressIntervalMs ?? 30_000);
  ticker.unref();
  const viewState: ViewState = { progress, results: new Map(), changesStarted: new Set(), ticker };
  const callbacks: Pick<StackRunOptions, 'onLine' | 'onEvent' | 'onStart' | 'onFinish'> = {
    onLine: (stack, line, from, stream) => {
      log.write(`${stack} ${from}${stream === 'stderr' ? ' (stderr)' : ''}: ${line}\n`);
      if (!args.verbose) return;
      let text = line;
      if (line.startsWith('{')) {
        try {
          const message = (JSON.parse(line) as { '@message'?: unknown })['@message'];
          if (typeof message === 'string') text = message;
        } catch {
          // Not JSON after all: shown as it is.
        }
      }
      const target = stream === 'stderr' ? options.stderr : options.stdout;
      for (const part of text.split('\n')) if (part.trim() !== '') target.write(`${stack}  ${part}\n`);
    },
    onEvent: (stack, event) => {
      if (event.kind === 'change-start') viewState.changesStarted.add(stack);
      if (event.kind === 'diagnostic' && event.diagnostic.severity === 'error' && state() === 'running') {
        for (const line of diagnosticLines(stack, event.diagnostic)) options.stderr.write(`${line}\n`);
      }
    },
    onStart: (stack) => {
      for (const line of progress.start(stack)) out(line);
    },
    onFinish: (stack, result) => {
      viewState.results.set(stack, result);
      if (result.outcome === 'stopped' || (result.outcome === 'failed' && state() !== 'running')) return;
      if (result.outcome === 'failed' && result.errors.length === 0) {
        for (const line of result.initOutput.filter((text) => text.trim() !== '')) options.stderr.write(`${stack}  ${line}\n`);
      }
      const lines =
        result.outcome === 'deployed'
          ? progress.finish(stack, {
              deployed: true,
              changes: result.changes !== undefined ? describeChanges(result.changes) : 'no changes',
            })
          : progress.finish(stack, { deployed: false, error: failure(result) });
      for (const line of lines) out(line);
    },
  };
  return { callbacks, state: viewState };
}

/** A diagnostic as printed: `<stack>  Error: <summary>`, then its detail indented. */
export function diagnosticLines(stack: string, diagnostic: Pick<Diagnostic, 'summary' | 'detail' | 'address'>): string[] {
  const where = diagnostic.address !== undefined && !diagnostic.address.startsWith('provider[') ? ` (${diagnostic.address})` : '';
  const lines = [`${stack}  Error: ${diagnostic.summary}${where}`];
  for (const line of diagnostic.detail.split('\n')) if (line.trim() !== '') lines.push(`${stack}    ${line}`);
  return lines;
}

/** Why a stack failed, in a few words: terraform's first error, else the command and its exit status. */
function failure(result: StackApplyResult): string {
  const first = result.errors[0];
  if (first !== undefined) return first.summary.split('\n')[0] ?? first.summary;
  const status = result.signal !== null ? `was ended by ${result.signal}` : `exited with code ${String(result.code)}`;
  return `terraform ${result.step} ${status}`;
}

/** Runs the stacks to their end, then prints the summary and what to do; resolves with the outcome. */
async function finish(
  input: RunStacksInput,
  env: NodeJS.ProcessEnv,
  runner: StackRunner,
  viewState: ViewState,
): Promise<StacksRun> {
  const { options, args, rerun } = input;
  const err = (line: string): void => {
    options.stderr.write(`${line}\n`);
  };
  let results: Map<string, StackApplyResult>;
  try {
    results = await runner.run();
  } finally {
    clearInterval(viewState.ticker);
  }
  const { progress, changesStarted } = viewState;
  const deployed = [...results].filter(([, result]) => result.outcome === 'deployed').map(([stack]) => stack);
  const run = { stateDir: input.stateDir, outdir: input.outdir };

  if (runner.state !== 'running') {
    // Every stack still running or waiting is not finished; those among them that had started were stopped.
    progress.stopAll();
    const stopped = progress.stacksIn('not finished').filter((stack) => results.has(stack));
    for (const line of untaintBuckets(stopped, run, env, options.terraform)) err(line);
    err(`\n${progress.summary(rerun).slice(0, -1).join('\n')}`);
    err(
      interruptedMessage(
        rerun,
        runner.state === 'killed',
        stopped.map((stack) => stoppedStack(stack, run)),
      ),
    );
    return { exitCode: 130, deployed, changesStarted };
  }

  let exitCode = deployed.length === results.size ? 0 : 1;
  if (args.outputsFile !== undefined) {
    try {
      await writeOutputsFile(path.resolve(input.cwd, args.outputsFile), deployed, input.outdir, env, options.terraform, results);
    } catch (error) {
      err(
        `error: the outputs file ${args.outputsFile} was not written: ${error instanceof Error ? error.message : String(error)}`,
      );
      exitCode = 1;
    }
  }
  err(`\n${progress.summary(rerun).join('\n')}`);
  // By name, not in the order they happened to fail in: the same failures read the same every time.
  const failed = [...results].filter(([, result]) => result.outcome === 'failed').sort(([a], [b]) => a.localeCompare(b, 'en'));
  const credentialStacks = failed.filter(([, result]) => result.errors.some(isCredentialError)).map(([stack]) => stack);
  if (credentialStacks.length > 0) err(`\n${credentialHints(credentialStacks, input.config).join('\n')}`);
  const conflicts = failed.flatMap(([stack, result]) =>
    result.errors
      .map((error) => stateLockConflict(stack, error))
      .filter((conflict): conflict is StateLockConflict => conflict !== undefined),
  );
  if (conflicts.length > 0) err(`\n${stateLockHints(conflicts).join('\n')}`);
  return { exitCode, deployed, changesStarted };
}
