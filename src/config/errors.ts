/**
 * A problem with the user's input (accounts.json or the environment), as opposed to a bug.
 *
 * Each entry of `problems` is one self-contained line: the file, the JSON path, what is
 * wrong and how to fix it. The CLI prints them without a stack trace and exits non-zero.
 */
export class ConfigError extends Error {
  public readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(problems.join('\n'));
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** Renders a JSON path such as `accounts.dev` or `pipeline.ingress[0].cidr`. */
export function formatJsonPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(top level)';
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(String(segment))) out += out === '' ? String(segment) : `.${String(segment)}`;
    else out += `[${JSON.stringify(String(segment))}]`;
  }
  return out;
}
