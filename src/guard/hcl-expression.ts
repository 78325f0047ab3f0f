/**
 * Reads back the HCL expression cdktf renders for `Fn.jsonencode(value)`, so that policies written
 * as TypeScript objects can be checked. cdktf keeps no public handle on the object it encoded, only
 * the rendered `${jsonencode({"Key" = value, ...})}` string, which uses a small subset of HCL:
 * objects with `=`, arrays, JSON-escaped strings (with `$${` for a literal `${`), numbers, booleans,
 * and bare references such as `aws_s3_bucket.b_bucket_3828F551.arn`.
 *
 * A bare reference or any other expression is returned as the string `${<expression>}`, the form
 * the same reference takes everywhere else in synthesized JSON, so callers compare one form only.
 */

const JSONENCODE = /^\$\{jsonencode\(([\s\S]*)\)\}$/;

/** The value a `${jsonencode(...)}` string encodes, or `undefined` when `text` is not one or cannot be read. */
export function decodeJsonencode(text: string): unknown {
  const match = JSONENCODE.exec(text);
  if (match?.[1] === undefined) return undefined;
  try {
    const parser = new Parser(match[1]);
    const value = parser.value();
    parser.end();
    return value;
  } catch {
    return undefined;
  }
}

class Parser {
  private at = 0;

  constructor(private readonly text: string) {}

  value(): unknown {
    this.skipSpace();
    const char = this.text[this.at];
    if (char === '{') return this.object();
    if (char === '[') return this.array();
    if (char === '"') return this.string();
    // cdktf renders `null` inside jsonencode as nothing at all: `[1, , 2]`.
    if (char === ',' || char === ']' || char === '}') return null;
    const raw = this.expression();
    if (raw === 'true') return true;
    if (raw === 'false') return false;
    if (raw === 'null') return null;
    if (/^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(raw)) return Number(raw);
    return `\${${raw}}`;
  }

  end(): void {
    this.skipSpace();
    if (this.at !== this.text.length) throw new Error(`unexpected ${this.text.slice(this.at, this.at + 10)}`);
  }

  private object(): Record<string, unknown> {
    const result: Record<string, unknown> = {};
    this.expect('{');
    this.skipSpace();
    while (this.text[this.at] !== '}') {
      this.skipSpace();
      const key = this.text[this.at] === '"' ? this.string() : this.expression();
      this.skipSpace();
      if (this.text[this.at] !== '=' && this.text[this.at] !== ':') throw new Error('expected "="');
      this.at++;
      result[key] = this.value();
      this.skipSpace();
      if (this.text[this.at] === ',') this.at++;
      else if (this.text[this.at] !== '}') throw new Error('expected "," or "}"');
      this.skipSpace();
    }
    this.at++;
    return result;
  }

  private array(): unknown[] {
    const result: unknown[] = [];
    this.expect('[');
    this.skipSpace();
    while (this.text[this.at] !== ']') {
      result.push(this.value());
      this.skipSpace();
      if (this.text[this.at] === ',') this.at++;
      else if (this.text[this.at] !== ']') throw new Error('expected "," or "]"');
      this.skipSpace();
    }
    this.at++;
    return result;
  }

  /** A quoted string; `${...}` interpolations are kept as written, `$${` becomes a literal `${`. */
  private string(): string {
    this.expect('"');
    let out = '';
    for (;;) {
      const char = this.text[this.at];
      if (char === undefined) throw new Error('unterminated string');
      if (char === '"') {
        this.at++;
        return out;
      }
      if (char === '\\') {
        const next = this.text[this.at + 1];
        const escapes: Record<string, string> = { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f' };
        if (next === 'u') {
          out += String.fromCharCode(parseInt(this.text.slice(this.at + 2, this.at + 6), 16));
          this.at += 6;
        } else if (next !== undefined && escapes[next] !== undefined) {
          out += escapes[next];
          this.at += 2;
        } else {
          throw new Error('invalid escape');
        }
        continue;
      }
      if (this.text.startsWith('$${', this.at)) {
        out += '${';
        this.at += 3;
        continue;
      }
      if (this.text.startsWith('${', this.at)) {
        const close = this.closing(this.at + 2, '}');
        out += this.text.slice(this.at, close + 1);
        this.at = close + 1;
        continue;
      }
      out += char;
      this.at++;
    }
  }

  /** Any other expression: everything up to the next `,`, `]`, `}` or key `=` outside brackets and strings. */
  private expression(): string {
    const start = this.at;
    while (this.at < this.text.length) {
      const char = this.text[this.at] ?? '';
      if (',]}'.includes(char) || (char === '=' && this.isAssignment())) break;
      if (char === '(' || char === '[' || char === '{')
        this.at = this.closing(this.at + 1, { '(': ')', '[': ']', '{': '}' }[char]) + 1;
      else if (char === '"') this.string();
      else this.at++;
    }
    const raw = this.text.slice(start, this.at).trim();
    if (raw === '') throw new Error('expected a value');
    return raw;
  }

  /** Index of the bracket closing one opened just before `from`, skipping nested brackets and strings. */
  private closing(from: number, close: string): number {
    const saved = this.at;
    this.at = from;
    const opens: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
    while (this.at < this.text.length) {
      const char = this.text[this.at] ?? '';
      if (char === close) {
        const found = this.at;
        this.at = saved;
        return found;
      }
      const nested = opens[char];
      if (nested !== undefined) this.at = this.closing(this.at + 1, nested) + 1;
      else if (char === '"') this.string();
      else this.at++;
    }
    throw new Error(`missing "${close}"`);
  }

  /** An `=` at `this.at` that separates a key from its value, not part of `==`, `!=`, `<=` or `>=`. */
  private isAssignment(): boolean {
    return this.text[this.at + 1] !== '=' && !'=!<>'.includes(this.text[this.at - 1] ?? '');
  }

  private expect(char: string): void {
    if (this.text[this.at] !== char) throw new Error(`expected "${char}"`);
    this.at++;
  }

  private skipSpace(): void {
    while (/\s/.test(this.text[this.at] ?? '')) this.at++;
  }
}
