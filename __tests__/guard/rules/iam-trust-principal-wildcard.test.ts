import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { iamTrustPrincipalWildcard } from '../../../src/guard/rules';
import { findings } from '../fixtures';

function trust(condition: Record<string, unknown>, effect = 'Allow'): string {
  return JSON.stringify({
    Statement: [
      { Effect: effect, Principal: { AWS: 'arn:aws:iam::222222222222:root' }, Action: 'sts:AssumeRole', Condition: condition },
    ],
  });
}

describe('BA-IAM-10 a trust policy names aws:PrincipalArn and aws:PrincipalOrgID without wildcards', () => {
  test('exact principals and organizations pass, as do wildcards in a Deny or under a negative operator', () => {
    const lines = findings(iamTrustPrincipalWildcard, (stack) => {
      new IamRole(stack, 'arn', {
        assumeRolePolicy: trust({ ArnEquals: { 'aws:PrincipalArn': 'arn:aws:iam::222222222222:role/runner' } }),
      });
      new IamRole(stack, 'org', { assumeRolePolicy: trust({ StringEquals: { 'aws:PrincipalOrgID': 'o-abc123' } }) });
      new IamRole(stack, 'not-like', {
        assumeRolePolicy: trust({
          ArnEquals: { 'aws:PrincipalArn': 'arn:aws:iam::222222222222:role/runner' },
          ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/admin-*' },
        }),
      });
      new IamRole(stack, 'deny', {
        assumeRolePolicy: trust({ ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/*' } }, 'Deny'),
      });
    });
    expect(lines).toEqual([]);
  });

  test.each([
    ['ArnLike', 'aws:PrincipalArn', 'arn:aws:iam::222222222222:role/runner-*'],
    ['ArnEquals', 'aws:PrincipalArn', 'arn:aws:iam::*:role/runner'],
    ['StringLike', 'aws:PrincipalArn', 'arn:aws:iam::222222222222:role/runne?'],
    ['ForAnyValue:StringLike', 'aws:PrincipalOrgID', 'o-*'],
    ['StringLike', 'AWS:PrincipalOrgId', '*'],
  ])('%s on %s with %s fails', (operator, key, value) => {
    const lines = findings(iamTrustPrincipalWildcard, (stack) => {
      new IamRole(stack, 'role', { assumeRolePolicy: trust({ [operator]: { [key]: value } }) });
    });
    expect(lines).toEqual([
      `BA-IAM-10 fixture/role: trust statement 1 admits ${key} ${JSON.stringify(value)} (${operator}), a wildcard that matches principals no one named; name each principal exactly, e.g. "ArnEquals": {"aws:PrincipalArn": "arn:aws:iam::222222222222:role/runner"}, or the organization ID ("o-abc123")`,
    ]);
  });
});
