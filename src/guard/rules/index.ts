import type { GuardRule } from '../rule';
import { iamAccountTrustNarrowed } from './iam-account-trust-narrowed';
import { iamAdminRoleBoundary } from './iam-admin-role-boundary';
import { iamBoundaryNotAdmin } from './iam-boundary-not-admin';
import { iamNoAdminStatement } from './iam-no-admin-statement';
import { iamNoPassRoleOnAll } from './iam-no-pass-role-on-all';
import { iamOidcTrustAudience } from './iam-oidc-trust-audience';
import { iamOidcTrustForAllValues } from './iam-oidc-trust-for-all-values';
import { iamOidcTrustKeyCase } from './iam-oidc-trust-key-case';
import { iamOidcTrustSubject } from './iam-oidc-trust-subject';
import { iamTrustPrincipalWildcard } from './iam-trust-principal-wildcard';
import { kmsKeyExplicitPolicy } from './kms-key-explicit-policy';
import { logGroupRetention } from './log-group-retention';
import { s3BucketEncryption } from './s3-bucket-encryption';
import { s3BucketOwnershipControls } from './s3-bucket-ownership-controls';
import { s3BucketPublicAccessBlock } from './s3-bucket-public-access-block';
import { s3BucketTlsOnly } from './s3-bucket-tls-only';
import { s3BucketVersioning } from './s3-bucket-versioning';
import { securityGroupOpenToWorld } from './security-group-open-to-world';
import { vpcDefaultSecurityGroupLocked } from './vpc-default-security-group-locked';
import { vpcFlowLogs } from './vpc-flow-logs';

/** Every rule the guard enforces, in the order findings are reported. */
export const ALL_RULES: readonly GuardRule[] = [
  s3BucketVersioning,
  s3BucketEncryption,
  s3BucketPublicAccessBlock,
  s3BucketOwnershipControls,
  s3BucketTlsOnly,
  securityGroupOpenToWorld,
  iamNoAdminStatement,
  iamNoPassRoleOnAll,
  iamOidcTrustAudience,
  iamOidcTrustSubject,
  iamOidcTrustForAllValues,
  iamAccountTrustNarrowed,
  iamAdminRoleBoundary,
  iamBoundaryNotAdmin,
  iamOidcTrustKeyCase,
  iamTrustPrincipalWildcard,
  vpcFlowLogs,
  vpcDefaultSecurityGroupLocked,
  logGroupRetention,
  kmsKeyExplicitPolicy,
];

export {
  iamAccountTrustNarrowed,
  iamAdminRoleBoundary,
  iamBoundaryNotAdmin,
  iamNoAdminStatement,
  iamNoPassRoleOnAll,
  iamOidcTrustAudience,
  iamOidcTrustForAllValues,
  iamOidcTrustKeyCase,
  iamOidcTrustSubject,
  iamTrustPrincipalWildcard,
  kmsKeyExplicitPolicy,
  logGroupRetention,
  s3BucketEncryption,
  s3BucketOwnershipControls,
  s3BucketPublicAccessBlock,
  s3BucketTlsOnly,
  s3BucketVersioning,
  securityGroupOpenToWorld,
  vpcDefaultSecurityGroupLocked,
  vpcFlowLogs,
};
