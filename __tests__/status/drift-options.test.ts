// `status --live` drift for the SSE-KMS and access-log options: what each account is expected to have.
import { validateConfig } from '../../src/config';
import { driftFrom, expectedSettings, type LiveSettings } from '../../src/status';

const OWN_KEY = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const config = validateConfig(
  {
    platform: 'acme',
    stateBucket: { kms: true, accessLogs: true },
    accounts: { dev: 'acme-dev', prod: { profile: 'acme-prod', kmsKeyArn: OWN_KEY } },
  },
  'accounts.json',
);
const [dev, prod] = config.accounts as [(typeof config.accounts)[0], (typeof config.accounts)[0]];

const kmsBucket: LiveSettings = {
  versioning: 'Enabled',
  encryption: 'aws:kms',
  publicAccessBlock: 'all 4 on',
  ownership: 'BucketOwnerEnforced',
  tlsPolicy: 'deny non-TLS',
  lifecycle: 'noncurrent 90d, multipart 7d',
  kmsKeyId: OWN_KEY,
  bucketKey: true,
  accessLogging: 'acme-prod-state-logs/acme-prod-state/',
};

describe('expectedSettings', () => {
  test('an account with kmsKeyArn expects that key, a created key expects SSE-KMS, and both expect their log target', () => {
    expect(expectedSettings(config, prod)).toEqual({
      noncurrentVersionExpirationDays: 90,
      kmsKey: OWN_KEY,
      accessLogTarget: 'acme-prod-state-logs/acme-prod-state/',
    });
    expect(expectedSettings(config, dev)).toEqual({
      noncurrentVersionExpirationDays: 90,
      kmsKey: true,
      accessLogTarget: 'acme-dev-state-logs/acme-dev-state/',
    });
  });

  test('without the options only the retention is expected', () => {
    const plain = validateConfig({ platform: 'acme', accounts: { prod: 'acme-prod' } }, 'accounts.json');
    expect(expectedSettings(plain, plain.accounts[0] as (typeof plain.accounts)[0])).toEqual({
      noncurrentVersionExpirationDays: 90,
    });
  });
});

describe('driftFrom with SSE-KMS and access logs', () => {
  test('a bucket as the stack deploys it shows no drift', () => {
    expect(driftFrom(kmsBucket, expectedSettings(config, prod))).toEqual([]);
    expect(
      driftFrom(
        {
          ...kmsBucket,
          kmsKeyId: 'arn:aws:kms:us-east-1:123456789012:key/created',
          accessLogging: 'acme-dev-state-logs/acme-dev-state/',
        },
        expectedSettings(config, dev),
      ),
    ).toEqual([]);
  });

  test('SSE-S3 where SSE-KMS is configured is drift', () => {
    expect(driftFrom({ ...kmsBucket, encryption: 'AES256', bucketKey: false }, expectedSettings(config, prod))).toEqual([
      'default encryption is AES256, expected aws:kms (SSE-KMS)',
      'the S3 Bucket Key is off, expected on (it keeps KMS requests and their cost down)',
    ]);
  });

  test('another key than kmsKeyArn is drift', () => {
    const other = 'arn:aws:kms:us-east-1:123456789012:key/other';
    expect(driftFrom({ ...kmsBucket, kmsKeyId: other }, expectedSettings(config, prod))).toEqual([
      `default encryption uses KMS key ${other}, expected ${OWN_KEY}`,
    ]);
  });

  test('a bucket key switched off is drift', () => {
    expect(driftFrom({ ...kmsBucket, bucketKey: false }, expectedSettings(config, prod))).toEqual([
      'the S3 Bucket Key is off, expected on (it keeps KMS requests and their cost down)',
    ]);
  });

  test('access logging switched off or pointed elsewhere is drift', () => {
    expect(driftFrom({ ...kmsBucket, accessLogging: 'off' }, expectedSettings(config, prod))).toEqual([
      'server access logging goes to off, expected acme-prod-state-logs/acme-prod-state/',
    ]);
  });

  test('without the options, SSE-KMS and logging set by hand are not drift', () => {
    expect(driftFrom({ ...kmsBucket, accessLogging: 'elsewhere/' }, { noncurrentVersionExpirationDays: 90 })).toEqual([]);
  });
});
