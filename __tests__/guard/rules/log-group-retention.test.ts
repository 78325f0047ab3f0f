import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { logGroupRetention } from '../../../src/guard/rules';
import { findings } from '../fixtures';

describe('BA-LOG-1 log group retention', () => {
  test('a log group with a retention passes', () => {
    expect(findings(logGroupRetention, (stack) => new CloudwatchLogGroup(stack, 'logs', { retentionInDays: 90 }))).toEqual([]);
  });

  test('a log group without a retention fails', () => {
    expect(findings(logGroupRetention, (stack) => new CloudwatchLogGroup(stack, 'logs', { name: 'x' }))).toEqual([
      "BA-LOG-1 fixture/logs: the log group keeps its logs forever (no retention_in_days); set retentionInDays to one of CloudWatch's values, e.g. 90 or 365",
    ]);
  });

  test('a retention of 0 (never expire) fails', () => {
    expect(findings(logGroupRetention, (stack) => new CloudwatchLogGroup(stack, 'logs', { retentionInDays: 0 }))).toHaveLength(1);
  });
});
