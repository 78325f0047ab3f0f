import { renderTerraformJson } from '../../src/export/render';
import type { ProvidersSchema, SchemaBlock } from '../../src/export/schema';

const attrs = (...names: string[]): Record<string, object> => Object.fromEntries(names.map((name) => [name, {}]));
const nested = (nestingMode: string, block: SchemaBlock) => ({ nesting_mode: nestingMode, block });

/** A few types of hashicorp/aws 5.100.0, shaped as `terraform providers schema -json` gives them. */
const SCHEMA: ProvidersSchema = {
  provider_schemas: {
    'registry.terraform.io/hashicorp/aws': {
      provider: {
        block: {
          attributes: attrs('region', 'profile'),
          block_types: { default_tags: nested('list', { attributes: attrs('tags') }) },
        },
      },
      resource_schemas: {
        aws_s3_bucket: { block: { attributes: attrs('bucket', 'tags', 'id') } },
        aws_s3_bucket_versioning: {
          block: {
            attributes: attrs('bucket'),
            block_types: { versioning_configuration: nested('list', { attributes: attrs('status') }) },
          },
        },
        // ingress/egress are arguments of list-of-object type here (the provider's "attributes as blocks").
        aws_default_security_group: { block: { attributes: attrs('vpc_id', 'ingress', 'egress') } },
        aws_launch_template: {
          block: {
            attributes: attrs('name'),
            block_types: {
              tag_specifications: nested('list', { attributes: attrs('resource_type', 'tags') }),
              block_device_mappings: nested('list', {
                attributes: attrs('device_name'),
                block_types: { ebs: nested('list', { attributes: attrs('encrypted', 'volume_type') }) },
              }),
            },
          },
        },
      },
      data_source_schemas: {
        aws_availability_zones: {
          block: {
            attributes: attrs('state', 'names'),
            block_types: { filter: nested('set', { attributes: attrs('name', 'values') }) },
          },
        },
        aws_iam_policy_document: {
          block: {
            block_types: {
              statement: nested('list', {
                attributes: attrs('actions', 'effect'),
                block_types: { principals: nested('set', { attributes: attrs('type', 'identifiers') }) },
              }),
            },
          },
        },
      },
    },
    'registry.terraform.io/example/things': {
      resource_schemas: {
        things_map: { block: { block_types: { setting: nested('map', { attributes: attrs('value') }) } } },
      },
    },
    'terraform.io/builtin/terraform': {
      resource_schemas: { terraform_data: { block: { attributes: attrs('input', 'triggers_replace') } } },
    },
  },
};

const render = (config: object): string => renderTerraformJson(config, SCHEMA);

describe('renderTerraformJson: blocks and arguments', () => {
  test('it writes a nested block as a block and a map argument as an argument, as the schema says', () => {
    expect(
      render({
        resource: {
          aws_s3_bucket_versioning: {
            v: { bucket: '${aws_s3_bucket.b.id}', versioning_configuration: { status: 'Enabled' } },
          },
          aws_s3_bucket: { b: { bucket: 'acme-state', tags: { Name: 'acme', 'managed-by': 'x', 'aws:tag': 'y' } } },
        },
      }),
    ).toBe(
      [
        'resource "aws_s3_bucket_versioning" "v" {',
        '  bucket = aws_s3_bucket.b.id',
        '',
        '  versioning_configuration {',
        '    status = "Enabled"',
        '  }',
        '}',
        '',
        'resource "aws_s3_bucket" "b" {',
        '  bucket = "acme-state"',
        '  tags = {',
        '    Name       = "acme"',
        '    managed-by = "x"',
        '    "aws:tag"  = "y"',
        '  }',
        '}',
        '',
      ].join('\n'),
    );
  });

  test('it writes an argument that holds a list of objects with "=", where the JSON alone looks like blocks', () => {
    const hcl = render({
      resource: {
        aws_default_security_group: {
          d: { vpc_id: 'vpc-1', ingress: [], egress: [{ from_port: 0, cidr_blocks: ['10.0.0.0/8'] }] },
        },
      },
    });
    expect(hcl).toContain('  ingress = []\n');
    expect(hcl).toContain('  egress = [\n    {\n      from_port   = 0\n      cidr_blocks = ["10.0.0.0/8"]\n    },\n  ]\n');
  });

  test('it writes each element of a list of blocks as a block, nested blocks within them too', () => {
    const hcl = render({
      resource: {
        aws_launch_template: {
          t: {
            name: 'runner',
            tag_specifications: [
              { resource_type: 'instance', tags: { Name: 'r' } },
              { resource_type: 'volume', tags: { Name: 'r' } },
            ],
            block_device_mappings: [{ device_name: '/dev/xvda', ebs: { encrypted: 'true', volume_type: 'gp3' } }],
          },
        },
      },
    });
    expect(hcl.match(/^ {2}tag_specifications \{$/gm)).toHaveLength(2);
    expect(hcl).toContain('    ebs {\n      encrypted   = "true"\n      volume_type = "gp3"\n    }\n');
  });

  test('it writes an empty nested block as "name {}"', () => {
    const hcl = render({ data: { aws_availability_zones: { z: { filter: [{}] } } } });
    expect(hcl).toContain('  filter {}\n');
  });

  test('it writes blocks of map nesting with their key as a label', () => {
    const hcl = render({
      terraform: { required_providers: { things: { source: 'example/things' } } },
      resource: { things_map: { m: { setting: { first: { value: 1 }, second: { value: 2 } } } } },
    });
    expect(hcl).toContain('  setting "first" {\n    value = 1\n  }\n  setting "second" {\n    value = 2\n  }\n');
  });

  test('it writes a dynamic block with its content under the schema of the block it repeats', () => {
    const hcl = render({
      data: {
        aws_iam_policy_document: {
          p: {
            dynamic: {
              statement: {
                for_each: '${var.statements}',
                iterator: 's',
                content: { actions: '${s.value.actions}', principals: [{ type: 'AWS', identifiers: ['*'] }] },
              },
            },
          },
        },
      },
    });
    expect(hcl).toBe(
      [
        'data "aws_iam_policy_document" "p" {',
        '  dynamic "statement" {',
        '    for_each = var.statements',
        '    iterator = s',
        '',
        '    content {',
        '      actions = s.value.actions',
        '',
        '      principals {',
        '        type        = "AWS"',
        '        identifiers = ["*"]',
        '      }',
        '    }',
        '  }',
        '}',
        '',
      ].join('\n'),
    );
  });
});

describe('renderTerraformJson: meta-arguments', () => {
  test('it writes depends_on, provider and ignore_changes as bare references, never as quoted strings', () => {
    const hcl = render({
      resource: {
        aws_s3_bucket: {
          b: {
            provider: 'aws.east',
            bucket: 'x',
            depends_on: ['terraform_data.check', '${aws_s3_bucket.other}'],
            lifecycle: { prevent_destroy: true, ignore_changes: ['tags'], replace_triggered_by: ['terraform_data.check.id'] },
          },
        },
      },
    });
    expect(hcl).toBe(
      [
        'resource "aws_s3_bucket" "b" {',
        '  provider = aws.east',
        '',
        '  bucket = "x"',
        '',
        '  depends_on = [terraform_data.check, aws_s3_bucket.other]',
        '  lifecycle {',
        '    prevent_destroy      = true',
        '    ignore_changes       = [tags]',
        '    replace_triggered_by = [terraform_data.check.id]',
        '  }',
        '}',
        '',
      ].join('\n'),
    );
  });

  test('it writes ignore_changes = all as the keyword', () => {
    expect(render({ resource: { aws_s3_bucket: { b: { lifecycle: { ignore_changes: 'all' } } } } })).toContain(
      '    ignore_changes = all\n',
    );
  });

  test('it writes a postcondition as a block inside lifecycle, where cdktf synth --hcl writes an argument', () => {
    const hcl = render({
      data: {
        aws_availability_zones: {
          z: {
            state: 'available',
            lifecycle: { postcondition: [{ condition: '${length(self.names) >= 2}', error_message: 'too few zones' }] },
          },
        },
      },
    });
    expect(hcl).toContain(
      '  lifecycle {\n    postcondition {\n      condition     = length(self.names) >= 2\n      error_message = "too few zones"\n    }\n  }\n',
    );
    expect(hcl).not.toMatch(/postcondition\s*=/);
  });

  test('it writes count and for_each first, as expressions', () => {
    const hcl = render({
      resource: {
        aws_s3_bucket: {
          c: { bucket: 'x-${count.index}', count: 2 },
          f: { for_each: '${toset(var.names)}', bucket: '${each.key}' },
        },
      },
    });
    expect(hcl).toContain('resource "aws_s3_bucket" "c" {\n  count = 2\n\n  bucket = "x-${count.index}"\n}\n');
    expect(hcl).toContain('resource "aws_s3_bucket" "f" {\n  for_each = toset(var.names)\n\n  bucket = each.key\n}\n');
  });

  test('it writes a provisioner block with when and on_failure as keywords, and its connection block', () => {
    const hcl = render({
      resource: {
        terraform_data: {
          check: {
            provisioner: [
              {
                'local-exec': {
                  command: 'node check.js',
                  environment: { AWS_PROFILE: 'dev' },
                  when: 'destroy',
                  on_failure: 'continue',
                },
              },
              { 'remote-exec': { inline: ['true'], connection: { type: 'ssh', host: '${self.input}' } } },
            ],
          },
        },
      },
    });
    expect(hcl).toContain(
      '  provisioner "local-exec" {\n    command = "node check.js"\n    environment = {\n      AWS_PROFILE = "dev"\n    }\n' +
        '    when       = destroy\n    on_failure = continue\n  }\n',
    );
    expect(hcl).toContain(
      '  provisioner "remote-exec" {\n    inline = ["true"]\n\n    connection {\n      type = "ssh"\n      host = self.input\n    }\n  }\n',
    );
  });

  test('it drops cdktf\'s "//" metadata from every block', () => {
    const hcl = render({
      '//': { metadata: { stackName: 's' } },
      resource: { aws_s3_bucket: { b: { '//': { metadata: { path: 's/b' } }, bucket: 'x' } } },
    });
    expect(hcl).not.toContain('metadata');
    expect(hcl).toBe('resource "aws_s3_bucket" "b" {\n  bucket = "x"\n}\n');
  });
});

describe('renderTerraformJson: top-level blocks', () => {
  test('it writes the terraform block with backend settings taken literally and required_providers as objects', () => {
    expect(
      render({
        terraform: {
          backend: {
            s3: { bucket: 'acme-state', key: 'a/$${b}.tfstate', endpoints: { s3: 'http://127.0.0.1:5000' }, use_lockfile: true },
          },
          required_providers: { aws: { source: 'aws', version: '5.100.0', configuration_aliases: ['aws.east'] } },
          required_version: '>= 1.10',
        },
      }),
    ).toBe(
      [
        'terraform {',
        '  required_version = ">= 1.10"',
        '',
        '  backend "s3" {',
        '    bucket = "acme-state"',
        // Terraform reads backend settings without evaluating them: the JSON's "$${" is two dollar signs.
        '    key    = "a/$$${b}.tfstate"',
        '    endpoints = {',
        '      s3 = "http://127.0.0.1:5000"',
        '    }',
        '    use_lockfile = true',
        '  }',
        '  required_providers {',
        '    aws = {',
        '      source                = "aws"',
        '      version               = "5.100.0"',
        '      configuration_aliases = [aws.east]',
        '    }',
        '  }',
        '}',
        '',
      ].join('\n'),
    );
  });

  test('it writes a provider with its alias first and its nested blocks from the provider schema', () => {
    expect(
      render({ provider: { aws: [{ region: 'eu-west-1', alias: 'west', default_tags: [{ tags: { platform: 'acme' } }] }] } }),
    ).toBe(
      [
        'provider "aws" {',
        '  alias = "west"',
        '',
        '  region = "eu-west-1"',
        '',
        '  default_tags {',
        '    tags = {',
        '      platform = "acme"',
        '    }',
        '  }',
        '}',
        '',
      ].join('\n'),
    );
  });

  test('it writes variables with a bare type and validation, locals, and outputs with preconditions', () => {
    const hcl = render({
      variable: {
        names: {
          type: 'list(string)',
          default: ['a'],
          description: 'costs $${x}',
          validation: [{ condition: '${length(var.names) > 0}', error_message: 'name one' }],
        },
      },
      locals: { prefix: '${var.names[0]}-x' },
      output: {
        first: {
          value: '${local.prefix}',
          description: 'the prefix',
          sensitive: false,
          depends_on: ['aws_s3_bucket.b'],
          precondition: [{ condition: '${local.prefix != ""}', error_message: 'empty' }],
        },
      },
    });
    expect(hcl).toBe(
      [
        'variable "names" {',
        '  type        = list(string)',
        '  default     = ["a"]',
        '  description = "costs $$${x}"',
        '',
        '  validation {',
        '    condition     = length(var.names) > 0',
        '    error_message = "name one"',
        '  }',
        '}',
        '',
        'locals {',
        '  prefix = "${var.names[0]}-x"',
        '}',
        '',
        'output "first" {',
        '  value       = local.prefix',
        '  description = "the prefix"',
        '  sensitive   = false',
        '',
        '  depends_on = [aws_s3_bucket.b]',
        '  precondition {',
        '    condition     = local.prefix != ""',
        '    error_message = "empty"',
        '  }',
        '}',
        '',
      ].join('\n'),
    );
  });

  test("it writes import, moved and removed blocks with their addresses bare, an import's address first", () => {
    const hcl = render({
      // cdktf writes the keys in alphabetical order.
      import: [{ id: 'acme-state', to: 'aws_s3_bucket.b' }],
      moved: [{ from: 'aws_s3_bucket.old', to: 'aws_s3_bucket.b' }],
      removed: [{ from: 'aws_s3_bucket.gone', lifecycle: { destroy: false } }],
    });
    expect(hcl).toBe(
      [
        'import {',
        '  to = aws_s3_bucket.b',
        '  id = "acme-state"',
        '}',
        '',
        'moved {',
        '  from = aws_s3_bucket.old',
        '  to   = aws_s3_bucket.b',
        '}',
        '',
        'removed {',
        '  from = aws_s3_bucket.gone',
        '',
        '  lifecycle {',
        '    destroy = false',
        '  }',
        '}',
        '',
      ].join('\n'),
    );
  });

  test('it writes a module with its source first and its providers as references', () => {
    expect(render({ module: { net: { source: './net', providers: { aws: 'aws.west' }, cidr: '10.0.0.0/16' } } })).toBe(
      [
        'module "net" {',
        '  source = "./net"',
        '  providers = {',
        '    aws = aws.west',
        '  }',
        '',
        '  cidr = "10.0.0.0/16"',
        '}',
        '',
      ].join('\n'),
    );
  });
});

describe('renderTerraformJson: what it refuses rather than guesses', () => {
  test('it refuses a key the schema does not know, naming the block and the key', () => {
    expect(() => render({ resource: { aws_s3_bucket: { b: { bucket: 'x', bucket_prefix_typo: 'y' } } } })).toThrow(
      "resource.aws_s3_bucket.b.bucket_prefix_typo: neither an argument nor a nested block in the provider's schema",
    );
  });

  test('it refuses a nested block given as an expression', () => {
    expect(() =>
      render({ resource: { aws_s3_bucket_versioning: { v: { bucket: 'b', versioning_configuration: '${var.v}' } } } }),
    ).toThrow('resource.aws_s3_bucket_versioning.v.versioning_configuration: a block, but the JSON gives "${var.v}"');
  });

  test('it refuses a resource type of a provider without a schema', () => {
    expect(() => render({ resource: { google_bucket: { b: {} } } })).toThrow(
      'resource "google_bucket": no schema for provider registry.terraform.io/hashicorp/google',
    );
  });

  test('it refuses a top-level key it does not know', () => {
    expect(() => render({ ephemeral: {} })).toThrow('unsupported top-level key(s): ephemeral');
  });
});
