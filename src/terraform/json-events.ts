/**
 * Terraform's machine-readable UI (`terraform apply -json`): one JSON object a line, each with `type`,
 * `@level` and `@message` (https://developer.hashicorp.com/terraform/internals/machine-readable-ui).
 * Only the fields the deploy acts on are read; the raw lines go to the deploy's log file as they are.
 */

/** A diagnostic: an error or warning with its summary and detail, as Terraform reports it. */
export interface Diagnostic {
  readonly severity: 'error' | 'warning';
  readonly summary: string;
  readonly detail: string;
  /** The resource it concerns, e.g. `aws_s3_bucket.state-bucket_828F7150`. */
  readonly address?: string;
}

/** Resources added, changed and destroyed by an apply (`change_summary` of operation `apply`). */
export interface ChangeCounts {
  readonly add: number;
  readonly change: number;
  readonly remove: number;
  readonly import: number;
}

export type TerraformEvent =
  | { readonly kind: 'diagnostic'; readonly diagnostic: Diagnostic; readonly message: string }
  | { readonly kind: 'applied'; readonly changes: ChangeCounts; readonly message: string }
  /** Terraform starts changing a resource (`apply_start`): from here on, the apply may have created something. */
  | { readonly kind: 'change-start'; readonly address: string; readonly action: string; readonly message: string }
  /**
   * The stack's outputs (`outputs`). Terraform writes the event twice: at plan, with each output's planned action
   * and no value, and after the apply, with each output's type and, unless it is sensitive, its value. `values`
   * is set for the latter only, and only when no output is sensitive (`terraform output -json` has those).
   */
  | { readonly kind: 'outputs'; readonly values?: Readonly<Record<string, unknown>>; readonly message: string }
  /** Any other event: its `@message`, which `--verbose` shows. */
  | { readonly kind: 'message'; readonly message: string };

interface RawEvent {
  type?: unknown;
  '@message'?: unknown;
  diagnostic?: { severity?: unknown; summary?: unknown; detail?: unknown; address?: unknown };
  hook?: { resource?: { addr?: unknown }; action?: unknown };
  changes?: { add?: unknown; change?: unknown; remove?: unknown; import?: unknown; operation?: unknown };
  outputs?: unknown;
}

/** Reads one line of `-json` output; `undefined` for a line that is not one of Terraform's JSON events. */
export function parseTerraformEvent(line: string): TerraformEvent | undefined {
  if (!line.startsWith('{')) return undefined;
  let raw: RawEvent | null;
  try {
    raw = JSON.parse(line) as RawEvent | null;
  } catch {
    return undefined;
  }
  if (typeof raw !== 'object' || raw === null || typeof raw.type !== 'string') return undefined;
  const message = typeof raw['@message'] === 'string' ? raw['@message'] : '';
  if (raw.type === 'diagnostic' && raw.diagnostic !== undefined) {
    const { severity, summary, detail, address } = raw.diagnostic;
    return {
      kind: 'diagnostic',
      message,
      diagnostic: {
        severity: severity === 'warning' ? 'warning' : 'error',
        summary: typeof summary === 'string' ? summary : '',
        detail: typeof detail === 'string' ? detail : '',
        ...(typeof address === 'string' ? { address } : {}),
      },
    };
  }
  if (raw.type === 'change_summary' && raw.changes?.operation === 'apply') {
    const count = (value: unknown): number => (typeof value === 'number' ? value : 0);
    const { add, change, remove, import: imported } = raw.changes;
    return {
      kind: 'applied',
      message,
      changes: { add: count(add), change: count(change), remove: count(remove), import: count(imported) },
    };
  }
  if (raw.type === 'apply_start') {
    const address = raw.hook?.resource?.addr;
    const action = raw.hook?.action;
    return {
      kind: 'change-start',
      message,
      address: typeof address === 'string' ? address : '',
      action: typeof action === 'string' ? action : '',
    };
  }
  if (raw.type === 'outputs' && typeof raw.outputs === 'object' && raw.outputs !== null) {
    const entries = Object.entries(raw.outputs as Record<string, unknown>);
    const reported = (output: unknown): output is { value: unknown } =>
      typeof output === 'object' &&
      output !== null &&
      (output as { sensitive?: unknown }).sensitive === false &&
      'type' in output &&
      'value' in output;
    const final = entries.every(([, output]) => reported(output));
    return {
      kind: 'outputs',
      message,
      ...(final
        ? { values: Object.fromEntries(entries.map(([name, output]) => [name, reported(output) ? output.value : undefined])) }
        : {}),
    };
  }
  return { kind: 'message', message };
}

/** e.g. `8 added, 0 changed, 0 destroyed`, `no changes`, `1 imported, 0 added, 1 changed, 0 destroyed`. */
export function describeChanges(changes: ChangeCounts): string {
  if (changes.add + changes.change + changes.remove + changes.import === 0) return 'no changes';
  const imported = changes.import > 0 ? `${changes.import} imported, ` : '';
  return `${imported}${changes.add} added, ${changes.change} changed, ${changes.remove} destroyed`;
}
