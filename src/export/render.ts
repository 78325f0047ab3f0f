/**
 * Terraform JSON (what cdktf synthesizes) → Terraform HCL with the same meaning. Written here because
 * `cdktf synth --hcl` gets this project's stacks wrong (a `postcondition` rendered as an argument,
 * `depends_on` as quoted strings) and no maintained npm library converts Terraform JSON to HCL.
 *
 * Three things decide how a JSON value is written:
 * - Nested block or argument: the provider schema says (src/export/schema.ts); Terraform's own blocks
 *   (`lifecycle`, `provisioner`, `precondition`, `backend`, ...) are known here.
 * - Expression, reference or literal: most strings are templates (`"${aws_vpc.v.id}"` becomes
 *   `aws_vpc.v.id`); `depends_on`, `provider`, `ignore_changes`, `moved`/`import` addresses are
 *   references, written bare; and the settings Terraform reads without evaluating (the `terraform`
 *   block, variable defaults, output descriptions) take JSON strings literally, so their `${` is escaped.
 * - Layout: src/export/hcl-writer.ts.
 * Anything it cannot place (a key the schema does not know, an unknown top-level key) is an error,
 * never a guess: a wrong guess would give files that plan differently.
 */
import { type Body, formatFile, heredoc as heredocValue, type Item, list, object, scalar, type Value } from './hcl-writer';
import { type ProvidersSchema, type SchemaBlock, type SchemaBlockType, SchemaLookup } from './schema';
import { heredocLines, literalTemplate, quotedTemplate, singleInterpolation } from './template';

type Json = null | boolean | number | string | Json[] | { readonly [key: string]: Json };
type JsonObject = { readonly [key: string]: Json };

/** Top-level keys in the order their blocks are written. */
const TOP_LEVEL = [
  'terraform',
  'provider',
  'variable',
  'locals',
  'data',
  'resource',
  'module',
  'output',
  'import',
  'moved',
  'removed',
  'check',
];

/** Meta-arguments of resources and data sources, written by {@link resourceBody} rather than from the schema. */
const RESOURCE_META = new Set(['count', 'for_each', 'provider', 'depends_on', 'lifecycle', 'provisioner', 'connection']);

/** HCL keywords that a bare object key could be read as. */
const KEYWORDS = new Set(['true', 'false', 'null', 'for', 'in', 'if', 'else', 'endif', 'endfor']);

/**
 * The HCL of one Terraform JSON configuration (`config`: the parsed `.tf.json`), with `schema`
 * from `terraform providers schema -json` for its providers. `//` comment keys are dropped.
 * @throws Error naming the block and key when something cannot be rendered with certainty.
 */
export function renderTerraformJson(config: unknown, schema: ProvidersSchema): string {
  const root = asObject(config, 'the configuration');
  const unknown = Object.keys(root).filter((key) => key !== '//' && !TOP_LEVEL.includes(key));
  if (unknown.length > 0) throw new Error(`unsupported top-level key(s): ${unknown.join(', ')}`);
  const renderer = new Renderer(new SchemaLookup(schema, requiredProviderSources(root.terraform)));
  const items: Item[] = [];
  for (const key of TOP_LEVEL) {
    const value = root[key];
    if (value !== undefined && value !== null) items.push(...renderer.topLevel(key, value));
  }
  return formatFile(items);
}

/** Local name → source of `terraform.required_providers` (object or list of objects in JSON). */
function requiredProviderSources(terraform: Json | undefined): Record<string, string> {
  const sources: Record<string, string> = {};
  if (terraform === undefined || terraform === null) return sources;
  for (const block of asBodies(terraform, 'terraform')) {
    const required = block.required_providers;
    if (required === undefined || required === null) continue;
    for (const providers of asBodies(required, 'terraform.required_providers')) {
      for (const [name, requirement] of Object.entries(providers)) {
        if (isObject(requirement) && typeof requirement.source === 'string') sources[name] = requirement.source;
      }
    }
  }
  return sources;
}

class Renderer {
  constructor(private readonly schemas: SchemaLookup) {}

  topLevel(key: string, value: Json): Item[] {
    switch (key) {
      case 'terraform':
        return asBodies(value, 'terraform').map((body) => block('terraform', [], this.terraformBody(body)));
      case 'provider':
        return this.named(value, 'provider', (name, body, where) =>
          block('provider', [label(name)], this.providerBody(name, body, where)),
        );
      case 'variable':
        return this.named(value, 'variable', (name, body, where) => block('variable', [label(name)], variableBody(body, where)));
      case 'locals':
        return asBodies(value, 'locals').map((body) => block('locals', [], [attributes(body, 'locals', expressionAttribute)]));
      case 'data':
      case 'resource':
        return this.typed(value, key, (type, name, body, where) =>
          block(key, [label(type), label(name)], this.resourceBody(key, type, body, where)),
        );
      case 'module':
        return this.named(value, 'module', (name, body, where) => block('module', [label(name)], moduleBody(body, where)));
      case 'output':
        return this.named(value, 'output', (name, body, where) => block('output', [label(name)], outputBody(body, where)));
      case 'import':
        return asBodies(value, 'import').map((body, index) => block('import', [], importBody(body, `import[${index}]`)));
      case 'moved':
        return asBodies(value, 'moved').map((body, index) => block('moved', [], movedBody(body, `moved[${index}]`)));
      case 'removed':
        return asBodies(value, 'removed').map((body, index) => block('removed', [], removedBody(body, `removed[${index}]`)));
      case 'check':
        return this.named(value, 'check', (name, body, where) => block('check', [label(name)], this.checkBody(body, where)));
      default:
        throw new Error(`unsupported top-level key: ${key}`);
    }
  }

  /** `{ "<name>": body or [bodies] }` → one block per body. */
  private named(value: Json, kind: string, make: (name: string, body: JsonObject, where: string) => Item): Item[] {
    const items: Item[] = [];
    for (const [name, bodies] of Object.entries(asObject(value, kind))) {
      for (const body of asBodies(bodies, `${kind}.${name}`)) items.push(make(name, body, `${kind}.${name}`));
    }
    return items;
  }

  /** `{ "<type>": { "<name>": body } }` (resource, data). */
  private typed(value: Json, kind: string, make: (type: string, name: string, body: JsonObject, where: string) => Item): Item[] {
    const items: Item[] = [];
    for (const [type, byName] of Object.entries(asObject(value, kind))) {
      for (const [name, bodies] of Object.entries(asObject(byName, `${kind}.${type}`))) {
        const where = `${kind}.${type}.${name}`;
        for (const body of asBodies(bodies, where)) items.push(make(type, name, body, where));
      }
    }
    return items;
  }

  private terraformBody(body: JsonObject): Body {
    const first: Item[] = [];
    const blocks: Item[] = [];
    for (const [key, value] of entries(body)) {
      const where = `terraform.${key}`;
      switch (key) {
        case 'required_version':
          first.push(attribute(key, literal(value)));
          break;
        case 'experiments':
          first.push(attribute(key, references(value, where)));
          break;
        case 'required_providers':
          for (const providers of asBodies(value, where)) {
            blocks.push(
              block(
                key,
                [],
                [
                  attributes(providers, where, (name, requirement) =>
                    attribute(name, providerRequirement(requirement, `${where}.${name}`)),
                  ),
                ],
              ),
            );
          }
          break;
        case 'backend':
        case 'provider_meta':
          for (const [type, settings] of Object.entries(asObject(value, where))) {
            for (const settingsBody of asBodies(settings, `${where}.${type}`)) {
              blocks.push(block(key, [label(type)], [attributes(settingsBody, `${where}.${type}`, literalAttribute)]));
            }
          }
          break;
        case 'cloud':
          for (const cloud of asBodies(value, where)) blocks.push(block(key, [], cloudBody(cloud, where)));
          break;
        default:
          throw new Error(`${where}: unsupported setting of the terraform block`);
      }
    }
    return [first, blocks];
  }

  private providerBody(name: string, body: JsonObject, where: string): Body {
    const meta: Item[] = [];
    for (const key of ['alias', 'version']) {
      const value = body[key];
      if (value !== undefined) meta.push(attribute(key, literal(value)));
    }
    const { attributes: args, blocks } = this.schemaBody(body, this.schemas.provider(name), where, new Set(['alias', 'version']));
    return [meta, args, blocks];
  }

  private resourceBody(kind: 'resource' | 'data', type: string, body: JsonObject, where: string): Body {
    const providerRef = body.provider;
    const schema = this.schemas.block(kind, type, typeof providerRef === 'string' ? bareReference(providerRef) : undefined);
    const first: Item[] = [];
    for (const key of ['count', 'for_each']) {
      const value = body[key];
      if (value !== undefined) first.push(attribute(key, expression(value, `${where}.${key}`)));
    }
    if (providerRef !== undefined) first.push(attribute('provider', reference(providerRef, `${where}.provider`)));
    const { attributes: args, blocks } = this.schemaBody(body, schema, where, RESOURCE_META);
    const provisioning: Item[] = [];
    if (kind === 'resource') {
      if (body.connection !== undefined) provisioning.push(...connectionBlocks(body.connection, `${where}.connection`));
      if (body.provisioner !== undefined) provisioning.push(...provisionerBlocks(body.provisioner, `${where}.provisioner`));
    } else if (body.connection !== undefined || body.provisioner !== undefined) {
      throw new Error(`${where}: a data source takes no connection or provisioner`);
    }
    const last: Item[] = [];
    if (body.depends_on !== undefined) last.push(attribute('depends_on', references(body.depends_on, `${where}.depends_on`)));
    if (body.lifecycle !== undefined) last.push(...lifecycleBlocks(body.lifecycle, `${where}.lifecycle`));
    return [first, args, blocks, provisioning, last];
  }

  private checkBody(body: JsonObject, where: string): Body {
    const items: Item[] = [];
    for (const [key, value] of entries(body)) {
      if (key === 'data') {
        items.push(
          ...this.typed(value, 'data', (type, name, dataBody, dataWhere) =>
            block('data', [label(type), label(name)], this.resourceBody('data', type, dataBody, `${where}.${dataWhere}`)),
          ),
        );
      } else if (key === 'assert') {
        items.push(...conditionBlocks('assert', value, `${where}.assert`));
      } else {
        throw new Error(`${where}: unsupported key "${key}" in a check block`);
      }
    }
    return [items];
  }

  /**
   * The arguments and nested blocks of a body by its schema; `skip` keys are the caller's. A key the
   * schema does not know is an error (Terraform would reject it too).
   */
  private schemaBody(
    body: JsonObject,
    schema: SchemaBlock,
    where: string,
    skip: ReadonlySet<string> = new Set(),
  ): { attributes: Item[]; blocks: Item[] } {
    const args: Item[] = [];
    const blocks: Item[] = [];
    for (const [key, value] of entries(body)) {
      if (skip.has(key)) continue;
      const path = `${where}.${key}`;
      if (schema.attributes?.[key] !== undefined) {
        args.push(attribute(key, expression(value, path, true)));
        continue;
      }
      const blockType = schema.block_types?.[key];
      if (blockType !== undefined) {
        blocks.push(...this.nestedBlocks(key, value, blockType, path));
        continue;
      }
      if (key === 'dynamic') {
        blocks.push(...this.dynamicBlocks(value, schema, path));
        continue;
      }
      throw new Error(`${path}: neither an argument nor a nested block in the provider's schema`);
    }
    return { attributes: args, blocks };
  }

  private nested(body: JsonObject, schema: SchemaBlock, where: string): Body {
    const { attributes: args, blocks } = this.schemaBody(body, schema, where);
    return [args, blocks];
  }

  private nestedBlocks(name: string, value: Json, type: SchemaBlockType, where: string): Item[] {
    if (value === null) return [];
    if (type.nesting_mode === 'map') {
      const items: Item[] = [];
      for (const [key, bodies] of Object.entries(asObject(value, where))) {
        for (const body of asBodies(bodies, `${where}.${key}`))
          items.push(block(name, [label(key)], this.nested(body, type.block, `${where}.${key}`)));
      }
      return items;
    }
    return asBodies(value, where).map((body, index) => block(name, [], this.nested(body, type.block, `${where}[${index}]`)));
  }

  /** `"dynamic": { "<block>": { for_each, iterator, labels, content } }` → `dynamic "<block>" { ... content { } }`. */
  private dynamicBlocks(value: Json, schema: SchemaBlock, where: string): Item[] {
    const items: Item[] = [];
    for (const [name, specs] of Object.entries(asObject(value, where))) {
      const blockType = schema.block_types?.[name];
      if (blockType === undefined)
        throw new Error(`${where}.${name}: a dynamic block of a type the provider's schema does not have`);
      for (const spec of asBodies(specs, `${where}.${name}`)) {
        const path = `${where}.${name}`;
        const settings: Item[] = [];
        let content: Item | undefined;
        for (const [key, setting] of entries(spec)) {
          if (key === 'for_each' || key === 'labels') settings.push(attribute(key, expression(setting, `${path}.${key}`)));
          else if (key === 'iterator') settings.push(attribute(key, reference(setting, `${path}.${key}`)));
          else if (key === 'content')
            content = block('content', [], this.nested(asObject(setting, `${path}.content`), blockType.block, `${path}.content`));
          else throw new Error(`${path}: unsupported key "${key}" in a dynamic block`);
        }
        if (content === undefined) throw new Error(`${path}: a dynamic block without "content"`);
        items.push(block('dynamic', [label(name)], [settings, [content]]));
      }
    }
    return items;
  }
}

function variableBody(body: JsonObject, where: string): Body {
  const args: Item[] = [];
  const blocks: Item[] = [];
  for (const [key, value] of entries(body)) {
    const path = `${where}.${key}`;
    if (key === 'type') args.push(attribute(key, reference(value, path)));
    else if (['default', 'description', 'sensitive', 'nullable', 'ephemeral'].includes(key))
      args.push(attribute(key, literal(value, true)));
    else if (key === 'validation') blocks.push(...conditionBlocks('validation', value, path));
    else throw new Error(`${path}: unsupported argument of a variable`);
  }
  return [args, blocks];
}

function outputBody(body: JsonObject, where: string): Body {
  const args: Item[] = [];
  const last: Item[] = [];
  for (const [key, value] of entries(body)) {
    const path = `${where}.${key}`;
    if (key === 'value') args.push(attribute(key, expression(value, path, true)));
    else if (['description', 'sensitive', 'ephemeral'].includes(key)) args.push(attribute(key, literal(value, true)));
    else if (key === 'depends_on') last.push(attribute(key, references(value, path)));
    else if (key === 'precondition') last.push(...conditionBlocks(key, value, path));
    else throw new Error(`${path}: unsupported argument of an output`);
  }
  return [args, last];
}

function moduleBody(body: JsonObject, where: string): Body {
  const first: Item[] = [];
  const args: Item[] = [];
  const last: Item[] = [];
  for (const [key, value] of entries(body)) {
    const path = `${where}.${key}`;
    if (key === 'source' || key === 'version') first.push(attribute(key, literal(value)));
    else if (key === 'count' || key === 'for_each') first.push(attribute(key, expression(value, path)));
    else if (key === 'providers') {
      const providers = Object.entries(asObject(value, path)).map(([name, ref]) => ({
        key: name,
        value: reference(ref, `${path}.${name}`),
      }));
      first.push(attribute(key, object(providers)));
    } else if (key === 'depends_on') last.push(attribute(key, references(value, path)));
    else args.push(attribute(key, expression(value, path, true)));
  }
  return [first, args, last];
}

/** Import arguments in the order Terraform's docs write them: the address first. */
const IMPORT_ORDER = ['to', 'id', 'identity', 'provider', 'for_each'];

function importBody(body: JsonObject, where: string): Body {
  const rank = (key: string): number => (IMPORT_ORDER.includes(key) ? IMPORT_ORDER.indexOf(key) : IMPORT_ORDER.length);
  return [
    entries(body)
      .sort(([a], [b]) => rank(a) - rank(b))
      .map(([key, value]) => {
        const path = `${where}.${key}`;
        if (key === 'to' || key === 'provider') return attribute(key, reference(value, path));
        if (key === 'id' || key === 'for_each' || key === 'identity') return attribute(key, expression(value, path));
        throw new Error(`${path}: unsupported argument of an import block`);
      }),
  ];
}

function movedBody(body: JsonObject, where: string): Body {
  return [
    entries(body).map(([key, value]) => {
      if (key === 'from' || key === 'to') return attribute(key, reference(value, `${where}.${key}`));
      throw new Error(`${where}.${key}: unsupported argument of a moved block`);
    }),
  ];
}

function removedBody(body: JsonObject, where: string): Body {
  const args: Item[] = [];
  const blocks: Item[] = [];
  for (const [key, value] of entries(body)) {
    const path = `${where}.${key}`;
    if (key === 'from') args.push(attribute(key, reference(value, path)));
    else if (key === 'lifecycle') blocks.push(...lifecycleBlocks(value, path));
    else if (key === 'provisioner') blocks.push(...provisionerBlocks(value, path));
    else if (key === 'connection') blocks.push(...connectionBlocks(value, path));
    else throw new Error(`${path}: unsupported argument of a removed block`);
  }
  return [args, blocks];
}

function cloudBody(body: JsonObject, where: string): Body {
  const args: Item[] = [];
  const blocks: Item[] = [];
  for (const [key, value] of entries(body)) {
    if (key === 'workspaces') {
      for (const workspaces of asBodies(value, `${where}.workspaces`)) {
        blocks.push(block(key, [], [attributes(workspaces, `${where}.workspaces`, literalAttribute)]));
      }
    } else args.push(attribute(key, literal(value)));
  }
  return [args, blocks];
}

/** A `required_providers` entry: `{ source, version, configuration_aliases }` or a bare version string. */
function providerRequirement(value: Json, where: string): Value {
  if (!isObject(value)) return literal(value);
  return object(
    entries(value).map(([key, setting]) => ({
      key,
      value: key === 'configuration_aliases' ? references(setting, `${where}.${key}`) : literal(setting),
    })),
  );
}

function lifecycleBlocks(value: Json, where: string): Item[] {
  return asBodies(value, where).map((body) => {
    const args: Item[] = [];
    const conditions: Item[] = [];
    for (const [key, setting] of entries(body)) {
      const path = `${where}.${key}`;
      if (key === 'create_before_destroy' || key === 'prevent_destroy' || key === 'destroy')
        args.push(attribute(key, expression(setting, path)));
      else if (key === 'ignore_changes') args.push(attribute(key, setting === 'all' ? scalar('all') : references(setting, path)));
      else if (key === 'replace_triggered_by') args.push(attribute(key, references(setting, path)));
      else if (key === 'precondition' || key === 'postcondition') conditions.push(...conditionBlocks(key, setting, path));
      else throw new Error(`${path}: unsupported lifecycle argument`);
    }
    return block('lifecycle', [], [args, conditions]);
  });
}

/** `precondition`, `postcondition`, `validation` and `assert` blocks: a condition and an error message. */
function conditionBlocks(name: string, value: Json, where: string): Item[] {
  return asBodies(value, where).map((body, index) =>
    block(
      name,
      [],
      [
        entries(body).map(([key, setting]) => {
          const path = `${where}[${index}].${key}`;
          if (key === 'condition' || key === 'error_message') return attribute(key, expression(setting, path, true));
          throw new Error(`${path}: unsupported argument of a ${name} block`);
        }),
      ],
    ),
  );
}

/** `"provisioner": [{ "local-exec": {...} }]` (or one object) → `provisioner "local-exec" { ... }`. */
function provisionerBlocks(value: Json, where: string): Item[] {
  const items: Item[] = [];
  for (const provisioners of asBodies(value, where)) {
    for (const [type, bodies] of Object.entries(provisioners)) {
      for (const body of asBodies(bodies, `${where}.${type}`)) {
        const args: Item[] = [];
        const blocks: Item[] = [];
        for (const [key, setting] of entries(body)) {
          const path = `${where}.${type}.${key}`;
          // Keywords in HCL (`when = destroy`, `on_failure = continue`), strings in JSON.
          if (key === 'when' || key === 'on_failure') args.push(attribute(key, reference(setting, path)));
          else if (key === 'connection') blocks.push(...connectionBlocks(setting, path));
          else args.push(attribute(key, expression(setting, path, true)));
        }
        items.push(block('provisioner', [label(type)], [args, blocks]));
      }
    }
  }
  return items;
}

function connectionBlocks(value: Json, where: string): Item[] {
  return asBodies(value, where).map((body) => block('connection', [], [attributes(body, where, expressionAttribute)]));
}

/** Every key of `body` (but `//`) as an attribute made by `make`. */
function attributes(body: JsonObject, where: string, make: (key: string, value: Json, path: string) => Item): Item[] {
  return entries(body).map(([key, value]) => make(key, value, `${where}.${key}`));
}

function expressionAttribute(key: string, value: Json, path: string): Item {
  return attribute(key, expression(value, path, true));
}

function literalAttribute(key: string, value: Json): Item {
  return attribute(key, literal(value));
}

/**
 * A JSON value in an expression position: strings are templates (one interpolation alone is written
 * as its bare expression), arrays lists, objects objects (keys are templates too). A multi-line
 * string directly under an argument may become a heredoc (`heredoc`).
 */
export function expression(value: Json, where: string, heredoc = false): Value {
  if (typeof value === 'string') return template(value, where, heredoc, true);
  if (Array.isArray(value)) return list(value.map((element, index) => expression(element, `${where}[${index}]`)));
  if (isObject(value)) {
    // Object.entries, not entries(): "//" is a comment in a body only; in an object value it is a key.
    return object(
      Object.entries(value).map(([key, element]) => ({
        key: objectKey(key, where),
        value: expression(element, `${where}.${key}`),
      })),
    );
  }
  return primitive(value, where);
}

/** A value Terraform reads without evaluating it: strings are taken as they are, so `${` is escaped. */
export function literal(value: Json, heredoc = false): Value {
  if (typeof value === 'string') return template(literalTemplate(value), 'a literal', heredoc, false);
  if (Array.isArray(value)) return list(value.map((element) => literal(element)));
  if (isObject(value)) {
    return object(
      Object.entries(value).map(([key, element]) => ({
        key: objectKey(literalTemplate(key), 'a literal'),
        value: literal(element),
      })),
    );
  }
  return primitive(value, 'a literal');
}

function template(text: string, where: string, heredoc: boolean, unwrap: boolean): Value {
  try {
    const bare = unwrap ? singleInterpolation(text) : undefined;
    // A bare expression over several lines would end at its first newline outside brackets.
    if (bare !== undefined && !bare.includes('\n')) return scalar(bare);
    const lines = heredoc ? heredocLines(text) : undefined;
    return lines !== undefined ? heredocValue(lines) : scalar(quotedTemplate(text));
  } catch (error) {
    throw new Error(`${where}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function primitive(value: Json, where: string): Value {
  if (value === null) return scalar('null');
  if (typeof value === 'boolean') return scalar(String(value));
  if (typeof value === 'number' && Number.isFinite(value)) return scalar(String(value));
  throw new Error(`${where}: unsupported value ${JSON.stringify(value)}`);
}

/**
 * A reference or keyword Terraform JSON gives as a string that is not a template: `depends_on`
 * entries, `provider`, addresses, `ignore_changes`, `when`, a variable's `type`. Written bare; a
 * `${...}` around it (which Terraform accepts in some of these places) is dropped.
 */
function reference(value: Json, where: string): Value {
  if (typeof value !== 'string') throw new Error(`${where}: expected a reference string, got ${JSON.stringify(value)}`);
  return scalar(bareReference(value));
}

function bareReference(text: string): string {
  return singleInterpolation(text) ?? text.trim();
}

function references(value: Json, where: string): Value {
  if (!Array.isArray(value)) throw new Error(`${where}: expected a list of references, got ${JSON.stringify(value)}`);
  return list(value.map((element, index) => reference(element, `${where}[${index}]`)));
}

/** An object key: bare when it is an identifier (HCL takes a bare key literally), else a quoted template. */
function objectKey(key: string, where: string): string {
  if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(key) && !KEYWORDS.has(key)) return key;
  try {
    return quotedTemplate(key);
  } catch (error) {
    throw new Error(`${where}: key ${JSON.stringify(key)}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** A block label: a quoted literal string. */
function label(text: string): string {
  return quotedTemplate(literalTemplate(text));
}

function attribute(name: string, value: Value): Item {
  return { kind: 'attribute', name, value };
}

function block(type: string, labels: readonly string[], body: Body): Item {
  return { kind: 'block', type, labels, body };
}

function entries(body: JsonObject): [string, Json][] {
  return Object.entries(body).filter(([key]) => key !== '//');
}

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asObject(value: unknown, where: string): JsonObject {
  if (!isObject(value as Json)) throw new Error(`${where}: expected an object, got ${JSON.stringify(value)}`);
  return value as JsonObject;
}

/** A block given as one object or a list of objects (Terraform JSON accepts both). */
function asBodies(value: Json, where: string): JsonObject[] {
  if (Array.isArray(value)) {
    return value.map((element, index) => {
      if (!isObject(element)) throw new Error(`${where}[${index}]: a block, but the JSON gives ${JSON.stringify(element)}`);
      return element;
    });
  }
  if (!isObject(value)) throw new Error(`${where}: a block, but the JSON gives ${JSON.stringify(value)}`);
  return [value];
}
