import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { IamPolicyAttachment } from '@cdktf/provider-aws/lib/iam-policy-attachment';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import type { TerraformStack } from 'cdktf';
import { PermissionsBoundary } from '../../../src/constructs/permissions-boundary';
import { iamAdminRoleBoundary } from '../../../src/guard/rules';
import { findings } from '../fixtures';

const ADMIN = 'arn:aws:iam::aws:policy/AdministratorAccess';
const IAM_FULL = 'arn:aws:iam::aws:policy/IAMFullAccess';
const POWER_USER = 'arn:aws:iam::aws:policy/PowerUserAccess';
const TRUST = JSON.stringify({
  Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});
const ALLOW_ALL = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] });
const FIX =
  'set "pipelineAccess": {"permissionsBoundary": "create"} (a PermissionsBoundary in the same stack, as the role\'s permissionsBoundary), attach narrower policies, or suppress BA-IAM-7 for this resource with the reason your own boundary suffices';

/** The boundary an access stack creates, in the fixture stack. */
function createdBoundary(stack: TerraformStack): PermissionsBoundary {
  return new PermissionsBoundary(stack, 'permissions-boundary', {
    account: { partition: 'aws', accountId: '111111111111' },
    roleName: 'deploy',
    state: { bucketArn: 'arn:aws:s3:::acme-dev-state' },
  });
}

describe('BA-IAM-7 admin-equivalent policies on a role need the permissions boundary its stack creates', () => {
  test('AdministratorAccess, IAMFullAccess and a "*" policy pass on a role with the created boundary, however attached', () => {
    const lines = findings(iamAdminRoleBoundary, (stack) => {
      const boundary = createdBoundary(stack);
      const role = new IamRole(stack, 'deploy', { name: 'deploy', assumeRolePolicy: TRUST, permissionsBoundary: boundary.arn });
      const allowAll = new IamPolicy(stack, 'allow-all', { name: 'allow-all', policy: ALLOW_ALL });
      new IamRolePolicyAttachment(stack, 'by-reference', { role: role.name, policyArn: ADMIN });
      new IamRolePolicyAttachment(stack, 'by-name', { role: 'deploy', policyArn: IAM_FULL });
      new IamRolePolicyAttachment(stack, 'stack-policy', { role: role.name, policyArn: allowAll.arn });
      new IamRole(stack, 'inline-list', {
        name: 'other',
        assumeRolePolicy: TRUST,
        managedPolicyArns: [ADMIN],
        permissionsBoundary: boundary.arn,
      });
    });
    expect(lines).toEqual([]);
  });

  test('policies that are not admin-equivalent need no boundary', () => {
    const lines = findings(iamAdminRoleBoundary, (stack) => {
      const role = new IamRole(stack, 'deploy', { name: 'deploy', assumeRolePolicy: TRUST, managedPolicyArns: [POWER_USER] });
      new IamRolePolicyAttachment(stack, 'power-user', { role: role.name, policyArn: POWER_USER });
      new IamRolePolicyAttachment(stack, 'elsewhere', { role: 'elsewhere', policyArn: POWER_USER });
    });
    expect(lines).toEqual([]);
  });

  test('AdministratorAccess on a role without a boundary fails, however it is attached', () => {
    const lines = findings(iamAdminRoleBoundary, (stack) => {
      const role = new IamRole(stack, 'deploy', { name: 'deploy', assumeRolePolicy: TRUST, managedPolicyArns: [ADMIN] });
      new IamRolePolicyAttachment(stack, 'attachment', { role: role.id, policyArn: ADMIN });
      new IamPolicyAttachment(stack, 'shared', { name: 'shared', roles: [role.name], policyArn: ADMIN });
    });
    expect(lines).toEqual([
      `BA-IAM-7 fixture/deploy: gives the role AdministratorAccess without a permissions boundary; ${FIX}`,
      `BA-IAM-7 fixture/attachment: gives the role fixture/deploy AdministratorAccess without a permissions boundary; ${FIX}`,
      `BA-IAM-7 fixture/shared: gives the role fixture/deploy AdministratorAccess without a permissions boundary; ${FIX}`,
    ]);
  });

  test('PowerUserAccess with IAMFullAccess, and a "*" policy of the stack, fail without a boundary', () => {
    const lines = findings(iamAdminRoleBoundary, (stack) => {
      const role = new IamRole(stack, 'deploy', { name: 'deploy', assumeRolePolicy: TRUST });
      const allowAll = new IamPolicy(stack, 'allow-all', { name: 'allow-all', policy: ALLOW_ALL });
      new IamRolePolicyAttachment(stack, 'power-user', { role: role.name, policyArn: POWER_USER });
      new IamRolePolicyAttachment(stack, 'iam-full', { role: role.name, policyArn: IAM_FULL });
      new IamRolePolicyAttachment(stack, 'stack-policy', { role: role.name, policyArn: allowAll.arn });
    });
    expect(lines).toEqual([
      `BA-IAM-7 fixture/iam-full: gives the role fixture/deploy IAMFullAccess without a permissions boundary; ${FIX}`,
      `BA-IAM-7 fixture/stack-policy: gives the role fixture/deploy the policy fixture/allow-all ("*" on "*") without a permissions boundary; ${FIX}`,
    ]);
  });

  test('a boundary the guard cannot read fails: AdministratorAccess as its own boundary, an ARN of the account, a policy not made by PermissionsBoundary', () => {
    const lines = findings(iamAdminRoleBoundary, (stack) => {
      const own = new IamPolicy(stack, 'own-boundary', { name: 'own', policy: ALLOW_ALL });
      for (const [id, boundary] of [
        ['self-bounded', ADMIN],
        ['account-boundary', 'arn:aws:iam::111111111111:policy/boundary'],
        ['stack-boundary', own.arn],
      ]) {
        new IamRole(stack, String(id), {
          name: String(id),
          assumeRolePolicy: TRUST,
          managedPolicyArns: [ADMIN],
          permissionsBoundary: boundary,
        });
      }
    });
    expect(lines).toEqual([
      `BA-IAM-7 fixture/self-bounded: gives the role AdministratorAccess with a permissions boundary the guard cannot read ("${ADMIN}" is not the boundary a PermissionsBoundary of this stack creates); ${FIX}`,
      expect.stringContaining(
        'BA-IAM-7 fixture/account-boundary: gives the role AdministratorAccess with a permissions boundary the guard cannot read',
      ),
      expect.stringContaining(
        'BA-IAM-7 fixture/stack-boundary: gives the role AdministratorAccess with a permissions boundary the guard cannot read',
      ),
    ]);
  });

  test('AdministratorAccess on a role of another stack fails, as its boundary cannot be seen', () => {
    const lines = findings(iamAdminRoleBoundary, (stack) => {
      new IamRolePolicyAttachment(stack, 'admin', { role: 'runner', policyArn: ADMIN });
    });
    expect(lines).toEqual([
      expect.stringContaining('attaches AdministratorAccess to the role "runner", which is not in this stack'),
    ]);
  });
});
