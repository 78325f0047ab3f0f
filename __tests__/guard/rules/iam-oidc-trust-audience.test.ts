import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { Fn } from 'cdktf';
import { iamOidcTrustAudience } from '../../../src/guard/rules';
import { findings } from '../fixtures';

const PROVIDER = 'arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com';
const SUB = { 'token.actions.githubusercontent.com:sub': 'repo:acme/infra:ref:refs/heads/main' };

function trust(condition: Record<string, unknown>): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Principal: { Federated: PROVIDER }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: condition },
    ],
  });
}

describe('BA-IAM-3 an OIDC trust pins the audience', () => {
  test('StringEquals on aud passes, also in a policy document; a trust of a service is not an OIDC trust', () => {
    const lines = findings(iamOidcTrustAudience, (stack) => {
      new IamRole(stack, 'json', {
        assumeRolePolicy: trust({ StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com', ...SUB } }),
      });
      const doc = new DataAwsIamPolicyDocument(stack, 'doc', {
        statement: [
          {
            actions: ['sts:AssumeRoleWithWebIdentity'],
            principals: [{ type: 'Federated', identifiers: [PROVIDER] }],
            condition: [{ test: 'StringEquals', variable: 'gitlab.com:aud', values: ['https://gitlab.com'] }],
          },
        ],
      });
      new IamRole(stack, 'document', { assumeRolePolicy: doc.json });
      new IamRole(stack, 'ec2', {
        assumeRolePolicy: Fn.jsonencode({
          Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
        }),
      });
    });
    expect(lines).toEqual([]);
  });

  test('an OIDC trust with a subject but no audience fails', () => {
    const lines = findings(iamOidcTrustAudience, (stack) => {
      new IamRole(stack, 'role', { assumeRolePolicy: trust({ StringEquals: SUB }) });
    });
    expect(lines).toEqual([
      'BA-IAM-3 fixture/role: trust statement 1 lets an OIDC provider\'s tokens assume the role without pinning their audience; add a StringEquals condition on "<issuer>:aud", e.g. "token.actions.githubusercontent.com:aud": "sts.amazonaws.com"',
    ]);
  });

  test('an audience that only exists IfExists, or matches any value, fails', () => {
    const lines = findings(iamOidcTrustAudience, (stack) => {
      new IamRole(stack, 'if-exists', {
        assumeRolePolicy: trust({ StringEqualsIfExists: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' } }),
      });
      new IamRole(stack, 'any', { assumeRolePolicy: trust({ StringLike: { 'token.actions.githubusercontent.com:aud': '*' } }) });
    });
    expect(lines).toHaveLength(2);
  });

  test('a trust policy that cannot be read fails', () => {
    const lines = findings(iamOidcTrustAudience, (stack) => {
      new IamRole(stack, 'role', { assumeRolePolicy: Fn.file('trust.json') });
    });
    expect(lines).toEqual([expect.stringContaining('the trust policy cannot be read')]);
  });
});
