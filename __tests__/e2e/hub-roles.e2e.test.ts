// Accounts reached from one hub profile through roles, deployed against moto as distinct accounts.
// The hub profile's keys act in a moto account of its own (the sandbox's, made up); moto's behaviour,
// not AWS's: credentials from sts:AssumeRole act in the account of the role ARN without moto checking that the role exists, its trust or the
// external ID. So this proves the path (provider assume_role, the existing-bucket check, doctor,
// status, a consumer's backend config with assume_role), not the trust; on AWS each role must trust the hub.
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { HeadObjectCommand, ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { backendConfigPath } from '../../src/backend-config';
import { runProcess } from '../../src/process/run';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { DUMMY_ACCESS_KEY_ID, DUMMY_SECRET_ACCESS_KEY } from '../../src/sandbox/aws-files';
import { sandboxAccountCredentials } from '../../src/sandbox/credentials';
import { type Day2Sandbox, startDay2Sandbox, started } from './day2-support';

const ROLES = {
  dev: 'arn:aws:iam::111111111111:role/OrganizationAccountAccessRole',
  qa: 'arn:aws:iam::222222222222:role/OrganizationAccountAccessRole',
  prod: 'arn:aws:iam::333333333333:role/Deployer',
} as const;

let sandbox: Day2Sandbox | undefined;

const sb = (): Day2Sandbox => started(sandbox);

beforeAll(async () => {
  sandbox = await startDay2Sandbox({
    platform: 'hub',
    pipeline: false,
    accountDefaults: { profile: 'hub-admin', roleName: 'OrganizationAccountAccessRole' },
    accounts: {
      dev: { accountId: '111111111111' },
      qa: { accountId: '222222222222' },
      prod: { roleArn: ROLES.prod, externalId: 'hub-x1' },
    },
  });
  await sandbox.synth();
  await sandbox.deploy(['state-dev', 'state-qa', 'state-prod']);
}, 600_000);

afterAll(async () => {
  await sandbox?.stop();
});

/** The bucket names S3 lists for `credentials` (those of the account they act in). */
async function bucketsSeenBy(credentials: {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}): Promise<string[]> {
  const s3 = new S3Client({ endpoint: sb().moto.endpoint, region: 'us-east-1', forcePathStyle: true, credentials });
  try {
    const { Buckets } = await s3.send(new ListBucketsCommand({}));
    return (Buckets ?? []).map((bucket) => bucket.Name ?? '').sort();
  } finally {
    s3.destroy();
  }
}

const hubKey = { accessKeyId: DUMMY_ACCESS_KEY_ID, secretAccessKey: DUMMY_SECRET_ACCESS_KEY };
/** The account the hub profile's keys act in. */
const hubAccount = (): string => sb().workspace.accounts.profileAccounts.get('hub-admin') ?? 'missing';

test('each account deployed through the hub sees only its own state bucket', async () => {
  const sts = new STSClient({ endpoint: sb().moto.endpoint, region: 'us-east-1', credentials: hubKey });
  try {
    for (const [name, roleArn] of Object.entries(ROLES)) {
      const { Credentials } = await sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'e2e-check' }));
      const seen = await bucketsSeenBy({
        accessKeyId: Credentials?.AccessKeyId ?? '',
        secretAccessKey: Credentials?.SecretAccessKey ?? '',
        sessionToken: Credentials?.SessionToken ?? '',
      });
      expect({ name, seen }).toEqual({ name, seen: [`hub-${name}-state`] });
    }
  } finally {
    sts.destroy();
  }
  // Neither the hub's own account nor moto's default one holds any of them.
  expect(hubAccount()).toMatch(/^\d{12}$/);
  expect(await bucketsSeenBy(await sandboxAccountCredentials(sb().moto.endpoint, hubAccount()))).toEqual([]);
  expect(await bucketsSeenBy(hubKey)).toEqual([]);
}, 120_000);

test('doctor --live shows each hop: hub identity, assumed role, account reached', async () => {
  const result = await sb().script('doctor', ['--live']);
  for (const [name, roleArn] of Object.entries(ROLES)) {
    const account = /::(\d{12}):/.exec(roleArn)?.[1] ?? '';
    const row = result.output.split('\n').find((line) => line.startsWith(`identity of accounts.${name} `));
    expect(row).toMatch(
      new RegExp(
        `\\sok\\s+hub arn:aws:\\S+:${hubAccount()}:\\S+ \\(profile hub-admin\\) -> role ${roleArn.replace(/[/.]/g, '\\$&')} -> ` +
          `arn:aws:sts::${account}:assumed-role/\\S+/bootstrap-aws, account ${account} \\(matches accountId\\)$`,
      ),
    );
  }
}, 120_000);

test('status --live reads every account bucket through its role', async () => {
  const result = await sb().script('status', ['--live']);
  for (const name of Object.keys(ROLES)) {
    expect(result.output).toMatch(
      new RegExp(`^${name}\\s+state-${name}\\s+yes\\s+hub-${name}-state\\s+us-east-1\\s+hub-admin\\s+Enabled\\s`, 'm'),
    );
  }
  expect(result.output).not.toContain('could not read');
  expect(result.output).toContain('3 of 3 state stack(s) deployed; no pipeline stack ("pipeline": false); no drift.');
  expect(result.code).toBe(0);
}, 120_000);

test('a consumer project inits with the generated backend config through the hub and keeps its state in the member account', async () => {
  const dir = path.join(sb().workspace.root, 'consumer');
  mkdirSync(dir);
  writeFileSync(
    path.join(dir, 'main.tf'),
    'terraform {\n  backend "s3" {}\n}\n\nresource "terraform_data" "example" {\n  input = "through the hub"\n}\n',
  );
  // Only what points the backend at moto; profile, role, external ID and bucket come from the generated file.
  const moto = path.join(dir, 'moto.s3.tfbackend');
  writeFileSync(
    moto,
    [
      `endpoints = { s3 = "${sb().moto.endpoint}", sts = "${sb().moto.endpoint}" }`,
      'use_path_style = true',
      'skip_credentials_validation = true',
      'skip_metadata_api_check = true',
      '',
    ].join('\n'),
  );
  const terraform = async (args: string[]): Promise<void> => {
    const result = await runProcess('terraform', [...args, '-input=false', '-no-color'], { cwd: dir, env: sb().workspace.env });
    if (result.code !== 0) throw new Error(`terraform ${args.join(' ')} failed:\n${result.tail.join('\n')}`);
  };
  await terraform([
    'init',
    `-backend-config=${backendConfigPath(sb().workspace.outdir, 'prod')}`,
    `-backend-config=${moto}`,
    '-backend-config=key=app/terraform.tfstate',
  ]);
  await terraform(['apply', '-auto-approve']);
  const member = new S3Client({
    endpoint: sb().moto.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: sb().workspace.credentialsOf('prod'),
  });
  try {
    const object = await member.send(new HeadObjectCommand({ Bucket: 'hub-prod-state', Key: 'app/terraform.tfstate' }));
    expect(object.ContentLength).toBeGreaterThan(0);
  } finally {
    member.destroy();
  }
}, 300_000);
