import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

/** The repository root. */
export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

/** README.md and every Markdown page under docs/, as paths relative to `root`. */
export function markdownFiles(root: string = PROJECT_ROOT): string[] {
  const docs = readdirSync(path.join(root, 'docs'), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.md'))
    .map((file) => path.join('docs', file))
    .sort();
  return ['README.md', ...docs];
}

export interface ScriptMention {
  readonly file: string;
  readonly line: number;
  readonly script: string;
}

/**
 * Every `npm run <script>` (and `npm test`) in the Markdown files whose script is not in `scripts`.
 * Line breaks inside a mention (wrapped prose) count as spaces.
 */
export function missingNpmScripts(root: string, files: readonly string[], scripts: Record<string, string>): ScriptMention[] {
  const missing: ScriptMention[] = [];
  for (const file of files) {
    const text = readFileSync(path.join(root, file), 'utf8');
    for (const match of text.matchAll(/\bnpm\s+(?:run(?:-script)?\s+(?:(?:-s|--silent)\s+)?([\w:.-]+)|(test)\b)/g)) {
      const script = match[1] ?? match[2] ?? '';
      if (!(script in scripts)) {
        missing.push({ file, line: text.slice(0, match.index).split('\n').length, script });
      }
    }
  }
  return missing;
}
