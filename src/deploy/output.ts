import type { BootstrapConfig } from '../config';
import type { Diagnostic } from '../terraform/json-events';

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

/** Whether one of terraform's diagnostics says that a profile's credentials are missing or unusable. */
export function isCredentialError(diagnostic: Pick<Diagnostic, 'summary' | 'detail'>): boolean {
  return CREDENTIAL_ERRORS.some((pattern) => pattern.test(diagnostic.summary) || pattern.test(diagnostic.detail));
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

/** A stack that was deploying when the deploy was interrupted, and what its state holds now. */
export interface StoppedStack {
  readonly stack: string;
  /** Its local state file; `undefined` when its state is not local (the pipeline stack's S3 backend). */
  readonly stateFile?: string;
  /** Resources the state file records now. */
  readonly recorded: number;
  /** Resources the stack has in all (its synthesized configuration); `undefined` when unknown. */
  readonly planned?: number;
}

/**
 * What to say after an interrupted deploy: for each stack that was deploying, its state file and what it
 * records, and what to run next.
 * @param rerun the command line to run again
 * @param killed a second interrupt killed terraform instead of letting it stop
 */
export function interruptedMessage(rerun: string, killed: boolean, stopped: readonly StoppedStack[] = []): string {
  const lines = killed
    ? ['Killed: Terraform was stopped at once, so a resource it was creating may exist without being in its state.']
    : ['Interrupted: Terraform stopped cleanly; its state records everything it created.'];
  for (const stack of stopped) {
    if (stack.stateFile === undefined) {
      lines.push(`  ${stack.stack}: stopped; its state is not local (see its backend)`);
      continue;
    }
    const left =
      stack.planned === undefined
        ? ''
        : stack.planned > stack.recorded
          ? `; ${stack.planned - stack.recorded} of its ${stack.planned} resources are left to create`
          : `; it records all ${stack.planned} of its resources (some may still need changes)`;
    lines.push(`  ${stack.stack}: ${stack.stateFile} records ${stack.recorded} resource(s)${left}`);
  }
  lines.push(
    killed
      ? `Run the same command again to finish: ${rerun} (an "already exists" error then names a resource to import or delete).`
      : `Run the same command again to finish: ${rerun} ("Error acquiring the state lock" then means another deploy still runs).`,
  );
  return lines.join('\n');
}

/** Terraform's refusal of a state another Terraform holds, with its lock info. */
export interface StateLockConflict {
  readonly stack?: string;
  /** Lock Info fields as Terraform prints them (ID, Path, Operation, Who, Created). */
  readonly info: Readonly<Record<string, string>>;
}

/**
 * Terraform's refusal of a state another Terraform holds (the local backend's lock refuses a second Terraform on
 * the same state file, e.g. a plain `terraform` run by hand while `npm run deploy` runs), from its diagnostic:
 * summary "Error acquiring the state lock", the Lock Info fields in its detail. `undefined` for any other diagnostic.
 */
export function stateLockConflict(
  stack: string,
  diagnostic: Pick<Diagnostic, 'summary' | 'detail'>,
): StateLockConflict | undefined {
  if (!/Error acquiring the state lock/.test(diagnostic.summary)) return undefined;
  const info: Record<string, string> = {};
  for (const line of diagnostic.detail.split('\n')) {
    const field = /^\s*(ID|Path|Operation|Who|Version|Created):\s+(.*?)\s*$/.exec(line);
    if (field?.[1] !== undefined && field[2] !== undefined) info[field[1]] = field[2];
  }
  return { stack, info };
}

/** What to do about a state another Terraform holds: the user's words next to Terraform's. */
export function stateLockHints(conflicts: readonly StateLockConflict[]): string[] {
  return conflicts.map((conflict) => {
    const { Path: file, Who: who, Operation: operation, Created: created } = conflict.info;
    const holder = [
      operation,
      who !== undefined ? `by ${who}` : undefined,
      created !== undefined ? `since ${created}` : undefined,
    ]
      .filter((part) => part !== undefined)
      .join(' ');
    return (
      `${conflict.stack ?? 'a stack'}: its state${file !== undefined ? ` ${file}` : ''} is locked by another Terraform` +
      `${holder !== '' ? ` (${holder})` : ''}, one not started by npm run deploy (which refuses a second deploy itself). ` +
      'Wait for it to finish, or stop it with Ctrl-C where it runs; a Terraform that was killed holds no lock. Then run the same command again.'
    );
  });
}
