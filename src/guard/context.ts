import { DefaultTokenResolver, StringConcat, TerraformDataSource, TerraformResource, TerraformStack, Tokenization } from 'cdktf';
import type { IConstruct } from 'constructs';

/**
 * A Terraform resource or data source as it will be synthesized: its configuration is taken from
 * its stack's public `toTerraform()`, the JSON cdktf writes to `cdk.tf.json`, so the rules see
 * snake_case Terraform arguments exactly as they land there, escape-hatch overrides (`addOverride`)
 * included, and every reference in its `${type.name.attribute}` form.
 */
export interface TfElement {
  readonly construct: TerraformResource | TerraformDataSource;
  /** Terraform type, e.g. `aws_s3_bucket`. */
  readonly type: string;
  /** Terraform address, e.g. `aws_s3_bucket.state-bucket_bucket_1A2B3C4D` or `data.aws_iam_policy_document.x`. */
  readonly address: string;
  /** Construct path, e.g. `state-dev/state-bucket/bucket`: what findings and suppressions name. */
  readonly path: string;
  /** Resolved Terraform arguments. */
  readonly config: Readonly<Record<string, unknown>>;
}

/** Resolves a whole stack to its Terraform JSON. */
export type StackResolver = (stack: TerraformStack) => Record<string, unknown>;

const RESOLVER = new DefaultTokenResolver(new StringConcat());

/** Resolves tokens in `value` the way synth does, from `scope`'s stack. */
export function resolveIn(scope: IConstruct, value: unknown): unknown {
  return Tokenization.resolve(value, { scope, resolver: RESOLVER, preparing: false });
}

/**
 * The resource or data source `construct` is; `undefined` for anything else. Its configuration is
 * looked up on first use only, in the JSON `stackJson` returns for its stack.
 */
export function toElement(
  construct: IConstruct,
  stackJson: (stack: TerraformStack) => Record<string, unknown>,
): TfElement | undefined {
  const isResource = TerraformResource.isTerraformResource(construct);
  if (!isResource && !TerraformDataSource.isTerraformDataSource(construct)) return undefined;
  const block = isResource ? 'resource' : 'data';
  const type = construct.terraformResourceType;
  const id = construct.friendlyUniqueId;
  let config: Record<string, unknown> | undefined;
  return {
    construct,
    type,
    address: isResource ? `${type}.${id}` : `data.${type}.${id}`,
    path: construct.node.path,
    get config(): Record<string, unknown> {
      if (config === undefined) {
        const blocks = stackJson(TerraformStack.of(construct))[block] as
          Record<string, Record<string, Record<string, unknown>>> | undefined;
        config = blocks?.[type]?.[id] ?? {};
      }
      return config;
    },
  };
}

/**
 * Everything a rule may look at beyond the construct it checks: the other resources of the same
 * stack, for relations such as "this bucket has a versioning resource". Relations are found by
 * reference, never by construct id or nesting: a sibling belongs to a resource when one of its
 * arguments resolves to a reference to that resource (`${aws_s3_bucket.<name>.id}`), or to the
 * resource's own literal name (`bucket = "acme-dev-state"`) when the name is not itself a token.
 * Resources in other stacks never count: each stack is deployed, and can be destroyed, on its own.
 */
export class GuardContext {
  private readonly elements = new Map<TerraformStack, readonly TfElement[]>();
  private readonly byConstruct = new WeakMap<IConstruct, TfElement>();
  private readonly stackJsons = new Map<TerraformStack, Record<string, unknown>>();

  /**
   * @param resolveStack how a stack becomes its Terraform JSON; called at most once per stack.
   *   Default: cdktf's `toTerraform()`.
   */
  constructor(private readonly resolveStack: StackResolver = (stack) => stack.toTerraform() as Record<string, unknown>) {}

  /** The element of `construct`, resolved once per context. */
  element(construct: IConstruct): TfElement | undefined {
    const cached = this.byConstruct.get(construct);
    if (cached !== undefined) return cached;
    const element = toElement(construct, (stack) => this.stackJson(stack));
    if (element !== undefined) this.byConstruct.set(construct, element);
    return element;
  }

  private stackJson(stack: TerraformStack): Record<string, unknown> {
    let json = this.stackJsons.get(stack);
    if (json === undefined) {
      json = this.resolveStack(stack);
      this.stackJsons.set(stack, json);
    }
    return json;
  }

  /** Every resource and data source in the stack of `construct`, in tree order. */
  stackElements(construct: IConstruct): readonly TfElement[] {
    const stack = TerraformStack.of(construct);
    let found = this.elements.get(stack);
    if (found === undefined) {
      found = stack.node
        .findAll()
        .map((child) => this.element(child))
        .filter((element): element is TfElement => element !== undefined);
      this.elements.set(stack, found);
    }
    return found;
  }

  /** Resources of `type` in the same stack as `target` whose `argument` points at `target`. */
  siblingsReferencing(target: TfElement, type: string, argument: string, options: ReferenceOptions = {}): TfElement[] {
    return this.stackElements(target.construct).filter(
      (element) => element.type === type && pointsAt(element.config[argument], target, options),
    );
  }

  /** The data source or resource at a Terraform `address` in the stack of `scope`. */
  byAddress(scope: IConstruct, address: string): TfElement | undefined {
    return this.stackElements(scope).find((element) => element.address === address);
  }
}

/** How a value may point at a resource. */
export interface ReferenceOptions {
  /**
   * Attributes of the target a reference may read, e.g. `['id', 'bucket']` for a bucket.
   * @default ['id']
   */
  readonly attributes?: readonly string[];
  /**
   * Argument of the target whose literal value also identifies it, e.g. `bucket` (its name).
   * @default undefined: only references count.
   */
  readonly literalArgument?: string;
}

/** Whether a resolved value is a reference to `target` (or equals its literal name, see {@link ReferenceOptions}). */
export function pointsAt(value: unknown, target: TfElement, options: ReferenceOptions = {}): boolean {
  if (typeof value !== 'string') return false;
  const reference = parseReference(value);
  if (reference !== undefined) {
    return reference.address === target.address && (options.attributes ?? ['id']).includes(reference.attribute);
  }
  if (options.literalArgument === undefined) return false;
  const literal = target.config[options.literalArgument];
  return typeof literal === 'string' && !literal.includes('${') && literal === value;
}

/**
 * `${aws_s3_bucket.name.id}` (or `${aws_s3_bucket.name[0].id}`) as its address and attribute;
 * `undefined` for anything that is not exactly one reference.
 */
export function parseReference(value: string): { address: string; attribute: string } | undefined {
  const match = /^\$\{((?:data\.)?[a-z0-9_]+\.[^.[\]${}]+)(?:\[[^\]]*\])?\.([a-z0-9_]+)\}$/.exec(value);
  if (match?.[1] === undefined || match[2] === undefined) return undefined;
  return { address: match[1], attribute: match[2] };
}

/** The value as a list: Terraform accepts one value where a list of one is meant in several places. */
export function asList(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/** Terraform's reading of a boolean argument: `true` or the string `"true"`. */
export function isTrue(value: unknown): boolean {
  return value === true || value === 'true';
}
