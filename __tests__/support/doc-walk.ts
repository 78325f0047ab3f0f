// The blocks of a docs page that the docs walkthrough (__tests__/e2e/docs-walkthrough.e2e.test.ts) runs and
// checks, and how a sample output is matched against what a command printed. The conventions are in
// docs/e2e-tests.md ("Docs that are run").

/** Fence languages whose blocks are shell commands: each one runs, unless marked `<!-- not run: reason -->`. */
export const SHELL_LANGUAGES: ReadonlySet<string> = new Set(['sh', 'bash', 'shell']);

/** A command of a run block or a transcript, with the sample output that follows it in a transcript. */
export interface DocCommand {
  readonly command: string;
  /** Line (1-based) of the command in the page. */
  readonly line: number;
}

export type DocStep =
  /** A shell block: its commands run in order, each must exit 0. */
  | { readonly kind: 'run'; readonly line: number; readonly commands: readonly DocCommand[] }
  /** A shell block marked `<!-- not run: reason -->`. */
  | { readonly kind: 'skip'; readonly line: number; readonly reason: string }
  /** A `text` or `console` block of `$ command` lines, each followed by its sample output: run and checked. */
  | {
      readonly kind: 'transcript';
      readonly line: number;
      readonly runs: readonly (DocCommand & { readonly sample: readonly string[] })[];
    }
  /** A block marked `<!-- output of: command -->`: sample output of that command, run earlier on the page. */
  | { readonly kind: 'sample'; readonly line: number; readonly command: string; readonly sample: readonly string[] }
  /** A `json` block marked `<!-- walkthrough: merge into accounts.json -->`. */
  | { readonly kind: 'merge'; readonly line: number; readonly json: unknown };

interface Fence {
  readonly line: number;
  readonly language: string;
  readonly body: string[];
  /** The HTML comment on the last non-blank line before the fence, without `<!--` and `-->`. */
  readonly marker: string | undefined;
}

function fences(markdown: string): Fence[] {
  const lines = markdown.split('\n');
  const found: Fence[] = [];
  let lastText = '';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const open = /^(\s*)(`{3,}|~{3,})\s*([\w-]*)\s*$/.exec(line);
    if (open === null) {
      if (line.trim() !== '') lastText = line.trim();
      continue;
    }
    const [, indent = '', fence = '', language = ''] = open;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const inner = lines[j] ?? '';
      if (inner.trim() === fence) break;
      body.push(inner.startsWith(indent) ? inner.slice(indent.length) : inner.trimStart());
    }
    const comment = /^<!--\s*(.*?)\s*-->$/.exec(lastText);
    found.push({ line: i + 1, language, body, marker: comment?.[1] });
    lastText = '';
    i = j;
  }
  return found;
}

/** Logical lines of shell text: `\` continuations joined, blank and comment-only lines left out. */
function shellCommands(body: readonly string[], firstLine: number): DocCommand[] {
  const commands: DocCommand[] = [];
  let pending: DocCommand | undefined;
  body.forEach((text, index) => {
    const line = firstLine + index;
    const joined = pending !== undefined ? `${pending.command} ${text.trim()}` : text.trim();
    const start = pending?.line ?? line;
    if (joined.endsWith('\\')) {
      pending = { command: joined.slice(0, -1).trimEnd(), line: start };
      return;
    }
    pending = undefined;
    if (joined === '' || joined.startsWith('#')) return;
    commands.push({ command: joined, line: start });
  });
  if (pending !== undefined) commands.push(pending);
  return commands;
}

/**
 * The steps of a page in order. Throws, naming the page's line, for a marker the walkthrough cannot follow:
 * `not run` without a reason, a marker on the wrong kind of block, JSON that does not parse.
 */
export function docSteps(markdown: string, page: string): DocStep[] {
  const steps: DocStep[] = [];
  for (const fence of fences(markdown)) {
    const where = `${page}:${fence.line}`;
    const marker = fence.marker ?? '';
    const notRun = /^not run\b:?\s*(.*)$/.exec(marker);
    const outputOf = /^output of:\s*(.*)$/.exec(marker);
    if (SHELL_LANGUAGES.has(fence.language)) {
      if (notRun !== null) {
        const reason = notRun[1]?.trim() ?? '';
        if (reason === '')
          throw new Error(`${where}: "<!-- not run -->" needs a reason: <!-- not run: why this block is not run -->`);
        steps.push({ kind: 'skip', line: fence.line, reason });
      } else {
        steps.push({ kind: 'run', line: fence.line, commands: shellCommands(fence.body, fence.line + 1) });
      }
      continue;
    }
    if (notRun !== null) throw new Error(`${where}: "<!-- not run -->" marks only ${[...SHELL_LANGUAGES].join('/')} blocks`);
    if (outputOf !== null) {
      const command = outputOf[1]?.trim() ?? '';
      if (command === '') throw new Error(`${where}: "<!-- output of: -->" needs the command`);
      steps.push({ kind: 'sample', line: fence.line, command, sample: fence.body });
      continue;
    }
    if (marker === 'walkthrough: merge into accounts.json') {
      if (fence.language !== 'json') throw new Error(`${where}: only a json block can be merged into accounts.json`);
      try {
        steps.push({ kind: 'merge', line: fence.line, json: JSON.parse(fence.body.join('\n')) as unknown });
      } catch (error) {
        throw new Error(`${where}: the block does not parse as JSON: ${(error as Error).message}`);
      }
      continue;
    }
    const transcript = fence.language === 'console' || (fence.language === 'text' && fence.body[0]?.startsWith('$ ') === true);
    if (transcript) {
      const runs: (DocCommand & { sample: string[] })[] = [];
      fence.body.forEach((text, index) => {
        if (text.startsWith('$ ')) runs.push({ command: text.slice(2).trim(), line: fence.line + 1 + index, sample: [] });
        else runs.at(-1)?.sample.push(text);
      });
      steps.push({ kind: 'transcript', line: fence.line, runs });
    }
  }
  return steps;
}

/**
 * How a command is named in `<!-- output of: command -->`: its text without a trailing `# comment`, runs of
 * spaces as one.
 */
export function commandKey(command: string): string {
  return command
    .replace(/\s+#\s.*$/, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Where a project folder appears in the docs' sample outputs. */
/**
 * The project folder as the docs' samples write it: a placeholder (no machine has it), which the walk maps to
 * the folder the commands ran in. `<placeholder>-aws` is the clone's default name.
 */
export const DOC_PROJECT_DIR = '/home/me/bootstrap';
const SAMPLE_PROJECT_DIRS = new RegExp(`${DOC_PROJECT_DIR.replace(/\//g, '\\/')}(?:-aws)?(?=\\/|\\b)`, 'g');
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/g;

function normalize(line: string): string {
  return line.replace(ANSI, '').replace(/\s+/g, ' ').trim();
}

/** A sample line as a pattern for the end of a printed line: `...` and `…` match any text, {@link DOC_PROJECT_DIR} is the project folder. */
function samplePattern(line: string): RegExp {
  const parts = normalize(line.replace(SAMPLE_PROJECT_DIRS, '<project>'))
    .split(/\.\.\.|…/)
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  // A printed line may carry more in front (cdktf puts the stack's name before some lines), never a partial word.
  return new RegExp(`(?:^|\\s)${parts.join('.*')}$`);
}

/**
 * The sample lines (blank ones aside) that are not found in `output`, in order: each must match a line of
 * the output after the one the previous sample line matched. `projectDir` is the folder the commands ran in.
 * Returns the first sample line not found and those after it; empty when the sample holds.
 */
export function unmatchedSampleLines(sample: readonly string[], output: string, projectDir: string): string[] {
  const actual = output.split('\n').map((line) => normalize(line.split(projectDir).join('<project>')));
  const wanted = sample.filter((line) => line.trim() !== '');
  let from = 0;
  for (let i = 0; i < wanted.length; i++) {
    const pattern = samplePattern(wanted[i] ?? '');
    const at = actual.findIndex((line, index) => index >= from && pattern.test(line));
    if (at === -1) return wanted.slice(i);
    from = at + 1;
  }
  return [];
}

/** `patch` merged into `target`: objects key by key, anything else replaced. */
export function mergeJson(target: unknown, patch: unknown): unknown {
  const isObject = (value: unknown): value is Record<string, unknown> =>
    typeof value === 'object' && value !== null && !Array.isArray(value);
  if (!isObject(target) || !isObject(patch)) return patch;
  const merged: Record<string, unknown> = { ...target };
  for (const [key, value] of Object.entries(patch)) merged[key] = mergeJson(target[key], value);
  return merged;
}
