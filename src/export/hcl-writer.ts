/**
 * Lays out HCL: attributes, blocks, lists and objects, as `terraform fmt` leaves them (two spaces a
 * level, `=` aligned over consecutive one-line attributes, a multi-line value or a blank line ends the
 * alignment), so an exported file passes `terraform fmt -check` as written.
 */

/** One output line; `raw` lines (a heredoc's content and closing marker) are never indented. */
export interface Line {
  readonly text: string;
  readonly raw?: boolean;
}

/**
 * A rendered expression: the first line follows `name = `, later lines are indented relative to the
 * attribute. A heredoc counts as one line for alignment, as in `terraform fmt`.
 */
export interface Value {
  readonly lines: readonly Line[];
  readonly heredoc?: boolean;
}

export type Item =
  | { readonly kind: 'attribute'; readonly name: string; readonly value: Value }
  | { readonly kind: 'block'; readonly type: string; readonly labels: readonly string[]; readonly body: Body };

/** A block's content: groups of items, written with a blank line between non-empty groups. */
export type Body = readonly (readonly Item[])[];

const INDENT = '  ';
/** Longest one-line list (its text alone) before it is written one element a line. */
const MAX_INLINE_LIST = 80;

export function scalar(text: string): Value {
  return { lines: [{ text }] };
}

export function heredoc(lines: readonly string[]): Value {
  const [first = '', ...rest] = lines;
  return { lines: [{ text: first }, ...rest.map((text) => ({ text, raw: true }))], heredoc: true };
}

/** `[a, b]` on one line when every element is one short line, else one element a line with trailing commas. */
export function list(elements: readonly Value[]): Value {
  if (elements.length === 0) return scalar('[]');
  const oneLine = elements.every((element) => element.lines.length === 1 && element.heredoc !== true);
  if (oneLine) {
    const text = `[${elements.map((element) => element.lines[0]?.text ?? '').join(', ')}]`;
    if (text.length <= MAX_INLINE_LIST) return scalar(text);
  }
  const lines: Line[] = [{ text: '[' }];
  for (const element of elements) {
    element.lines.forEach((line, index) => {
      const last = index === element.lines.length - 1;
      const text = `${line.raw === true ? line.text : INDENT + line.text}${last ? ',' : ''}`;
      lines.push(line.raw === true ? { text, raw: true } : { text });
    });
  }
  lines.push({ text: ']' });
  return { lines };
}

/** `{ key = value ... }`, one entry a line (keys rendered already: bare or quoted), `{}` when empty. */
export function object(entries: readonly { readonly key: string; readonly value: Value }[]): Value {
  if (entries.length === 0) return scalar('{}');
  const inner = formatBody([entries.map(({ key, value }) => ({ kind: 'attribute' as const, name: key, value }))], INDENT);
  return { lines: [{ text: '{' }, ...inner, { text: '}' }] };
}

/** The text of a file: top-level items separated by blank lines, ending with one newline. */
export function formatFile(items: readonly Item[]): string {
  const lines = formatBody(
    items.map((item) => [item]),
    '',
  );
  return `${lines.map((line) => line.text).join('\n')}\n`;
}

/** Lines of a body at `indent`. */
export function formatBody(body: Body, indent: string): Line[] {
  const lines: Line[] = [];
  for (const group of body.filter((items) => items.length > 0)) {
    if (lines.length > 0) lines.push({ text: '' });
    let width = 0;
    group.forEach((item, index) => {
      if (item.kind === 'block') {
        lines.push(...formatBlock(item, indent));
        return;
      }
      if (!alignable(item.value)) width = 0;
      else if (index === 0 || !alignable(previousValue(group, index))) width = chainWidth(group, index);
      const name = alignable(item.value) ? item.name.padEnd(width) : item.name;
      item.value.lines.forEach((line, lineIndex) => {
        if (lineIndex === 0) lines.push({ text: `${indent}${name} = ${line.text}` });
        else lines.push(line.raw === true ? line : { text: `${indent}${line.text}` });
      });
    });
  }
  return lines;
}

function formatBlock(block: Extract<Item, { kind: 'block' }>, indent: string): Line[] {
  const header = [block.type, ...block.labels].join(' ');
  const inner = formatBody(block.body, indent + INDENT);
  if (inner.length === 0) return [{ text: `${indent}${header} {}` }];
  return [{ text: `${indent}${header} {` }, ...inner, { text: `${indent}}` }];
}

function alignable(value: Value | undefined): boolean {
  return value !== undefined && (value.lines.length === 1 || value.heredoc === true);
}

function previousValue(group: readonly Item[], index: number): Value | undefined {
  const previous = group[index - 1];
  return previous?.kind === 'attribute' ? previous.value : undefined;
}

/** Width of the longest name in the run of one-line attributes that starts at `start`. */
function chainWidth(group: readonly Item[], start: number): number {
  let width = 0;
  for (let index = start; index < group.length; index++) {
    const item = group[index];
    if (item?.kind !== 'attribute' || !alignable(item.value)) break;
    width = Math.max(width, item.name.length);
  }
  return width;
}
