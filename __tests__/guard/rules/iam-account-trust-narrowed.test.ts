import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { iamAccountTrustNarrowed } from '../../../src/guard/rules';
import { findings } from '../fixtures';

function trust(principal: unknown, condition?: Record<string, unknown>): string {
  return JSON.stringify({
    Statement: [
      {
        Effect: 'Allow',
        Principal: principal,
        Action: 'sts:AssumeRole',
        ...(condition !== undefined ? { Condition: condition } : {}),
      },
    ],
  });
}

describe('BA-IAM-6 a trusted account root is narrowed by aws:PrincipalArn or aws:PrincipalOrgID', () => {
  test('a root narrowed by PrincipalArn or PrincipalOrgID passes, as does a role or service as principal', () => {
    const lines = findings(iamAccountTrustNarrowed, (stack) => {
      new IamRole(stack, 'arn', {
        assumeRolePolicy: trust(
          { AWS: 'arn:aws:iam::222222222222:root' },
          { ArnEquals: { 'aws:PrincipalArn': 'arn:aws:iam::222222222222:role/runner' } },
        ),
      });
      new IamRole(stack, 'org', {
        assumeRolePolicy: trust({ AWS: '222222222222' }, { StringEquals: { 'aws:PrincipalOrgID': 'o-abc123' } }),
      });
      new IamRole(stack, 'role', { assumeRolePolicy: trust({ AWS: 'arn:aws:iam::222222222222:role/runner' }) });
      new IamRole(stack, 'service', { assumeRolePolicy: trust({ Service: 'ec2.amazonaws.com' }) });
    });
    expect(lines).toEqual([]);
  });

  test('a bare account root, or everyone, fails', () => {
    const lines = findings(iamAccountTrustNarrowed, (stack) => {
      new IamRole(stack, 'root', { assumeRolePolicy: trust({ AWS: 'arn:aws:iam::222222222222:root' }) });
      new IamRole(stack, 'everyone', {
        assumeRolePolicy: trust('*', { StringEquals: { 'sts:ExternalId': 'secret' } }),
      });
    });
    expect(lines).toEqual([
      'BA-IAM-6 fixture/root: trust statement 1 lets every principal of arn:aws:iam::222222222222:root assume the role; add a condition naming who may, e.g. "ArnEquals": {"aws:PrincipalArn": "arn:aws:iam::222222222222:role/runner"}, or "aws:PrincipalOrgID"',
      'BA-IAM-6 fixture/everyone: trust statement 1 lets every principal of every AWS account (*) assume the role; add a condition naming who may, e.g. "ArnEquals": {"aws:PrincipalArn": "arn:aws:iam::222222222222:role/runner"}, or "aws:PrincipalOrgID"',
    ]);
  });
});
