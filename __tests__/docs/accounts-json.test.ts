// docs/accounts-json.md, the accounts.json reference, is checked against the JSON Schema generated from the
// validator: every field of the schema is documented with its default, and every documented field exists.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { accountsJsonSchema, type JsonSchemaNode } from '../../src/config/json-schema';
import { PROJECT_ROOT } from '../support/docs';

interface SchemaField {
  readonly required: boolean;
  readonly default?: unknown;
}

/** Every field of the schema by its documented path: `accounts.<name>.region`, `pipeline.ingress[].port`. */
function schemaFields(node: JsonSchemaNode, prefix = '', fields = new Map<string, SchemaField>()): Map<string, SchemaField> {
  for (const alternative of node.anyOf ?? []) schemaFields(alternative, prefix, fields);
  for (const [key, child] of Object.entries(node.properties ?? {})) {
    const at = prefix === '' ? key : `${prefix}.${key}`;
    fields.set(at, { required: (node.required ?? []).includes(key), ...('default' in child ? { default: child.default } : {}) });
    schemaFields(child, at, fields);
  }
  if (typeof node.additionalProperties === 'object') {
    const at = `${prefix}.<name>`;
    fields.set(at, { required: false });
    schemaFields(node.additionalProperties, at, fields);
  }
  if (node.items !== undefined) schemaFields(node.items, `${prefix}[]`, fields);
  return fields;
}

interface DocumentedField {
  readonly type: string;
  readonly default: string;
}

/** The reference's entries: list items of "## Fields" reading "- `path`[, `path`] (type; default …): rules". */
function documentedFields(markdown: string): Map<string, DocumentedField> {
  const section = markdown.split(/^## /m).find((part) => part.startsWith('Fields\n')) ?? '';
  const items = section
    .split(/^- /m)
    .slice(1)
    .map((item) => item.replace(/\s*\n\s*/g, ' '));
  const fields = new Map<string, DocumentedField>();
  for (const item of items) {
    const entry = /^((?:`[^`]+`(?:, )?)+) \(([^;]+); (.*?)\):/.exec(item);
    if (entry === null) continue;
    for (const [, at = ''] of (entry[1] ?? '').matchAll(/`([^`]+)`/g)) {
      fields.set(at, { type: entry[2] ?? '', default: entry[3] ?? '' });
    }
  }
  return fields;
}

const reference = readFileSync(path.join(PROJECT_ROOT, 'docs', 'accounts-json.md'), 'utf8');
const documented = documentedFields(reference);
const fields = schemaFields(accountsJsonSchema());

test('the reference lists its fields in the form the check reads', () => {
  expect(documented.size).toBeGreaterThan(50);
});

test('every field of the schema is documented in docs/accounts-json.md', () => {
  expect([...fields.keys()].filter((at) => !documented.has(at))).toEqual([]);
});

test('every documented field exists in the schema', () => {
  expect([...documented.keys()].filter((at) => !fields.has(at))).toEqual([]);
});

test('every field is documented as required exactly when the schema requires it, else with its default', () => {
  const wrong = [...fields].flatMap(([at, field]) => {
    const text = documented.get(at)?.default;
    if (text === undefined) return [];
    const ok = field.required ? text.startsWith('required') : /^(no )?default\b/.test(text);
    return ok ? [] : [`${at}: "${text}"`];
  });
  expect(wrong).toEqual([]);
});

test("every default the schema sets is written out in the field's entry", () => {
  const wrong = [...fields].flatMap(([at, field]) => {
    const text = documented.get(at)?.default;
    if (text === undefined || !('default' in field)) return [];
    // An object's default is the defaults of its own fields, each checked on its own.
    if (typeof field.default === 'object' && field.default !== null && !Array.isArray(field.default)) return [];
    return text.includes(`\`${JSON.stringify(field.default)}\``)
      ? []
      : [`${at}: "${text}" lacks \`${JSON.stringify(field.default)}\``];
  });
  expect(wrong).toEqual([]);
});

test('the check notices a field the reference leaves out and a field the schema does not have', () => {
  const edited = reference
    .replace(/^- `stateBucket\.kms` .*$/m, '- `stateBucket.kmsKey` (boolean; default `false`): a misspelt field.')
    .replace('`pipeline.azCount` (integer; default `2`)', '`pipeline.azCount` (integer; default two)');
  const fromEdited = documentedFields(edited);
  expect([...fields.keys()].filter((at) => !fromEdited.has(at))).toEqual(['stateBucket.kms']);
  expect([...fromEdited.keys()].filter((at) => !fields.has(at))).toEqual(['stateBucket.kmsKey']);
  expect(fromEdited.get('pipeline.azCount')?.default).toBe('default two');
});

test('the example "with the defaults written out" shows each default the schema sets', () => {
  const example = /with the defaults written out:\n\n```json\n([\s\S]*?)\n```/.exec(reference)?.[1];
  expect(example).toBeDefined();
  const shown = JSON.parse(example ?? '') as Record<string, unknown>;
  /** Every value of the example at a field the schema gives a default, with that default. */
  const compared: [string, unknown, unknown][] = [];
  const walk = (value: unknown, at: string): void => {
    const field = fields.get(at);
    if (field !== undefined && 'default' in field && (typeof value !== 'object' || value === null)) {
      compared.push([at, value, field.default]);
    }
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      for (const [key, child] of Object.entries(value)) walk(child, at === '' ? key : `${at}.${key}`);
    }
  };
  walk(shown, '');
  expect(compared.map(([at]) => at)).toEqual(
    expect.arrayContaining(['region', 'productionAccount', 'stateBucket.noncurrentVersionExpirationDays']),
  );
  expect(compared.filter(([, value, fallback]) => value !== fallback)).toEqual([]);
});
