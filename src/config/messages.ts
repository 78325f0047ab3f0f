// Wording shared by every part of the accounts.json schema, so that all messages read alike.

/**
 * Stands for a JSON `null` the user wrote where `null` would otherwise mean "not set" after
 * preprocessing, so that it is refused with the right words instead of silently accepted.
 */
export const JSON_NULL = Symbol('null');

/** Describes a JSON value for an error message: `the number 12`, `an array`, `null`. */
export function describeValue(value: unknown): string {
  if (value === null || value === JSON_NULL) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  if (typeof value === 'number' || typeof value === 'boolean') return `the ${typeof value} ${String(value)}`;
  return typeof value;
}

/** Error text for a value of the wrong type, or a missing required key. */
export function typeError(expected: string, example: string) {
  return (issue: { input?: unknown }): string =>
    issue.input === undefined
      ? `is missing; add it, e.g. ${example}`
      : `must be ${expected}, got ${describeValue(issue.input)}; write e.g. ${example}`;
}
