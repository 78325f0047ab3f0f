import { IamGroupPolicyAttachment } from '@cdktf/provider-aws/lib/iam-group-policy-attachment';
import { IamPolicyAttachment } from '@cdktf/provider-aws/lib/iam-policy-attachment';
import { IamUserPolicyAttachment } from '@cdktf/provider-aws/lib/iam-user-policy-attachment';
import { asList } from '../context';
import { allowsEverything, IDENTITY_POLICY_TYPES, identityPolicies } from '../iam-policies';
import type { GuardRule, Violation } from '../rule';
import { ADMINISTRATOR_ACCESS as ADMIN_POLICY } from './iam-admin-role-boundary';

/**
 * BA-IAM-1: no IAM statement allows every action (`*`, or `NotAction`) on every resource (`*`).
 *
 * Such a statement makes the principal an administrator of the account: one leaked credential,
 * or one compromised pipeline job, then owns every resource, can create new users and keys and
 * erase its tracks. Grant the actions and resources the job needs. The same holds for attaching
 * the AWS-managed AdministratorAccess policy to a user or group; on a role, which a permissions
 * boundary can cap, BA-IAM-7 decides instead. This rule also reports policies it cannot read
 * (not JSON, `Fn.jsonencode` or an aws_iam_policy_document in the same stack), since it cannot
 * tell them apart from an administrator policy. A managed policy that its stack uses only as a
 * permissions boundary grants nothing, and its `*` Allow (see src/constructs/permissions-boundary.ts)
 * is not read as a grant (see identityPolicies); BA-IAM-8 checks boundaries.
 */
export const iamNoAdminStatement: GuardRule = {
  id: 'BA-IAM-1',
  title: 'No IAM statement allows "*" actions on "*" resources',
  explanation:
    'A statement that allows every action on every resource makes its principal an account administrator: one leaked credential or compromised pipeline job can then do anything, including creating new keys and erasing its tracks.',
  resourceTypes: [
    ...IDENTITY_POLICY_TYPES,
    IamUserPolicyAttachment.tfResourceType,
    IamGroupPolicyAttachment.tfResourceType,
    IamPolicyAttachment.tfResourceType,
  ],
  check(resource, context) {
    // Roles (IamRolePolicyAttachment, managed_policy_arns, the roles of an IamPolicyAttachment) are BA-IAM-7's.
    const attachesToOthers =
      resource.type !== IamPolicyAttachment.tfResourceType ||
      asList(resource.config.users).length > 0 ||
      asList(resource.config.groups).length > 0;
    const managed = attachesToOthers ? [resource.config.policy_arn] : [];
    const violations: Violation[] = managed
      .filter((arn): arn is string => typeof arn === 'string' && ADMIN_POLICY.test(arn))
      .map(() => ({
        what: 'attaches the AWS-managed AdministratorAccess policy ("*" on "*")',
        fix: 'attach a policy that grants only the actions and resources needed',
      }));
    if (!(IDENTITY_POLICY_TYPES as readonly string[]).includes(resource.type)) return violations;
    for (const policy of identityPolicies(resource, context)) {
      if (policy.statements === undefined) {
        violations.push({
          what: `${policy.label} cannot be read, so it is not known to be free of "*" on "*"`,
          fix: 'write it with Fn.jsonencode({...}), as a JSON string or as a DataAwsIamPolicyDocument in the same stack',
        });
        continue;
      }
      policy.statements.filter(allowsEverything).forEach((statement) => {
        violations.push({
          what: `${policy.label} allows ${statement.notActions !== undefined ? 'every action but a few (NotAction)' : '"*" actions'} on ${statement.notResources !== undefined ? 'all but a few resources (NotResource)' : '"*" resources'}`,
          fix: 'list only the actions the principal needs, or limit Resource to specific ARNs',
        });
      });
    }
    return violations;
  },
};
