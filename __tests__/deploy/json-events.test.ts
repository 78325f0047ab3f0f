// Terraform's -json events, recorded from real runs of terraform 1.11 (fixtures/terraform-apply*.jsonl): an apply
// that created two resources, one stopped by Ctrl-C, and one whose AWS profile is missing. The deploy decides from
// these events and the exit status alone.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describeChanges, parseTerraformEvent, type TerraformEvent } from '../../src/terraform/json-events';
import { isCredentialError, stateLockConflict } from '../../src/deploy/output';
import { diagnosticLines } from '../../src/deploy/run-stacks';

function events(fixture: string): TerraformEvent[] {
  return readFileSync(path.join(__dirname, 'fixtures', fixture), 'utf8')
    .split('\n')
    .map(parseTerraformEvent)
    .filter((event): event is TerraformEvent => event !== undefined);
}

test('a completed apply reports its change summary, and the plan’s summary is not taken for it', () => {
  const applied = events('terraform-apply.jsonl').filter((event) => event.kind === 'applied');
  expect(applied).toEqual([
    {
      kind: 'applied',
      message: 'Apply complete! Resources: 2 added, 0 changed, 0 destroyed.',
      changes: { add: 2, change: 0, remove: 0, import: 0 },
    },
  ]);
  expect(describeChanges(applied[0]?.kind === 'applied' ? applied[0].changes : { add: 0, change: 0, remove: 0, import: 0 })).toBe(
    '2 added, 0 changed, 0 destroyed',
  );
  expect(describeChanges({ add: 0, change: 0, remove: 0, import: 0 })).toBe('no changes');
  expect(describeChanges({ add: 0, change: 1, remove: 0, import: 2 })).toBe('2 imported, 0 added, 1 changed, 0 destroyed');
});

test('the start of each resource change is seen, so a deploy knows whether terraform began creating anything', () => {
  const starts = events('terraform-apply.jsonl').flatMap((event) => (event.kind === 'change-start' ? [event] : []));
  expect(starts.map((event) => [event.address, event.action])).toEqual([
    ['terraform_data.b', 'create'],
    ['terraform_data.a', 'create'],
  ]);
  expect(events('terraform-apply-credentials.jsonl').some((event) => event.kind === 'change-start')).toBe(false);
});

test('an interrupted apply shows terraform’s graceful stop and its errors, and reaches no change summary', () => {
  const all = events('terraform-apply-interrupted.jsonl');
  expect(all.some((event) => event.message.includes('Gracefully shutting down...'))).toBe(true);
  expect(all.some((event) => event.kind === 'applied')).toBe(false);
  expect(all.flatMap((event) => (event.kind === 'diagnostic' ? [event.diagnostic.summary] : []))).toEqual([
    'local-exec provisioner error',
    'execution halted',
    'execution halted',
  ]);
});

test('a missing profile is a credential error, decided from the diagnostic’s fields, and printed once with the stack', () => {
  const [diagnostic] = events('terraform-apply-credentials.jsonl').flatMap((event) =>
    event.kind === 'diagnostic' ? [event.diagnostic] : [],
  );
  expect(diagnostic).toEqual({
    severity: 'error',
    summary: 'failed to get shared config profile, dply-dev',
    detail: '',
    address: 'provider["registry.terraform.io/hashicorp/aws"]',
  });
  expect(diagnostic !== undefined && isCredentialError(diagnostic)).toBe(true);
  expect(isCredentialError({ summary: 'creating S3 Bucket (x): BucketAlreadyExists', detail: '' })).toBe(false);
  expect(diagnosticLines('state-dev', diagnostic ?? { summary: '', detail: '' })).toEqual([
    'state-dev  Error: failed to get shared config profile, dply-dev',
  ]);
  expect(
    diagnosticLines('state-dev', { summary: 'Invalid thing', detail: 'first\n\nsecond', address: 'aws_s3_bucket.b' }),
  ).toEqual(['state-dev  Error: Invalid thing (aws_s3_bucket.b)', 'state-dev    first', 'state-dev    second']);
});

test('a state lock held by another Terraform is read from the diagnostic’s Lock Info', () => {
  const detail = [
    'resource temporarily unavailable',
    'Lock Info:',
    '  ID:        6a0c1b2e-0000-4000-8000-000000000001',
    '  Path:      /state/state-two.tfstate',
    '  Operation: OperationTypeApply',
    '  Who:       alice@other-terminal',
    '  Version:   1.11.4',
    '  Created:   2026-12-06 10:00:00 +0000 UTC',
    '  Info:',
  ].join('\n');
  expect(stateLockConflict('state-two', { summary: 'Error acquiring the state lock', detail })).toEqual({
    stack: 'state-two',
    info: {
      ID: '6a0c1b2e-0000-4000-8000-000000000001',
      Path: '/state/state-two.tfstate',
      Operation: 'OperationTypeApply',
      Who: 'alice@other-terminal',
      Version: '1.11.4',
      Created: '2026-12-06 10:00:00 +0000 UTC',
    },
  });
  expect(stateLockConflict('state-two', { summary: 'Something else', detail })).toBeUndefined();
});

test('the outputs are read from the apply’s final report, not from the plan’s, and not when one is sensitive', () => {
  const reported = events('terraform-apply.jsonl').flatMap((event) => (event.kind === 'outputs' ? [event.values] : []));
  // The plan's report has each output's action and no value; the apply's has the values.
  expect(reported).toEqual([undefined, { o: 'x' }]);
  const sensitive = parseTerraformEvent(
    JSON.stringify({
      '@message': 'Outputs: 2',
      type: 'outputs',
      outputs: { a: { sensitive: false, type: 'string', value: 'x' }, secret: { sensitive: true, type: 'string' } },
    }),
  );
  expect(sensitive).toEqual({ kind: 'outputs', message: 'Outputs: 2' });
  const nullValue = parseTerraformEvent(
    JSON.stringify({
      '@message': 'Outputs: 1',
      type: 'outputs',
      outputs: { a: { sensitive: false, type: 'string', value: null } },
    }),
  );
  expect(nullValue).toEqual({ kind: 'outputs', message: 'Outputs: 1', values: { a: null } });
});

test('lines that are not JSON events are not events', () => {
  expect(parseTerraformEvent('Initializing the backend...')).toBeUndefined();
  expect(parseTerraformEvent('{not json')).toBeUndefined();
  expect(parseTerraformEvent('{"no":"type"}')).toBeUndefined();
});
