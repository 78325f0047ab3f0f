// What `npm run deploy` does about a state stack's first deploy (src/deploy/resume.ts): a marker before it, and
// after an interruption the buckets it left are imported when their tags prove them ours, else refused.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { validateConfig } from '../../src/config';
import {
  creatingMarker,
  decideResume,
  type InterruptedStack,
  planFirstDeploys,
  stateRecordsBuckets,
  writeMarker,
} from '../../src/deploy/resume';
import type { ResumeClients } from '../../src/deploy/resume-key-table';
import { ownershipTags } from '../../src/existing-bucket/ownership';
import { awsError, fakeAws } from '../support/fake-aws';

const config = validateConfig(
  {
    platform: 'acme',
    accounts: { dev: 'acme-dev', qa: { profile: 'acme-qa', adopt: true }, prod: 'acme-prod' },
    stateBucket: { accessLogs: true },
  },
  'accounts.json',
);
const dev = config.accounts.find((account) => account.name === 'dev');
if (dev === undefined) throw new Error('no dev account');
const OUR_TAGS = { ...ownershipTags({ platform: 'acme', account: 'dev', stack: 'state-dev' }), 'managed-by': 'bootstrap-aws' };

const target: InterruptedStack = {
  stack: 'state-dev',
  account: dev,
  platform: 'acme',
  stateFile: 'terraform-state/state-dev.tfstate',
  marker: 'state-dev.tfstate.creating: first deploy started 2026-12-02T01:00:00.000Z with: npm run deploy -- state-dev',
  accountsFile: 'accounts.json',
};
const logBucket = String(dev.accessLogBucketName);

describe('decideResume', () => {
  test('buckets tagged for exactly this stack are imported, each with a note', () => {
    const decision = decideResume(target, [
      { bucket: 'acme-dev-state', role: 'state', probe: { kind: 'present' }, tags: OUR_TAGS },
      { bucket: logBucket, role: 'access-log', probe: { kind: 'present' }, tags: OUR_TAGS },
    ]);
    expect(decision.kind === 'import' && decision.buckets).toEqual(['acme-dev-state', logBucket]);
    expect(decision.kind === 'import' && decision.notes[0]).toBe(
      `state-dev: acme-dev-state was created by the interrupted first deploy of state-dev (${target.marker}) and its tags name ` +
        'platform acme, account dev and stack state-dev: this deploy imports it into terraform-state/state-dev.tfstate.',
    );
  });

  test('buckets that do not exist are simply created: nothing to import', () => {
    expect(decideResume(target, [{ bucket: 'acme-dev-state', role: 'state', probe: { kind: 'absent' } }])).toEqual({
      kind: 'import',
      buckets: [],
      notes: [],
    });
  });

  test('an untagged state bucket is refused: the two cases it can be, and adopt written out', () => {
    expect(decideResume(target, [{ bucket: 'acme-dev-state', role: 'state', probe: { kind: 'present' }, tags: {} }])).toEqual({
      kind: 'refuse',
      message:
        'state-dev: acme-dev-state exists, terraform-state/state-dev.tfstate does not record it, and it carries no tag of this project, ' +
        'not bootstrap-aws:platform=acme, bootstrap-aws:account=dev, bootstrap-aws:stack=state-dev. ' +
        `Its first deploy from here was interrupted (${target.marker}): either it was stopped after S3 created the bucket ` +
        "and before Terraform tagged it, or the bucket is someone else's. Look at its objects; if it is yours, take it over " +
        'with its objects: set "adopt": true on accounts.dev in accounts.json, then run npm run deploy -- state-dev (see "Adopt an existing bucket")',
    });
  });

  test('a state bucket tagged for another stack is refused and its tags are named', () => {
    const decision = decideResume(target, [
      {
        bucket: 'acme-dev-state',
        role: 'state',
        probe: { kind: 'present' },
        tags: { ...OUR_TAGS, 'bootstrap-aws:stack': 'state-qa' },
      },
    ]);
    expect(decision.kind === 'refuse' && decision.message).toContain(
      'it carries other tags of this project (bootstrap-aws:platform=acme, bootstrap-aws:account=dev, bootstrap-aws:stack=state-qa, managed-by=bootstrap-aws)',
    );
  });

  test('an untagged access-log bucket is refused with its own fix: delete the empty bucket', () => {
    const decision = decideResume(target, [
      { bucket: 'acme-dev-state', role: 'state', probe: { kind: 'present' }, tags: OUR_TAGS },
      { bucket: logBucket, role: 'access-log', probe: { kind: 'present' }, tags: {} },
    ]);
    expect(decision.kind === 'refuse' && decision.message).toContain(
      `delete it (aws s3 rb s3://${logBucket} --profile acme-dev), then run npm run deploy -- state-dev`,
    );
  });

  test('a bucket of another account is refused with the existing check’s words', () => {
    const decision = decideResume(target, [{ bucket: 'acme-dev-state', role: 'state', probe: { kind: 'forbidden' } }]);
    expect(decision.kind === 'refuse' && decision.message).toMatch(
      /^state-dev: acme-dev-state already exists and belongs to another AWS account/,
    );
  });
});

describe('planFirstDeploys', () => {
  let stateDir: string;
  beforeEach(() => {
    stateDir = mkdtempSync(path.join(os.tmpdir(), 'resume-test-'));
  });
  afterEach(() => {
    rmSync(stateDir, { recursive: true, force: true });
  });
  const stateFile = (stack: string): string => path.join(stateDir, `${stack}.tfstate`);
  const plan = (answers: Parameters<typeof fakeAws>[0], sent: string[] = []) =>
    planFirstDeploys({
      config,
      stateDir,
      accountsFile: 'accounts.json',
      selected: (stack) => stack.startsWith('state-'),
      s3For: () => Promise.resolve(fakeAws(answers, sent).s3),
    });

  test('a first deploy gets a marker, and no bucket is looked at', async () => {
    const sent: string[] = [];
    const result = await plan({}, sent);
    if ('refusals' in result) throw new Error(result.refusals.join('\n'));
    expect([...result.newMarkers.keys()]).toEqual(['state-dev', 'state-qa', 'state-prod']);
    expect(result.newMarkers.get('state-dev')).toBe(creatingMarker(stateFile('state-dev')));
    expect(result.imports).toEqual([]);
    expect(sent).toEqual([]);
    // Reading only: the caller writes the markers.
    expect(existsSync(creatingMarker(stateFile('state-dev')))).toBe(false);
  });

  test('a stack whose state records its bucket needs nothing, but its old marker is removed after the deploy', async () => {
    mkdirSync(stateDir, { recursive: true });
    writeFileSync(
      stateFile('state-dev'),
      JSON.stringify({
        version: 4,
        serial: 2,
        lineage: 'l',
        resources: [
          {
            mode: 'managed',
            type: 'aws_s3_bucket',
            name: 'state-bucket_bucket_1',
            instances: [{ attributes: { bucket: 'acme-dev-state' } }],
          },
        ],
      }),
    );
    writeMarker(creatingMarker(stateFile('state-dev')), 'npm run deploy -- state-dev');
    const result = await plan({});
    if ('refusals' in result) throw new Error(result.refusals.join('\n'));
    expect(result.newMarkers.has('state-dev')).toBe(false);
    expect(result.markers.get('state-dev')).toBe(creatingMarker(stateFile('state-dev')));
  });

  test('with a created key and a lock table, an interrupted stack whose state records its bucket still has its key and table taken over', async () => {
    const kmsConfig = validateConfig(
      { platform: 'acme', accounts: { dev: 'acme-dev', prod: 'acme-prod' }, stateBucket: { kms: true, lockTable: true } },
      'accounts.json',
    );
    mkdirSync(stateDir, { recursive: true });
    const bucket = {
      mode: 'managed',
      type: 'aws_s3_bucket',
      name: 'b',
      instances: [{ attributes: { id: 'acme-dev-state', bucket: 'acme-dev-state' } }],
    };
    writeFileSync(stateFile('state-dev'), JSON.stringify({ version: 4, resources: [bucket] }));
    writeMarker(creatingMarker(stateFile('state-dev')), 'npm run deploy -- state-dev');
    const asked: string[] = [];
    const tagged = {
      Tags: Object.entries(OUR_TAGS).map(([key, value]) => ({ TagKey: key, TagValue: value, Key: key, Value: value })),
    };
    const fake = fakeAws({
      DescribeKeyCommand: () => ({ KeyMetadata: { KeyId: 'k-1' } }),
      ListResourceTagsCommand: () => tagged,
      DescribeTableCommand: () => ({ Table: { TableArn: 'arn:aws:dynamodb:eu-west-1:1:table/acme-dev-state-lock' } }),
      ListTagsOfResourceCommand: () => tagged,
    }).s3;
    const result = await planFirstDeploys({
      config: kmsConfig,
      stateDir,
      accountsFile: 'accounts.json',
      selected: (stack) => stack === 'state-dev',
      s3For: () => Promise.reject(new Error('the buckets are recorded: S3 is not asked')),
      resumeClientsFor: (account) => {
        asked.push(account.name);
        return Promise.resolve({ kms: fake, dynamodb: fake } as unknown as ResumeClients);
      },
    });
    if ('refusals' in result) throw new Error(result.refusals.join('\n'));
    expect(asked).toEqual(['dev']);
    expect(result.imports).toEqual([
      'kms-key:state-dev=k-1',
      'kms-alias:state-dev=alias/acme-dev-state',
      'lock-table:state-dev=acme-dev-state-lock',
    ]);
    expect(result.markers.has('state-dev')).toBe(true);
  });

  test('after an interrupted first deploy, the buckets it tagged are imported', async () => {
    writeMarker(creatingMarker(stateFile('state-dev')), 'npm run deploy -- state-dev', new Date('2026-12-02T01:00:00.000Z'));
    const sent: string[] = [];
    const result = await plan(
      {
        HeadBucketCommand: (input) => {
          if (input.Bucket === 'acme-dev-state') return {};
          throw Object.assign(awsError('NotFound'), { $metadata: { httpStatusCode: 404 } });
        },
        GetBucketTaggingCommand: () => ({ TagSet: Object.entries(OUR_TAGS).map(([Key, Value]) => ({ Key, Value })) }),
      },
      sent,
    );
    if ('refusals' in result) throw new Error(result.refusals.join('\n'));
    expect(result.imports).toEqual(['acme-dev-state']);
    expect(result.notes[0]).toContain(
      'state-dev.tfstate.creating: first deploy started 2026-12-02T01:00:00.000Z with: npm run deploy -- state-dev',
    );
    expect(sent).toEqual(['HeadBucketCommand', 'GetBucketTaggingCommand', 'HeadBucketCommand']);
  });

  test('an account that adopts its state bucket has only its access-log bucket looked at after an interruption', async () => {
    writeMarker(creatingMarker(stateFile('state-qa')), 'npm run deploy -- state-qa');
    const looked: string[] = [];
    const result = await plan({
      HeadBucketCommand: (input) => {
        looked.push(String(input.Bucket));
        throw Object.assign(awsError('NotFound'), { $metadata: { httpStatusCode: 404 } });
      },
    });
    if ('refusals' in result) throw new Error(result.refusals.join('\n'));
    expect(looked).toEqual([config.accounts.find((account) => account.name === 'qa')?.accessLogBucketName]);
  });

  test('after an interrupted first deploy, a bucket without tags (NoSuchTagSet) is refused', async () => {
    writeMarker(creatingMarker(stateFile('state-dev')), 'npm run deploy -- state-dev');
    const result = await plan({
      HeadBucketCommand: () => ({}),
      GetBucketTaggingCommand: () => {
        throw awsError('NoSuchTagSet');
      },
    });
    expect('refusals' in result && result.refusals.length).toBe(1);
    expect('refusals' in result && result.refusals[0]).toContain('acme-dev-state exists');
    expect(readFileSync(creatingMarker(stateFile('state-dev')), 'utf8')).toMatch(
      /^first deploy started \S+ with: npm run deploy -- state-dev\n$/,
    );
  });
});

test('a marker goes only once the state records every bucket of the stack', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'resume-buckets-test-'));
  try {
    const file = path.join(dir, 'state-dev.tfstate');
    const bucketResource = (name: string, id: string) => ({
      mode: 'managed',
      type: 'aws_s3_bucket',
      name,
      instances: [{ attributes: { id } }],
    });
    expect(stateRecordsBuckets(file, ['acme-dev-state'])).toBe(false);
    writeFileSync(
      file,
      JSON.stringify({ version: 4, serial: 1, lineage: 'l', resources: [bucketResource('state-bucket_1', 'acme-dev-state')] }),
    );
    expect(stateRecordsBuckets(file, ['acme-dev-state'])).toBe(true);
    expect(stateRecordsBuckets(file, ['acme-dev-state', logBucket])).toBe(false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
