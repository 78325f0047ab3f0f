// The renderer's strings, checked by Terraform itself: one configuration applied twice, once as the
// Terraform JSON it starts from and once as the HCL rendered from it, must give the same output values.
// Only Terraform's built-in provider is used, so nothing is downloaded (outputs and a terraform_data).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { renderTerraformJson } from '../../src/export/render';
import type { ProvidersSchema } from '../../src/export/schema';

const BUILTIN_ONLY: ProvidersSchema = {
  provider_schemas: {
    'terraform.io/builtin/terraform': {
      resource_schemas: { terraform_data: { block: { attributes: { input: {}, triggers_replace: {} } } } },
    },
  },
};

/** Strings that need care in HCL, each an output value (and part of one object). */
const STRINGS: Record<string, string> = {
  quotes_and_backslashes: 'say "hi" \\ and \\n stays two characters',
  control_characters: 'tab\there, carriage\rreturn, bell\u0007, unicode é 日本',
  escaped_sequences: 'literal $${dollar} and %%{percent}',
  dollar_before_interpolation: '$$${"x"}',
  quote_inside_interpolation: '${upper("a\\"b")}',
  brace_inside_interpolation: '${"}"}-${jsonencode({"a" = "}"})}',
  directive: '%{ if 1 == 1 }yes%{ else }no%{ endif }',
  heredoc: 'line one\n  indented ${upper("two")}\n%{ for s in ["a", "b"] }${s}\n%{ endfor }\n',
  heredoc_marker_inside: 'before\nEOT\nafter\n',
  no_final_newline: 'line one\nline two',
  reference: '${local.number}',
  expression_with_spaces: '${ 1 + 2 }',
  for_expression: '${[for s in ["a", "b"] : upper(s)]}',
  object_expression: '${{"k" = "v"}}',
};

const CONFIG = {
  '//': { metadata: { note: 'cdktf metadata, dropped' } },
  variable: {
    // Read without evaluation: the JSON string is taken as it is, `$${` and all.
    literal_default: { default: 'a $${b} %{c}', type: 'string' },
  },
  locals: { number: 42 },
  resource: {
    terraform_data: {
      mixed: {
        input: {
          strings: STRINGS,
          numbers: [1.5, -3, 1e21, 0],
          flags: [true, false, null],
          'aws:SourceArn': 'key with a colon',
          for: 'a keyword as a key',
          '${"computed"}-key': 'a template as a key',
          '//': 'a comment key inside a value is a key',
          nested: [{ list: [[], {}], empty: '' }],
        },
      },
    },
  },
  output: {
    ...Object.fromEntries(Object.entries(STRINGS).map(([name, value]) => [name, { value }])),
    literal_default: { value: '${var.literal_default}' },
    mixed: { value: '${terraform_data.mixed.output}' },
  },
};

/** Layout cases: alignment runs broken by multi-line values and blocks, long lists, lists of objects, heredocs. */
const LAYOUT = {
  terraform: { required_version: '>= 1.10', backend: { local: { path: 'state/x.tfstate' } } },
  resource: {
    terraform_data: {
      layout: {
        input: {
          a: 1,
          longer_key: { x: 1, yy: [1, 2], zzz: { deep: true } },
          b: 2,
          after_object: 'x',
          long_list: Array.from({ length: 12 }, (_, index) => `element-number-${index}`),
          objects: [{ k: 1, kk: [] }, {}],
          script: '#!/bin/sh\necho hi\n',
        },
        triggers_replace: ['${terraform_data.other.id}'],
        depends_on: ['terraform_data.other'],
        lifecycle: { create_before_destroy: true, ignore_changes: ['input'] },
        provisioner: [{ 'local-exec': { command: 'echo done', when: 'destroy', environment: { A: '1', LONGER: '2' } } }],
      },
      other: { input: 'x' },
    },
  },
  output: {
    script: { value: '#!/bin/sh\necho hi\n', description: 'a heredoc between one-line arguments', sensitive: false },
  },
};

let root: string;

beforeAll(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'export-round-trip-'));
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

function terraform(dir: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync('terraform', [...args, '-no-color'], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, CHECKPOINT_DISABLE: '1' },
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** `terraform output -json` after applying `file` (name and text) in a folder of its own. */
function appliedOutputs(name: string, file: string, text: string): unknown {
  const dir = path.join(root, name);
  rmSync(dir, { recursive: true, force: true });
  spawnSync('mkdir', ['-p', dir]);
  writeFileSync(path.join(dir, file), text);
  for (const args of [
    ['init', '-input=false'],
    ['apply', '-auto-approve', '-input=false'],
  ]) {
    const run = terraform(dir, args);
    if (run.status !== 0)
      throw new Error(`terraform ${args[0] ?? ''} of the ${name} files failed:\n${run.stdout}\n${run.stderr}`);
  }
  return JSON.parse(terraform(dir, ['output', '-json']).stdout) as unknown;
}

describe('HCL rendered from Terraform JSON, applied by terraform', () => {
  let hcl: string;
  beforeAll(() => {
    hcl = renderTerraformJson(CONFIG, BUILTIN_ONLY);
  });

  test('it gives every output the value the JSON gives it', () => {
    const fromJson = appliedOutputs('json', 'main.tf.json', JSON.stringify(CONFIG, null, 2));
    const fromHcl = appliedOutputs('hcl', 'main.tf', hcl);
    expect(fromHcl).toEqual(fromJson);
    // The comparison is worth something only if the values are the tricky ones.
    expect(fromJson).toMatchObject({
      escaped_sequences: { value: 'literal ${dollar} and %{percent}' },
      literal_default: { value: 'a $${b} %{c}' },
      heredoc: { value: 'line one\n  indented TWO\na\nb\n\n' },
    });
  }, 120_000);

  test('it is laid out as terraform fmt lays it out', () => {
    const dir = path.join(root, 'fmt');
    spawnSync('mkdir', ['-p', dir]);
    writeFileSync(path.join(dir, 'main.tf'), renderTerraformJson(LAYOUT, BUILTIN_ONLY));
    const run = terraform(dir, ['fmt', '-check', '-diff']);
    expect({ status: run.status, diff: run.stdout }).toEqual({ status: 0, diff: '' });
  });

  test('it writes the multi-line strings as heredocs and the others as quoted strings', () => {
    expect(hcl).toContain('  value = <<EOT\nline one\n  indented ${upper("two")}\n');
    expect(hcl).toContain('  value = <<EOT1\nbefore\nEOT\nafter\nEOT1\n');
    expect(hcl).toContain('  value = "line one\\nline two"\n');
  });
});
