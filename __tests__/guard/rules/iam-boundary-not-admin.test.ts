import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamUser } from '@cdktf/provider-aws/lib/iam-user';
import { Fn } from 'cdktf';
import { PermissionsBoundary } from '../../../src/constructs/permissions-boundary';
import { iamBoundaryNotAdmin } from '../../../src/guard/rules';
import { findings } from '../fixtures';

const TRUST = JSON.stringify({
  Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});
const FIX =
  'use the boundary the access stack creates ("pipelineAccess": {"permissionsBoundary": "create"}), or a policy that denies what the principal must never do (boundary changes, roles and users without the boundary)';

describe('BA-IAM-8 no permissions boundary is admin-equivalent', () => {
  test('the created boundary, a narrower AWS-managed policy, a policy of the account and an allow-all that denies passes', () => {
    const lines = findings(iamBoundaryNotAdmin, (stack) => {
      const created = new PermissionsBoundary(stack, 'permissions-boundary', {
        account: { partition: 'aws', accountId: '111111111111' },
        roleName: 'deploy',
        state: { bucketArn: 'arn:aws:s3:::acme-dev-state' },
      });
      const denying = new IamPolicy(stack, 'denying', {
        name: 'denying',
        policy: JSON.stringify({
          Statement: [
            { Effect: 'Allow', Action: '*', Resource: '*' },
            { Effect: 'Deny', Action: 'iam:DeleteRolePermissionsBoundary', Resource: '*' },
          ],
        }),
      });
      const boundaries = [
        created.arn,
        'arn:aws:iam::aws:policy/PowerUserAccess',
        'arn:aws:iam::111111111111:policy/own',
        denying.arn,
      ];
      boundaries.forEach((boundary, index) => {
        new IamRole(stack, `role-${index}`, { name: `role-${index}`, assumeRolePolicy: TRUST, permissionsBoundary: boundary });
      });
      new IamRole(stack, 'none', { name: 'none', assumeRolePolicy: TRUST });
    });
    expect(lines).toEqual([]);
  });

  test('AdministratorAccess, IAMFullAccess, and an allow-all or all-of-IAM policy that denies nothing fail, on roles and users', () => {
    const lines = findings(iamBoundaryNotAdmin, (stack) => {
      const allowAll = new IamPolicy(stack, 'allow-all', {
        name: 'allow-all',
        policy: Fn.jsonencode({ Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }),
      });
      const allOfIam = new IamPolicy(stack, 'all-of-iam', {
        name: 'all-of-iam',
        policy: JSON.stringify({ Statement: [{ Effect: 'Allow', Action: ['iam:*', 's3:GetObject'], Resource: '*' }] }),
      });
      new IamRole(stack, 'admin', {
        name: 'a',
        assumeRolePolicy: TRUST,
        permissionsBoundary: 'arn:aws:iam::aws:policy/AdministratorAccess',
      });
      new IamUser(stack, 'iam-full', { name: 'b', permissionsBoundary: 'arn:aws-cn:iam::aws:policy/IAMFullAccess' });
      new IamRole(stack, 'allow-all-role', { name: 'c', assumeRolePolicy: TRUST, permissionsBoundary: allowAll.arn });
      new IamRole(stack, 'all-of-iam-role', { name: 'd', assumeRolePolicy: TRUST, permissionsBoundary: allOfIam.arn });
    });
    expect(lines).toEqual([
      `BA-IAM-8 fixture/admin: has AdministratorAccess as its permissions boundary, which caps nothing; ${FIX}`,
      `BA-IAM-8 fixture/iam-full: has IAMFullAccess as its permissions boundary, which caps nothing; ${FIX}`,
      `BA-IAM-8 fixture/allow-all-role: has the policy fixture/allow-all as its permissions boundary, which allows everything and denies nothing; ${FIX}`,
      `BA-IAM-8 fixture/all-of-iam-role: has the policy fixture/all-of-iam as its permissions boundary, which allows everything and denies nothing; ${FIX}`,
    ]);
  });

  test('a boundary policy of the stack that cannot be read fails', () => {
    const lines = findings(iamBoundaryNotAdmin, (stack) => {
      const unreadable = new IamPolicy(stack, 'unreadable', { name: 'unreadable', policy: Fn.file('boundary.json') });
      new IamRole(stack, 'role', { name: 'role', assumeRolePolicy: TRUST, permissionsBoundary: unreadable.arn });
    });
    expect(lines).toEqual([
      expect.stringContaining(
        'BA-IAM-8 fixture/role: has the policy fixture/unreadable as its permissions boundary, which cannot be read',
      ),
    ]);
  });
});
