import { TerraformStack, Testing } from 'cdktf';
import { validateConfig } from '../../src/config';
import { addAwsProvider, type BootstrapAwsProviderProps, UNREACHABLE_PROXY } from '../../src/constructs/aws-provider';
import { StateStack, stateStackId } from '../../stacks/state-stack';

type Json = Record<string, unknown>;

const ENDPOINT = 'http://127.0.0.1:4566';
const BASE_PROPS: BootstrapAwsProviderProps = {
  profile: 'acme-dev',
  region: 'eu-west-1',
  tags: { platform: 'acme', account: 'dev', 'managed-by': 'bootstrap-aws' },
};

function synthProvider(props: BootstrapAwsProviderProps): Json {
  const stack = new TerraformStack(Testing.app(), 'provider-test');
  addAwsProvider(stack, props);
  const synthesized = JSON.parse(Testing.synth(stack)) as { provider: { aws: Json[] } };
  expect(synthesized.provider.aws).toHaveLength(1);
  return synthesized.provider.aws[0] as Json;
}

/** Every stack of a multi-account app, synthesized with or without an endpoint. */
function synthStateStacks(endpointUrl?: string): Record<string, Json> {
  const config = validateConfig(
    {
      platform: 'acme',
      accounts: {
        dev: 'acme-dev',
        staging: { profile: 'acme-staging', region: 'eu-west-1' },
        prod: { profile: 'acme-prod', accountId: '123456789012' },
      },
    },
    'accounts.json',
  );
  const app = Testing.app();
  const stacks = config.accounts.map(
    (account) =>
      new StateStack(app, stateStackId(account.name), {
        platform: config.platform,
        account,
        stateDir: '/tmp/state',
        ...(endpointUrl !== undefined ? { endpointUrl } : {}),
      }),
  );
  return Object.fromEntries(stacks.map((stack) => [stack.node.id, JSON.parse(Testing.synth(stack)) as Json]));
}

const ENDPOINT_KEYS = ['s3_use_path_style', 'https_proxy', 'no_proxy'];

function withoutEndpointKeys(provider: Json): Json {
  return Object.fromEntries(Object.entries(provider).filter(([key]) => !ENDPOINT_KEYS.includes(key)));
}

describe('the AWS provider endpoint contract', () => {
  test('with an endpoint URL, S3 uses path-style addressing and HTTPS to anywhere but the endpoint host goes to a refusing proxy', () => {
    const provider = synthProvider({ ...BASE_PROPS, endpointUrl: ENDPOINT });

    expect(provider).toMatchObject({ s3_use_path_style: true, https_proxy: UNREACHABLE_PROXY, no_proxy: '127.0.0.1' });
  });

  test('the endpoint reaches the provider through AWS_ENDPOINT_URL, not an endpoints block (validating one costs ~5 CPU-seconds per provider process)', () => {
    const provider = synthProvider({ ...BASE_PROPS, endpointUrl: 'http://localstack.internal:4566/' });

    expect(provider).not.toHaveProperty('endpoints');
    expect(provider.no_proxy).toBe('localstack.internal');
  });

  test('without an endpoint URL, the provider block has no endpoint keys at all', () => {
    const provider = synthProvider(BASE_PROPS);

    expect(Object.keys(provider).sort()).toEqual(['default_tags', 'profile', 'region']);
  });

  test('an endpoint URL changes nothing in the provider block but the endpoint keys', () => {
    expect(withoutEndpointKeys(synthProvider({ ...BASE_PROPS, accountId: '123456789012', endpointUrl: ENDPOINT }))).toEqual(
      synthProvider({ ...BASE_PROPS, accountId: '123456789012' }),
    );
  });

  test('every state stack of a multi-account app targets the endpoint, and nothing else in the stacks changes', () => {
    const redirected = synthStateStacks(ENDPOINT);
    const real = synthStateStacks();

    expect(Object.keys(redirected)).toEqual(['state-dev', 'state-staging', 'state-prod']);
    for (const [id, stack] of Object.entries(redirected)) {
      const providers = (stack.provider as { aws: Json[] }).aws;
      expect(providers).toHaveLength(1);
      for (const provider of providers) {
        expect(provider).toMatchObject({ s3_use_path_style: true, https_proxy: UNREACHABLE_PROXY, no_proxy: '127.0.0.1' });
      }
      const realStack = real[id] as Json;
      expect({ ...stack, provider: { aws: providers.map(withoutEndpointKeys) } }).toEqual(realStack);
    }
  });

  test('without an endpoint URL, no state stack mentions an endpoint or path-style addressing', () => {
    for (const stack of Object.values(synthStateStacks())) {
      const text = JSON.stringify(stack);
      expect(text).not.toMatch(/endpoints|s3_use_path_style|proxy|127\.0\.0\.1|localhost/);
    }
  });
});

describe('an account reached through a role', () => {
  function synthStateStackProvider(accounts: Record<string, unknown>, name: string): Json {
    const config = validateConfig(
      {
        platform: 'acme',
        pipeline: false,
        accountDefaults: { profile: 'acme-hub', roleName: 'OrganizationAccountAccessRole' },
        accounts,
      },
      'accounts.json',
    );
    const account = config.accounts.find((a) => a.name === name);
    if (account === undefined) throw new Error(`no account ${name}`);
    const stack = new StateStack(Testing.app(), stateStackId(name), { platform: 'acme', account, stateDir: '/tmp/state' });
    const synthesized = JSON.parse(Testing.synth(stack)) as { provider: { aws: Json[] } };
    return synthesized.provider.aws[0] as Json;
  }

  test('the hub profile assumes the default role, with the project session name, pinned to the role account', () => {
    const provider = synthStateStackProvider({ dev: { accountId: '222222222222' } }, 'dev');
    expect(provider).toMatchObject({
      profile: 'acme-hub',
      allowed_account_ids: ['222222222222'],
      assume_role: [{ role_arn: 'arn:aws:iam::222222222222:role/OrganizationAccountAccessRole', session_name: 'bootstrap-aws' }],
    });
    expect((provider.assume_role as Json[])[0]).not.toHaveProperty('external_id');
  });

  test('an own roleArn with an externalId sends the external ID and pins the role account', () => {
    const provider = synthStateStackProvider(
      { dev: { roleArn: 'arn:aws:iam::333333333333:role/Deployer', externalId: 'acme-x1' } },
      'dev',
    );
    expect(provider).toMatchObject({
      profile: 'acme-hub',
      allowed_account_ids: ['333333333333'],
      assume_role: [
        { role_arn: 'arn:aws:iam::333333333333:role/Deployer', session_name: 'bootstrap-aws', external_id: 'acme-x1' },
      ],
    });
  });

  test('an account with a profile of its own and no roleArn has no assume_role block', () => {
    const provider = synthStateStackProvider({ prod: { profile: 'acme-hub' } }, 'prod');
    expect(provider.profile).toBe('acme-hub');
    expect(provider).not.toHaveProperty('assume_role');
  });
});
