/**
 * Addresses a stack's Terraform JSON references but does not declare: `type.name` (resource) and
 * `data.type.name` (data source) inside `${...}` expressions. Provider resource types always hold an
 * underscore (`aws_s3_bucket`, `terraform_data`), which tells them from `var.`, `local.`, `each.`,
 * `count.`, `path.` and `self.` references.
 */
export function undeclaredReferences(json: Readonly<Record<string, unknown>>): string[] {
  const declared = new Set<string>();
  for (const [block, prefix] of [
    ['resource', ''],
    ['data', 'data.'],
  ] as const) {
    const types = (json[block] ?? {}) as Record<string, Record<string, unknown>>;
    for (const [type, names] of Object.entries(types)) {
      for (const name of Object.keys(names)) declared.add(`${prefix}${type}.${name}`);
    }
  }
  const undeclared = new Set<string>();
  visitStrings(json, (text) => {
    for (const expression of text.matchAll(/\$\{([^}]*)\}/g)) {
      for (const match of (expression[1] ?? '').matchAll(REFERENCE)) {
        const address = `${match[1] ?? ''}${match[2] ?? ''}.${match[3] ?? ''}`;
        if (!declared.has(address)) undeclared.add(address);
      }
    }
  });
  return [...undeclared];
}

/** `data.aws_x.name` or `aws_x.name`, not in the middle of a longer name or attribute chain. */
const REFERENCE = /(?<![\w.-])(data\.)?([a-z][a-z0-9]*_[a-z0-9_]*)\.([A-Za-z_][\w-]*)/g;

function visitStrings(value: unknown, visit: (text: string) => void): void {
  if (typeof value === 'string') visit(value);
  else if (Array.isArray(value)) for (const item of value) visitStrings(item, visit);
  else if (typeof value === 'object' && value !== null) for (const item of Object.values(value)) visitStrings(item, visit);
}
