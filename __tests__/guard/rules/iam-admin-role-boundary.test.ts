import { IamPolicyAttachment } from '@cdktf/provider-aws/lib/iam-policy-attachment';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { iamAdminRoleBoundary } from '../../../src/guard/rules';
import { findings } from '../fixtures';

const ADMIN = 'arn:aws:iam::aws:policy/AdministratorAccess';
const TRUST = JSON.stringify({
  Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});

describe('BA-IAM-7 AdministratorAccess on a role needs a permissions boundary', () => {
  test('AdministratorAccess on a role with a boundary passes, by reference or by name; other policies need none', () => {
    const lines = findings(iamAdminRoleBoundary, (stack) => {
      const role = new IamRole(stack, 'deploy', {
        name: 'deploy',
        assumeRolePolicy: TRUST,
        permissionsBoundary: 'arn:aws:iam::111111111111:policy/boundary',
      });
      new IamRolePolicyAttachment(stack, 'by-reference', { role: role.name, policyArn: ADMIN });
      new IamRolePolicyAttachment(stack, 'by-name', { role: 'deploy', policyArn: ADMIN });
      new IamRolePolicyAttachment(stack, 'power-user', {
        role: 'elsewhere',
        policyArn: 'arn:aws:iam::aws:policy/PowerUserAccess',
      });
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
      'BA-IAM-7 fixture/deploy: gives the role AdministratorAccess without a permissions boundary; set permissionsBoundary on the role (e.g. a policy that denies IAM user and key creation and changes to the boundary), or attach narrower policies',
      'BA-IAM-7 fixture/attachment: gives the role fixture/deploy AdministratorAccess without a permissions boundary; set permissionsBoundary on the role (e.g. a policy that denies IAM user and key creation and changes to the boundary), or attach narrower policies',
      'BA-IAM-7 fixture/shared: gives the role fixture/deploy AdministratorAccess without a permissions boundary; set permissionsBoundary on the role (e.g. a policy that denies IAM user and key creation and changes to the boundary), or attach narrower policies',
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
