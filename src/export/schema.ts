/**
 * Which keys of a Terraform JSON body are nested blocks and which are arguments. Terraform JSON does
 * not say (`"versioning_configuration": {...}` is a block, `"tags": {...}` an argument of map type,
 * `"ingress": []` of aws_default_security_group an argument too); the provider's schema does. It comes
 * from `terraform providers schema -json` (the part of its output read here is typed below), so it is
 * the schema of exactly the provider that will plan the exported files.
 */

/** A block's schema: its arguments (`attributes`) and nested block types. */
export interface SchemaBlock {
  readonly attributes?: Readonly<Record<string, unknown>>;
  readonly block_types?: Readonly<Record<string, SchemaBlockType>>;
}

export interface SchemaBlockType {
  /** `single`, `group`, `list` and `set` blocks are written `name { }`; `map` blocks `name "key" { }`. */
  readonly nesting_mode: string;
  readonly block: SchemaBlock;
}

interface ProviderSchema {
  readonly provider?: { readonly block?: SchemaBlock };
  readonly resource_schemas?: Readonly<Record<string, { readonly block?: SchemaBlock }>>;
  readonly data_source_schemas?: Readonly<Record<string, { readonly block?: SchemaBlock }>>;
}

/** The output of `terraform providers schema -json`, as far as it is read here. */
export interface ProvidersSchema {
  readonly provider_schemas?: Readonly<Record<string, ProviderSchema>>;
}

/** Provider address of Terraform's built-in provider (`terraform_data`, `terraform_remote_state`). */
export const BUILTIN_PROVIDER = 'terraform.io/builtin/terraform';

/**
 * The provider address a `source` of `required_providers` stands for: `aws` and `hashicorp/aws` are
 * `registry.terraform.io/hashicorp/aws`. Lower case, as Terraform compares them.
 */
export function providerAddress(source: string): string {
  const parts = source.toLowerCase().split('/');
  if (parts.length === 1) return `registry.terraform.io/hashicorp/${parts[0] ?? ''}`;
  if (parts.length === 2) return `registry.terraform.io/${parts.join('/')}`;
  return parts.join('/');
}

/** Looks up block schemas by provider local name, as Terraform resolves them for one configuration. */
export class SchemaLookup {
  constructor(
    private readonly schema: ProvidersSchema,
    /** Local name → source, from `terraform.required_providers` (a name not listed is `hashicorp/<name>`). */
    private readonly sources: Readonly<Record<string, string>>,
  ) {}

  /** Schema of a provider configuration block (`provider "aws" {}`). */
  provider(localName: string): SchemaBlock {
    const provider = this.providerSchema(localName, `provider "${localName}"`);
    return provider.provider?.block ?? {};
  }

  /**
   * Schema of a resource or data source type. `providerRef` is its `provider` argument (`aws.east`);
   * without one, Terraform takes the type's prefix (`aws_s3_bucket` → `aws`).
   */
  block(kind: 'resource' | 'data', type: string, providerRef?: string): SchemaBlock {
    const localName = providerRef !== undefined ? (providerRef.split('.')[0] ?? providerRef) : (type.split('_')[0] ?? type);
    const where = `${kind} "${type}"`;
    const provider = this.providerSchema(localName, where);
    const schemas = kind === 'resource' ? provider.resource_schemas : provider.data_source_schemas;
    const found = schemas?.[type]?.block;
    if (found === undefined) {
      throw new Error(
        `${where}: the schema of provider "${localName}" has no such ${kind === 'data' ? 'data source' : kind} type`,
      );
    }
    return found;
  }

  private providerSchema(localName: string, where: string): ProviderSchema {
    const address =
      localName === 'terraform' ? BUILTIN_PROVIDER : providerAddress(this.sources[localName] ?? `hashicorp/${localName}`);
    const provider = this.schema.provider_schemas?.[address];
    if (provider === undefined) throw new Error(`${where}: no schema for provider ${address} (is it in required_providers?)`);
    return provider;
  }
}
