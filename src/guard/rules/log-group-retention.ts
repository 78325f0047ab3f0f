import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import type { GuardRule } from '../rule';

/**
 * BA-LOG-1: every CloudWatch log group has a retention.
 *
 * Without `retention_in_days` (or with 0) a log group keeps everything forever: storage costs grow
 * without bound, and logs that may contain sensitive data outlive any retention policy. A stated
 * retention is a decision someone can review.
 */
export const logGroupRetention: GuardRule = {
  id: 'BA-LOG-1',
  title: 'Every CloudWatch log group has a retention',
  explanation:
    'Without a retention a log group keeps everything forever: costs grow without bound and logs that may hold sensitive data outlive any retention policy.',
  resourceTypes: [CloudwatchLogGroup.tfResourceType],
  check(group) {
    const days = group.config.retention_in_days;
    if (typeof days === 'number' && days > 0) return [];
    if (typeof days === 'string' && days.includes('${')) return [];
    return [
      {
        what:
          days === undefined || days === 0
            ? 'the log group keeps its logs forever (no retention_in_days)'
            : `the log group's retention_in_days ${JSON.stringify(days)} is not a positive number of days`,
        fix: "set retentionInDays to one of CloudWatch's values, e.g. 90 or 365",
      },
    ];
  },
};
