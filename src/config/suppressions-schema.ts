import { z } from 'zod';
import { describeValue } from './messages';

const EXAMPLE = '{"rule": "BA-S3-1", "resource": "state-dev/state-bucket/bucket", "reason": "why the finding is acceptable"}';

/** A required, non-blank string field of a suppression. */
function textField(key: string, what: string, example: string) {
  return z
    .string({
      error: (issue) =>
        issue.input === undefined
          ? `is missing; add ${what}, e.g. "${key}": ${example}`
          : `must be a string, got ${describeValue(issue.input)}; write ${what}, e.g. "${key}": ${example}`,
    })
    .refine((value) => value.trim() !== '', { error: `is empty; write ${what}, e.g. "${key}": ${example}` });
}

/**
 * `suppressions` in accounts.json: policy-guard findings accepted on purpose, each for one rule on
 * one resource, with the reason written down. Whether each one matches a finding is checked by
 * the guard at synth (src/guard), which knows the rules and the construct tree.
 */
export const suppressionsSchema = z
  .array(
    z.strictObject(
      {
        rule: textField('rule', 'the id of the rule the finding broke', '"BA-S3-1"').describe(
          'The rule id, as printed with the finding.',
        ),
        resource: textField(
          'resource',
          'the construct path printed with the finding',
          '"state-dev/state-bucket/bucket"',
        ).describe('The construct path, as printed with the finding.'),
        reason: textField(
          'reason',
          'why this finding is acceptable',
          '"log archive bucket; versioning is handled by replication"',
        ).describe('Why the finding is acceptable; not blank.'),
      },
      {
        error: (issue) =>
          issue.code === 'invalid_type'
            ? `must be an object, got ${describeValue(issue.input)}; write e.g. ${EXAMPLE}`
            : undefined,
      },
    ),
    {
      error: (issue) =>
        `must be an array of suppressions, got ${describeValue(issue.input)}; write e.g. "suppressions": [${EXAMPLE}]`,
    },
  )
  .default([]);
