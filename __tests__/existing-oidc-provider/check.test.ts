import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { IAMClient } from '@aws-sdk/client-iam';
import {
  decideOidc,
  existingIssuers,
  managedIssuers,
  type OidcProviderCheckOptions,
} from '../../src/existing-oidc-provider/check';

const GITHUB = 'token.actions.githubusercontent.com';
const OPTIONS: OidcProviderCheckOptions = {
  issuers: [GITHUB, 'gitlab.com'],
  adopted: [],
  stack: 'access-dev',
  account: 'dev',
  stateFile: 'missing/access-dev.tfstate',
  accountsFile: 'accounts.json',
};

describe('decideOidc', () => {
  test('no provider of these issuers yet: the stack creates them', () => {
    expect(decideOidc(['oidc.eks.eu-west-1.amazonaws.com/id/X'], [], OPTIONS)).toEqual({
      notes: [`${GITHUB}: no provider yet; access-dev creates it`, 'gitlab.com: no provider yet; access-dev creates it'],
      errors: [],
    });
  });

  test('an existing provider the stack does not manage stops the deploy and names the option that adopts it', () => {
    expect(decideOidc([GITHUB], [], OPTIONS).errors).toEqual([
      `the account already has an OIDC provider for ${GITHUB}, and IAM allows one per issuer; to take it over, set accounts.dev.pipelineAccess to {"adoptOidcProviders": ["${GITHUB}"]} in accounts.json and deploy again (its audiences then become those accounts.json needs; see docs/pipeline-access.md); if access-dev created it and its state file was lost, run npm run recover-state -- access-dev instead`,
    ]);
  });

  test('an existing provider that the state records, or that the account adopts, passes', () => {
    expect(decideOidc([GITHUB], [GITHUB], OPTIONS)).toEqual({
      notes: [
        `${GITHUB}: the provider exists and access-dev already manages it`,
        'gitlab.com: no provider yet; access-dev creates it',
      ],
      errors: [],
    });
    expect(decideOidc([GITHUB], [], { ...OPTIONS, adopted: [GITHUB] }).notes[0]).toBe(
      `${GITHUB}: the provider exists; access-dev adopts it (accounts.dev.pipelineAccess.adoptOidcProviders)`,
    );
  });
});

describe('existingIssuers', () => {
  test('the issuer of every provider ARN the account lists', async () => {
    const iam: Pick<IAMClient, 'send'> = {
      send: () =>
        Promise.resolve({
          OpenIDConnectProviderList: [
            { Arn: `arn:aws:iam::111111111111:oidc-provider/${GITHUB}` },
            { Arn: 'arn:aws:iam::111111111111:oidc-provider/gitlab.example.com/gl' },
            {},
          ],
        }),
    } as Pick<IAMClient, 'send'>;
    await expect(existingIssuers(iam)).resolves.toEqual([GITHUB, 'gitlab.example.com/gl']);
  });
});

describe('managedIssuers', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'oidc-check-'));
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  test('the providers recorded in the stack state, none for a missing or broken file', () => {
    const file = path.join(dir, 'access-dev.tfstate');
    writeFileSync(
      file,
      JSON.stringify({
        resources: [
          {
            mode: 'managed',
            type: 'aws_iam_openid_connect_provider',
            instances: [{ attributes: { arn: `arn:aws:iam::111111111111:oidc-provider/${GITHUB}` } }],
          },
          { mode: 'managed', type: 'aws_iam_role', instances: [{ attributes: { arn: 'arn:aws:iam::111111111111:role/x' } }] },
        ],
      }),
    );
    expect(managedIssuers(file)).toEqual([GITHUB]);
    expect(managedIssuers(path.join(dir, 'missing.tfstate'))).toEqual([]);
    writeFileSync(file, '{');
    expect(managedIssuers(file)).toEqual([]);
  });
});
