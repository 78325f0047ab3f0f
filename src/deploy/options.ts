import type { S3Client } from '@aws-sdk/client-s3';
import type { AccountConfig } from '../config';
import type { MachineResources } from '../process/parallelism';
import type { ProcessProbe } from './lock';

/** What `runDeploy` is given: the user's arguments, where output goes, and what tests replace. */
export interface DeployOptions {
  /** The user's arguments: stacks and options (DEPLOY_USAGE). */
  readonly args: readonly string[];
  /** Environment to deploy with (accounts file, state folder, AWS files, mirror settings). */
  readonly env: NodeJS.ProcessEnv;
  /** Where the wrapper's lines (and with --verbose terraform's) go. */
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  /**
   * Registers the handler of SIGINT/SIGTERM and returns its removal (scripts/deploy.ts passes
   * process signals). @default interrupts are not handled
   */
  readonly onInterrupt?: (handler: (signal: NodeJS.Signals) => void) => () => void;
  /** @default `terraform` on PATH */
  readonly terraform?: string;
  /** `setpriv` to start terraform with a parent-death signal; `null` for none. @default found on PATH on Linux */
  readonly setpriv?: string | null;
  /** Folder with cdktf.json. @default the project root */
  readonly cwd?: string;
  /** @default findProviderMirror (see `providerSource`) */
  readonly findMirror?: (env: NodeJS.ProcessEnv) => string | undefined;
  /** What the default parallelism is derived from. @default currentMachine() */
  readonly machine?: MachineResources;
  /** Where terraform's full output is written. @default a new file in the temp folder */
  readonly logFile?: string;
  /** How often the progress count is printed. @default 30 s */
  readonly progressIntervalMs?: number;
  /** An S3 client of an account, to look at the buckets of an interrupted first deploy. @default accountS3Client */
  readonly s3For?: (account: AccountConfig) => Pick<S3Client, 'send' | 'destroy'>;
  /** Liveness of the process named in a deploy lock. @default systemProcesses */
  readonly processes?: ProcessProbe;
}
