// After an interrupted first deploy: the state stack's KMS key, alias and lock table are imported when their
// tags prove them this stack's, else refused (src/deploy/resume-key-table.ts).
import {
  decideKeyAndTable,
  type KeyTableTarget,
  type ResumeClients,
  resumedId,
  resumeEntry,
} from '../../src/deploy/resume-key-table';
import { ownershipTags } from '../../src/existing-bucket/ownership';
import { awsError, type FakeAnswers } from '../support/fake-aws';

const OWNER = { platform: 'acme', account: 'dev', stack: 'state-dev' };
const OURS = { ...ownershipTags(OWNER), 'managed-by': 'bootstrap-aws' };
const kmsTags = (tags: Record<string, string>) => ({
  Tags: Object.entries(tags).map(([TagKey, TagValue]) => ({ TagKey, TagValue })),
});

const TARGET: KeyTableTarget = {
  stack: 'state-dev',
  owner: OWNER,
  marker: 'state-dev.tfstate.creating: first deploy started 2026-12-06T13:00:00.000Z with: npm run deploy -- state-dev',
  stateFile: 'terraform-state/state-dev.tfstate',
  aliasName: 'alias/acme-dev-state',
  tableName: 'acme-dev-state-lock',
  recorded: { alias: false, table: false },
};

function clients(answers: FakeAnswers, sent: string[] = []): ResumeClients {
  const send = (command: { constructor: { name: string }; input: Record<string, unknown> }): Promise<unknown> => {
    sent.push(command.constructor.name);
    return Promise.resolve().then(() => {
      const answer = answers[command.constructor.name];
      if (answer === undefined) throw new Error(`unexpected ${command.constructor.name}`);
      return answer(command.input);
    });
  };
  return { kms: { send }, dynamodb: { send } };
}

const noTable = { DescribeTableCommand: () => Promise.reject(awsError('ResourceNotFoundException')) };

describe('resume entries', () => {
  test('an entry names its kind and stack, and is found for that stack only', () => {
    const entries = ['acme-dev-state', resumeEntry('kms-key', 'state-dev', 'k-1'), resumeEntry('kms-key', 'state-qa', 'k-2')];
    expect(entries[1]).toBe('kms-key:state-dev=k-1');
    expect(resumedId(entries, 'kms-key', 'state-dev')).toBe('k-1');
    expect(resumedId(entries, 'kms-key', 'state-qa')).toBe('k-2');
    expect(resumedId(entries, 'lock-table', 'state-dev')).toBeUndefined();
  });
});

describe('decideKeyAndTable', () => {
  test('an alias whose key carries this stack’s tags: the key and the alias are imported', async () => {
    const decision = await decideKeyAndTable(
      clients({
        DescribeKeyCommand: () => ({ KeyMetadata: { KeyId: 'k-1' } }),
        ListResourceTagsCommand: () => kmsTags(OURS),
        ...noTable,
      }),
      TARGET,
    );
    expect(decision.refusals).toEqual([]);
    expect(decision.imports).toEqual(['kms-key:state-dev=k-1', 'kms-alias:state-dev=alias/acme-dev-state']);
    expect(decision.notes[0]).toContain('state-dev: the KMS key k-1 was created by the interrupted first deploy of state-dev');
  });

  test('no alias yet: the newest key tagged for this stack is imported, older ones are named for deletion', async () => {
    const created: Record<string, Date> = {
      'k-old': new Date('2026-12-01'),
      'k-new': new Date('2026-12-06'),
      'k-other': new Date(),
    };
    const decision = await decideKeyAndTable(
      clients({
        DescribeKeyCommand: (input) =>
          input.KeyId === 'alias/acme-dev-state'
            ? Promise.reject(awsError('NotFoundException'))
            : { KeyMetadata: { KeyId: input.KeyId, KeyState: 'Enabled', CreationDate: created[String(input.KeyId)] } },
        ListKeysCommand: () => ({ Keys: [{ KeyId: 'k-old' }, { KeyId: 'k-other' }, { KeyId: 'k-new' }] }),
        ListResourceTagsCommand: (input) => kmsTags(input.KeyId === 'k-other' ? { 'managed-by': 'someone' } : OURS),
        ...noTable,
      }),
      TARGET,
    );
    expect(decision.imports).toEqual(['kms-key:state-dev=k-new']);
    expect(decision.notes[1]).toContain('1 older key(s) carry the same tags and no alias (k-old)');
  });

  test('an alias targeting a key without this stack’s tags is refused, naming kmsKeyArn', async () => {
    const decision = await decideKeyAndTable(
      clients({
        DescribeKeyCommand: () => ({ KeyMetadata: { KeyId: 'k-9' } }),
        ListResourceTagsCommand: () => kmsTags({}),
        ...noTable,
      }),
      TARGET,
    );
    expect(decision.imports).toEqual([]);
    expect(decision.refusals).toHaveLength(1);
    expect(decision.refusals[0]).toContain(
      "the alias alias/acme-dev-state exists and targets the KMS key k-9, which does not carry this stack's tags",
    );
    expect(decision.refusals[0]).toContain('"kmsKeyArn" on accounts.dev');
  });

  test('a key the state records already: only the alias is imported, and only when it targets that key', async () => {
    const recorded = { ...TARGET, recorded: { keyId: 'k-1', alias: false, table: false } };
    const answers = (target: string) => ({
      DescribeKeyCommand: () => ({ KeyMetadata: { KeyId: target } }),
      ListResourceTagsCommand: () => kmsTags(OURS),
      ...noTable,
    });
    expect((await decideKeyAndTable(clients(answers('k-1')), recorded)).imports).toEqual([
      'kms-alias:state-dev=alias/acme-dev-state',
    ]);
    expect((await decideKeyAndTable(clients(answers('k-2')), recorded)).refusals[0]).toContain('is not the key');
  });

  test('a lock table tagged for this stack is imported; an untagged one is refused', async () => {
    const table = (tags: Record<string, string>) =>
      clients({
        DescribeKeyCommand: () => Promise.reject(awsError('NotFoundException')),
        ListKeysCommand: () => ({ Keys: [] }),
        DescribeTableCommand: () => ({ Table: { TableArn: 'arn:aws:dynamodb:eu-west-1:1:table/acme-dev-state-lock' } }),
        ListTagsOfResourceCommand: () => ({ Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) }),
      });
    expect((await decideKeyAndTable(table(OURS), TARGET)).imports).toEqual(['lock-table:state-dev=acme-dev-state-lock']);
    const refused = await decideKeyAndTable(table({}), TARGET);
    expect(refused.imports).toEqual([]);
    expect(refused.refusals[0]).toContain('the DynamoDB table acme-dev-state-lock exists');
  });

  test('what the state records is not looked at; nothing created means nothing imported', async () => {
    const sent: string[] = [];
    const all = { ...TARGET, recorded: { keyId: 'k-1', alias: true, table: true } };
    expect(await decideKeyAndTable(clients({}, sent), all)).toEqual({ imports: [], notes: [], refusals: [] });
    expect(sent).toEqual([]);
    const none = await decideKeyAndTable(
      clients({
        DescribeKeyCommand: () => Promise.reject(awsError('NotFoundException')),
        ListKeysCommand: () => ({ Keys: [] }),
        ...noTable,
      }),
      TARGET,
    );
    expect(none).toEqual({ imports: [], notes: [], refusals: [] });
  });
});
