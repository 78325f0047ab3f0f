import { tlsVerdict } from '../../src/report/bucket-report';

const ARN = 'arn:aws:s3:::acme-dev-state';

function policy(statements: unknown[]): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

const denyInsecure = (resource: string | string[], value: unknown = 'false') => ({
  Effect: 'Deny',
  Principal: '*',
  Action: 's3:*',
  Resource: resource,
  Condition: { Bool: { 'aws:SecureTransport': value } },
});

describe('the TLS-policy verdict of the sandbox table', () => {
  test('is "deny non-TLS" when a Deny on aws:SecureTransport=false covers the bucket and its objects', () => {
    expect(tlsVerdict(policy([denyInsecure([ARN, `${ARN}/*`])]), 'acme-dev-state')).toBe('deny non-TLS');
    expect(tlsVerdict(policy([denyInsecure(ARN), denyInsecure(`${ARN}/*`, false)]), 'acme-dev-state')).toBe('deny non-TLS');
  });

  test('is "partial" when only the bucket or only its objects are covered', () => {
    expect(tlsVerdict(policy([denyInsecure(ARN)]), 'acme-dev-state')).toBe('partial');
    expect(tlsVerdict(policy([denyInsecure(`${ARN}/*`)]), 'acme-dev-state')).toBe('partial');
  });

  test('is "missing" without a policy, for an Allow, for the wrong condition or another bucket', () => {
    expect(tlsVerdict(undefined, 'acme-dev-state')).toBe('missing');
    expect(tlsVerdict(policy([{ ...denyInsecure([ARN, `${ARN}/*`]), Effect: 'Allow' }]), 'acme-dev-state')).toBe('missing');
    expect(tlsVerdict(policy([denyInsecure([ARN, `${ARN}/*`], 'true')]), 'acme-dev-state')).toBe('missing');
    expect(tlsVerdict(policy([denyInsecure([ARN, `${ARN}/*`])]), 'other-bucket')).toBe('missing');
  });
});
