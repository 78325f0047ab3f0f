import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { iamOidcTrustForAllValues } from '../../../src/guard/rules';
import { findings } from '../fixtures';

const GITHUB = 'token.actions.githubusercontent.com';

function trust(condition: Record<string, unknown>): string {
  return JSON.stringify({
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: `arn:aws:iam::111111111111:oidc-provider/${GITHUB}` },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: condition,
      },
    ],
  });
}

describe('BA-IAM-5 no ForAllValues on an OIDC sub or aud', () => {
  test("StringEquals on sub and aud passes, and ForAllValues on another key is not this rule's concern", () => {
    const lines = findings(iamOidcTrustForAllValues, (stack) => {
      new IamRole(stack, 'role', {
        assumeRolePolicy: trust({
          StringEquals: { [`${GITHUB}:aud`]: 'sts.amazonaws.com', [`${GITHUB}:sub`]: 'repo:acme/infra:ref:refs/heads/main' },
          'ForAllValues:StringEquals': { 'aws:TagKeys': ['team'] },
        }),
      });
    });
    expect(lines).toEqual([]);
  });

  test('ForAllValues on the subject fails', () => {
    const lines = findings(iamOidcTrustForAllValues, (stack) => {
      new IamRole(stack, 'role', {
        assumeRolePolicy: trust({
          StringEquals: { [`${GITHUB}:aud`]: 'sts.amazonaws.com' },
          'ForAllValues:StringLike': { [`${GITHUB}:sub`]: 'repo:acme/infra:*' },
        }),
      });
    });
    expect(lines).toEqual([
      `BA-IAM-5 fixture/role: trust statement 1 tests "${GITHUB}:sub" with ForAllValues:StringLike, which holds when the claim is absent; use StringLike without ForAllValues`,
    ]);
  });
});
