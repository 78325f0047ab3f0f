/**
 * A synthesized stack as `npm run recover-state` needs it: its managed resources with their
 * configuration, the AWS provider's account access, and where its state lives.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ConfigError } from '../config/errors';

/** One `resource` block of a stack's cdk.tf.json. */
export interface StackResource {
  readonly type: string;
  readonly name: string;
  /** `<type>.<name>`, as Terraform addresses it. */
  readonly address: string;
  /** The block as synthesized, references (`${aws_vpc.x.id}`) unresolved. */
  readonly config: Readonly<Record<string, unknown>>;
}

/** Where a stack keeps its state. */
export type StackBackend =
  { readonly kind: 'local'; readonly path: string } | { readonly kind: 'remote'; readonly type: string; readonly where: string };

export interface SynthesizedStack {
  readonly stack: string;
  /** The stack's folder in the synth output, where terraform runs. */
  readonly dir: string;
  readonly resources: readonly StackResource[];
  readonly backend: StackBackend;
  /** The AWS provider's profile, region and role (a stack has one AWS provider). */
  readonly provider: {
    readonly profile: string;
    readonly region: string;
    readonly roleArn?: string;
    readonly externalId?: string;
  };
}

interface StackJson {
  readonly terraform?: { readonly backend?: Record<string, Record<string, unknown>> };
  readonly provider?: { readonly aws?: readonly Record<string, unknown>[] };
  readonly resource?: Record<string, Record<string, Record<string, unknown>>>;
}

/** Stack names of the synth output (its manifest.json); a missing synth output is one line with the fix. */
export function stacksOf(outdir: string): string[] {
  const manifest = path.join(outdir, 'manifest.json');
  if (!existsSync(manifest)) {
    throw new ConfigError([
      `${manifest}: not found; run "npm run synth" first (with the accounts.json the stacks were deployed with), then recover-state`,
    ]);
  }
  const parsed = JSON.parse(readFileSync(manifest, 'utf8')) as { stacks?: Record<string, unknown> };
  return Object.keys(parsed.stacks ?? {});
}

/** Reads `<outdir>/stacks/<stack>/cdk.tf.json`. */
export function readSynthesizedStack(outdir: string, stack: string): SynthesizedStack {
  const dir = path.join(outdir, 'stacks', stack);
  const file = path.join(dir, 'cdk.tf.json');
  if (!existsSync(file)) {
    throw new ConfigError([
      `${file}: not found; "${stack}" is not a stack of the synth output ${outdir}; run "npm run synth", or name one of its stacks`,
    ]);
  }
  const json = JSON.parse(readFileSync(file, 'utf8')) as StackJson;
  const resources: StackResource[] = [];
  for (const [type, blocks] of Object.entries(json.resource ?? {})) {
    for (const [name, block] of Object.entries(blocks)) {
      const config = Object.fromEntries(Object.entries(block).filter(([key]) => key !== '//'));
      resources.push({ type, name, address: `${type}.${name}`, config });
    }
  }
  const provider = json.provider?.aws?.[0] ?? {};
  const assumeRole = (provider.assume_role as readonly Record<string, unknown>[] | undefined)?.[0];
  const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
  const roleArn = text(assumeRole?.role_arn);
  const externalId = text(assumeRole?.external_id);
  return {
    stack,
    dir,
    resources,
    backend: backendOf(dir, json),
    provider: {
      profile: text(provider.profile) ?? 'default',
      region: text(provider.region) ?? 'us-east-1',
      ...(roleArn !== undefined ? { roleArn } : {}),
      ...(externalId !== undefined ? { externalId } : {}),
    },
  };
}

function backendOf(dir: string, json: StackJson): StackBackend {
  const [type, settings] = Object.entries(json.terraform?.backend ?? {})[0] ?? ['local', {}];
  if (type === 'local') {
    const file = typeof settings.path === 'string' ? settings.path : 'terraform.tfstate';
    return { kind: 'local', path: path.resolve(dir, file) };
  }
  const where =
    typeof settings.bucket === 'string'
      ? `s3://${settings.bucket}/${typeof settings.key === 'string' ? settings.key : ''}`
      : type;
  return { kind: 'remote', type, where };
}
