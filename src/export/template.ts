/**
 * Terraform string templates, as they appear in Terraform JSON and in HCL. A JSON string in an
 * expression position is a template (`"arn:${data.aws_partition.p.partition}:s3:::b"`), parsed by the
 * same template parser as an HCL quoted string or heredoc: only the way the text is quoted differs.
 * So a template's source moves from JSON to HCL unchanged, once its literal parts are escaped for an
 * HCL quoted string (backslash, quote, newlines); the `${...}` and `%{...}` sequences are copied as
 * they are (their quotes belong to the expression inside), as are `$${` and `%%{` (literal `${`, `%{`).
 */

/** A piece of a template: literal text (template source, escapes such as `$${` kept) or one `${...}` / `%{...}` sequence. */
export type TemplatePart =
  | { readonly kind: 'literal'; readonly source: string }
  | { readonly kind: 'interpolation' | 'directive'; readonly source: string; readonly inner: string };

/**
 * Splits a template into literal parts and sequences. Inside a sequence, braces and quoted strings
 * (themselves templates) are followed, so `${jsonencode({"a" = "}"})}` is one sequence.
 * @throws Error for an unterminated sequence or string (Terraform would reject the template too).
 */
export function templateParts(template: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let literal = '';
  let at = 0;
  while (at < template.length) {
    if (template.startsWith('$${', at) || template.startsWith('%%{', at)) {
      literal += template.slice(at, at + 3);
      at += 3;
      continue;
    }
    if (template.startsWith('${', at) || template.startsWith('%{', at)) {
      if (literal !== '') parts.push({ kind: 'literal', source: literal });
      literal = '';
      const end = sequenceEnd(template, at + 2);
      parts.push({
        kind: template[at] === '$' ? 'interpolation' : 'directive',
        source: template.slice(at, end + 1),
        inner: template.slice(at + 2, end),
      });
      at = end + 1;
      continue;
    }
    literal += template.charAt(at);
    at++;
  }
  if (literal !== '') parts.push({ kind: 'literal', source: literal });
  return parts;
}

/** Index of the `}` that closes the sequence whose expression starts at `from`. */
function sequenceEnd(text: string, from: number): number {
  let depth = 0;
  let at = from;
  while (at < text.length) {
    const char = text[at];
    if (char === '"') {
      at = quotedEnd(text, at + 1);
      continue;
    }
    if (text.startsWith('<<', at) && /^<<-?[A-Za-z_]/.test(text.slice(at, at + 4))) {
      throw new Error(`a heredoc inside "\${...}" is not supported: ${abbreviate(text)}`);
    }
    if (char === '{') depth++;
    else if (char === '}') {
      if (depth === 0) return at;
      depth--;
    }
    at++;
  }
  throw new Error(`unterminated "\${" or "%{" sequence in ${abbreviate(text)}`);
}

/** Index just after the `"` that closes a quoted string whose content starts at `from`. */
function quotedEnd(text: string, from: number): number {
  let at = from;
  while (at < text.length) {
    if (text[at] === '\\') {
      at += 2;
      continue;
    }
    if (text[at] === '"') return at + 1;
    if (text.startsWith('$${', at) || text.startsWith('%%{', at)) {
      at += 3;
      continue;
    }
    if (text.startsWith('${', at) || text.startsWith('%{', at)) {
      at = sequenceEnd(text, at + 2) + 1;
      continue;
    }
    at++;
  }
  throw new Error(`unterminated string inside a "\${...}" sequence in ${abbreviate(text)}`);
}

function abbreviate(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 77)}...` : text);
}

/**
 * The expression of a template that is exactly one interpolation (`"${aws_vpc.v.id}"`), trimmed;
 * `undefined` otherwise. Such a template yields the expression's value unchanged (not converted to
 * a string), so the bare expression means the same. Strip markers (`${~ x ~}`) keep the template form.
 */
export function singleInterpolation(template: string): string | undefined {
  if (!template.startsWith('${')) return undefined;
  let parts: TemplatePart[];
  try {
    parts = templateParts(template);
  } catch {
    return undefined;
  }
  const [only] = parts;
  if (parts.length !== 1 || only === undefined || only.kind !== 'interpolation') return undefined;
  if (only.inner.startsWith('~') || only.inner.endsWith('~')) return undefined;
  const expression = only.inner.trim();
  return expression === '' ? undefined : expression;
}

/** Template source whose value is `text` itself: `${` and `%{` escaped as `$${` and `%%{`. */
export function literalTemplate(text: string): string {
  // A function, not a replacement string: there `$$` would mean one `$`.
  return text.replace(/([$%])\{/g, (_match, sigil: string) => `${sigil}${sigil}{`);
}

/**
 * An HCL quoted string with the template `template`: literal parts escaped (backslash, quote,
 * newline, carriage return, tab, other control characters), sequences copied as they are.
 */
export function quotedTemplate(template: string): string {
  const body = templateParts(template)
    .map((part) => (part.kind === 'literal' ? escapeLiteral(part.source) : part.source))
    .join('');
  return `"${body}"`;
}

function escapeLiteral(text: string): string {
  return (
    text
      .replace(/\\/g, '\\\\')
      .replace(/"/g, '\\"')
      .replace(/\n/g, '\\n')
      .replace(/\r/g, '\\r')
      .replace(/\t/g, '\\t')
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u001f\u007f]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`)
  );
}

/**
 * The lines of a heredoc (`<<EOT` ... `EOT`) with the template `template`, when one fits: the text
 * has several lines and ends with a newline (a heredoc's value always does), and holds no carriage
 * return or other control character but tab (a heredoc has no escapes). `undefined` otherwise. The content lines
 * are the template's own, unindented (`<<-` would strip their common indentation too).
 */
export function heredocLines(template: string): string[] | undefined {
  if (!template.endsWith('\n') || !template.slice(0, -1).includes('\n')) return undefined;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000b-\u001f\u007f]/.test(template)) return undefined;
  // Checks that the sequences are well-formed, as quotedTemplate does.
  templateParts(template);
  const lines = template.slice(0, -1).split('\n');
  let marker = 'EOT';
  for (let n = 1; lines.some((line) => line.trim() === marker); n++) marker = `EOT${n}`;
  return [`<<${marker}`, ...lines, marker];
}
