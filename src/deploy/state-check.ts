import { existsSync, readdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { creatingMarker } from './resume';

/**
 * Why a local state file's text cannot be Terraform's state; `undefined` when it can. An empty file is refused
 * too: Terraform reads it as "no state" and would create every resource again (and fail on the buckets).
 */
export function stateTextProblem(text: string): string | undefined {
  if (text.trim() === '') return `is empty (${Buffer.byteLength(text)} bytes): Terraform would take it for no state at all`;
  let state: unknown;
  try {
    state = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return `is truncated or corrupted: not valid JSON (${reason}, ${Buffer.byteLength(text)} bytes)`;
  }
  if (typeof state !== 'object' || state === null || Array.isArray(state)) return 'is not a Terraform state: not a JSON object';
  const { version, serial, lineage, resources } = state as Record<string, unknown>;
  const missing = [
    typeof version === 'number' ? undefined : 'version',
    typeof serial === 'number' ? undefined : 'serial',
    typeof lineage === 'string' ? undefined : 'lineage',
    resources === undefined || Array.isArray(resources) ? undefined : 'resources',
  ].filter((field) => field !== undefined);
  if (missing.length > 0) return `is not a Terraform state: no valid ${missing.join(', ')}`;
  return undefined;
}

/** The local state files (`<stateDir>/<stack>.tfstate`) of the stacks `selected`, by stack name; none without the folder. */
function stateFilesOf(stateDir: string, selected: (stack: string) => boolean): { stack: string; file: string }[] {
  let names: string[];
  try {
    names = readdirSync(stateDir);
  } catch {
    return [];
  }
  return names
    .filter((name) => name.endsWith('.tfstate'))
    .sort()
    .map((name) => ({ stack: name.slice(0, -'.tfstate'.length), file: path.join(stateDir, name) }))
    .filter(({ stack }) => selected(stack));
}

/**
 * Whether a state file's text is a write cut off part-way, as a kill leaves it: empty, or JSON that ends early.
 * Terraform's local backend truncates the file, then writes the new state into it; and a first deploy's state
 * file is empty from the moment Terraform locks it (it creates the file) until its first write.
 */
export function isCutOff(text: string): boolean {
  if (text.trim() === '') return true;
  try {
    JSON.parse(text);
    return false;
  } catch {
    return true;
  }
}

/**
 * Moves aside the cut-off state files ({@link isCutOff}) of state stacks whose first deploy was interrupted (their
 * `.creating` marker is there), so that the deploy resumes them as from no state: what the killed first deploy
 * made is found in the account by its tags and imported (resume.ts), as after a kill before Terraform wrote any
 * state. Any other bad state file is left for {@link checkStateFiles} to refuse.
 * @returns one notice per file moved, naming where it went
 */
export function setAsideCutOffFirstDeploys(
  stateDir: string,
  selected: (stack: string) => boolean,
  now: Date = new Date(),
): string[] {
  const notices: string[] = [];
  for (const { stack, file } of stateFilesOf(stateDir, selected)) {
    const marker = creatingMarker(file);
    if (!stack.startsWith('state-') || !existsSync(marker)) continue;
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    if (!isCutOff(text)) continue;
    const aside = `${file}.cut-off-${now.toISOString().replace(/:/g, '-')}`;
    renameSync(file, aside);
    const bytes = Buffer.byteLength(text);
    const what = text.trim() === '' ? `was empty (${bytes} bytes)` : `was cut off (${bytes} bytes, not valid JSON)`;
    const markerText = readFileSync(marker, 'utf8').trim();
    notices.push(
      `${stack}: ${file} ${what}: its first deploy (${path.basename(marker)}: ${markerText}) was killed while Terraform ` +
        `wrote it. Moved it to ${aside}; this deploy resumes that first deploy from what it finds in the account.`,
    );
  }
  return notices;
}

/** What a readable state file holds, for the message about its backup. */
interface StateSummary {
  readonly serial: number;
  readonly resources: number;
  readonly written: Date;
}

function summary(file: string, text: string): StateSummary {
  const state = JSON.parse(text) as { serial: number; resources?: unknown[] };
  return { serial: state.serial, resources: state.resources?.length ?? 0, written: statSync(file).mtime };
}

/**
 * The refusal for a bad state file, with what Terraform kept: `<file>.backup` (the state before the last run that
 * changed it) and how to put it back, or that there is none and what is left to do.
 */
export function badStateMessage(file: string, problem: string, stack: string): string {
  const backup = `${file}.backup`;
  const lines = [`${file} ${problem}. Refused before Terraform ran; the file is left as it is.`];
  let backupText: string | undefined;
  try {
    backupText = readFileSync(backup, 'utf8');
  } catch {
    backupText = undefined;
  }
  const backupProblem = backupText === undefined ? undefined : stateTextProblem(backupText);
  const ownCopy = `restore ${path.basename(file)} from your own copy of ${path.dirname(file)}`;
  // recover-state imports what AWS has of every kind of stack; "adopt" would cover only a state stack's bucket.
  const adopt =
    `or move it aside (mv ${file} ${file}.corrupt), then run npm run synth and npm run recover-state -- ${stack}, ` +
    'which imports what the stack has in AWS (see docs/recover-lost-state.md)';
  if (backupText === undefined) {
    lines.push(`  Terraform kept no ${backup}: ${ownCopy}, ${adopt}.`);
  } else if (backupProblem !== undefined) {
    lines.push(`  Terraform's ${backup} ${backupProblem} as well: ${ownCopy}, ${adopt}.`);
  } else {
    const kept = summary(backup, backupText);
    lines.push(
      `  Terraform kept ${backup} (serial ${kept.serial}, ${kept.resources} resources, written ${kept.written.toISOString()}): the state before its last change.`,
      `  To recover: mv ${file} ${file}.corrupt && cp ${backup} ${file}, then run npm run deploy -- ${stack} again.`,
    );
  }
  return lines.join('\n');
}

/**
 * Checks the local state files of the stacks a deploy covers (`<stateDir>/<stack>.tfstate`, for the stacks
 * `selected`), before Terraform runs on them. Returns one message per bad file.
 */
export function checkStateFiles(stateDir: string, selected: (stack: string) => boolean): string[] {
  const messages: string[] = [];
  for (const { stack, file } of stateFilesOf(stateDir, selected)) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      messages.push(`${file} cannot be read (${String((error as NodeJS.ErrnoException).code)}); check its permissions`);
      continue;
    }
    const problem = stateTextProblem(text);
    if (problem !== undefined) messages.push(badStateMessage(file, problem, stack));
  }
  return messages;
}
