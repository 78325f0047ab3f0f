// What `npm run deploy` reads in cdktf's output, and the lines it adds after it.
import { validateConfig } from '../../src/config';
import {
  credentialHints,
  DeployOutputScanner,
  interruptedMessage,
  StateLockScanner,
  stateLockHints,
} from '../../src/deploy/output';
import { pipelineStackId } from '../../stacks/pipeline-stack';
import { stateStackId } from '../../stacks/state-stack';

const config = validateConfig({ platform: 'acme', accounts: { dev: 'acme-dev', prod: 'acme-prod' } }, 'accounts.json');

/** Scans `chunks` as they would arrive from cdktf and returns the stacks with credential errors. */
function scan(...chunks: string[]): (string | undefined)[] {
  const scanner = new DeployOutputScanner();
  for (const chunk of chunks) scanner.push(chunk);
  scanner.end();
  return scanner.credentialErrors;
}

describe('DeployOutputScanner', () => {
  test('a credential error belongs to the stack whose output burst it is in, colours and split chunks aside', () => {
    // As cdktf 0.21 printed it for a profile missing from the AWS files (hashicorp/aws 5.100.0).
    const esc = '\u001b';
    expect(
      scan(
        `${esc}[2K${esc}[1A${esc}[2K${esc}[Gstate-dev  Terraform planned the following actions, but then encountered a problem:\n`,
        `           ${esc}[31m│${esc}[0m ${esc}[0m${esc}[1m${esc}[31mError: ${esc}[0m${esc}[0m${esc}[1mfailed to get sha`,
        'red config profile, acme-dev\n',
        '1 Stack deploying     0 Stacks done     0 Stacks waiting\n',
        'state-prod  Apply complete! Resources: 8 added, 0 changed, 0 destroyed.\n',
      ),
    ).toEqual(['state-dev']);
  });

  test('"No valid credential sources found" in the last line without a newline counts too', () => {
    expect(scan('pipeline-prod  Planning...\n', '           │ Error: No valid credential sources found')).toEqual([
      'pipeline-prod',
    ]);
  });

  test('a credential error before any stack’s output is reported without a stack', () => {
    expect(scan('error: Could not load credentials from any providers\n')).toEqual([undefined]);
  });

  test('other failures are not credential errors', () => {
    expect(scan('state-dev  │ Error: creating S3 Bucket (acme-dev-state): BucketAlreadyExists\n')).toEqual([]);
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

describe('StateLockScanner', () => {
  // As Terraform 1.11 prints it when another Terraform holds a local state (inside cdktf's output).
  const refusal = [
    'state-dev  ╷',
    '           │ Error: Error acquiring the state lock',
    '           │ ',
    '           │ Error message: resource temporarily unavailable',
    '           │ Lock Info:',
    '           │   ID:        6a0c1b2e-0000-4000-8000-000000000001',
    '           │   Path:      ../../../terraform-state/state-dev.tfstate',
    '           │   Operation: OperationTypeInvalid',
    '           │   Who:       alice@laptop',
    '           │   Version:   1.11.4',
    '           │   Created:   2026-12-02 01:02:03 +0000 UTC',
    '           ╵',
    'state-qa  Apply complete! Resources: 8 added, 0 changed, 0 destroyed.',
  ].join('\n');

  test('reads which stack was refused and the lock info Terraform printed', () => {
    const scanner = new StateLockScanner();
    scanner.push(refusal.slice(0, 200));
    scanner.push(refusal.slice(200));
    scanner.end();
    expect(scanner.conflicts).toEqual([
      {
        stack: 'state-dev',
        info: {
          ID: '6a0c1b2e-0000-4000-8000-000000000001',
          Path: '../../../terraform-state/state-dev.tfstate',
          Operation: 'OperationTypeInvalid',
          Who: 'alice@laptop',
          Version: '1.11.4',
          Created: '2026-12-02 01:02:03 +0000 UTC',
        },
      },
    ]);
  });

  test('the hint says who holds the state and what to do, in the user’s words', () => {
    const scanner = new StateLockScanner();
    scanner.push(refusal);
    scanner.end();
    expect(stateLockHints(scanner.conflicts)).toEqual([
      'state-dev: its state ../../../terraform-state/state-dev.tfstate is locked by another Terraform ' +
        '(OperationTypeInvalid by alice@laptop since 2026-12-02 01:02:03 +0000 UTC), one not started by npm run deploy ' +
        '(which refuses a second deploy itself). Wait for it to finish, or stop it with Ctrl-C where it runs; ' +
        'a Terraform that was killed holds no lock. Then run the same command again.',
    ]);
  });

  test('output without a lock error yields no conflict', () => {
    const scanner = new StateLockScanner();
    scanner.push('state-dev  │ Error: creating S3 Bucket (acme-dev-state): BucketAlreadyExists\n');
    scanner.end();
    expect(scanner.conflicts).toEqual([]);
  });
});
