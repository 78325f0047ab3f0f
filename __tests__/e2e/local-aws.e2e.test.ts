// `npm run local-aws`: the long-lived local AWS double for rehearsing by hand. It is moto started as the
// sandbox starts it (src/sandbox/moto.ts), so this suite also proves how that moto differs from plain
// moto 5.2.1 where the project depends on it: AWS-managed policies exist, and bucket policies are
// evaluated as AWS evaluates an HTTPS request (plain moto ignores Bool conditions and denies every
// object request under the state bucket's TLS-only statement).
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GetPolicyCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateBucketCommand, PutBucketPolicyCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DUMMY_ACCESS_KEY_ID, DUMMY_SECRET_ACCESS_KEY } from '../../src/sandbox/aws-files';
import { PROJECT_ROOT } from '../../src/terraform/cdktf-cli';
import { canDeploy } from './preconditions';

const describeDeploy = canDeploy() ? describe : describe.skip;

/** A bucket policy with the state bucket's TLS-only Deny, on `secureTransport` = the given value. */
function denyPolicy(bucket: string, secureTransport: 'true' | 'false'): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'DenyInsecureTransport',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
        Condition: { Bool: { 'aws:SecureTransport': secureTransport } },
      },
    ],
  });
}

describeDeploy('npm run local-aws, a long-lived local AWS double prepared as the sandbox prepares it', () => {
  let dir: string;
  let child: ChildProcess;
  let output = '';
  let env: NodeJS.ProcessEnv;
  let envFile: string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'local-aws-e2e-'));
    const accountsFile = path.join(dir, 'accounts.json');
    writeFileSync(
      accountsFile,
      JSON.stringify({
        platform: 'byhand',
        accounts: { prod: 'byhand-prod', dev: { profile: 'byhand-dev', accountId: '210987654321' } },
      }),
    );
    child = spawn(process.execPath, ['--require', './scripts/ts-runner.js', 'scripts/local-aws.ts', accountsFile], {
      cwd: PROJECT_ROOT,
      env: process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const ready = new Promise<string>((resolve, reject) => {
      const onData = (chunk: Buffer): void => {
        output += chunk.toString('utf8');
        const match = /^env file: (.+)$/m.exec(output);
        if (match?.[1] !== undefined) resolve(match[1].trim());
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.once('exit', (code) => {
        reject(new Error(`local-aws exited with ${String(code)}:\n${output}`));
      });
    });
    envFile = await ready;
    // The env a user gets from "source <env file>" in their shell.
    const printed = execFileSync('sh', ['-c', `. "${envFile}" && env -0`], { env: process.env, encoding: 'utf8' });
    env = Object.fromEntries(
      printed
        .split('\0')
        .filter((entry) => entry !== '')
        .map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]),
    );
  }, 120_000);

  afterAll(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
    rmSync(dir, { recursive: true, force: true });
  });

  const clientConfig = () => ({
    endpoint: env.AWS_ENDPOINT_URL,
    region: 'us-east-1',
    credentials: { accessKeyId: DUMMY_ACCESS_KEY_ID, secretAccessKey: DUMMY_SECRET_ACCESS_KEY },
  });

  test('prints the env file and the commands to use it', () => {
    expect(output).toContain(`source ${envFile}`);
    expect(output).toMatch(/npm run deploy -- 'state-\*' --output \S+ --skip-synth/);
    expect(env.AWS_ENDPOINT_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  test("the AWS CLI, with the env file sourced, reaches each profile's own account of the double", () => {
    const accountOf = (profile: string): string | undefined =>
      (
        JSON.parse(
          execFileSync('aws', ['sts', 'get-caller-identity', '--profile', profile, '--output', 'json'], {
            env,
            encoding: 'utf8',
          }),
        ) as { Account?: string }
      ).Account;
    // The account accounts.json names; a made-up, stable one (printed) for the profile without accountId.
    expect(accountOf('byhand-dev')).toBe('210987654321');
    const printed = /^ {2}byhand-prod: account (\d{12})$/m.exec(output)?.[1];
    expect(printed).toMatch(/^\d{12}$/);
    expect(printed).not.toBe('123456789012');
    expect(accountOf('byhand-prod')).toBe(printed);
  });

  test("the printed aws s3 ls works in a shell that holds the user's own keys, profile and S3 endpoint", () => {
    const hint = /^ {2}(aws s3 ls[^#]*)/m.exec(output)?.[1]?.trim();
    expect(hint).toMatch(/^aws s3 ls --profile \S+$/);
    const shell: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: dir,
      AWS_ACCESS_KEY_ID: 'AKIAREALUSERKEY',
      AWS_SECRET_ACCESS_KEY: 'real-secret',
      AWS_PROFILE: 'real-admin',
      AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:9',
    };
    const listed = execFileSync('sh', ['-c', `. "${envFile}" && ${String(hint)} && echo listed`], {
      env: shell,
      encoding: 'utf8',
    });
    expect(listed).toContain('listed');
  });

  test('AWS-managed policies exist, so the runner role can attach AmazonSSMManagedInstanceCore', async () => {
    const iam = new IAMClient(clientConfig());
    const policy = await iam.send(new GetPolicyCommand({ PolicyArn: 'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore' }));
    expect(policy.Policy?.PolicyName).toBe('AmazonSSMManagedInstanceCore');
  });

  test('the TLS-only Deny lets object requests through as it does for HTTPS on AWS, and a Deny that matches still refuses', async () => {
    const s3 = new S3Client({ ...clientConfig(), forcePathStyle: true });
    await s3.send(new CreateBucketCommand({ Bucket: 'byhand-tls-check' }));
    await s3.send(new PutBucketPolicyCommand({ Bucket: 'byhand-tls-check', Policy: denyPolicy('byhand-tls-check', 'false') }));
    await expect(s3.send(new PutObjectCommand({ Bucket: 'byhand-tls-check', Key: 'a', Body: 'x' }))).resolves.toBeDefined();
    // The condition is evaluated, not ignored: a Deny whose condition the request meets still applies.
    await s3.send(new PutBucketPolicyCommand({ Bucket: 'byhand-tls-check', Policy: denyPolicy('byhand-tls-check', 'true') }));
    await expect(s3.send(new PutObjectCommand({ Bucket: 'byhand-tls-check', Key: 'b', Body: 'x' }))).rejects.toMatchObject({
      $metadata: { httpStatusCode: 403 },
    });
  });

  test('Ctrl-C stops moto and removes the temp folder', async () => {
    const exited = once(child, 'exit');
    child.kill('SIGINT');
    const [code] = (await exited) as [number | null];
    expect(code).toBe(0);
    expect(output).toContain('moto stopped; temp folder removed');
    expect(existsSync(envFile)).toBe(false);
    await expect(fetch(`${String(env.AWS_ENDPOINT_URL)}/moto-api/`)).rejects.toThrow();
  });
});
