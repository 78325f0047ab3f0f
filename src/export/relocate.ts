import * as path from 'node:path';
import { shellWord } from '../constructs/existing-bucket-check';

/**
 * A stack's synthesized JSON made to work from another folder. The stacks hold paths relative to
 * the folder Terraform runs them in (`<outdir>/stacks/<id>`), so that no machine-specific path is
 * synthesized: the local backend's state file, and the existing-bucket check's command (the
 * project's scripts and the state file). Each is rewritten relative to `to`, so the exported
 * stack reads the same state file and runs the same script.
 */
export function relocateStack(stack: unknown, from: string, to: string): unknown {
  const copy = structuredClone(stack) as Record<string, unknown>;
  const rebase = (relative: string): string => rebasePath(relative, from, to);
  const local = at(copy, ['terraform', 'backend', 'local']);
  if (isRecord(local)) {
    for (const key of ['path', 'workspace_dir']) {
      const value = local[key];
      if (typeof value === 'string') local[key] = rebase(value);
    }
  }
  const resources = copy.resource;
  if (isRecord(resources)) {
    for (const byName of Object.values(resources)) {
      if (!isRecord(byName)) continue;
      for (const body of Object.values(byName)) {
        if (isRecord(body)) relocateProvisioners(body.provisioner, rebase);
      }
    }
  }
  return copy;
}

/** `relative` (to folder `from`) as a path relative to folder `to`, with `/`; absolute paths stay as they are. */
export function rebasePath(relative: string, from: string, to: string): string {
  if (path.isAbsolute(relative)) return relative;
  const moved = path.relative(path.resolve(to), path.resolve(from, relative)).split(path.sep).join('/');
  return moved === '' ? '.' : moved;
}

/**
 * The words of a local-exec command that are paths relative to the stack folder (they start with
 * `./` or `../`, as every such path this project synthesizes does: the state folder is never inside
 * the stack folder), rebased. A command that is not a plain sequence of words and double-quoted
 * words (see `shellWord`) is left as it is.
 */
export function relocateCommand(command: string, rebase: (relative: string) => string): string {
  // The words shellWord writes: plain ones of safe characters, and double-quoted ones.
  const tokens = command.match(/"(?:[^"\\]|\\.)*"|[\w@%+=:,./-]+|\s+/g) ?? [];
  if (tokens.join('') !== command) return command;
  return tokens
    .map((token) => {
      if (/^\s+$/.test(token)) return token;
      const quoted = token.startsWith('"');
      const word = quoted ? token.slice(1, -1).replace(/\\(.)/g, '$1') : token;
      if (!word.startsWith('./') && !word.startsWith('../')) return token;
      return shellWord(rebase(word));
    })
    .join('');
}

function relocateProvisioners(provisioners: unknown, rebase: (relative: string) => string): void {
  for (const entry of Array.isArray(provisioners) ? provisioners : [provisioners]) {
    if (!isRecord(entry)) continue;
    const localExec = entry['local-exec'];
    for (const body of Array.isArray(localExec) ? localExec : [localExec]) {
      if (!isRecord(body)) continue;
      if (typeof body.command === 'string') body.command = relocateCommand(body.command, rebase);
    }
  }
}

function at(value: unknown, keys: readonly string[]): unknown {
  let current = value;
  for (const key of keys) current = isRecord(current) ? current[key] : undefined;
  return current;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
