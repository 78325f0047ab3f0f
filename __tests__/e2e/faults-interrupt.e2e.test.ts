// Ctrl-C, two deploys at once, another Terraform holding the state, and a damaged state file (issue 14, faults
// 2 to 4), against moto with the real terraform and `npm run deploy` started as a terminal starts it. Ctrl-C
// lands at an exact point of the apply: moto is paused (SIGSTOP) once the bucket exists, so terraform's requests
// wait while the interrupt reaches it. Nothing may be lost: objects in the bucket and the state's entries are
// compared before and after. Two chains run at once, each account with a workspace of its own, so that their
// ~55 s lifecycle waits overlap: `one` (two deploys at once, the tags as an in-place update, a truncated state)
// and `two` (Ctrl-C, then another Terraform holding the state).
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { DeleteBucketTaggingCommand, HeadBucketCommand, PutBucketTaggingCommand, type S3Client } from '@aws-sdk/client-s3';
import { ownershipTags } from '../../src/existing-bucket/ownership';
import { readBucketReport } from '../../src/report/bucket-report';
import { stackDir } from '../../src/sandbox/cdktf';
import { PROJECT_ROOT } from '../../src/terraform/cdktf-cli';
import { type MotoServer, startMoto } from '../../src/sandbox/moto';
import { recordedResources } from '../../src/terraform/state-file';
import {
  atMotoPoint,
  type Phase,
  putObject,
  readObject,
  resumeMoto,
  runWrapper,
  startPhase,
  startWrapper,
  stateEntries,
  synthesizedEntries,
  waitFor,
} from './fault-support';
import { planChanges, type ResourceChange } from './plan-support';

const PLATFORM = 'fi';

function accounts(account: string): object {
  return { platform: PLATFORM, productionAccount: account, pipeline: false, accounts: { [account]: `fi-${account}` } };
}

const bucket = (account: string): string => `${PLATFORM}-${account}-state`;

interface Result {
  readonly code: number | null;
  readonly output: string;
}

async function exists(s3: S3Client, name: string): Promise<boolean> {
  return s3.send(new HeadBucketCommand({ Bucket: name })).then(
    () => true,
    () => false,
  );
}

/** `type.name=id` of each resource a state file records. */
function stateIds(file: string): string[] {
  return (recordedResources(readFileSync(file, 'utf8')) ?? []).map(
    (resource) => `${resource.type}.${resource.name}=${String(resource.id)}`,
  );
}

let moto: MotoServer | undefined;
let one: Phase | undefined;
let two: Phase | undefined;
const phaseOne = (): Phase => {
  if (one === undefined) throw new Error('phase one did not start; see the beforeAll error');
  return one;
};
const phaseTwo = (): Phase => {
  if (two === undefined) throw new Error('phase two did not start; see the beforeAll error');
  return two;
};
const stateFileOf = (phase: Phase, stack: string): string => path.join(phase.ws.stateDir, `${stack}.tfstate`);
const rerunCommand = (phase: Phase, stack: string): string =>
  `npm run deploy -- ${stack} --parallelism 1 --output ${phase.ws.outdir} --verbose`;

/** Chain one: two deploys at once, then the tags as an in-place update, then a truncated state. */
const concurrent: { first?: Result; second?: Result; firstPid?: number; manifestBefore?: number; manifestAfter?: number } = {};
const tags: { changes?: ResourceChange[]; idsBefore?: string[]; idsAfter?: string[]; deploy?: Result } = {};
const damaged: { text?: string; refused?: Result; textAfter?: string; entriesBefore?: string[]; recovered?: Result } = {};
/** Chain two: Ctrl-C during apply and the rerun, then another Terraform holding the state. */
const object = { key: 'team/terraform.tfstate', body: '{"serial":3}' };
const interrupt: { interrupted?: Result; entriesAfter?: string[]; rerun?: Result } = {};
const plainLock: { result?: Result; entriesBefore?: string[]; entriesAfter?: string[] } = {};

async function chainOne(server: MotoServer): Promise<void> {
  const phase = await startPhase(server, accounts('one'));
  one = phase;
  const lock = path.join(phase.ws.stateDir, 'deploy.lock');
  const first = startWrapper(phase.ws, ['state-one']);
  concurrent.firstPid = first.pid;
  // The second starts once the first holds the lock and has synthesized (its terraform runs).
  await waitFor(() => existsSync(lock) && first.output().includes('state-one  '), 'the first deploy to run terraform', 180_000);
  const manifest = path.join(phase.ws.outdir, 'manifest.json');
  concurrent.manifestBefore = statSync(manifest).mtimeMs;
  concurrent.second = await runWrapper(phase.ws, ['state-one']);
  concurrent.manifestAfter = statSync(manifest).mtimeMs;
  concurrent.first = { code: await first.done, output: first.output() };

  // A bucket deployed before its ownership tags existed carries only the providers' default tags.
  const s3 = phase.s3('one');
  await s3.send(new DeleteBucketTaggingCommand({ Bucket: bucket('one') }));
  await s3.send(
    new PutBucketTaggingCommand({
      Bucket: bucket('one'),
      Tagging: {
        TagSet: [
          { Key: 'platform', Value: PLATFORM },
          { Key: 'account', Value: 'one' },
          { Key: 'managed-by', Value: 'bootstrap-aws' },
        ],
      },
    }),
  );
  tags.changes = await planChanges(stackDir(phase.ws.outdir, 'state-one'), phase.ws.env);
  tags.idsBefore = stateIds(stateFileOf(phase, 'state-one'));
  tags.deploy = await runWrapper(phase.ws, ['state-one']);
  tags.idsAfter = stateIds(stateFileOf(phase, 'state-one'));

  // That deploy changed the state, so Terraform kept the one before as .backup. Now the state file is cut short.
  const file = stateFileOf(phase, 'state-one');
  damaged.entriesBefore = stateEntries(phase.ws, 'state-one');
  damaged.text = readFileSync(file, 'utf8').slice(0, 200);
  writeFileSync(file, damaged.text);
  damaged.refused = await runWrapper(phase.ws, ['state-one']);
  damaged.textAfter = readFileSync(file, 'utf8');
  // The recovery the message gives.
  renameSync(file, `${file}.corrupt`);
  copyFileSync(`${file}.backup`, file);
  damaged.recovered = await runWrapper(phase.ws, ['state-one']);
}

async function chainTwo(server: MotoServer): Promise<void> {
  const phase = await startPhase(server, accounts('two'));
  two = phase;
  const s3 = phase.s3('two');
  const run = startWrapper(phase.ws, ['state-two']);
  await atMotoPoint(
    server,
    () => exists(s3, bucket('two')),
    'the state bucket',
    // What a terminal's Ctrl-C does: SIGINT to the foreground process group (here, the wrapper alone).
    async () => {
      process.kill(-run.pid, 'SIGINT');
      await waitFor(() => run.output().includes('Interrupt received'), 'terraform to get the interrupt', 30_000);
    },
  );
  interrupt.interrupted = { code: await run.done, output: run.output() };
  interrupt.entriesAfter = stateEntries(phase.ws, 'state-two');
  await putObject(s3, bucket('two'), object.key, object.body);
  interrupt.rerun = await runWrapper(phase.ws, ['state-two']);

  // Another Terraform holds the state: the lock a running Terraform's local backend takes (a POSIX write lock on
  // the state file, fcntl F_SETLK, and its lock info next to it), held here by a small Python process.
  plainLock.entriesBefore = stateEntries(phase.ws, 'state-two');
  const file = stateFileOf(phase, 'state-two');
  const info = JSON.stringify({
    ID: '6a0c1b2e-0000-4000-8000-000000000001',
    Operation: 'OperationTypeApply',
    Info: '',
    Who: 'alice@other-terminal',
    Version: '1.11.4',
    Created: new Date().toISOString(),
    Path: file,
  });
  const holder = spawn(
    'python3',
    [
      '-c',
      'import fcntl, sys\nf = open(sys.argv[1], "r+")\nfcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB)\n' +
        'open(sys.argv[2], "w").write(sys.argv[3])\nprint("locked", flush=True)\nsys.stdin.read()\n',
      file,
      path.join(phase.ws.stateDir, '.state-two.tfstate.lock.info'),
      info,
    ],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  try {
    await new Promise<void>((resolve, reject) => {
      holder.stdout.once('data', () => {
        resolve();
      });
      holder.once('exit', (code) => {
        reject(new Error(`the lock holder exited with code ${String(code)}`));
      });
    });
    plainLock.result = await runWrapper(phase.ws, ['state-two']);
  } finally {
    holder.stdin.end();
    await new Promise((resolve) => holder.once('close', resolve));
  }
  plainLock.entriesAfter = stateEntries(phase.ws, 'state-two');
}

beforeAll(async () => {
  const server = await startMoto();
  moto = server;
  await Promise.all([chainOne(server), chainTwo(server)]);
}, 600_000);

afterAll(async () => {
  if (moto !== undefined) resumeMoto(moto);
  one?.remove();
  two?.remove();
  await moto?.stop();
});

describe('two deploys of the same stack at once', () => {
  test('the second is refused at once, naming the process that holds the lock and what to do', () => {
    const lock = path.join(phaseOne().ws.stateDir, 'deploy.lock');
    expect(concurrent.second?.code).toBe(1);
    expect(concurrent.second?.output).toContain(
      `error: another deploy holds ${lock}: pid ${String(concurrent.firstPid)}, started `,
    );
    expect(concurrent.second?.output).toContain(
      `running "${rerunCommand(phaseOne(), 'state-one')}" in ${PROJECT_ROOT}. Wait for it to finish (it removes the lock), ` +
        `or stop it with Ctrl-C in its terminal (kill -INT ${String(concurrent.firstPid)}); then run your command again`,
    );
  });

  test('the second neither synthesized into the output folder nor ran terraform', () => {
    expect(concurrent.second?.output).not.toContain('npx cdktf deploy');
    expect(concurrent.manifestAfter).toBe(concurrent.manifestBefore);
  });

  test('the first completed with its state intact and released the lock', () => {
    expect(concurrent.first?.code).toBe(0);
    expect(damaged.entriesBefore).toEqual(synthesizedEntries(phaseOne().ws, 'state-one'));
  });
});

describe('ownership tags on a bucket deployed without them', () => {
  test('the plan updates the bucket in place: one update, no replacement, the same id', () => {
    expect(tags.changes?.map((change) => [change.type, change.change.actions])).toEqual([['aws_s3_bucket', ['update']]]);
    const [change] = tags.changes ?? [];
    expect(change?.change.after?.id).toBe(change?.change.before?.id);
    expect(change?.change.after?.tags).toEqual(ownershipTags({ platform: PLATFORM, account: 'one', stack: 'state-one' }));
  });

  test('the deploy changes one resource, and every resource keeps its id', () => {
    expect(tags.deploy?.code).toBe(0);
    expect(tags.deploy?.output).toContain('Apply complete! Resources: 0 added, 1 changed, 0 destroyed.');
    expect(tags.idsAfter).toEqual(tags.idsBefore);
  });
});

describe('a truncated state file', () => {
  test('the deploy is refused before Terraform runs, with one message naming the file and the backup', () => {
    const file = stateFileOf(phaseOne(), 'state-one');
    expect(damaged.refused?.code).toBe(1);
    expect(damaged.refused?.output).toMatch(
      new RegExp(
        `^error: ${file} is truncated or corrupted: not valid JSON \\(.+, 200 bytes\\)\\. Refused before Terraform ran; the file is left as it is\\.\\n` +
          `  Terraform kept ${file}\\.backup \\(serial \\d+, \\d+ resources, written \\S+\\): the state before its last change\\.\\n` +
          `  To recover: mv ${file} ${file}\\.corrupt && cp ${file}\\.backup ${file}, then run npm run deploy -- state-one again\\.$`,
        'm',
      ),
    );
    expect(damaged.refused?.output).not.toContain('npx cdktf deploy');
  });

  test('the damaged file is left as it was', () => {
    expect(damaged.textAfter).toBe(damaged.text);
  });

  test('the recovery the message gives converges with every state entry back and nothing changed', async () => {
    expect(damaged.recovered?.code).toBe(0);
    expect(stateEntries(phaseOne().ws, 'state-one')).toEqual(damaged.entriesBefore);
    expect(await readBucketReport(phaseOne().s3('one'), bucket('one'))).toMatchObject({ secure: true });
  });
});

describe('Ctrl-C during apply', () => {
  test('terraform stopped cleanly and its state records the bucket it created', () => {
    expect(interrupt.interrupted?.code).toBe(130);
    expect(interrupt.interrupted?.output).toContain('Gracefully shutting down...');
    expect(interrupt.entriesAfter?.some((entry) => entry.startsWith('aws_s3_bucket.state-bucket_'))).toBe(true);
    expect(interrupt.entriesAfter?.length).toBeLessThan(synthesizedEntries(phaseTwo().ws, 'state-two').length);
  });

  test('the message names the stack that was running, its state file, what is left and the exact command to rerun', () => {
    const total = synthesizedEntries(phaseTwo().ws, 'state-two').length;
    const recorded = interrupt.entriesAfter?.length ?? 0;
    // Stopped in the middle of creating the bucket (moto paused once S3 had it), the provider recorded it as tainted:
    // the wrapper untaints it, since a tainted bucket would be replaced, which prevent_destroy refuses.
    expect(interrupt.interrupted?.output).toMatch(
      /^state-two: untainted aws_s3_bucket\.state-bucket_\w+: the interrupt stopped Terraform after S3 created the bucket; the rerun completes it/m,
    );
    expect(interrupt.interrupted?.output).toContain(
      [
        'Interrupted: Terraform stopped cleanly; its state records everything it created.',
        `  state-two: ${stateFileOf(phaseTwo(), 'state-two')} records ${recorded} resource(s); ${total - recorded} of its ${total} resources are left to create`,
        `Run the same command again to finish: ${rerunCommand(phaseTwo(), 'state-two')} ("Error acquiring the state lock" then means another deploy still runs).`,
      ].join('\n'),
    );
  });

  test('that command converges, and the object written in between is still there', async () => {
    expect(interrupt.rerun?.code).toBe(0);
    expect(stateEntries(phaseTwo().ws, 'state-two')).toEqual(synthesizedEntries(phaseTwo().ws, 'state-two'));
    expect(await readBucketReport(phaseTwo().s3('two'), bucket('two'))).toMatchObject({ secure: true });
    expect(await readObject(phaseTwo().s3('two'), bucket('two'), object.key)).toBe(object.body);
  });
});

describe('another Terraform holding the state (one not started by npm run deploy)', () => {
  test('Terraform’s own local lock refuses the deploy, and the wrapper says what that means and what to do', () => {
    expect(plainLock.result?.code).not.toBe(0);
    expect(plainLock.result?.output).toContain('Error acquiring the state lock');
    expect(plainLock.result?.output).toMatch(
      new RegExp(
        `^state-two: its state \\S+state-two\\.tfstate is locked by another Terraform \\(OperationTypeApply by alice@other-terminal since [^)]+\\), ` +
          'one not started by npm run deploy \\(which refuses a second deploy itself\\)\\. Wait for it to finish, or stop it with Ctrl-C where it runs',
        'm',
      ),
    );
    expect(plainLock.entriesAfter).toEqual(plainLock.entriesBefore);
  });
});
