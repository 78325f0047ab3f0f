// What `npm run deploy` reads in cdktf's output, and the lines it adds after it.
import { validateConfig } from '../../src/config';
import {
  credentialHints,
  interruptedMessage,
  isCredentialError,
  stateLockConflict,
  stateLockHints,
} from '../../src/deploy/output';
import { pipelineStackId } from '../../stacks/pipeline-stack';
import { stateStackId } from '../../stacks/state-stack';

const config = validateConfig({ platform: 'acme', accounts: { dev: 'acme-dev', prod: 'acme-prod' } }, 'accounts.json');

describe('isCredentialError', () => {
  test('the provider’s and the SDK’s messages for missing or unusable credentials count, in the summary or the detail', () => {
    expect(isCredentialError({ summary: 'failed to get shared config profile, acme-dev', detail: '' })).toBe(true);
    expect(isCredentialError({ summary: 'Retrieving AWS account details', detail: 'No valid credential sources found' })).toBe(
      true,
    );
    expect(isCredentialError({ summary: 'x', detail: 'operation error STS: GetCallerIdentity, ExpiredToken' })).toBe(true);
  });

  test('other failures are not credential errors', () => {
    expect(isCredentialError({ summary: 'creating S3 Bucket (acme-dev-state): BucketAlreadyExists', detail: '' })).toBe(false);
  });
});

describe('credentialHints', () => {
  test('each stack’s line names its account and profile, and the doctor command that checks them', () => {
    expect(credentialHints(['state-dev', 'pipeline-prod'], config)).toEqual([
      'state-dev: Terraform found no usable AWS credentials in profile acme-dev (accounts.dev); check it with "npm run doctor -- --live"',
      'pipeline-prod: Terraform found no usable AWS credentials in profile acme-prod (accounts.prod); check it with "npm run doctor -- --live"',
    ]);
  });

  test('the stack ids it reads are the ones the stacks are created with', () => {
    const [state, pipeline] = credentialHints([stateStackId('dev'), pipelineStackId('prod')], config);
    expect(state).toContain('profile acme-dev');
    expect(pipeline).toContain('profile acme-prod');
  });

  test('without accounts.json, or for an unknown stack, the line still points at the doctor', () => {
    expect(credentialHints(['state-qa', undefined], undefined)).toEqual([
      'state-qa: Terraform found no usable AWS credentials; check the profiles with "npm run doctor -- --live"',
      'Terraform found no usable AWS credentials; check the profiles of accounts.json with "npm run doctor -- --live"',
    ]);
  });
});

test('the interrupted message says what the state holds and gives the command to run again', () => {
  expect(interruptedMessage("npm run deploy -- 'state-*'", false)).toBe(
    'Interrupted: Terraform stopped cleanly; its state records everything it created.\n' +
      `Run the same command again to finish: npm run deploy -- 'state-*' ("Error acquiring the state lock" then means another deploy still runs).`,
  );
  expect(interruptedMessage('npm run deploy -- state-dev', true)).toMatch(
    /^Killed: Terraform was stopped at once, so a resource it was creating may exist without being in its state\.\nRun the same command again to finish: npm run deploy -- state-dev /,
  );
});

test('after an interrupt, each stack that was deploying is named with its state file, what it records and what is left', () => {
  expect(
    interruptedMessage('npm run deploy -- state-dev', false, [
      { stack: 'state-dev', stateFile: 'terraform-state/state-dev.tfstate', recorded: 5, planned: 9 },
      { stack: 'state-qa', stateFile: 'terraform-state/state-qa.tfstate', recorded: 9, planned: 9 },
      { stack: 'pipeline-prod', recorded: 0 },
    ]).split('\n'),
  ).toEqual([
    'Interrupted: Terraform stopped cleanly; its state records everything it created.',
    '  state-dev: terraform-state/state-dev.tfstate records 5 resource(s); 4 of its 9 resources are left to create',
    '  state-qa: terraform-state/state-qa.tfstate records 9 resource(s); it records all 9 of its resources (some may still need changes)',
    '  pipeline-prod: stopped; its state is not local (see its backend)',
    'Run the same command again to finish: npm run deploy -- state-dev ("Error acquiring the state lock" then means another deploy still runs).',
  ]);
});

test('the state-lock hint says who holds the state and what to do, in the user’s words', () => {
  const conflict = stateLockConflict('state-dev', {
    summary: 'Error acquiring the state lock',
    detail: [
      'Error message: resource temporarily unavailable',
      'Lock Info:',
      '  ID:        6a0c1b2e-0000-4000-8000-000000000001',
      '  Path:      ../../../terraform-state/state-dev.tfstate',
      '  Operation: OperationTypeInvalid',
      '  Who:       alice@laptop',
      '  Version:   1.11.4',
      '  Created:   2026-12-02 01:02:03 +0000 UTC',
    ].join('\n'),
  });
  expect(stateLockHints(conflict !== undefined ? [conflict] : [])).toEqual([
    'state-dev: its state ../../../terraform-state/state-dev.tfstate is locked by another Terraform ' +
      '(OperationTypeInvalid by alice@laptop since 2026-12-02 01:02:03 +0000 UTC), one not started by npm run deploy ' +
      '(which refuses a second deploy itself). Wait for it to finish, or stop it with Ctrl-C where it runs; ' +
      'a Terraform that was killed holds no lock. Then run the same command again.',
  ]);
});
