// The tags that prove a bucket is this project's own (src/existing-bucket/ownership.ts).
import { MANAGED_BY } from '../../src/constructs/aws-provider';
import { ownershipOf, ownershipTags } from '../../src/existing-bucket/ownership';

const owner = { platform: 'acme', account: 'dev', stack: 'state-dev' };
const ours = { ...ownershipTags(owner), 'managed-by': MANAGED_BY, platform: 'acme', account: 'dev' };

test('the tags name platform, account and stack under the project’s own prefix', () => {
  expect(ownershipTags(owner)).toEqual({
    'bootstrap-aws:platform': 'acme',
    'bootstrap-aws:account': 'dev',
    'bootstrap-aws:stack': 'state-dev',
  });
});

test('a bucket with exactly these tags and managed-by is ours, whatever other tags it has', () => {
  expect(ownershipOf({ ...ours, team: 'platform' }, owner)).toEqual({ kind: 'ours' });
});

test('a bucket without any of them is untagged', () => {
  expect(ownershipOf({}, owner)).toEqual({ kind: 'untagged' });
  // The providers' default tags alone are common words: they prove nothing.
  expect(ownershipOf({ platform: 'acme', account: 'dev' }, owner)).toEqual({ kind: 'untagged' });
});

test('tags of another stack, account or platform, or only some of them, are not ours and are listed', () => {
  expect(ownershipOf({ ...ours, 'bootstrap-aws:stack': 'state-qa' }, owner)).toEqual({
    kind: 'other',
    tags: 'bootstrap-aws:platform=acme, bootstrap-aws:account=dev, bootstrap-aws:stack=state-qa, managed-by=bootstrap-aws',
  });
  expect(ownershipOf({ ...ours, 'bootstrap-aws:platform': 'other' }, owner).kind).toBe('other');
  expect(ownershipOf({ 'managed-by': MANAGED_BY }, owner)).toEqual({ kind: 'other', tags: 'managed-by=bootstrap-aws' });
});
