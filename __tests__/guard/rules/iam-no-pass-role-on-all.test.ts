import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { Fn } from 'cdktf';
import { iamNoPassRoleOnAll } from '../../../src/guard/rules';
import { findings } from '../fixtures';

describe('BA-IAM-2 no iam:PassRole on "*"', () => {
  test('iam:PassRole on a named role passes', () => {
    const lines = findings(iamNoPassRoleOnAll, (stack) => {
      const doc = new DataAwsIamPolicyDocument(stack, 'doc', {
        statement: [
          {
            actions: ['iam:PassRole'],
            resources: ['arn:aws:iam::123456789012:role/runner-instance'],
            condition: [{ test: 'StringEquals', variable: 'iam:PassedToService', values: ['ec2.amazonaws.com'] }],
          },
        ],
      });
      new IamRolePolicy(stack, 'pass', { role: 'runner', policy: doc.json });
    });
    expect(lines).toEqual([]);
  });

  test('iam:PassRole on "*" fails', () => {
    const lines = findings(iamNoPassRoleOnAll, (stack) => {
      new IamRolePolicy(stack, 'pass', {
        role: 'runner',
        policy: Fn.jsonencode({ Statement: [{ Effect: 'Allow', Action: ['ec2:RunInstances', 'iam:PassRole'], Resource: '*' }] }),
      });
    });
    expect(lines).toEqual([
      'BA-IAM-2 fixture/pass: the policy allows iam:PassRole on every role; list the ARNs of the roles that may be passed in Resource, and add a condition on iam:PassedToService',
    ]);
  });

  test('a wildcard that covers PassRole (iam:Pass*) on every role ARN fails', () => {
    const lines = findings(iamNoPassRoleOnAll, (stack) => {
      new IamRolePolicy(stack, 'pass', {
        role: 'runner',
        policy: JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 'iam:pass*', Resource: 'arn:aws:iam::*:role/*' }] }),
      });
    });
    expect(lines).toHaveLength(1);
  });
});
