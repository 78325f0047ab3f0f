/**
 * What an AWS service needs of a customer-managed key to encrypt on a caller's behalf. One module that
 * the key policy, the identity policies and the pipeline's reach (src/constructs/pipeline-reach.ts) all
 * read, so that what a policy grants and what another denies are the same list.
 */

/** What S3 needs to encrypt and decrypt objects (and S3 Bucket Keys) on behalf of a caller. */
export const S3_USE_ACTIONS = ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey*'] as const;

/** What DynamoDB needs for a table encrypted with a customer-managed key (AWS's DynamoDB key-policy example). */
export const DYNAMODB_USE_ACTIONS = [...S3_USE_ACTIONS, 'kms:ReEncrypt*'] as const;
