// The existing-resource check of the pipeline and access stacks (scripts/check-existing-resources.ts, run by
// the stack's `existing-resource-check` terraform_data before anything else of the stack is created): a
// deploy whose state does not record the stack's named resources, while AWS has them, would build a second
// network next to the first (a VPC's name is only a tag) and then fail halfway on the names IAM and
// CloudWatch Logs keep unique. The check refuses first, in one line naming `npm run recover-state`.
// Light on purpose, like the bucket check: it loads the SDK clients it asks and nothing of cdktf.
import { readFileSync } from 'node:fs';
import { recordedResources } from '../terraform/state-file';

/** The kinds of named resource the check looks for, each with how AWS and a Terraform state name it. */
export const RESOURCE_KINDS = {
  vpc: { label: 'VPC named', type: 'aws_vpc' },
  role: { label: 'IAM role', type: 'aws_iam_role' },
  'instance-profile': { label: 'instance profile', type: 'aws_iam_instance_profile' },
  'log-group': { label: 'log group', type: 'aws_cloudwatch_log_group' },
  policy: { label: 'IAM policy', type: 'aws_iam_policy' },
  'kms-alias': { label: 'KMS alias', type: 'aws_kms_alias' },
  'launch-template': { label: 'launch template', type: 'aws_launch_template' },
} as const;

export type ResourceKind = keyof typeof RESOURCE_KINDS;

/** One resource the stack creates with a fixed name (for a VPC, its `Name` tag). */
export interface NamedResource {
  readonly kind: ResourceKind;
  readonly name: string;
}

/** `kind=name`, the form of the check's `--resource` arguments. */
export function resourceArgument(resource: NamedResource): string {
  return `${resource.kind}=${resource.name}`;
}

/** Reads a `--resource` argument; throws on an unknown kind (the synthesized command is the project's own). */
export function parseResourceArgument(argument: string): NamedResource {
  const at = argument.indexOf('=');
  const kind = argument.slice(0, at);
  if (at < 1 || !(kind in RESOURCE_KINDS) || at === argument.length - 1) {
    throw new Error(`--resource ${argument}: expected <kind>=<name> with a kind of ${Object.keys(RESOURCE_KINDS).join(', ')}`);
  }
  return { kind: kind as ResourceKind, name: argument.slice(at + 1) };
}

export function describeResource(resource: NamedResource): string {
  return `${RESOURCE_KINDS[resource.kind].label} ${resource.name}`;
}

/** What a stack's state says: whether it exists, records any resource besides the checks, and which names. */
export interface RecordedState {
  /** The state holds at least one managed resource that is not a pre-deploy check (`terraform_data`). */
  readonly hasResources: boolean;
  /** `kind=name` of every named resource it records. */
  readonly names: ReadonlySet<string>;
}

interface StateResource {
  readonly mode?: string;
  readonly type?: string;
  readonly instances?: readonly { readonly attributes?: Readonly<Record<string, unknown>> }[];
}

/** The names a state's text records, by kind; an empty or unreadable text records nothing. */
export function recordedNames(text: string | undefined): RecordedState {
  if (text === undefined || text.trim() === '') return { hasResources: false, names: new Set() };
  const resources = recordedResources(text);
  let parsed: { resources?: readonly StateResource[] } = {};
  try {
    parsed = JSON.parse(text) as { resources?: readonly StateResource[] };
  } catch {
    // recordedResources said undefined: handled below as a state with resources (never "nothing there").
  }
  const names = new Set<string>();
  for (const resource of parsed.resources ?? []) {
    if (resource.mode !== 'managed') continue;
    const kind = (Object.keys(RESOURCE_KINDS) as ResourceKind[]).find((key) => RESOURCE_KINDS[key].type === resource.type);
    if (kind === undefined) continue;
    for (const instance of resource.instances ?? []) {
      const attributes = instance.attributes ?? {};
      const name = kind === 'vpc' ? (attributes.tags as Record<string, unknown> | undefined)?.Name : attributes.name;
      if (typeof name === 'string') names.add(resourceArgument({ kind, name }));
    }
  }
  return {
    // A text Terraform could not have written is not "empty": the check then refuses rather than guesses.
    hasResources: resources === undefined || resources.some((resource) => resource.type !== 'terraform_data'),
    names,
  };
}

/** A local state file's text; undefined when there is none. */
export function readLocalState(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

export interface ExistingResourceCheckOptions {
  /** The stack being deployed: `pipeline-prod`, `access-dev`. */
  readonly stack: string;
  /** Where its state is, for the message: the local file's absolute path, or `s3://bucket/key`. */
  readonly stateLocation: string;
  /** The state is in S3 (the pipeline stack after its move), not in a local file recover-state rebuilds. */
  readonly remoteState: boolean;
}

/** The check's outcome: `ok` false fails the deploy (exit code 1), with `message` as its one line. */
export interface ExistingResourceResult {
  readonly ok: boolean;
  readonly message: string;
}

/**
 * Decides from the resources AWS has (`existing`, among those the stack creates) and what the state records:
 * every existing one must be recorded. Nothing existing: a first deploy. All recorded: a redeploy (the check
 * was added after the first deploy). Otherwise the state was lost (or a deploy made them without recording
 * them): the deploy is refused, naming recover-state.
 */
export function decideExisting(
  existing: readonly NamedResource[],
  state: RecordedState,
  options: ExistingResourceCheckOptions,
): ExistingResourceResult {
  const unrecorded = existing.filter((resource) => !state.names.has(resourceArgument(resource)));
  if (existing.length === 0)
    return { ok: true, message: `${options.stack}: none of its named resources exists yet; it creates them` };
  if (unrecorded.length === 0) {
    return { ok: true, message: `${options.stack}: its ${existing.length} named resource(s) exist and its state records them` };
  }
  const what = unrecorded.map(describeResource).join(', ');
  const head =
    `${options.stack}: AWS already has ${what}, which its state (${options.stateLocation}) does not record: ` +
    'the state was lost, or a deploy created them without recording them; deploying would build a second network ' +
    'or fail halfway. Nothing was created. Do not deploy: ';
  if (options.remoteState) {
    return {
      ok: false,
      message: `${head}restore the state object's previous version (the bucket is versioned), then deploy again (see docs/recover-lost-state.md)`,
    };
  }
  const moveAside = state.hasResources
    ? `move ${options.stateLocation} aside (e.g. to ${options.stateLocation}.lost: recover-state never overwrites a state that records resources), then `
    : '';
  return {
    ok: false,
    message: `${head}${moveAside}run npm run recover-state -- ${options.stack}, which imports them, then deploy again (see docs/recover-lost-state.md)`,
  };
}
