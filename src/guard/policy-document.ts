import type { IConstruct } from 'constructs';
import { asList, type GuardContext, parseReference } from './context';
import { decodeJsonencode } from './hcl-expression';

/** One IAM policy statement in a single shape, whichever way the policy was written. */
export interface PolicyStatement {
  /** `Allow` or `Deny` (IAM's default is `Allow`). */
  readonly effect: string;
  /** `Action`; undefined when the statement uses `NotAction`. */
  readonly actions?: readonly string[];
  readonly notActions?: readonly string[];
  readonly resources?: readonly string[];
  readonly notResources?: readonly string[];
  /** Principals as `<type>:<identifier>`, e.g. `AWS:*` or `*:*` for `"Principal": "*"`. */
  readonly principals: readonly string[];
  /** Conditions as operator, key and values, e.g. `Bool`, `aws:SecureTransport`, `["false"]`. */
  readonly conditions: readonly { test: string; variable: string; values: readonly string[] }[];
}

/**
 * The statements of a policy argument, or `undefined` when the policy cannot be read. Understood:
 * a JSON string, `Fn.jsonencode(...)` of an object, and a reference to an
 * `aws_iam_policy_document` data source (`doc.json`) in the same stack, including its
 * `source_policy_documents` and `override_policy_documents` when those are readable too.
 * Anything else (a `file()`, a variable, another resource's output) cannot be checked, and rules
 * treat it as failing: a guard that passes what it cannot read guards nothing.
 */
export function readPolicy(value: unknown, scope: IConstruct, context: GuardContext, depth = 0): PolicyStatement[] | undefined {
  if (typeof value !== 'string' || depth > 5) return undefined;
  const trimmed = value.trim();
  if (trimmed.startsWith('{')) {
    try {
      return fromJsonPolicy(JSON.parse(trimmed));
    } catch {
      return undefined;
    }
  }
  const decoded = decodeJsonencode(trimmed);
  if (decoded !== undefined) return fromJsonPolicy(decoded);

  const reference = parseReference(trimmed);
  if (reference === undefined || !reference.address.startsWith('data.aws_iam_policy_document.')) return undefined;
  if (reference.attribute !== 'json' && reference.attribute !== 'minified_json') return undefined;
  const document = context.byAddress(scope, reference.address);
  if (document === undefined) return undefined;
  const statements = fromPolicyDocument(document.config);
  for (const key of ['source_policy_documents', 'override_policy_documents']) {
    for (const nested of asList(document.config[key])) {
      const more = readPolicy(nested, scope, context, depth + 1);
      if (more === undefined) return undefined;
      statements.push(...more);
    }
  }
  return statements;
}

function fromJsonPolicy(policy: unknown): PolicyStatement[] | undefined {
  if (!isObject(policy)) return undefined;
  const statements: PolicyStatement[] = [];
  for (const raw of asList(policy.Statement)) {
    if (!isObject(raw)) return undefined;
    statements.push({
      effect: typeof raw.Effect === 'string' ? raw.Effect : 'Allow',
      ...optionalList('actions', raw.Action),
      ...optionalList('notActions', raw.NotAction),
      ...optionalList('resources', raw.Resource),
      ...optionalList('notResources', raw.NotResource),
      principals: jsonPrincipals(raw.Principal),
      conditions: jsonConditions(raw.Condition),
    });
  }
  return statements;
}

function fromPolicyDocument(config: Readonly<Record<string, unknown>>): PolicyStatement[] {
  return asList(config.statement)
    .filter(isObject)
    .map((raw) => ({
      effect: typeof raw.effect === 'string' ? raw.effect : 'Allow',
      ...optionalList('actions', raw.actions),
      ...optionalList('notActions', raw.not_actions),
      ...optionalList('resources', raw.resources),
      ...optionalList('notResources', raw.not_resources),
      principals: asList(raw.principals)
        .filter(isObject)
        .flatMap((block) => asList(block.identifiers).map((identifier) => `${String(block.type)}:${String(identifier)}`)),
      conditions: asList(raw.condition)
        .filter(isObject)
        .map((block) => ({
          test: String(block.test),
          variable: String(block.variable),
          values: asList(block.values).map(String),
        })),
    }));
}

function optionalList<K extends string>(key: K, value: unknown): Partial<Record<K, string[]>> {
  if (value === undefined || value === null) return {};
  return { [key]: asList(value).map(String) } as Partial<Record<K, string[]>>;
}

function jsonPrincipals(principal: unknown): string[] {
  if (principal === undefined) return [];
  if (typeof principal === 'string') return [`${principal}:${principal}`];
  if (!isObject(principal)) return [];
  return Object.entries(principal).flatMap(([type, ids]) => asList(ids).map((id) => `${type}:${String(id)}`));
}

function jsonConditions(condition: unknown): PolicyStatement['conditions'] {
  if (!isObject(condition)) return [];
  return Object.entries(condition).flatMap(([test, byKey]) =>
    isObject(byKey)
      ? Object.entries(byKey).map(([variable, values]) => ({ test, variable, values: asList(values).map(String) }))
      : [],
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Whether an IAM action pattern (`*`, `iam:*`, `iam:Pass*`, `iam:PassRole`) covers `action`.
 * IAM matches actions case-insensitively, with `*` and `?` as wildcards.
 */
export function actionCovers(pattern: string, action: string): boolean {
  const regex = new RegExp(
    `^${pattern
      .split('')
      .map((char) => (char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
      .join('')}$`,
    'i',
  );
  return regex.test(action);
}
