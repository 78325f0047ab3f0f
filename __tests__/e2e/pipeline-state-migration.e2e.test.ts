// Moves pipeline-prod's state from its local file into the production state bucket with the documented
// `cdktf deploy pipeline-prod --migrate-state`, on a throwaway moto: the state object holds the
// pipeline resources, the local file is kept as a backup, and a plan afterwards has nothing to do.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { LOCAL_BACKUP_SUFFIX, MOVE_UNKNOWN_SUFFIX } from '../../src/pipeline-state';
import { cdktfDeploy, cdktfSynth, stackDir } from '../../src/sandbox/cdktf';
import { type Day2Sandbox, startDay2Sandbox } from './day2-support';
import { isMotoLaunchTemplateTagArtifact, planChanges } from './plan-support';
import { canDeploy } from './preconditions';

const ACCOUNTS = { platform: 'migrate', accounts: { prod: 'migrate-prod' }, pipeline: {} };
const BUCKET = 'migrate-prod-state';
const KEY = 'bootstrap/pipeline-prod.tfstate';
const STACK = 'pipeline-prod';

interface State {
  serial: number;
  lineage: string;
  resources: { mode: string; type: string; name: string; instances: { attributes: { id?: unknown } }[] }[];
}

const addresses = (state: State): string[] =>
  state.resources.map((resource) => `${resource.mode}.${resource.type}.${resource.name}`).sort();

/** Address and cloud ID of every managed resource: equal IDs mean the same objects, not a second copy. */
const managedIds = (state: State): string[] =>
  state.resources
    .filter((resource) => resource.mode === 'managed')
    .flatMap((resource) =>
      resource.instances.map((instance) => `${resource.type}.${resource.name}=${String(instance.attributes.id)}`),
    )
    .sort();

const describeDeploy = canDeploy() ? describe : describe.skip;

describeDeploy('pipeline state moved into the production bucket with cdktf deploy --migrate-state', () => {
  let sandbox: Day2Sandbox | undefined;
  let s3: S3Client;
  /** The local state as it was before the move. */
  let before: State;
  let beforeText: string;
  let localFile: string;

  const sb = (): Day2Sandbox => {
    if (sandbox === undefined) throw new Error('the sandbox did not start; see the beforeAll error');
    return sandbox;
  };

  beforeAll(async () => {
    sandbox = await startDay2Sandbox(ACCOUNTS);
    s3 = sandbox.s3('prod');
    localFile = path.join(sandbox.workspace.stateDir, `${STACK}.tfstate`);
    await sandbox.synth();
    // Both with local state; they do not depend on each other, so they deploy side by side.
    await sandbox.deploy(['state-prod', STACK]);
    beforeText = readFileSync(localFile, 'utf8');
    before = JSON.parse(beforeText) as State;

    // The TLS-only bucket policy stays in place: this project's moto evaluates it as AWS does for the
    // backend's HTTPS requests (src/sandbox/moto.ts).
    // The documented move: "stateBackend": "s3" in accounts.json, then one deploy with --migrate-state.
    writeFileSync(sandbox.accountsFile, JSON.stringify({ ...ACCOUNTS, pipeline: { stateBackend: 's3' } }, null, 2));
    await sandbox.synth();
    const { outdir, env } = sandbox.workspace;
    await cdktfDeploy({
      outdir,
      env,
      stacks: [STACK],
      parallelism: 1,
      migrateState: true,
      onLine: (line) => sb().log.push(line),
    });
  }, 600_000);

  afterAll(async () => {
    await sandbox?.stop();
  });

  test('the local deploy recorded the pipeline resources in the local file', () => {
    expect(addresses(before)).toEqual(expect.arrayContaining(['managed.aws_vpc.network_vpc_4E8F0223']) as unknown);
    expect(before.resources.length).toBeGreaterThan(10);
  });

  test('the state is in the production bucket under bootstrap/pipeline-prod.tfstate and holds every pipeline resource', async () => {
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET }));
    // The lock object (<key>.tflock) is gone once the deploy ends.
    expect(listed.Contents?.map((object) => object.Key)).toEqual([KEY]);
    const object = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: KEY }));
    expect(object.ServerSideEncryption).toBe('AES256');
    const moved = JSON.parse((await object.Body?.transformToString()) ?? '{}') as State;
    // The same resources with the same IDs: moved, not created again (Terraform gives the copy a new lineage).
    expect(addresses(moved)).toEqual(addresses(before));
    expect(managedIds(moved)).toEqual(managedIds(before));
  });

  test('the local file is kept: Terraform leaves it as it was, and synth made the backup copy', () => {
    expect(readFileSync(localFile, 'utf8')).toBe(beforeText);
    expect(readFileSync(`${localFile}${LOCAL_BACKUP_SUFFIX}`, 'utf8')).toBe(beforeText);
  });

  test('a plan after the move has nothing to change (apart from one recorded moto artifact)', async () => {
    const changes = await planChanges(stackDir(sb().workspace.outdir, STACK), sb().workspace.env);
    // See the pipeline suite: moto copies the launch template's tags into its version data.
    expect(changes.filter((change) => !isMotoLaunchTemplateTagArtifact(change))).toEqual([]);
  });

  test('the next synth keeps the local file as it was: nothing deletes state', async () => {
    await sb().synth();
    expect(readFileSync(localFile, 'utf8')).toBe(beforeText);
    expect(readFileSync(`${localFile}${LOCAL_BACKUP_SUFFIX}`, 'utf8')).toBe(beforeText);
  });

  test('with a local file that still records resources and a fresh cdktf.out, deploys stay stopped until the user settles it', async () => {
    // Whether that file was moved cannot be known without the working folder: starting from it could
    // overwrite the bucket's newer state, starting without it would build a second pipeline.
    const outdir = path.join(sb().workspace.root, 'fresh.out');
    const { env } = sb().workspace;
    // The second attempt runs after the first one's terraform init gave the working folder a backend.
    for (let attempt = 1; attempt <= 2; attempt++) {
      await cdktfSynth({ outdir, env });
      const deploy = cdktfDeploy({ outdir, env, stacks: [STACK], parallelism: 1, migrateState: true });
      // Terraform wraps the message; the plan failed on the stack's output precondition.
      await expect(deploy).rejects.toThrow(/Module output value precondition failed[\s\S]*still\s+records\s+resources/);
    }
    // Nothing changed: the bucket still holds the moved state only, the local file is as it was.
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET }));
    expect(listed.Contents?.map((object) => object.Key)).toEqual([KEY]);
    expect(readFileSync(localFile, 'utf8')).toBe(beforeText);
    expect(existsSync(`${localFile}${MOVE_UNKNOWN_SUFFIX}`)).toBe(true);
  });
});
