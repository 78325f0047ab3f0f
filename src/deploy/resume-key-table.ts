// After an interrupted first deploy of a state stack: its KMS key (and alias) and its lock table, created and
// not recorded, are taken over when their tags prove them this stack's own, as the buckets are (resume.ts).
// KMS CreateKey and DynamoDB CreateTable take the tags in the same request (the provider sends its default
// tags and the resource's there), so unlike a bucket neither can exist untagged by this project's deploy.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeTableCommand, ListTagsOfResourceCommand } from '@aws-sdk/client-dynamodb';
import type { KMSClient } from '@aws-sdk/client-kms';
import { DescribeKeyCommand, ListKeysCommand, ListResourceTagsCommand } from '@aws-sdk/client-kms';
import { type BucketOwner, ownershipOf, ownershipTags } from '../existing-bucket/ownership';

/** What synth may import besides buckets, carried in the same list (RESUME_BUCKETS_ENV): `<kind>:<stack>=<id>`. */
export type ResumeKind = 'kms-key' | 'kms-alias' | 'lock-table';

/** One entry of the resume list for a resource that is not a bucket (a bucket name holds no `:` or `=`). */
export function resumeEntry(kind: ResumeKind, stack: string, id: string): string {
  return `${kind}:${stack}=${id}`;
}

/** The ID a resume list gives `kind` of `stack`, if any. */
export function resumedId(entries: readonly string[], kind: ResumeKind, stack: string): string | undefined {
  const prefix = `${kind}:${stack}=`;
  return entries.find((entry) => entry.startsWith(prefix))?.slice(prefix.length);
}

export interface ResumeClients {
  readonly kms: Pick<KMSClient, 'send'>;
  readonly dynamodb: Pick<DynamoDBClient, 'send'>;
}

/** What the rerun found of one interrupted stack's key and table, and what the state already records. */
export interface KeyTableTarget {
  readonly stack: string;
  readonly owner: BucketOwner;
  /** The marker's text, for the notes. */
  readonly marker: string;
  readonly stateFile: string;
  /** The created key's alias (`stateKeyAlias` without `kmsKeyArn`); undefined: no created key. */
  readonly aliasName?: string;
  /** `lockTableName`; undefined: no lock table. */
  readonly tableName?: string;
  /** What the state records already: the key's ID, the alias, the table. */
  readonly recorded: { readonly keyId?: string; readonly alias: boolean; readonly table: boolean };
}

export interface KeyTableDecision {
  readonly imports: readonly string[];
  readonly notes: readonly string[];
  /** One line each; any refuses the deploy. */
  readonly refusals: readonly string[];
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : '';
}

/** A key's tags (KMS names them TagKey/TagValue); none when they cannot be read (e.g. an AWS-managed key). */
async function keyTags(kms: ResumeClients['kms'], keyId: string): Promise<Record<string, string>> {
  try {
    const out = await kms.send(new ListResourceTagsCommand({ KeyId: keyId }));
    return Object.fromEntries((out.Tags ?? []).map((tag) => [String(tag.TagKey), String(tag.TagValue)]));
  } catch {
    return {};
  }
}

/** The key an alias targets; undefined when the alias does not exist. */
async function aliasTarget(kms: ResumeClients['kms'], aliasName: string): Promise<string | undefined> {
  try {
    return (await kms.send(new DescribeKeyCommand({ KeyId: aliasName }))).KeyMetadata?.KeyId;
  } catch (error) {
    if (errorName(error) === 'NotFoundException') return undefined;
    throw error;
  }
}

/** The account's keys that carry this stack's ownership tags and are not scheduled for deletion, newest first. */
async function taggedKeys(kms: ResumeClients['kms'], owner: BucketOwner): Promise<{ keyId: string; created: number }[]> {
  const found: { keyId: string; created: number }[] = [];
  let marker: string | undefined;
  do {
    const page = await kms.send(new ListKeysCommand({ Marker: marker }));
    for (const key of page.Keys ?? []) {
      if (key.KeyId === undefined) continue;
      if (ownershipOf(await keyTags(kms, key.KeyId), owner).kind !== 'ours') continue;
      const metadata = (await kms.send(new DescribeKeyCommand({ KeyId: key.KeyId }))).KeyMetadata;
      if (metadata?.KeyState === 'PendingDeletion' || metadata?.KeyState === 'PendingReplicaDeletion') continue;
      found.push({ keyId: key.KeyId, created: metadata?.CreationDate?.getTime() ?? 0 });
    }
    marker = page.Truncated === true ? page.NextMarker : undefined;
  } while (marker !== undefined);
  return found.sort((a, b) => b.created - a.created);
}

/**
 * Looks at the key, alias and table of a state stack whose first deploy was interrupted, among those the state
 * does not record: each one tagged for exactly this platform, account and stack is imported; one that exists
 * without those tags is refused (it is someone else's, or the account's older one); an absent one is created.
 */
export async function decideKeyAndTable(clients: ResumeClients, target: KeyTableTarget): Promise<KeyTableDecision> {
  const imports: string[] = [];
  const notes: string[] = [];
  const refusals: string[] = [];
  const { stack, owner } = target;
  const expected = Object.entries(ownershipTags(owner))
    .map(([key, value]) => `${key}=${value}`)
    .join(', ');
  const took = (what: string): string =>
    `${stack}: ${what} was created by the interrupted first deploy of ${stack} (${target.marker}) and its tags name ` +
    `platform ${owner.platform}, account ${owner.account} and stack ${stack}: this deploy imports it into ${target.stateFile}.`;

  if (target.aliasName !== undefined && !target.recorded.alias) {
    const targetKey = await aliasTarget(clients.kms, target.aliasName);
    if (targetKey !== undefined) {
      const ours = ownershipOf(await keyTags(clients.kms, targetKey), owner).kind === 'ours';
      const recordedOther = target.recorded.keyId !== undefined && target.recorded.keyId !== targetKey;
      if (!ours || recordedOther) {
        refusals.push(
          `${stack}: the alias ${target.aliasName} exists and targets the KMS key ${targetKey}, which ` +
            (recordedOther
              ? `is not the key ${target.stateFile} records (${target.recorded.keyId})`
              : `does not carry this stack's tags (${expected})`) +
            `; the alias is not this deploy's. If the key is yours, name it with "kmsKeyArn" on accounts.${owner.account}; ` +
            `otherwise delete the alias (aws kms delete-alias --alias-name ${target.aliasName}); then run npm run deploy -- ${stack}`,
        );
      } else {
        if (target.recorded.keyId === undefined) {
          imports.push(resumeEntry('kms-key', stack, targetKey));
          notes.push(took(`the KMS key ${targetKey}`));
        }
        imports.push(resumeEntry('kms-alias', stack, target.aliasName));
        notes.push(took(`the alias ${target.aliasName}`));
      }
    } else if (target.recorded.keyId === undefined) {
      // Stopped between CreateKey and CreateAlias: the key is found by its tags alone.
      const keys = await taggedKeys(clients.kms, owner);
      const [newest, ...older] = keys;
      if (newest !== undefined) {
        imports.push(resumeEntry('kms-key', stack, newest.keyId));
        notes.push(took(`the KMS key ${newest.keyId} (no alias yet)`));
        if (older.length > 0) {
          notes.push(
            `${stack}: ${older.length} older key(s) carry the same tags and no alias (${older.map((key) => key.keyId).join(', ')}), ` +
              'left by earlier interrupted deploys and unused: schedule their deletion (aws kms schedule-key-deletion --key-id <id>)',
          );
        }
      }
    }
  }

  if (target.tableName !== undefined && !target.recorded.table) {
    let arn: string | undefined;
    try {
      arn = (await clients.dynamodb.send(new DescribeTableCommand({ TableName: target.tableName }))).Table?.TableArn;
    } catch (error) {
      if (errorName(error) !== 'ResourceNotFoundException') throw error;
    }
    if (arn !== undefined) {
      const out = await clients.dynamodb.send(new ListTagsOfResourceCommand({ ResourceArn: arn }));
      const tags = Object.fromEntries((out.Tags ?? []).map((tag) => [String(tag.Key), String(tag.Value)]));
      if (ownershipOf(tags, owner).kind === 'ours') {
        imports.push(resumeEntry('lock-table', stack, target.tableName));
        notes.push(took(`the lock table ${target.tableName}`));
      } else {
        refusals.push(
          `${stack}: the DynamoDB table ${target.tableName} exists, ${target.stateFile} does not record it, and it does not carry this stack's tags (${expected}): ` +
            `it is not this deploy's. If it is yours and holds no lock in use, delete it (turn its deletion protection off first), ` +
            `then run npm run deploy -- ${stack}`,
        );
      }
    }
  }
  return { imports, notes, refusals };
}
