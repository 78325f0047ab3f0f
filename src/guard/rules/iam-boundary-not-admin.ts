import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamUser } from '@cdktf/provider-aws/lib/iam-user';
import { ADMIN_EQUIVALENT_AWS_POLICY, allowsEverything, referencedPolicy } from '../iam-policies';
import { type PolicyStatement, readPolicy } from '../policy-document';
import type { GuardRule } from '../rule';

/**
 * BA-IAM-8: no permissions boundary is admin-equivalent.
 *
 * A boundary caps what a role or user may do; AdministratorAccess as a boundary caps nothing, and
 * IAMFullAccess (or a policy that allows all of IAM) lets its holder create a user or role without it
 * and act through that one. A policy of the stack that allows `*` on `*` and denies nothing is the
 * same. A boundary that allows everything and then denies the ways out (the one
 * src/constructs/permissions-boundary.ts makes, after the AWS CDK bootstrap's example) passes. A
 * boundary policy of the stack that cannot be read fails, as it cannot be told apart from these.
 */
export const iamBoundaryNotAdmin: GuardRule = {
  id: 'BA-IAM-8',
  title: 'No permissions boundary is admin-equivalent',
  explanation:
    'A boundary of AdministratorAccess, IAMFullAccess or an allow-all policy that denies nothing caps nothing: the role or user, and whatever it creates, may still do anything in the account.',
  resourceTypes: [IamRole.tfResourceType, IamUser.tfResourceType],
  check(resource, context) {
    const boundary = resource.config.permissions_boundary;
    if (typeof boundary !== 'string') return [];
    const fix =
      'use the boundary the access stack creates ("pipelineAccess": {"permissionsBoundary": "create"}), or a policy that denies what the principal must never do (boundary changes, roles and users without the boundary)';
    const managed = ADMIN_EQUIVALENT_AWS_POLICY.exec(boundary)?.[1];
    if (managed !== undefined) return [{ what: `has ${managed} as its permissions boundary, which caps nothing`, fix }];
    const policy = referencedPolicy(boundary, resource, context);
    if (policy === undefined) return [];
    const statements = readPolicy(policy.config.policy, policy.construct, context);
    if (statements === undefined) {
      return [
        {
          what: `has the policy ${policy.path} as its permissions boundary, which cannot be read, so it is not known to cap anything`,
          fix: 'write it with Fn.jsonencode({...}), as a JSON string or as a DataAwsIamPolicyDocument in the same stack',
        },
      ];
    }
    const grantsAll = statements.some((statement) => allowsEverything(statement) || allowsAllOfIam(statement));
    const deniesSomething = statements.some((statement) => statement.effect === 'Deny');
    return grantsAll && !deniesSomething
      ? [{ what: `has the policy ${policy.path} as its permissions boundary, which allows everything and denies nothing`, fix }]
      : [];
  },
};

function allowsAllOfIam(statement: PolicyStatement): boolean {
  return (
    statement.effect === 'Allow' &&
    (statement.resources ?? []).includes('*') &&
    (statement.actions ?? []).some((action) => action === 'iam:*')
  );
}
