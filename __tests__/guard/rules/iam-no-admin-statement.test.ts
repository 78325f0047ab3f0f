import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { IamPolicyAttachment } from '@cdktf/provider-aws/lib/iam-policy-attachment';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { IamUserPolicyAttachment } from '@cdktf/provider-aws/lib/iam-user-policy-attachment';
import { Fn } from 'cdktf';
import { iamNoAdminStatement } from '../../../src/guard/rules';
import { findings } from '../fixtures';

const TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});

describe('BA-IAM-1 no "*" action on "*" resource', () => {
  test('scoped statements pass, and a Deny of "*" on "*" is not a grant', () => {
    const lines = findings(iamNoAdminStatement, (stack) => {
      const role = new IamRole(stack, 'role', { assumeRolePolicy: TRUST });
      new IamRolePolicy(stack, 'policy', {
        role: role.name,
        policy: Fn.jsonencode({
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Action: ['s3:GetObject'], Resource: '*' },
            { Effect: 'Allow', Action: '*', Resource: 'arn:aws:s3:::acme-dev-state/*' },
            { Effect: 'Deny', Action: '*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
          ],
        }),
      });
    });
    expect(lines).toEqual([]);
  });

  test('"Action": "*" on "Resource": "*" fails (Fn.jsonencode in an IamRolePolicy)', () => {
    const lines = findings(iamNoAdminStatement, (stack) => {
      new IamRolePolicy(stack, 'admin', {
        role: 'runner',
        policy: Fn.jsonencode({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }),
      });
    });
    expect(lines).toEqual([
      'BA-IAM-1 fixture/admin: the policy allows "*" actions on "*" resources; list only the actions the principal needs, or limit Resource to specific ARNs',
    ]);
  });

  test('"*" on "*" in a DataAwsIamPolicyDocument used by an IamPolicy fails on the policy', () => {
    const lines = findings(iamNoAdminStatement, (stack) => {
      const doc = new DataAwsIamPolicyDocument(stack, 'doc', { statement: [{ actions: ['*'], resources: ['*'] }] });
      new IamPolicy(stack, 'managed', { policy: doc.json });
    });
    expect(lines).toEqual([expect.stringMatching(/^BA-IAM-1 fixture\/managed: the policy allows "\*" actions/)]);
  });

  test('NotAction on "*" in a role inline policy (JSON string) fails', () => {
    const lines = findings(iamNoAdminStatement, (stack) => {
      new IamRole(stack, 'role', {
        assumeRolePolicy: TRUST,
        inlinePolicy: [
          {
            name: 'almost-admin',
            policy: JSON.stringify({ Statement: [{ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }] }),
          },
        ],
      });
    });
    expect(lines).toEqual([expect.stringContaining('inline policy "almost-admin" allows every action but a few (NotAction)')]);
  });

  test('attaching AdministratorAccess to a user or group fails', () => {
    const lines = findings(iamNoAdminStatement, (stack) => {
      new IamUserPolicyAttachment(stack, 'admin', { user: 'deployer', policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' });
      new IamPolicyAttachment(stack, 'shared', {
        name: 'shared',
        groups: ['ops'],
        policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess',
      });
    });
    expect(lines).toEqual([
      expect.stringMatching(/^BA-IAM-1 fixture\/admin: attaches the AWS-managed AdministratorAccess policy/),
      expect.stringMatching(/^BA-IAM-1 fixture\/shared: attaches the AWS-managed AdministratorAccess policy/),
    ]);
  });

  test('AdministratorAccess on a role is left to BA-IAM-7, which accepts it with a permissions boundary', () => {
    const lines = findings(iamNoAdminStatement, (stack) => {
      new IamRolePolicyAttachment(stack, 'admin', { role: 'runner', policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' });
      new IamPolicyAttachment(stack, 'roles', {
        name: 'roles',
        roles: ['runner'],
        policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess',
      });
    });
    expect(lines).toEqual([]);
  });

  test('a policy that cannot be read fails', () => {
    const lines = findings(iamNoAdminStatement, (stack) => {
      new IamRolePolicy(stack, 'from-file', { role: 'runner', policy: Fn.file('policy.json') });
    });
    expect(lines).toEqual([expect.stringContaining('the policy cannot be read')]);
  });

  test('a "*" policy used only as a permissions boundary grants nothing and passes; attached as well, it fails', () => {
    const allowAll = JSON.stringify({ Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] });
    const boundaryOnly = findings(iamNoAdminStatement, (stack) => {
      const boundary = new IamPolicy(stack, 'boundary', { name: 'boundary', policy: allowAll });
      new IamRole(stack, 'role', { assumeRolePolicy: TRUST, permissionsBoundary: boundary.arn });
    });
    expect(boundaryOnly).toEqual([]);
    const alsoAttached = findings(iamNoAdminStatement, (stack) => {
      const boundary = new IamPolicy(stack, 'boundary', { name: 'boundary', policy: allowAll });
      const role = new IamRole(stack, 'role', { assumeRolePolicy: TRUST, permissionsBoundary: boundary.arn });
      new IamRolePolicyAttachment(stack, 'attached', { role: role.name, policyArn: boundary.arn });
    });
    expect(alsoAttached).toEqual([expect.stringMatching(/^BA-IAM-1 fixture\/boundary: the policy allows "\*" actions/)]);
  });
});
