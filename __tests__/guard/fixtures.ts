// Fixtures for the policy-guard tests: small stacks built in the test, never the real stacks.
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { Fn, TerraformStack, Testing } from 'cdktf';
import type { Construct } from 'constructs';
import { PolicyGuard } from '../../src/guard';
import type { GuardRule } from '../../src/guard';

/** The lines `rule` reports for the stack `build` creates (stack id `fixture`). */
export function findings(rule: GuardRule, build: (stack: TerraformStack) => void): string[] {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'fixture');
  build(stack);
  return [...new PolicyGuard({ rules: [rule] }).check(app).errors];
}

/** The TLS-only statement of a bucket policy, as a jsonencode'd object. */
export function tlsOnlyPolicy(bucket: S3Bucket): string {
  return Fn.jsonencode({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Resource: [bucket.arn, `${bucket.arn}/*`],
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
    ],
  });
}

export interface BucketParts {
  readonly versioning?: boolean;
  readonly encryption?: boolean;
  readonly publicAccessBlock?: boolean;
  readonly ownershipControls?: boolean;
  /** The bucket policy's JSON, or `false` for none. */
  readonly policy?: false | ((bucket: S3Bucket) => string);
}

/** A bucket with every part the S3 rules ask for, unless a part is switched off (`false`). */
export function bucket(scope: Construct, id: string, parts: BucketParts = {}): S3Bucket {
  const b = new S3Bucket(scope, id, { bucket: `${id}-bucket` });
  if (parts.versioning !== false) {
    new S3BucketVersioningA(scope, `${id}-versioning`, { bucket: b.id, versioningConfiguration: { status: 'Enabled' } });
  }
  if (parts.encryption !== false) {
    new S3BucketServerSideEncryptionConfigurationA(scope, `${id}-encryption`, {
      bucket: b.id,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }],
    });
  }
  if (parts.publicAccessBlock !== false) {
    new S3BucketPublicAccessBlock(scope, `${id}-pab`, {
      bucket: b.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
  }
  if (parts.ownershipControls !== false) {
    new S3BucketOwnershipControls(scope, `${id}-ownership`, { bucket: b.id, rule: { objectOwnership: 'BucketOwnerEnforced' } });
  }
  if (parts.policy !== false) {
    new S3BucketPolicy(scope, `${id}-policy`, { bucket: b.id, policy: (parts.policy ?? tlsOnlyPolicy)(b) });
  }
  return b;
}
