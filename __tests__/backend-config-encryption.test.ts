// What the backend configs ask S3 for when the state bucket uses SSE-KMS.
import { backendConfigText } from '../src/backend-config';
import { validateConfig } from '../src/config';

const OWN_KEY = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';

function accounts(stateBucket: object) {
  return validateConfig(
    {
      platform: 'acme',
      region: 'eu-west-1',
      stateBucket,
      accounts: { dev: 'acme-dev', prod: { profile: 'acme-prod', kmsKeyArn: OWN_KEY } },
    },
    'accounts.json',
  ).accounts as [ReturnType<typeof validateConfig>['accounts'][0], ReturnType<typeof validateConfig>['accounts'][0]];
}

/** The settings of a backend file (comments left out). */
function settings(text: string): string[] {
  return text.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('#'));
}

describe('backend configs with SSE-KMS', () => {
  test('with the account’s own key, the backend encrypts with that key (kms_key_id)', () => {
    const [, prod] = accounts({});
    expect(settings(backendConfigText(prod))).toEqual([
      'bucket       = "acme-prod-state"',
      'region       = "eu-west-1"',
      'encrypt      = true',
      `kms_key_id   = "${OWN_KEY}"`,
      'use_lockfile = true',
      'profile      = "acme-prod"',
    ]);
  });

  test('with a created key, "encrypt" is left out so the bucket’s SSE-KMS default applies, and the file says why', () => {
    const [dev] = accounts({ kms: true });
    const text = backendConfigText(dev);
    expect(settings(text)).toEqual([
      'bucket       = "acme-dev-state"',
      'region       = "eu-west-1"',
      'use_lockfile = true',
      'profile      = "acme-dev"',
    ]);
    expect(text).toContain('# No "encrypt": the bucket\'s default encryption (SSE-KMS, key alias/acme-dev-state) applies');
    expect(text).toContain('"encrypt = true" would make Terraform ask S3 for SSE-S3 (AES256) instead');
  });

  test('without SSE-KMS, the backend keeps encrypt = true', () => {
    const [dev] = accounts({});
    expect(settings(backendConfigText(dev))).toContain('encrypt      = true');
    expect(backendConfigText(dev)).not.toContain('kms_key_id');
  });

  test('access logs change nothing in the backend config', () => {
    const [dev] = accounts({ accessLogs: true });
    expect(backendConfigText(dev)).toBe(backendConfigText(accounts({})[0]));
  });
});
