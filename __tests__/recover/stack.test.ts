// Reading a synthesized stack for recover-state: resources, the provider's account access, the backend.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConfigError } from '../../src/config/errors';
import { readSynthesizedStack, stacksOf } from '../../src/recover/stack';

let outdir: string;
beforeEach(() => {
  outdir = mkdtempSync(path.join(os.tmpdir(), 'recover-stack-test-'));
});
afterEach(() => {
  rmSync(outdir, { recursive: true, force: true });
});

function writeStack(stack: string, json: object): void {
  mkdirSync(path.join(outdir, 'stacks', stack), { recursive: true });
  writeFileSync(path.join(outdir, 'stacks', stack, 'cdk.tf.json'), JSON.stringify(json));
}

test('a missing synth output is one line that says to synthesize first', () => {
  expect(() => stacksOf(outdir)).toThrow(ConfigError);
  expect(() => stacksOf(outdir)).toThrow(/manifest\.json: not found; run "npm run synth" first/);
});

test('the stacks of the manifest, and each stack’s resources, provider access and local state file', () => {
  writeFileSync(path.join(outdir, 'manifest.json'), JSON.stringify({ stacks: { 'state-dev': {}, 'access-dev': {} } }));
  expect(stacksOf(outdir)).toEqual(['state-dev', 'access-dev']);
  writeStack('state-dev', {
    terraform: { backend: { local: { path: '../../terraform-state/state-dev.tfstate' } } },
    provider: {
      aws: [{ profile: 'hub', region: 'eu-west-1', assume_role: [{ role_arn: 'arn:aws:iam::1:role/r', external_id: 'x' }] }],
    },
    resource: {
      aws_s3_bucket: { 'state-bucket_828F7150': { '//': { metadata: {} }, bucket: 'acme-dev-state' } },
      terraform_data: { 'existing-bucket-check': { provisioner: [] } },
    },
  });
  const stack = readSynthesizedStack(outdir, 'state-dev');
  expect(stack.resources).toEqual([
    {
      type: 'aws_s3_bucket',
      name: 'state-bucket_828F7150',
      address: 'aws_s3_bucket.state-bucket_828F7150',
      config: { bucket: 'acme-dev-state' },
    },
    {
      type: 'terraform_data',
      name: 'existing-bucket-check',
      address: 'terraform_data.existing-bucket-check',
      config: { provisioner: [] },
    },
  ]);
  expect(stack.provider).toEqual({ profile: 'hub', region: 'eu-west-1', roleArn: 'arn:aws:iam::1:role/r', externalId: 'x' });
  expect(stack.backend).toEqual({ kind: 'local', path: path.join(outdir, 'terraform-state', 'state-dev.tfstate') });
});

test('an S3 backend is reported as remote with its bucket and key', () => {
  writeStack('pipeline-prod', {
    terraform: { backend: { s3: { bucket: 'acme-prod-state', key: 'pipeline-prod/terraform.tfstate' } } },
    provider: { aws: [{ profile: 'p', region: 'us-east-1' }] },
  });
  expect(readSynthesizedStack(outdir, 'pipeline-prod').backend).toEqual({
    kind: 'remote',
    type: 's3',
    where: 's3://acme-prod-state/pipeline-prod/terraform.tfstate',
  });
});

test('a stack that is not in the synth output is one line naming the file', () => {
  expect(() => readSynthesizedStack(outdir, 'state-qa')).toThrow(
    /cdk\.tf\.json: not found; "state-qa" is not a stack of the synth output/,
  );
});
