// The Organizations listing with the real SDK client of the import (adaptive retries, pagination,
// error parsing), its HTTP handler replaced by a fake Organizations: nothing leaves the process.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { STSClient } from '@aws-sdk/client-sts';
import { ConfigError } from '../../src/config/errors';
import {
  LIST_ACCOUNTS_PAGE_SIZE,
  type Organization,
  organizationsClient,
  organizationsProblem,
  readOrganization,
  selectAccounts,
} from '../../src/organizations/list-accounts';
import { awsError } from '../support/fake-aws';

let dir: string;
let env: NodeJS.ProcessEnv;
const saved = process.env;

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'list-accounts-test-'));
  writeFileSync(path.join(dir, 'credentials'), '[org-admin]\naws_access_key_id = dummy\naws_secret_access_key = dummy\n');
  writeFileSync(path.join(dir, 'config'), '[profile org-admin]\nregion = us-east-1\n');
  // The SDK reads the AWS files' location from process.env itself.
  env = {
    AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'credentials'),
    AWS_CONFIG_FILE: path.join(dir, 'config'),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
    // As scripts/ts-runner.js sets it for every command: no notice about Node versions in the output.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  // No credentials, profile or endpoint of the user's shell may reach the SDK.
  process.env = { ...Object.fromEntries(Object.entries(saved).filter(([name]) => !name.startsWith('AWS_'))), ...env };
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
  process.env = saved;
});

interface FakeRequest {
  readonly headers: Record<string, string>;
  readonly body: string | Uint8Array;
}

/** A fake Organizations behind the client's HTTP handler; `answer` gets the operation and its input. */
function fakeOrganizations(answer: (operation: string, input: Record<string, unknown>) => { status?: number; body: object }): {
  handle: (request: FakeRequest) => Promise<{ response: object }>;
  calls: { operation: string; input: Record<string, unknown> }[];
} {
  const calls: { operation: string; input: Record<string, unknown> }[] = [];
  return {
    calls,
    handle: (request) => {
      const operation = (request.headers['x-amz-target'] ?? '').split('.').pop() ?? '';
      const text = typeof request.body === 'string' ? request.body : new TextDecoder().decode(request.body);
      const input = JSON.parse(text === '' ? '{}' : text) as Record<string, unknown>;
      calls.push({ operation, input });
      const { status = 200, body } = answer(operation, input);
      const errorType = (body as { __type?: string }).__type;
      return Promise.resolve({
        response: {
          statusCode: status,
          headers: {
            'content-type': 'application/x-amz-json-1.1',
            ...(errorType !== undefined ? { 'x-amzn-errortype': errorType } : {}),
          },
          body: Buffer.from(JSON.stringify(body)),
        },
      });
    },
  };
}

function clientWith(fake: ReturnType<typeof fakeOrganizations>): ReturnType<typeof organizationsClient> {
  const client = organizationsClient('org-admin', 'us-east-1', env);
  Object.assign(client.config, {
    requestHandler: { handle: fake.handle, updateHttpClientConfig: () => undefined, httpHandlerConfigs: () => ({}) },
  });
  return client;
}

/** A fake STS that signs the profile in to `account`. */
function sts(account = '123456789012'): Pick<STSClient, 'send' | 'destroy'> {
  const fake = {
    send: () => Promise.resolve({ Account: account, Arn: `arn:aws:iam::${account}:user/admin` }),
    destroy: () => undefined,
  };
  return fake;
}

const accounts = Array.from({ length: 45 }, (_, index) => ({
  Id: String(100000000000 + index),
  Name: `team-${index}`,
  State: index === 7 ? 'SUSPENDED' : 'ACTIVE',
}));

function organizationAnswer(operation: string, input: Record<string, unknown>): { status?: number; body: object } {
  if (operation === 'DescribeOrganization') return { body: { Organization: { Id: 'o-abc', MasterAccountId: '123456789012' } } };
  const start = typeof input.NextToken === 'string' ? Number(input.NextToken) : 0;
  const size = Number(input.MaxResults);
  const next = start + size < accounts.length ? { NextToken: String(start + size) } : {};
  return { body: { Accounts: accounts.slice(start, start + size), ...next } };
}

test('every page of ListAccounts is read, at the most accounts AWS returns per page', async () => {
  const fake = fakeOrganizations(organizationAnswer);
  const org = await readOrganization({
    profile: 'org-admin',
    region: 'us-east-1',
    env,
    organizations: clientWith(fake),
    sts: sts(),
  });
  expect(org.accounts).toHaveLength(45);
  expect(org.accounts[7]).toEqual({ id: '100000000007', name: 'team-7', state: 'SUSPENDED' });
  expect(org.managementAccountId).toBe('123456789012');
  expect(org.profileAccountId).toBe('123456789012');
  const pages = fake.calls.filter((call) => call.operation === 'ListAccounts');
  expect(pages.map((call) => [call.input.MaxResults, call.input.NextToken])).toEqual([
    [LIST_ACCOUNTS_PAGE_SIZE, undefined],
    [LIST_ACCOUNTS_PAGE_SIZE, '20'],
    [LIST_ACCOUNTS_PAGE_SIZE, '40'],
  ]);
});

test("a throttled request is retried by the SDK's adaptive mode, up to 10 attempts", async () => {
  let throttled = 0;
  const fake = fakeOrganizations((operation, input) => {
    if (operation === 'ListAccounts' && input.NextToken === '20' && throttled < 1) {
      throttled++;
      return { status: 400, body: { __type: 'TooManyRequestsException', Message: 'Rate exceeded' } };
    }
    return organizationAnswer(operation, input);
  });
  const client = clientWith(fake);
  expect(await client.config.retryStrategy()).toMatchObject({ mode: 'adaptive' });
  expect(await client.config.maxAttempts()).toBe(10);
  const org = await readOrganization({ profile: 'org-admin', region: 'us-east-1', env, organizations: client, sts: sts() });
  expect(throttled).toBe(1);
  expect(org.accounts).toHaveLength(45);
});

test('an account outside any organization is one line naming the fix', async () => {
  const fake = fakeOrganizations(() => ({
    status: 400,
    body: { __type: 'AWSOrganizationsNotInUseException', Message: 'Your account is not a member of an organization.' },
  }));
  const reading = readOrganization({
    profile: 'org-admin',
    region: 'us-east-1',
    env,
    organizations: clientWith(fake),
    sts: sts(),
  });
  await expect(reading).rejects.toThrow(ConfigError);
  await expect(reading).rejects.toThrow(
    /^--profile org-admin: arn:aws:iam::123456789012:user\/admin is in an account that belongs to no organization \(AWSOrganizationsNotInUseException\); use the profile of the organization's management account$/,
  );
});

test('a profile that may not list the accounts is told to use the management account or a delegated administrator', async () => {
  const fake = fakeOrganizations((operation, input) =>
    operation === 'ListAccounts'
      ? { status: 400, body: { __type: 'AccessDeniedException', Message: "You don't have permissions to access this resource." } }
      : organizationAnswer(operation, input),
  );
  await expect(
    readOrganization({
      profile: 'org-admin',
      region: 'us-east-1',
      env,
      organizations: clientWith(fake),
      sts: sts('555555555555'),
    }),
  ).rejects.toThrow(
    /^--profile org-admin: arn:aws:iam::555555555555:user\/admin may not list the organization's accounts \(AccessDeniedException\); use a profile of the management account, or of a delegated administrator/,
  );
});

test('a profile the AWS files do not define is named with the files looked in, before any request', async () => {
  const fake = fakeOrganizations(organizationAnswer);
  await expect(
    readOrganization({ profile: 'nobody', region: 'us-east-1', env, organizations: clientWith(fake), sts: sts() }),
  ).rejects.toThrow(`--profile nobody: no such profile in ${path.join(dir, 'config')} or ${path.join(dir, 'credentials')}`);
  expect(fake.calls).toEqual([]);
});

test('credentials that do not work, and other AWS refusals, are one line each; anything else is left to show its stack', () => {
  expect(organizationsProblem(awsError('CredentialsProviderError', 'Token is expired'), 'p', 'profile p')).toMatch(
    /^--profile p: could not sign in \(Token is expired\); check it with "aws sts get-caller-identity --profile p"/,
  );
  expect(organizationsProblem(awsError('TooManyRequestsException'), 'p', 'profile p')).toMatch(/after 10 attempts/);
  const refusal = Object.assign(awsError('ServiceException', 'boom'), { $metadata: {} });
  expect(organizationsProblem(refusal, 'p', 'profile p')).toMatch(/AWS refused the request \(ServiceException: boom\)/);
  expect(organizationsProblem(new TypeError('x is undefined'), 'p', 'profile p')).toBeUndefined();
});

describe('selectAccounts', () => {
  const org = (overrides: Partial<Organization>): Organization => ({
    managementAccountId: '100000000000',
    profileAccountId: '100000000000',
    profileArn: 'arn:aws:iam::100000000000:user/admin',
    accounts: [],
    ...overrides,
  });

  test('accounts that are not ACTIVE are left out, each with its state', () => {
    const states = ['ACTIVE', 'SUSPENDED', 'PENDING_CLOSURE', 'CLOSED', 'PENDING_ACTIVATION'];
    const { toAdd, leftOut } = selectAccounts(
      org({ accounts: states.map((state, index) => ({ id: `20000000000${index}`, name: state.toLowerCase(), state })) }),
    );
    expect(toAdd).toEqual([{ accountId: '200000000000', awsName: 'active', reach: 'role' }]);
    expect(leftOut.map(({ account, why }) => [account.name, why])).toEqual([
      ['suspended', 'state SUSPENDED'],
      ['pending_closure', 'state PENDING_CLOSURE'],
      ['closed', 'state CLOSED'],
      ['pending_activation', 'state PENDING_ACTIVATION'],
    ]);
  });

  test("the profile's own account is reached with the profile alone, the others through the role", () => {
    const { toAdd } = selectAccounts(
      org({
        accounts: [
          { id: '100000000000', name: 'Management', state: 'ACTIVE' },
          { id: '200000000000', name: 'dev', state: 'ACTIVE' },
        ],
      }),
    );
    expect(toAdd.map((account) => account.reach)).toEqual(['profile', 'role']);
  });

  test("the management account (DescribeOrganization's MasterAccountId) is marked as reaching every member; members are not", () => {
    const { toAdd } = selectAccounts(
      org({
        accounts: [
          { id: '100000000000', name: 'Management', state: 'ACTIVE' },
          { id: '200000000000', name: 'dev', state: 'ACTIVE' },
        ],
      }),
    );
    expect(toAdd).toEqual([
      { accountId: '100000000000', awsName: 'Management', reach: 'profile', controlsOtherAccounts: 'organizations-management' },
      { accountId: '200000000000', awsName: 'dev', reach: 'role' },
    ]);
  });

  test("a delegated administrator's import leaves the management account out, since it has no role to assume", () => {
    const { toAdd, leftOut } = selectAccounts(
      org({
        profileAccountId: '300000000000',
        accounts: [
          { id: '100000000000', name: 'Management', state: 'ACTIVE' },
          { id: '300000000000', name: 'Security', state: 'ACTIVE' },
        ],
      }),
    );
    expect(toAdd).toEqual([{ accountId: '300000000000', awsName: 'Security', reach: 'profile', controlsOtherAccounts: 'hub' }]);
    expect(leftOut).toHaveLength(1);
    expect(leftOut[0]?.account.id).toBe('100000000000');
    expect(leftOut[0]?.why).toMatch(/^the management account, which has no role/);
    expect(leftOut[0]?.why).toContain('"controlsOtherAccounts": "organizations-management", "pipelineAccess": false');
  });
});
