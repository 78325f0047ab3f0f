import { PIPELINE_KEY_USE_ACTIONS } from '../../src/constructs/pipeline-reach';
import { DYNAMODB_USE_ACTIONS, S3_USE_ACTIONS } from '../../src/constructs/kms-use-actions';

describe('the KMS actions services need of a key', () => {
  it('gives DynamoDB everything S3 needs, plus re-encryption', () => {
    expect(DYNAMODB_USE_ACTIONS).toEqual(expect.arrayContaining([...S3_USE_ACTIONS]));
    expect(DYNAMODB_USE_ACTIONS.filter((action) => !(S3_USE_ACTIONS as readonly string[]).includes(action))).toEqual([
      'kms:ReEncrypt*',
    ]);
  });

  it('lets the pipeline use the state key for exactly what S3 and DynamoDB need, nothing that administers it', () => {
    expect([...PIPELINE_KEY_USE_ACTIONS].sort()).toEqual([...new Set([...S3_USE_ACTIONS, ...DYNAMODB_USE_ACTIONS])].sort());
    expect(PIPELINE_KEY_USE_ACTIONS.some((action) => /Grant|Policy|Alias|Delete|Disable/.test(action))).toBe(false);
  });
});
