// kill -9 during a state stack's first deploy (issue 14, fault 1), against moto with the real terraform: of
// terraform alone, and of the whole `npm run deploy` process tree (the laptop's power going), at three points:
// right after S3 created the bucket, during the provider's lifecycle-rule wait, and just before the end. Each
// kill lands at its exact point: moto is paused (SIGSTOP) once the point is reached, so terraform's next request
// waits, and resumed after the kill. An object written into the bucket between the kill and the rerun survives;
// the rerun converges to the full secure buckets with every resource in state, importing the buckets the killed
// deploy left when their tags name this platform, account and stack, and refusing a bucket without those tags
// with the case and the fix. The four cases run at once, each account with a workspace of its own, so their
// ~55 s lifecycle waits overlap. Moto stands in for S3: tags, HeadBucket and the import are moto's behaviour here.
// A fifth case kills the wrapper's process group, as closing the terminal does: terraform, in a group of its own
// and started with a parent-death signal, must stop by itself, and the rerun converges (issue 24 item 3). A sixth
// kills terraform once a created KMS key, its alias and a lock table exist: the rerun takes them over (item 4).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  DeleteBucketTaggingCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketLoggingCommand,
  GetBucketTaggingCommand,
  HeadBucketCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeKeyCommand, KMSClient, ListKeysCommand } from '@aws-sdk/client-kms';
import { loadConfig } from '../../src/config';
import { systemProcesses } from '../../src/deploy/lock';
import { creatingMarker } from '../../src/deploy/resume';
import { isCutOff } from '../../src/deploy/state-check';
import { ownershipOf } from '../../src/existing-bucket/ownership';
import { readBucketReport } from '../../src/report/bucket-report';
import { type MotoServer, startMoto } from '../../src/sandbox/moto';
import {
  atMotoPoint,
  killTerraform,
  killTree,
  type Phase,
  processTree,
  putObject,
  readObject,
  resumeMoto,
  runWrapper,
  startPhase,
  startWrapper,
  stateEntries,
  synthesizedEntries,
} from './fault-support';

const PLATFORM = 'fk';

/** A one-account file with the access-log bucket, so that both buckets of a state stack are covered. */
function accounts(account: string, adopt = false): object {
  if (account === 'six') {
    // The created KMS key (and alias) and the lock table, without access logs (issue 24 item 4).
    return {
      platform: PLATFORM,
      productionAccount: account,
      pipeline: false,
      stateBucket: { kms: true, lockTable: true },
      accounts: { [account]: `fk-${account}` },
    };
  }
  return {
    platform: PLATFORM,
    productionAccount: account,
    pipeline: false,
    stateBucket: { accessLogs: true },
    accounts: { [account]: adopt ? { profile: `fk-${account}`, adopt: true } : `fk-${account}` },
  };
}

const stateBucket = (account: string): string => `${PLATFORM}-${account}-state`;

async function exists(s3: S3Client, bucket: string): Promise<boolean> {
  return s3.send(new HeadBucketCommand({ Bucket: bucket })).then(
    () => true,
    () => false,
  );
}

async function taggedOurs(s3: S3Client, bucket: string, account: string): Promise<boolean> {
  const out = await s3.send(new GetBucketTaggingCommand({ Bucket: bucket }));
  const tags = Object.fromEntries((out.TagSet ?? []).map((tag) => [String(tag.Key), String(tag.Value)]));
  return ownershipOf(tags, { platform: PLATFORM, account, stack: `state-${account}` }).kind === 'ours';
}

async function lifecycleSet(s3: S3Client, bucket: string): Promise<boolean> {
  return ((await s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket }))).Rules ?? []).length > 0;
}

/** True from 20 s after both buckets' lifecycle rules were first seen set, with logging on. */
function lateInLifecycleWait(account: string): (s3: S3Client) => Promise<boolean> {
  let firstSeen: number | undefined;
  return async (s3) => {
    if (firstSeen === undefined) {
      const config = loadConfig(get(account).phase.accountsFile).accounts[0];
      const both = [stateBucket(account), String(config?.accessLogBucketName)];
      if ((await Promise.all(both.map((bucket) => lifecycleSet(s3, bucket)))).every(Boolean)) firstSeen = Date.now();
      return false;
    }
    if (Date.now() - firstSeen < 20_000) return false;
    return (await s3.send(new GetBucketLoggingCommand({ Bucket: stateBucket(account) }))).LoggingEnabled !== undefined;
  };
}

interface Result {
  readonly code: number | null;
  readonly output: string;
}

/** What one case saw: the killed deploy, the state it left, and the rerun. */
interface KillCase {
  readonly phase: Phase;
  readonly account: string;
  readonly object: { readonly key: string; readonly body: string };
  killedProcesses: number;
  /** Terraform processes of the killed deploy (the process-group case), and whether they all exited by themselves. */
  terraformPids?: number[];
  terraformsExited?: boolean;
  killed?: Result;
  markerAfterKill?: boolean;
  entriesAfterKill?: string[];
  /** What the state recorded when the rerun started (after `between`). */
  entriesBeforeRerun?: string[];
  /** Cases one and six: what an intermediate state write had recorded before the kill (removed before the rerun). */
  recordedAtKill?: string[];
  /** Case six: the KMS keys in the account when the rerun started. */
  keysBeforeRerun?: string[];
  rerun?: Result;
  /** The case without tags: the rerun after "adopt": true. */
  fixed?: Result;
}

let moto: MotoServer | undefined;
const cases = new Map<string, KillCase>();
const get = (account: string): KillCase => {
  const found = cases.get(account);
  if (found === undefined) throw new Error(`the ${account} case did not start; see the beforeAll error`);
  return found;
};
const marker = (c: KillCase): string => creatingMarker(path.join(c.phase.ws.stateDir, `state-${c.account}.tfstate`));

/**
 * Starts the first deploy of `state-<account>`, applies `fault` once `point` holds (moto paused), writes the
 * case's object into the bucket, and deploys again.
 */
async function runCase(
  server: MotoServer,
  account: string,
  point: (s3: S3Client, output: () => string) => Promise<boolean>,
  fault: (wrapperPid: number) => number,
  between: (c: KillCase) => Promise<void> = () => Promise.resolve(),
  env: NodeJS.ProcessEnv = {},
): Promise<void> {
  const phase = await startPhase(server, accounts(account));
  const c: KillCase = {
    phase,
    account,
    object: { key: `${account}/terraform.tfstate`, body: `{"written":"${account}"}` },
    killedProcesses: 0,
  };
  cases.set(account, c);
  const s3 = phase.s3(account);
  const run = startWrapper(phase.ws, [`state-${account}`], env);
  await atMotoPoint(
    server,
    () => point(s3, () => run.output()),
    `the kill point of state-${account}`,
    () => {
      c.killedProcesses = fault(run.pid);
    },
  );
  c.killed = { code: await run.done, output: run.output() };
  c.markerAfterKill = existsSync(marker(c));
  c.entriesAfterKill = stateEntries(phase.ws, `state-${account}`);
  await between(c);
  c.entriesBeforeRerun = stateEntries(phase.ws, `state-${account}`);
  await putObject(s3, stateBucket(account), c.object.key, c.object.body);
  c.rerun = await runWrapper(phase.ws, [`state-${account}`]);
}

beforeAll(async () => {
  const server = await startMoto();
  moto = server;
  await Promise.all([
    // Right after S3 created the bucket and the provider tagged it: terraform killed.
    runCase(
      server,
      'one',
      async (s3) => (await exists(s3, stateBucket('one'))) && taggedOurs(s3, stateBucket('one'), 'one'),
      killTerraform,
      // Terraform writes an intermediate state when a resource completes and 20 s have passed since its last
      // write (TF_STATE_PERSIST_INTERVAL did not prevent that here, with the local backend); under load such a
      // write can land between the tagging and the kill. Its records of the buckets are dropped, so
      // the case is always the one this test is about: a tagged bucket outside the state.
      (c) => {
        c.recordedAtKill = forgetResources(path.join(c.phase.ws.stateDir, 'state-one.tfstate'), BUCKET_RESOURCES);
        return Promise.resolve();
      },
    ),
    // During the lifecycle-rule wait (the rule is set, the provider reads it back for ~55 s): everything killed.
    // Terraform's local backend truncates the state file, then writes it: a kill between the two left it empty
    // once in CI (under load the window widens). The file is emptied after the kill, so that the case is always
    // that one: the rerun must move it aside and resume from the tagged buckets.
    runCase(
      server,
      'two',
      (s3) => lifecycleSet(s3, stateBucket('two')),
      killTree,
      (c) => {
        writeFileSync(path.join(c.phase.ws.stateDir, 'state-two.tfstate'), '');
        return Promise.resolve();
      },
    ),
    // Just before the end: every setting is on both buckets and the provider's last waits (~55 s after it set
    // the lifecycle rules) are 20 s in. Timed from moto, not from terraform's output, which can lag behind.
    // Under load the provider's last wait can end before the kill, so that Terraform records the lifecycle rules
    // (seen once in CI); their records are dropped, so the rerun always starts with the last resources unrecorded.
    runCase(server, 'three', lateInLifecycleWait('three'), killTerraform, (c) => {
      forgetResources(path.join(c.phase.ws.stateDir, 'state-three.tfstate'), LIFECYCLE_RESOURCES);
      return Promise.resolve();
    }),
    // Right after S3 created the bucket, before the provider tagged it: hashicorp/aws 5.100.0 tags a bucket in
    // a request of its own after CreateBucket; removing the tags after the kill reaches that point every time.
    runCase(
      server,
      'four',
      // Both buckets made and tagged (they are created side by side): only the state bucket's tags go below.
      async (s3) =>
        (await taggedOurs(s3, stateBucket('four'), 'four')) &&
        taggedOurs(s3, String(loadConfig(get('four').phase.accountsFile).accounts[0]?.accessLogBucketName), 'four'),
      killTerraform,
      async (c) => {
        await c.phase.s3('four').send(new DeleteBucketTaggingCommand({ Bucket: stateBucket('four') }));
        // As in case one: an intermediate state write before the kill would record the buckets; drop it.
        c.recordedAtKill = forgetResources(path.join(c.phase.ws.stateDir, 'state-four.tfstate'), BUCKET_RESOURCES);
      },
    ),
    // kill -9 of the terminal's job (closing the terminal, kill -9 %1): SIGKILL to the wrapper's process group.
    // Terraform runs in a group of its own; started through setpriv --pdeathsig INT, it stops by itself.
    runCase(
      server,
      'five',
      (s3) => lifecycleSet(s3, stateBucket('five')),
      (wrapperPid) => {
        const c = get('five');
        c.terraformPids = processTree(wrapperPid)
          .filter((member) => member.name === 'terraform')
          .map((member) => member.pid);
        process.kill(-wrapperPid, 'SIGKILL');
        return 1;
      },
      async (c) => {
        const deadline = Date.now() + 120_000;
        const alive = (): number[] => (c.terraformPids ?? []).filter((pid) => systemProcesses.isAlive(pid));
        while (alive().length > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 250));
        c.terraformsExited = alive().length === 0;
      },
    ),
    // With a created KMS key and a lock table: terraform killed once the key's alias and the table exist, before
    // Terraform recorded them (no intermediate state write, as in case one); the bucket absent or tagged.
    runCase(
      server,
      'six',
      async (s3) => {
        const config = loadConfig(get('six').phase.accountsFile).accounts[0];
        const { kms, dynamodb } = keyTableClients(server, 'six');
        try {
          await kms.send(new DescribeKeyCommand({ KeyId: String(config?.stateKeyAlias) }));
          await dynamodb.send(new DescribeTableCommand({ TableName: String(config?.lockTableName) }));
        } finally {
          kms.destroy();
          dynamodb.destroy();
        }
        return !(await exists(s3, stateBucket('six'))) || taggedOurs(s3, stateBucket('six'), 'six');
      },
      killTerraform,
      // Terraform may have written an intermediate state that records them (it persists after a resource
      // completes once its interval has passed, and under load the kill can come after such a write): drop
      // those records, so the case is always the one this test is about, a key and table outside the state.
      async (c) => {
        c.recordedAtKill = forgetResources(path.join(c.phase.ws.stateDir, 'state-six.tfstate'), KEY_AND_TABLE);
        c.keysBeforeRerun = await keyIds(server, 'six');
      },
    ),
  ]);
  // The fix the refusal names: "adopt": true, then the same command.
  const four = get('four');
  writeFileSync(four.phase.accountsFile, JSON.stringify(accounts('four', true), null, 2));
  four.fixed = await runWrapper(four.phase.ws, ['state-four']);
}, 600_000);

/** KMS and DynamoDB clients in the moto account of `account` (the caller destroys them). */
function keyTableClients(server: MotoServer, account: string): { kms: KMSClient; dynamodb: DynamoDBClient } {
  const settings = { endpoint: server.endpoint, region: 'us-east-1', credentials: get(account).phase.ws.credentialsOf(account) };
  return { kms: new KMSClient(settings), dynamodb: new DynamoDBClient(settings) };
}

afterAll(async () => {
  if (moto !== undefined) resumeMoto(moto);
  for (const c of cases.values()) c.phase.remove();
  await moto?.stop();
});

/** The account's access-log bucket, as its accounts file names it. */
function logBucketOf(c: KillCase): string {
  const name = loadConfig(c.phase.accountsFile).accounts[0]?.accessLogBucketName;
  if (name === undefined) throw new Error(`${c.account} has no access-log bucket`);
  return name;
}

/** Secure buckets with their tags, the lifecycle rules and logging set, the object kept, every resource in state once, no marker. */
async function expectConverged(c: KillCase): Promise<void> {
  const s3 = c.phase.s3(c.account);
  const stack = `state-${c.account}`;
  for (const bucket of [stateBucket(c.account), logBucketOf(c)]) {
    expect(await readBucketReport(s3, bucket)).toMatchObject({ secure: true });
    expect(await taggedOurs(s3, bucket, c.account)).toBe(true);
    expect(await lifecycleSet(s3, bucket)).toBe(true);
  }
  const logging = await s3.send(new GetBucketLoggingCommand({ Bucket: stateBucket(c.account) }));
  expect(logging.LoggingEnabled?.TargetBucket).toBe(logBucketOf(c));
  expect(await readObject(s3, stateBucket(c.account), c.object.key)).toBe(c.object.body);
  expect(stateEntries(c.phase.ws, stack)).toEqual(synthesizedEntries(c.phase.ws, stack));
  expect(existsSync(marker(c))).toBe(false);
}

describe('kill -9 of terraform right after S3 created and tagged the bucket', () => {
  test('the killed deploy failed and left its marker; the rerun starts with a state that does not record the bucket', () => {
    const c = get('one');
    expect(c.killedProcesses).toBeGreaterThan(0);
    expect(c.killed?.code).not.toBe(0);
    expect(c.markerAfterKill).toBe(true);
    expect(c.entriesBeforeRerun?.filter((entry) => entry.startsWith('aws_s3_bucket.state-bucket_'))).toEqual([]);
    expect(c.recordedAtKill).toEqual(c.entriesAfterKill?.filter((entry) => BUCKET_RESOURCES.test(entry)));
  });

  test('the rerun imports the bucket, saying it was created by the interrupted first deploy and that its tags prove it', () => {
    const c = get('one');
    expect(c.rerun?.output).toContain(
      `state-one: ${stateBucket('one')} was created by the interrupted first deploy of state-one (state-one.tfstate.creating: first deploy started `,
    );
    expect(c.rerun?.output).toContain(
      `its tags name platform ${PLATFORM}, account one and stack state-one: this deploy imports it into ${path.join(c.phase.ws.stateDir, 'state-one.tfstate')}.`,
    );
    expect(c.rerun?.output).toMatch(/^\$ BOOTSTRAP_RESUME_BUCKETS=\S*fk-one-state\S* TF_CLI_CONFIG_FILE=/m);
    expect(c.rerun?.code).toBe(0);
  });

  test('the rerun converged to the full secure buckets and the object written in between is still there', async () => {
    await expectConverged(get('one'));
  });
});

describe('kill -9 of the whole npm run deploy process tree during the lifecycle-rule wait', () => {
  test('the kill took the wrapper, terraform and its provider, and the rerun took over the lock they left, with a notice', () => {
    const c = get('two');
    expect(c.killedProcesses).toBeGreaterThanOrEqual(3);
    expect(c.killed?.code).toBeNull();
    expect(c.markerAfterKill).toBe(true);
    expect(c.rerun?.output).toMatch(
      new RegExp(
        `^Took over ${path.join(c.phase.ws.stateDir, 'deploy.lock')}: the deploy that held it is gone \\(pid \\d+, `,
        'm',
      ),
    );
    // With its output, so that a failed rerun says why.
    expect({ code: c.rerun?.code, output: c.rerun?.code === 0 ? '' : c.rerun?.output }).toEqual({ code: 0, output: '' });
  });

  test('the state file the kill left empty was moved aside with a notice, and the rerun resumed from the tagged buckets', () => {
    const c = get('two');
    const file = path.join(c.phase.ws.stateDir, 'state-two.tfstate');
    expect(c.rerun?.output).toContain(
      `state-two: ${file} was empty (0 bytes): its first deploy (state-two.tfstate.creating: first deploy started `,
    );
    const aside = /Moved it to (\S+\.cut-off-\S+);/.exec(c.rerun?.output ?? '')?.[1];
    expect(aside !== undefined && existsSync(aside) ? readFileSync(aside, 'utf8') : undefined).toBe('');
    expect(c.rerun?.output).toContain(
      `state-two: ${stateBucket('two')} was created by the interrupted first deploy of state-two`,
    );
  });

  test('the rerun converged with the object written in between', async () => {
    await expectConverged(get('two'));
  });
});

describe('kill -9 of terraform just before the end', () => {
  test('the killed deploy left its last resources unrecorded, and the rerun converged with the object kept', async () => {
    const c = get('three');
    // Terraform was killed, so the deploy failed (its exit status is the outcome); the state, saved
    // during the long apply, records the buckets but not the lifecycle rules.
    expect(c.killedProcesses).toBeGreaterThan(0);
    expect(c.entriesBeforeRerun?.length).toBeLessThan(synthesizedEntries(c.phase.ws, 'state-three').length);
    expect(c.rerun?.code).toBe(0);
    await expectConverged(c);
  });
});

describe('kill -9 of the npm run deploy process group (closing the terminal) during the lifecycle-rule wait', () => {
  test('terraform, in a process group of its own, stopped by itself once the wrapper was gone', () => {
    const c = get('five');
    expect(c.killed?.code).toBeNull();
    expect(c.terraformPids?.length).toBeGreaterThan(0);
    expect(c.terraformsExited).toBe(true);
    expect(c.markerAfterKill).toBe(true);
  });

  test('the rerun took over the lock the killed wrapper left and converged with the object written in between', async () => {
    const c = get('five');
    expect(c.rerun?.output).toMatch(
      new RegExp(
        `^Took over ${path.join(c.phase.ws.stateDir, 'deploy.lock')}: the deploy that held it is gone \\(pid \\d+, `,
        'm',
      ),
    );
    expect(c.rerun?.code).toBe(0);
    await expectConverged(c);
  });
});

describe('a bucket left without the tags', () => {
  test('the rerun is refused before Terraform runs, naming this case, the other one and the fix', () => {
    const c = get('four');
    expect(c.rerun?.code).toBe(1);
    expect(c.rerun?.output).toContain(`error: state-four: ${stateBucket('four')} exists, `);
    expect(c.rerun?.output).toContain(
      "either it was stopped after S3 created the bucket and before Terraform tagged it, or the bucket is someone else's.",
    );
    expect(c.rerun?.output).toContain(
      `set "adopt": true on accounts.four in ${c.phase.accountsFile}, then run npm run deploy -- state-four`,
    );
    expect(c.rerun?.output).not.toContain('npx cdktf deploy');
  });

  test('the fix it names converges and keeps the object', async () => {
    const c = get('four');
    expect(c.fixed?.code).toBe(0);
    const s3 = c.phase.s3('four');
    expect(await readBucketReport(s3, stateBucket('four'))).toMatchObject({ secure: true });
    expect(await readObject(s3, stateBucket('four'), c.object.key)).toBe(c.object.body);
    expect(stateEntries(c.phase.ws, 'state-four')).toEqual(synthesizedEntries(c.phase.ws, 'state-four'));
    expect(existsSync(marker(c))).toBe(false);
  });
});

describe('kill -9 of terraform after the KMS key, its alias and the lock table were created (issue 24)', () => {
  test('the rerun starts with them outside the state: the kill left them so, or a record written before it was removed', () => {
    const c = get('six');
    expect(c.killedProcesses).toBeGreaterThan(0);
    expect(c.markerAfterKill).toBe(true);
    const left = (c.entriesBeforeRerun ?? []).filter((entry) => KEY_AND_TABLE.test(entry));
    expect(left).toEqual([]);
    // Whether Terraform had recorded them before the kill depends on timing; say which it was.
    expect(c.recordedAtKill).toEqual((c.entriesAfterKill ?? []).filter((entry) => KEY_AND_TABLE.test(entry)));
  });

  test('the rerun takes over the key, the alias and the table by their tags, creating no second key, and converges', async () => {
    const c = get('six');
    const config = loadConfig(c.phase.accountsFile).accounts[0];
    const output = c.rerun?.output ?? '';
    expect(output).toMatch(/state-six: the KMS key [0-9a-f-]+ was created by the interrupted first deploy of state-six/);
    expect(output).toContain(`state-six: the alias ${String(config?.stateKeyAlias)} was created by the interrupted first deploy`);
    expect(output).toContain(
      `state-six: the lock table ${String(config?.lockTableName)} was created by the interrupted first deploy`,
    );
    expect(output).toMatch(/^\$ BOOTSTRAP_RESUME_BUCKETS=\S*kms-key:state-six=/m);
    expect(c.rerun?.code).toBe(0);
    const { kms, dynamodb } = keyTableClients(started(moto), 'six');
    try {
      // The rerun imported the killed deploy's key instead of making another: the account has the customer
      // keys it had before the rerun. (More than one is possible there: under load the provider's SDK can repeat a CreateKey
      // whose answer was slow, as it would against AWS; the takeover picks the newest tagged key and names the others.)
      expect(await keyIds(started(moto), 'six')).toEqual(c.keysBeforeRerun);
      expect(c.keysBeforeRerun).toContain(output.match(/state-six: the KMS key ([0-9a-f-]+) was created/)?.[1]);
      await expect(dynamodb.send(new DescribeTableCommand({ TableName: String(config?.lockTableName) }))).resolves.toBeDefined();
    } finally {
      kms.destroy();
      dynamodb.destroy();
    }
    expect(await readObject(c.phase.s3('six'), stateBucket('six'), c.object.key)).toBe(c.object.body);
    expect(stateEntries(c.phase.ws, 'state-six')).toEqual(synthesizedEntries(c.phase.ws, 'state-six'));
    expect(existsSync(marker(c))).toBe(false);
  });
});

/**
 * The IDs of the customer-managed KMS keys of a case's account, sorted. AWS-managed keys (`alias/aws/dynamodb`,
 * which moto creates on its own when a table's encryption is read) are AWS's, not the deploy's.
 */
async function keyIds(server: MotoServer, account: string): Promise<string[]> {
  const { kms, dynamodb } = keyTableClients(server, account);
  try {
    const ids = ((await kms.send(new ListKeysCommand({}))).Keys ?? []).map((key) => String(key.KeyId));
    const managers = await Promise.all(
      ids.map(async (id) => (await kms.send(new DescribeKeyCommand({ KeyId: id }))).KeyMetadata?.KeyManager),
    );
    return ids.filter((_, index) => managers[index] === 'CUSTOMER').sort();
  } finally {
    kms.destroy();
    dynamodb.destroy();
  }
}

const KEY_AND_TABLE = /^aws_(kms_key|kms_alias|dynamodb_table)\./;

const BUCKET_RESOURCES = /^aws_s3_bucket/;
const LIFECYCLE_RESOURCES = /^aws_s3_bucket_lifecycle_configuration\./;

/** Removes the resources whose `type.name` matches from a local state file; returns those it held, sorted. */
function forgetResources(stateFile: string, which: RegExp): string[] {
  if (!existsSync(stateFile)) return [];
  const text = readFileSync(stateFile, 'utf8');
  // A kill in the middle of Terraform's write leaves nothing to drop; the rerun moves such a file aside.
  if (isCutOff(text)) return [];
  const state = JSON.parse(text) as {
    serial: number;
    resources?: { mode: string; type: string; name: string }[];
  };
  const dropped = (state.resources ?? []).filter((resource) => which.test(`${resource.type}.${resource.name}`));
  if (dropped.length === 0) return [];
  state.resources = (state.resources ?? []).filter((resource) => !dropped.includes(resource));
  state.serial += 1;
  writeFileSync(stateFile, `${JSON.stringify(state, null, 2)}\n`);
  return dropped.map((resource) => `${resource.type}.${resource.name}`).sort();
}

function started(server: MotoServer | undefined): MotoServer {
  if (server === undefined) throw new Error('moto did not start; see the beforeAll error');
  return server;
}
