import type { BootstrapConfig } from '../config';
import { stripAnsi } from '../sandbox/process';

/**
 * Messages that mean a profile's credentials are missing or unusable: Terraform's AWS provider (Go
 * SDK) and the existing-bucket check (JavaScript SDK). A profile missing from the AWS files reads
 * "failed to get shared config profile" (provider 5.100.0); one without keys "No valid credential sources found".
 */
const CREDENTIAL_ERRORS = [
  /No valid credential sources found/i,
  /failed to get shared config profile/i,
  /failed to refresh cached credentials/i,
  /InvalidClientTokenId|UnrecognizedClientException|SignatureDoesNotMatch/,
  /ExpiredToken|security token included in the request is expired/i,
  /SSO session associated with this profile (has expired|is invalid)/i,
  /Could not load credentials from any providers|Could not resolve credentials using profile/,
];

/** cdktf starts each burst of a stack's output with the stack's name and two spaces. */
export const STACK_PREFIX = /^((?:state|pipeline)-[\w.-]+) {2}/;

/**
 * Reads `cdktf deploy` output as it passes, for what to say after it: which stacks hit a credential
 * error. Chunks may split lines anywhere; colours are ignored.
 */
export class DeployOutputScanner {
  private pending = '';
  private stack: string | undefined;
  private readonly failedStacks = new Set<string>();
  private unattributed = false;

  push(chunk: string): void {
    const lines = (this.pending + chunk).split(/\r?\n/);
    this.pending = lines.pop() ?? '';
    for (const line of lines) this.line(line);
  }

  /** Reads the last line when it had no newline. */
  end(): void {
    if (this.pending !== '') this.line(this.pending);
    this.pending = '';
  }

  /** Stacks whose output showed a credential error; `undefined` stands for output of no known stack. */
  get credentialErrors(): (string | undefined)[] {
    return [...this.failedStacks, ...(this.unattributed ? [undefined] : [])];
  }

  private line(raw: string): void {
    const line = stripAnsi(raw);
    const prefix = STACK_PREFIX.exec(line);
    if (prefix !== null) this.stack = prefix[1];
    if (!CREDENTIAL_ERRORS.some((pattern) => pattern.test(line))) return;
    if (this.stack !== undefined) this.failedStacks.add(this.stack);
    else this.unattributed = true;
  }
}

/**
 * One line per stack that hit a credential error, naming its account and profile when accounts.json
 * knows the stack (`state-<account>`, `pipeline-<production account>`), and the command that checks them.
 */
export function credentialHints(stacks: readonly (string | undefined)[], config: BootstrapConfig | undefined): string[] {
  const check = '"npm run doctor -- --live"';
  return stacks.map((stack) => {
    if (stack === undefined)
      return `Terraform found no usable AWS credentials; check the profiles of accounts.json with ${check}`;
    const account = config?.accounts.find(
      (candidate) =>
        stack === `state-${candidate.name}` ||
        (stack === `pipeline-${config.productionAccount}` && candidate.name === config.productionAccount),
    );
    if (account === undefined) return `${stack}: Terraform found no usable AWS credentials; check the profiles with ${check}`;
    return `${stack}: Terraform found no usable AWS credentials in profile ${account.profile} (accounts.${account.name}); check it with ${check}`;
  });
}

/**
 * What to say after an interrupted deploy: what the state holds and what to run next.
 * @param rerun the command line to run again
 * @param killed a second interrupt killed terraform instead of letting it stop
 */
export function interruptedMessage(rerun: string, killed: boolean): string {
  if (killed) {
    return [
      'Killed: Terraform was stopped at once, so a resource it was creating may exist without being in its state.',
      `Run the same command again to finish: ${rerun} (an "already exists" error then names a resource to import or delete).`,
    ].join('\n');
  }
  return [
    'Interrupted: Terraform stopped cleanly; its state records everything it created.',
    `Run the same command again to finish: ${rerun} ("Error acquiring the state lock" then means another deploy still runs).`,
  ].join('\n');
}
