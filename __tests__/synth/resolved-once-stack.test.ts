import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { App, Aspects, type IAspect, LocalBackend, TerraformOutput, TerraformStack, Testing } from 'cdktf';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { READ_ONLY_ASPECT, ResolvedOnceStack, resolveForSynth } from '../../src/synth/resolved-once-stack';

function bucketStack(app: App): ResolvedOnceStack {
  const stack = new ResolvedOnceStack(app, 'state-dev');
  new LocalBackend(stack, { path: 'state-dev.tfstate' });
  new AwsProvider(stack, 'aws', { region: 'us-east-1' });
  const bucket = new S3Bucket(stack, 'bucket', { bucket: 'acme-dev-state' });
  new TerraformOutput(stack, 'state_bucket_arn', { value: bucket.arn });
  return stack;
}

describe('ResolvedOnceStack', () => {
  test('synth writes exactly what the stack resolved to for the policy guard', () => {
    const app = Testing.app();
    const stack = bucketStack(app);
    const plain = new TerraformStack(Testing.app(), 'state-dev');
    new LocalBackend(plain, { path: 'state-dev.tfstate' });
    new AwsProvider(plain, 'aws', { region: 'us-east-1' });
    new TerraformOutput(plain, 'state_bucket_arn', {
      value: new S3Bucket(plain, 'bucket', { bucket: 'acme-dev-state' }).arn,
    });

    const forGuard = resolveForSynth(stack);
    app.synth();

    const written: unknown = JSON.parse(readFileSync(path.join(app.outdir, 'stacks', 'state-dev', 'cdk.tf.json'), 'utf8'));
    expect(written).toEqual(forGuard);
    expect(forGuard).toEqual(plain.toTerraform());
  });

  test('the kept resolution serves one synth only; later calls resolve afresh', () => {
    const stack = bucketStack(Testing.app());
    const kept = resolveForSynth(stack);

    expect(stack.toTerraform()).toBe(kept);
    const again = stack.toTerraform();
    expect(again).not.toBe(kept);
    expect(again).toEqual(kept);
  });

  test('a construct added after the guard read the stack is in the written stack', () => {
    const stack = bucketStack(Testing.app());
    resolveForSynth(stack);
    new S3Bucket(stack, 'late-bucket', { bucket: 'acme-dev-late' });

    const resources = (stack.toTerraform() as { resource: { aws_s3_bucket: Record<string, unknown> } }).resource;
    expect(Object.keys(resources.aws_s3_bucket)).toEqual(['bucket', 'late-bucket']);
  });

  test('an aspect that may change the stack at synth makes synth resolve it again', () => {
    const app = Testing.app();
    const stack = bucketStack(app);
    const kept = resolveForSynth(stack);
    Aspects.of(stack).add({
      visit: (node) => {
        if (node instanceof S3Bucket) node.addOverride('force_destroy', false);
      },
    });
    app.synth();

    const written = JSON.parse(readFileSync(path.join(app.outdir, 'stacks', 'state-dev', 'cdk.tf.json'), 'utf8')) as {
      resource: { aws_s3_bucket: { bucket: Record<string, unknown> } };
    };
    expect(written).not.toEqual(kept);
    expect(written.resource.aws_s3_bucket.bucket.force_destroy).toBe(false);
  });

  test('a read-only aspect such as the policy guard lets synth write the kept resolution', () => {
    const app = Testing.app();
    const stack = bucketStack(app);
    Aspects.of(stack).add({ [READ_ONLY_ASPECT]: true, visit: () => undefined } as IAspect);
    const kept = resolveForSynth(stack);

    expect(stack.toTerraform()).toBe(kept);
  });

  test('a reference to another stack fails synth: the stacks must stay independent, so cdktf prepare pass is not needed', () => {
    const app = Testing.app();
    const stack = bucketStack(app);
    const shared = new S3Bucket(stack, 'shared', { bucket: 'acme-shared' });
    const other = new ResolvedOnceStack(app, 'pipeline-prod');
    new LocalBackend(other, { path: 'pipeline-prod.tfstate' });
    new AwsProvider(other, 'aws', { region: 'us-east-1' });
    new TerraformOutput(other, 'shared_bucket_arn', { value: shared.arn });

    expect(() => {
      app.synth();
    }).toThrow(
      'pipeline-prod references aws_s3_bucket.shared, which it does not declare; the stacks of this project must not reference each other (each is deployed and destroyed on its own)',
    );
  });

  test('a stack of another class is resolved the ordinary way', () => {
    const stack = new TerraformStack(Testing.app(), 'other');
    new LocalBackend(stack, { path: 'other.tfstate' });
    new AwsProvider(stack, 'aws', { region: 'us-east-1' });

    expect(resolveForSynth(stack)).toEqual(stack.toTerraform());
  });
});
