import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { iamOidcTrustKeyCase } from '../../../src/guard/rules';
import { findings } from '../fixtures';

const GITHUB = 'token.actions.githubusercontent.com';

function trust(condition: Record<string, unknown>, principal = `arn:aws:iam::111111111111:oidc-provider/${GITHUB}`): string {
  return JSON.stringify({
    Statement: [
      { Effect: 'Allow', Principal: { Federated: principal }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: condition },
    ],
  });
}

describe("BA-IAM-9 an OIDC trust writes the issuer's condition keys in lower case", () => {
  test('lower-case issuer keys pass, and global and STS keys in any case are not issuer keys', () => {
    const lines = findings(iamOidcTrustKeyCase, (stack) => {
      new IamRole(stack, 'role', {
        assumeRolePolicy: trust({
          StringEquals: { [`${GITHUB}:aud`]: 'sts.amazonaws.com', [`${GITHUB}:sub`]: 'repo:acme/infra:ref:refs/heads/main' },
          StringLike: { 'aws:SourceIp': '*', 'sts:RoleSessionName': 'ci-*' },
          Bool: { 'AWS:SecureTransport': 'true' },
        }),
      });
    });
    expect(lines).toEqual([]);
  });

  test('an issuer key in another letter case fails, naming the lower-case key to write', () => {
    const lines = findings(iamOidcTrustKeyCase, (stack) => {
      new IamRole(stack, 'role', {
        assumeRolePolicy: trust({
          StringEquals: { 'Token.Actions.GitHubUserContent.com:aud': 'sts.amazonaws.com' },
          StringLike: { 'token.actions.githubusercontent.com:SUB': 'repo:acme/*' },
        }),
      });
    });
    expect(lines).toEqual([
      'BA-IAM-9 fixture/role: trust statement 1 names the condition key "Token.Actions.GitHubUserContent.com:aud" in another letter case than IAM\'s issuer; write it in lower case, "token.actions.githubusercontent.com:aud"',
      'BA-IAM-9 fixture/role: trust statement 1 names the condition key "token.actions.githubusercontent.com:SUB" in another letter case than IAM\'s issuer; write it in lower case, "token.actions.githubusercontent.com:sub"',
    ]);
  });

  test('a statement that is not a web-identity trust is not read', () => {
    const lines = findings(iamOidcTrustKeyCase, (stack) => {
      new IamRole(stack, 'role', {
        assumeRolePolicy: JSON.stringify({
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Service: 'ec2.amazonaws.com' },
              Action: 'sts:AssumeRole',
              Condition: { StringEquals: { 'Ec2:Foo': 'x' } },
            },
          ],
        }),
      });
    });
    expect(lines).toEqual([]);
  });
});
