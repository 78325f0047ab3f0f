import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { AccountConfig } from '../config';

/** What an account's local state file says about its state stack. */
export interface StackState {
  /** `state-<account>`. */
  readonly stack: string;
  /** `<state dir>/state-<account>.tfstate`. */
  readonly stateFile: string;
  /** True when the state records the bucket (the stack has been deployed). */
  readonly deployed: boolean;
  /** Bucket name recorded in the state, when deployed. */
  readonly bucket?: string;
  /** Bucket region recorded in the state, when deployed. */
  readonly region?: string;
  /** Why the state file could not be used, with the fix; it then counts as not deployed. */
  readonly problem?: string;
}

interface TfState {
  resources?: {
    mode?: string;
    type?: string;
    name?: string;
    instances?: { attributes?: { bucket?: unknown; region?: unknown; id?: unknown } }[];
  }[];
}

/**
 * Reads `<stateDir>/<stack>.tfstate` (the stack's local backend) and finds the state bucket in it.
 * A missing file means the stack was never deployed from this checkout.
 */
export function readStackState(stateDir: string, stack: string, account: Pick<AccountConfig, 'stateBucketName'>): StackState {
  const stateFile = path.join(stateDir, `${stack}.tfstate`);
  let text: string;
  try {
    text = readFileSync(stateFile, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { stack, stateFile, deployed: false };
    return { stack, stateFile, deployed: false, problem: `${stateFile} cannot be read (${String(code)}); check its permissions` };
  }
  let state: TfState;
  try {
    state = JSON.parse(text) as TfState;
  } catch {
    return {
      stack,
      stateFile,
      deployed: false,
      problem: `${stateFile} is not valid JSON; restore it from its .backup file or from version control of the state folder`,
    };
  }
  const buckets = (state.resources ?? [])
    .filter((resource) => resource.mode === 'managed' && resource.type === 'aws_s3_bucket')
    .flatMap((resource) =>
      (resource.instances ?? []).map((instance) => ({ name: resource.name, ...(instance.attributes ?? {}) })),
    );
  // By name, else the stack's state-bucket resource under another name (a renamed platform or account);
  // never another bucket of the stack, such as the access-log bucket.
  const recorded =
    buckets.find((attributes) => attributes.bucket === account.stateBucketName) ??
    buckets.find((attributes) => attributes.name?.startsWith('state-bucket_') === true);
  if (recorded === undefined) return { stack, stateFile, deployed: false };
  const bucket = typeof recorded.bucket === 'string' ? recorded.bucket : undefined;
  const region = typeof recorded.region === 'string' ? recorded.region : undefined;
  return {
    stack,
    stateFile,
    deployed: true,
    ...(bucket !== undefined ? { bucket } : {}),
    ...(region !== undefined ? { region } : {}),
    ...(bucket !== account.stateBucketName
      ? {
          problem: `${stateFile} records bucket ${String(bucket)}, not ${account.stateBucketName} as accounts.json names it; check the platform and account names`,
        }
      : {}),
  };
}

/** Number of resources recorded in a state file; 0 when it is missing, empty or unreadable as JSON. */
export function stateResourceCount(file: string): number {
  try {
    const state = JSON.parse(readFileSync(file, 'utf8')) as { resources?: unknown };
    return Array.isArray(state.resources) ? state.resources.length : 0;
  } catch {
    return 0;
  }
}

/** A managed resource a state file records: its type, its Terraform name and the ID of its first instance. */
export interface RecordedResource {
  readonly type: string;
  readonly name: string;
  /** The `id` attribute, when the state has one. */
  readonly id?: string;
}

/** The managed resources of a state file's text; `undefined` when it is not valid JSON. */
export function recordedResources(text: string): RecordedResource[] | undefined {
  let state: { resources?: unknown };
  try {
    state = JSON.parse(text) as { resources?: unknown };
  } catch {
    return undefined;
  }
  const resources = Array.isArray(state.resources) ? (state.resources as TfState['resources'] & object) : [];
  return resources.flatMap((resource) => {
    if (resource.mode !== 'managed' || typeof resource.type !== 'string' || typeof resource.name !== 'string') return [];
    const id = resource.instances?.[0]?.attributes?.id;
    return [{ type: resource.type, name: resource.name, ...(typeof id === 'string' ? { id } : {}) }];
  });
}
