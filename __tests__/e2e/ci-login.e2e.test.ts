// docs/rehearse.md, "Rehearse a CI login": a pipeline's web-identity login (AWS_ROLE_ARN and
// AWS_WEB_IDENTITY_TOKEN_FILE) reaches the local AWS double only with AWS_ENDPOINT_URL_STS: Terraform's AWS
// provider makes that login before it applies AWS_ENDPOINT_URL. Plain terraform with the provider from the
// mirror, as a consumer project in CI runs it.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { CREDENTIAL_OVERRIDE_VARIABLES } from '../../src/sandbox/aws-files';
import { type MotoServer, startMoto } from '../../src/sandbox/moto';
import { AWS_PROVIDER_VERSION } from '../../src/terraform/provider-mirror';
import { terraformRunEnv } from '../../src/terraform/run-env';
import { canDeploy } from './preconditions';

const describeDeploy = canDeploy() ? describe : describe.skip;
const run = promisify(execFile);

describeDeploy('a CI login rehearsed against the local AWS double', () => {
  let moto: MotoServer | undefined;
  let dir = '';
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    moto = await startMoto({ loadManagedPolicies: false });
    dir = mkdtempSync(path.join(os.tmpdir(), 'ci-login-e2e-'));
    writeFileSync(path.join(dir, 'token'), 'any-token');
    writeFileSync(path.join(dir, 'config'), '');
    writeFileSync(path.join(dir, 'credentials'), '');
    writeFileSync(
      path.join(dir, 'main.tf'),
      `terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = "${AWS_PROVIDER_VERSION}" }
  }
}
provider "aws" {
  region = "us-east-1"
}
data "aws_caller_identity" "me" {}
output "arn" { value = data.aws_caller_identity.me.arn }
`,
    );
    const base = Object.fromEntries(
      Object.entries(process.env).filter(
        ([name]) => !(CREDENTIAL_OVERRIDE_VARIABLES as readonly string[]).includes(name) && !name.startsWith('AWS_ENDPOINT_URL'),
      ),
    );
    env = terraformRunEnv(
      {
        ...base,
        AWS_ENDPOINT_URL: moto.endpoint,
        AWS_CONFIG_FILE: path.join(dir, 'config'),
        AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'credentials'),
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_MAX_ATTEMPTS: '1',
        AWS_ROLE_ARN: 'arn:aws:iam::111111111111:role/acme-pipeline-deploy',
        AWS_WEB_IDENTITY_TOKEN_FILE: path.join(dir, 'token'),
      },
      { workDir: dir },
    ).env;
    await run('terraform', ['init', '-input=false', '-no-color'], { cwd: dir, env, timeout: 120_000 });
  }, 180_000);

  afterAll(async () => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
    await moto?.stop();
  });

  const apply = (extra: NodeJS.ProcessEnv) =>
    run('terraform', ['apply', '-auto-approve', '-input=false', '-no-color'], {
      cwd: dir,
      env: { ...env, ...extra },
      timeout: 120_000,
    });

  test('with AWS_ENDPOINT_URL alone, the login does not reach the double', async () => {
    await expect(apply({})).rejects.toThrow(/sts\.amazonaws\.com|AssumeRoleWithWebIdentity|InvalidIdentityToken/);
  }, 150_000);

  test('with AWS_ENDPOINT_URL_STS as docs/rehearse.md sets it, the job signs in as the role', async () => {
    const { stdout } = await apply({ AWS_ENDPOINT_URL_STS: moto?.endpoint });
    expect(stdout).toMatch(/arn = "arn:aws:sts::111111111111:assumed-role\/acme-pipeline-deploy\//);
  }, 150_000);
});
