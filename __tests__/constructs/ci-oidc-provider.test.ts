import { IamOpenidConnectProvider } from '@cdktf/provider-aws/lib/iam-openid-connect-provider';
import { Testing } from 'cdktf';
import { CiOidcProvider, oidcProviderArn } from '../../src/constructs/ci-oidc-provider';

type Json = { resource: Record<string, Record<string, Record<string, unknown>>>; import?: { id: string; to: string }[] };

function synth(adoptArn?: string) {
  const synthesized = Testing.synthScope((scope) => {
    new CiOidcProvider(scope, 'github', {
      issuer: 'token.actions.githubusercontent.com',
      audiences: ['sts.amazonaws.com'],
      ...(adoptArn !== undefined ? { adoptArn } : {}),
    });
  });
  return { synthesized, json: JSON.parse(synthesized) as Json };
}

describe('CiOidcProvider', () => {
  test('the issuer URL with https, the audiences as client IDs, and no thumbprints', () => {
    const { synthesized, json } = synth();
    expect(synthesized).toHaveResourceWithProperties(IamOpenidConnectProvider, {
      url: 'https://token.actions.githubusercontent.com',
      client_id_list: ['sts.amazonaws.com'],
    });
    const provider = Object.values(json.resource.aws_iam_openid_connect_provider ?? {})[0];
    expect(provider).not.toHaveProperty('thumbprint_list');
    expect(json.import).toBeUndefined();
  });

  test('adopting imports the existing provider by its ARN', () => {
    const arn = oidcProviderArn('aws', '111111111111', 'token.actions.githubusercontent.com');
    expect(arn).toBe('arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com');
    expect(synth(arn).json.import).toEqual([
      { id: arn, to: expect.stringMatching(/^aws_iam_openid_connect_provider\.github_provider_/) as unknown },
    ]);
  });
});
