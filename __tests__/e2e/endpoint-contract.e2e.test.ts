// The endpoint contract's safety half, with the real provider: a stack synthesized for a local AWS double
// carries no endpoint of its own (the provider takes it from AWS_ENDPOINT_URL, see src/constructs/aws-provider.ts),
// so deployed without that variable it must still never reach AWS. No moto: nothing listens at the endpoint,
// and what is checked is where the provider's first call (STS GetCallerIdentity) goes.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'cdktf';
import { validateConfig } from '../../src/config';
import { UNREACHABLE_PROXY } from '../../src/constructs/aws-provider';
import { CREDENTIAL_OVERRIDE_VARIABLES } from '../../src/sandbox/aws-files';
import { freePort } from '../../src/sandbox/moto';
import { runProcess } from '../../src/process/run';
import { terraformEnv } from '../../src/terraform/cli-config';
import { StateStack, stateStackId } from '../../stacks/state-stack';
import { canDeploy } from './preconditions';

const describeDeploy = canDeploy() ? describe : describe.skip;

describeDeploy('a state stack synthesized for a local AWS double', () => {
  let root: string;
  let stackDir: string;
  let env: NodeJS.ProcessEnv;
  let endpoint: string;

  beforeAll(async () => {
    root = mkdtempSync(path.join(os.tmpdir(), 'endpoint-contract-e2e-'));
    // A loopback port nothing listens on: the double is "down", so every call fails fast and says where it went.
    endpoint = `http://127.0.0.1:${await freePort()}`;
    const config = validateConfig(
      { platform: 'contract', pipeline: false, accounts: { prod: 'contract-prod' } },
      'accounts.json',
    );
    const account = config.accounts[0];
    if (account === undefined) throw new Error('no account');
    const app = new App({ outdir: path.join(root, 'cdktf.out'), skipValidation: true });
    new StateStack(app, stateStackId(account.name), {
      platform: config.platform,
      account,
      stateDir: path.join(root, 'terraform-state'),
      endpointUrl: endpoint,
    });
    app.synth();
    stackDir = path.join(root, 'cdktf.out', 'stacks', stateStackId(account.name));

    writeFileSync(path.join(root, 'credentials'), '[contract-prod]\naws_access_key_id = a\naws_secret_access_key = b\n');
    writeFileSync(path.join(root, 'config'), '[profile contract-prod]\nregion = us-east-1\n');
    const base = Object.fromEntries(
      Object.entries(process.env).filter(
        ([name]) => !(CREDENTIAL_OVERRIDE_VARIABLES as readonly string[]).includes(name) && !name.startsWith('AWS_ENDPOINT_URL'),
      ),
    );
    env = terraformEnv(
      {
        ...base,
        AWS_SHARED_CREDENTIALS_FILE: path.join(root, 'credentials'),
        AWS_CONFIG_FILE: path.join(root, 'config'),
        AWS_EC2_METADATA_DISABLED: 'true',
      },
      root,
    );
    const init = await runProcess('terraform', ['init', '-input=false', '-no-color'], { cwd: stackDir, env });
    if (init.code !== 0) throw new Error(`terraform init failed:\n${init.tail.join('\n')}`);
  }, 120_000);

  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
  });

  /** `terraform plan`'s combined output; it fails at the provider's first call either way. */
  async function plan(extraEnv: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
    const result = await runProcess('terraform', ['plan', '-input=false', '-lock=false', '-no-color'], {
      cwd: stackDir,
      env: { ...env, ...extraEnv },
    });
    return { code: result.code, output: result.tail.join('\n') };
  }

  test('the provider sends its calls to AWS_ENDPOINT_URL, and without it they are refused by the proxy instead of reaching AWS', async () => {
    const [withEndpoint, without] = await Promise.all([plan({ AWS_ENDPOINT_URL: endpoint }), plan({})]);

    expect(withEndpoint.code).toBe(1);
    expect(withEndpoint.output).toContain(`Post "${endpoint}/"`);
    expect(withEndpoint.output).not.toContain('proxyconnect');

    expect(without.code).toBe(1);
    expect(without.output).toMatch(/Post "https:\/\/sts\.[a-z0-9-]+\.amazonaws\.com\/": proxyconnect tcp: /);
    expect(without.output).toContain(`dial tcp ${new URL(UNREACHABLE_PROXY).host}: connect: connection refused`);
  }, 300_000);
});
