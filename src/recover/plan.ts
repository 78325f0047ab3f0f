/**
 * The logic of `npm run recover-state` that needs neither AWS nor Terraform: which resources to look
 * up in what order (a resource after those it refers to), the import blocks, the refusal of a stack
 * whose state still exists, and the verdict on Terraform's plan of the imports.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { recordedResources } from '../terraform/state-file';
import type { StackBackend, StackResource } from './stack';

/** A resource found in AWS: the ID Terraform imports it by, and attributes others refer to (`id`, `arn`, `name`...). */
export interface Found {
  readonly importId: string;
  readonly attrs: Readonly<Record<string, string>>;
}

/** What looking a resource up in AWS gave. */
export type Lookup = { readonly kind: 'found'; readonly found: Found } | { readonly kind: 'missing'; readonly reason: string };

/** Finds one resource; `config` has its top-level references resolved (see {@link resolveConfig}). */
export type Finder = (resource: StackResource, config: Readonly<Record<string, unknown>>) => Promise<Lookup>;

export interface ImportPlan {
  /** Import blocks, in lookup order. */
  readonly imports: readonly { readonly address: string; readonly id: string }[];
  /** Resources of the stack not found in AWS, with the reason. */
  readonly missing: readonly { readonly address: string; readonly reason: string }[];
}

const REFERENCE = /\$\{((?:aws_[a-z0-9_]+|terraform_data)\.[\w-]+)\.([\w.]+)\}/g;
const WHOLE_REFERENCE = /^\$\{((?:aws_[a-z0-9_]+|terraform_data)\.[\w-]+)\.(\w+)\}$/;
const PARTITION = /\$\{data\.aws_partition\.[\w-]+\.partition\}/g;

/** Addresses of the managed resources `config` refers to anywhere (`${aws_vpc.x.id}` → `aws_vpc.x`). */
export function referencedAddresses(config: unknown): string[] {
  const text = JSON.stringify(config);
  return [...new Set([...text.matchAll(REFERENCE)].map((match) => match[1] ?? ''))];
}

/** The AWS partition of a region, as `data.aws_partition` gives it. */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

/**
 * The config with each top-level string that is one whole reference (`${aws_vpc.x.id}`) replaced by the
 * found value (left out when the resource was not found or has no such attribute), and
 * `${data.aws_partition.*.partition}` replaced by the partition. Anything else stays as synthesized.
 */
export function resolveConfig(
  config: Readonly<Record<string, unknown>>,
  found: ReadonlyMap<string, Found>,
  partition: string,
): Record<string, unknown> {
  const resolved: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    if (typeof value !== 'string') {
      resolved[key] = value;
      continue;
    }
    const whole = WHOLE_REFERENCE.exec(value);
    if (whole === null) {
      resolved[key] = value.replace(PARTITION, partition);
      continue;
    }
    const attribute = found.get(whole[1] ?? '')?.attrs[whole[2] ?? ''];
    if (attribute !== undefined) resolved[key] = attribute;
  }
  return resolved;
}

/**
 * Looks every resource up with `find`, each after the resources it refers to, so that e.g. a subnet is
 * looked up in the VPC found before it.
 */
export async function planImports(resources: readonly StackResource[], find: Finder, partition: string): Promise<ImportPlan> {
  const inStack = new Set(resources.map((resource) => resource.address));
  const found = new Map<string, Found>();
  const settled = new Set<string>();
  const imports: { address: string; id: string }[] = [];
  const missing: { address: string; reason: string }[] = [];
  let pending = [...resources];
  while (pending.length > 0) {
    const ready = pending.filter((resource) =>
      referencedAddresses(resource.config).every((address) => !inStack.has(address) || settled.has(address)),
    );
    // Terraform refuses cycles, so a synthesized stack has none; this only guards the loop.
    if (ready.length === 0) {
      for (const resource of pending) missing.push({ address: resource.address, reason: 'its references form a cycle' });
      break;
    }
    for (const resource of ready) {
      const lookup = await find(resource, resolveConfig(resource.config, found, partition));
      if (lookup.kind === 'found') {
        found.set(resource.address, lookup.found);
        imports.push({ address: resource.address, id: lookup.found.importId });
      } else {
        missing.push({ address: resource.address, reason: lookup.reason });
      }
      settled.add(resource.address);
    }
    pending = pending.filter((resource) => !settled.has(resource.address));
  }
  return { imports, missing };
}

/** The generated Terraform file (JSON syntax) with one import block per found resource. */
export function importFile(plan: Pick<ImportPlan, 'imports'>): { import: { to: string; id: string }[] } {
  return { import: plan.imports.map(({ address, id }) => ({ to: address, id })) };
}

/**
 * Why the stack's state may not be recovered here, or `undefined`: a state file that exists (even
 * empty or broken) is never overwritten, and a remote backend's state was not on the lost disk.
 */
export function existingStateProblem(stack: string, backend: StackBackend): string | undefined {
  if (backend.kind === 'remote') {
    return `${stack}: its state is in the ${backend.type} backend (${backend.where}), not in terraform-state/, so it was not lost; nothing to recover`;
  }
  if (existsSync(backend.path) && !onlyRefusedChecks(backend.path)) {
    const size = statSync(backend.path).size;
    return `${stack}: ${backend.path} exists (${size} bytes); recover-state never overwrites a state file: run "npm run deploy -- ${stack}" if it is intact, or move it aside (e.g. to ${backend.path}.lost) and run recover-state again`;
  }
  return undefined;
}

/**
 * Whether a state file records nothing but pre-deploy checks (`terraform_data`) and data sources: what a
 * deploy refused by an existing-resource or existing-bucket check leaves (the failed check, tainted). It
 * holds nothing of AWS, so recover-state moves it aside and recovers.
 */
export function onlyRefusedChecks(file: string): boolean {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return false;
  }
  const resources = recordedResources(text);
  return resources !== undefined && text.trim() !== '' && resources.every((resource) => resource.type === 'terraform_data');
}

/** One entry of `terraform show -json <plan>`'s `resource_changes`. */
export interface PlannedChange {
  readonly address: string;
  readonly mode?: string;
  readonly type?: string;
  readonly change: {
    readonly actions: readonly string[];
    readonly importing?: unknown;
    readonly before?: Readonly<Record<string, unknown>> | null;
    readonly after?: Readonly<Record<string, unknown>> | null;
    readonly after_unknown?: Readonly<Record<string, unknown>>;
  };
}

/**
 * Arguments that exist only in Terraform's state: AWS has no API that returns them, so an import leaves
 * them unset and the first plan "changes" them in place, which writes the state and calls no AWS API
 * (hashicorp/aws 5.100.0). Such an update is part of every import of these types, on AWS as on moto.
 */
export const STATE_ONLY_ARGUMENTS: Readonly<Record<string, readonly string[]>> = {
  aws_kms_key: ['deletion_window_in_days', 'bypass_policy_lockout_safety_check'],
  aws_security_group: ['revoke_rules_on_delete'],
  aws_default_security_group: ['revoke_rules_on_delete'],
  aws_s3_bucket: ['force_destroy'],
  aws_iam_role: ['force_detach_policies'],
};

/**
 * Arguments with a default that hashicorp/aws 5.100.0's import leaves unset (later versions set it on
 * import), so the first plan "changes" them from null to that default. Unlike {@link STATE_ONLY_ARGUMENTS}
 * the update calls AWS: it puts the resource's settings again, unchanged (for a DynamoDB resource policy,
 * one PutResourcePolicy with the same policy). On AWS as on moto.
 */
export const IMPORT_UNSET_DEFAULTS: Readonly<Record<string, Readonly<Record<string, unknown>>>> = {
  aws_dynamodb_resource_policy: { confirm_remove_self_resource_access: false },
};

/** Top-level attributes an update changes, those only known after apply left out. */
export function changedAttributes(change: PlannedChange['change']): string[] {
  const before = change.before ?? {};
  const after = change.after ?? {};
  const unknown = change.after_unknown ?? {};
  return [...new Set([...Object.keys(before), ...Object.keys(after)])]
    .filter((key) => unknown[key] !== true && JSON.stringify(before[key] ?? null) !== JSON.stringify(after[key] ?? null))
    .sort();
}

export interface PlannedUpdate {
  readonly address: string;
  readonly attributes: readonly string[];
}

export interface ClassifiedPlan {
  readonly imports: readonly string[];
  /** In-place updates of AWS settings. */
  readonly updates: readonly PlannedUpdate[];
  /** In-place updates of {@link STATE_ONLY_ARGUMENTS} alone: state is written, AWS is not called. */
  readonly stateOnly: readonly PlannedUpdate[];
  /** In-place updates of {@link IMPORT_UNSET_DEFAULTS} alone, from unset to the default: the same settings are put again. */
  readonly unsetDefaults: readonly PlannedUpdate[];
  readonly creates: readonly string[];
  readonly deletes: readonly string[];
  readonly replaces: readonly string[];
}

/** Sorts the plan's managed-resource changes into imports, in-place updates, creates, deletes and replacements. */
export function classifyPlan(changes: readonly PlannedChange[]): ClassifiedPlan {
  const result = {
    imports: [] as string[],
    updates: [] as PlannedUpdate[],
    stateOnly: [] as PlannedUpdate[],
    unsetDefaults: [] as PlannedUpdate[],
    creates: [] as string[],
    deletes: [] as string[],
    replaces: [] as string[],
  };
  for (const { address, mode, type, change } of changes) {
    if (mode === 'data') continue;
    const actions = change.actions.join(',');
    if (change.importing !== undefined && change.importing !== null) result.imports.push(address);
    if (actions === 'update') {
      const attributes = changedAttributes(change);
      const stateOnly = STATE_ONLY_ARGUMENTS[type ?? address.split('.')[0] ?? ''] ?? [];
      const onlyState = attributes.length > 0 && attributes.every((attribute) => stateOnly.includes(attribute));
      const defaults = IMPORT_UNSET_DEFAULTS[type ?? address.split('.')[0] ?? ''] ?? {};
      const onlyDefaults =
        attributes.length > 0 &&
        attributes.every(
          (attribute) =>
            attribute in defaults &&
            (change.before?.[attribute] ?? null) === null &&
            change.after?.[attribute] === defaults[attribute],
        );
      (onlyState ? result.stateOnly : onlyDefaults ? result.unsetDefaults : result.updates).push({ address, attributes });
    } else if (actions === 'create') result.creates.push(address);
    else if (actions === 'delete') result.deletes.push(address);
    else if (actions === 'delete,create' || actions === 'create,delete') result.replaces.push(address);
  }
  return result;
}

/** Whether the imports may be applied, with the lines that say why not. */
export function planVerdict(stack: string, plan: ClassifiedPlan, allowUpdates: boolean): { ok: boolean; problems: string[] } {
  const problems: string[] = [];
  const list = (addresses: readonly string[]): string => addresses.join(', ');
  if (plan.creates.length > 0) problems.push(`${stack}: the plan would create ${list(plan.creates)}`);
  if (plan.deletes.length > 0) problems.push(`${stack}: the plan would destroy ${list(plan.deletes)}`);
  if (plan.replaces.length > 0) problems.push(`${stack}: the plan would replace (destroy and create) ${list(plan.replaces)}`);
  if (plan.updates.length > 0 && !allowUpdates) {
    const updates = plan.updates.map(({ address, attributes }) => `${address} (${attributes.join(', ')})`);
    problems.push(
      `${stack}: the plan would change ${list(updates)} in place (the live settings differ from the stack's); if the stack's settings are the ones to keep, run recover-state again with --allow-updates`,
    );
  }
  return { ok: problems.length === 0, problems };
}
