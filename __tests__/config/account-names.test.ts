import { maxAccountNameLength, proposeAccountNames, slug } from '../../src/config/account-names';
import { accessLogBucketName, nameProblem, stateBucketName } from '../../src/config/names';

const request = (accountId: string, awsName: string): { accountId: string; awsName: string } => ({ accountId, awsName });

test('a valid AWS account name is kept as it is, with no reason given', () => {
  const [proposal] = proposeAccountNames([request('111111111111', 'dev')], { taken: [], platform: 'acme' });
  expect(proposal).toEqual({ accountId: '111111111111', awsName: 'dev', name: 'dev', reasons: [] });
});

test.each([
  ['Prod Account', 'prod-account', /uppercase/],
  ['shared.services', 'shared-services', /period/],
  ['log_archive', 'log-archive', /characters other than/],
  ['-audit-', 'audit', /hyphen/],
  ['Produção  São Paulo', 'producao-sao-paulo', /uppercase/],
  ['team  a__b', 'team-a-b', /whitespace/],
])('the invalid name %j becomes %j, and the reason says what was wrong', (awsName, name, why) => {
  const [proposal] = proposeAccountNames([request('111111111111', awsName)], { taken: [], platform: 'acme' });
  expect(proposal?.name).toBe(name);
  expect(nameProblem(name)).toBeUndefined();
  expect(proposal?.reasons.join(' ')).toMatch(why);
});

test('a name with no usable character becomes account-<id>, and says so', () => {
  const [proposal] = proposeAccountNames([request('222222222222', '本番環境')], { taken: [], platform: 'acme' });
  expect(proposal?.name).toBe('account-222222222222');
  expect(proposal?.reasons.join(' ')).toMatch(/keeps no usable character/);
});

test('a digits-only name is valid and kept as it is', () => {
  const [proposal] = proposeAccountNames([request('333333333333', '2024')], { taken: [], platform: 'acme' });
  expect(proposal?.name).toBe('2024');
  expect(proposal?.reasons).toEqual([]);
});

test('a long name is shortened so that the state bucket name fits 63 characters with the platform', () => {
  const awsName = 'the-shared-services-platform-team-of-the-northern-region-production';
  const [proposal] = proposeAccountNames([request('444444444444', awsName)], { taken: [], platform: 'acme-corp' });
  const name = proposal?.name ?? '';
  expect(stateBucketName('acme-corp', name).length).toBeLessThanOrEqual(63);
  expect(stateBucketName('acme-corp', name).length).toBeGreaterThanOrEqual(62);
  expect(name.endsWith('-')).toBe(false);
  expect(awsName.startsWith(name)).toBe(true);
  expect(proposal?.reasons.join(' ')).toMatch(/shortened to \d+ characters .*acme-corp-<name>-state/);
});

test('with access logs on, the longer access-log bucket name is the one that must fit', () => {
  const awsName = 'a'.repeat(80);
  const [proposal] = proposeAccountNames([request('444444444444', awsName)], { taken: [], platform: 'acme', accessLogs: true });
  expect(accessLogBucketName('acme', proposal?.name ?? '')).toHaveLength(63);
  expect(maxAccountNameLength('acme', true)).toBe(maxAccountNameLength('acme', false) - '-logs'.length);
});

test('a name already in accounts.json is never proposed again: the end of the account ID is appended, with the reason', () => {
  const [proposal] = proposeAccountNames([request('555555551234', 'prod')], { taken: ['prod', 'dev'], platform: 'acme' });
  expect(proposal?.name).toBe('prod-1234');
  expect(proposal?.reasons.join(' ')).toMatch(/an account of accounts.json is already named "prod"/);
});

test('when the short suffix is taken too, the whole account ID is appended', () => {
  const [proposal] = proposeAccountNames([request('555555551234', 'prod')], { taken: ['prod', 'prod-1234'], platform: 'acme' });
  expect(proposal?.name).toBe('prod-555555551234');
});

test('accounts of the organization whose names collide with each other get distinct names', () => {
  const proposals = proposeAccountNames(
    [
      request('900000000001', 'Dev'),
      request('100000000002', 'dev'),
      request('500000000003', 'DEV'),
      request('300000000004', 'D e v'),
    ],
    { taken: [], platform: 'acme' },
  );
  const names = proposals.map((proposal) => proposal.name);
  expect(new Set(names).size).toBe(4);
  // The account whose AWS name is valid as it is keeps it.
  expect(proposals[1]?.name).toBe('dev');
  expect(proposals[1]?.reasons).toEqual([]);
  // The others would all become "dev" too, so each gets the end of its account ID.
  expect(proposals[0]?.name).toBe('dev-0001');
  expect(proposals[0]?.reasons.join(' ')).toMatch(/"dev" is already proposed for account 100000000002 \("dev"\)/);
  expect(proposals[2]?.name).toBe('dev-0003');
  expect(proposals[3]?.name).toBe('d-e-v');
});

test('the names do not depend on the order the organization lists its accounts in', () => {
  const accounts = [request('900000000001', 'Team A'), request('100000000002', 'team a'), request('500000000003', 'team-a')];
  const forward = proposeAccountNames(accounts, { taken: [], platform: 'acme' });
  const backward = proposeAccountNames([...accounts].reverse(), { taken: [], platform: 'acme' });
  const byId = (proposals: readonly { accountId: string; name: string }[]): Record<string, string> =>
    Object.fromEntries(proposals.map((proposal) => [proposal.accountId, proposal.name]));
  expect(byId(backward)).toEqual(byId(forward));
  expect(byId(forward)['500000000003']).toBe('team-a');
});

test('a suffixed long name is shortened before the suffix, so it still fits', () => {
  const long = 'x'.repeat(70);
  const proposals = proposeAccountNames([request('111111110001', long), request('111111110002', `${long}!`)], {
    taken: [],
    platform: 'acme',
  });
  expect(proposals[0]?.name).not.toBe(proposals[1]?.name);
  for (const proposal of proposals) expect(stateBucketName('acme', proposal.name).length).toBeLessThanOrEqual(63);
  expect(proposals[1]?.name.endsWith('-0002')).toBe(true);
});

test('slug drops accents and turns runs of other characters into single hyphens', () => {
  expect(slug('  Ünïcode -- Ltd. ')).toBe('unicode-ltd');
  expect(slug('***')).toBe('');
});
