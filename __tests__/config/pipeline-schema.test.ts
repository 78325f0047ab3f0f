import { ConfigError, validateConfig } from '../../src/config';
import { problemsOf } from '../support/problems';
import { FLOW_LOG_RETENTION_DAYS, isWorldCidr, PIPELINE_DEFAULTS, ruleCidrProblem } from '../../src/config/pipeline-schema';

const BASE = { platform: 'acme', accounts: { dev: 'acme-dev', prod: 'acme-prod' } };
const RULE = { cidr: '10.1.0.0/16', port: 8443, protocol: 'tcp', description: 'Webhooks from the VCS proxy' };

/** The problems reported for `pipeline`, or [] when it is valid. */
function problems(pipeline: unknown, extra: Record<string, unknown> = {}): string[] {
  try {
    validateConfig({ ...BASE, ...extra, pipeline }, 'accounts.json');
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
}

function pipelineOf(raw: Record<string, unknown>) {
  return validateConfig(raw, 'accounts.json').pipeline;
}

describe('the "pipeline" section of accounts.json', () => {
  test('absent: the internal pattern with every default', () => {
    expect(pipelineOf(BASE)).toEqual({
      cidr: '10.0.0.0/16',
      azCount: 2,
      natGateway: false,
      flowLogRetentionDays: 90,
      ingress: [],
      egress: [],
      assumableRoleArns: [],
      instanceType: 't3.small',
      rootDeviceName: '/dev/xvda',
      stateBackend: 'local',
      namePrefix: 'acme-pipeline',
    });
    expect(PIPELINE_DEFAULTS.cidr).toBe('10.0.0.0/16');
  });

  test('an empty object is the same as absent', () => {
    expect(pipelineOf({ ...BASE, pipeline: {} })).toEqual(pipelineOf(BASE));
  });

  test('false: the external pattern, no pipeline', () => {
    expect(pipelineOf({ ...BASE, pipeline: false })).toBeUndefined();
  });

  test('every option is read as given', () => {
    const pipeline = {
      cidr: '172.16.0.0/20',
      azCount: 3,
      natGateway: true,
      flowLogRetentionDays: 365,
      ingress: [RULE],
      egress: [{ cidr: '2001:db8::/32', port: 53, protocol: 'udp', description: 'DNS over IPv6' }],
      assumableRoleArns: ['arn:aws:iam::123456789012:role/deploy', 'arn:aws-us-gov:iam::123456789012:role/path/to/deploy'],
      instanceType: 'm7g.large',
      amiId: 'ami-0123456789abcdef0',
      rootDeviceName: '/dev/sda1',
      stateBackend: 's3',
      namePrefix: 'ci',
    };
    expect(pipelineOf({ ...BASE, pipeline })).toEqual(pipeline);
  });

  describe('without a pipeline stack ("pipeline": false) no production account is needed', () => {
    const noProd = { platform: 'acme', accounts: { dev: 'acme-dev', live: 'acme-live' } };

    test('a file without a "prod" account is valid', () => {
      const config = validateConfig({ ...noProd, pipeline: false }, 'accounts.json');
      expect(config.pipeline).toBeUndefined();
      expect(config.accounts.map((account) => account.name)).toEqual(['dev', 'live']);
    });

    test('with the pipeline stack the default "prod" is still required', () => {
      expect(problemsOf(() => validateConfig({ ...noProd, pipeline: {} }, 'accounts.json'))).toEqual([
        'accounts.json: accounts: the production account "prod" is not among the accounts (dev, live); add a "prod" account or set "productionAccount" to one of them',
      ]);
    });

    test('an explicit productionAccount must still name an account, as other settings refer to it', () => {
      expect(problemsOf(() => validateConfig({ ...noProd, productionAccount: 'prd', pipeline: false }, 'accounts.json'))).toEqual(
        [
          'accounts.json: productionAccount: the production account "prd" is not among the accounts (dev, live); add a "prd" account or set "productionAccount" to one of them',
        ],
      );
    });
  });

  test('the production account may be another one: the pipeline does not depend on its name', () => {
    expect(pipelineOf({ ...BASE, productionAccount: 'dev', pipeline: { azCount: 1 } })?.azCount).toBe(1);
  });

  test.each<[string, unknown, string]>([
    [
      'true',
      true,
      'accounts.json: pipeline: must be false (external pattern: no pipeline stack) or an object like {"cidr": "10.0.0.0/16"}, got the boolean true; write e.g. "pipeline": {} for the defaults',
    ],
    [
      'null',
      null,
      'accounts.json: pipeline: must be false (external pattern: no pipeline stack) or an object like {"cidr": "10.0.0.0/16"}, got null; write e.g. "pipeline": {} for the defaults',
    ],
    [
      'a list',
      [],
      'accounts.json: pipeline: must be false (external pattern: no pipeline stack) or an object like {"cidr": "10.0.0.0/16"}, got an array; write e.g. "pipeline": {} for the defaults',
    ],
    [
      'an unknown key, with a suggestion',
      { natGateways: true },
      'accounts.json: pipeline.natGateways: unknown key; did you mean "natGateway"? remove or rename it (allowed here: cidr, azCount, natGateway, flowLogRetentionDays, ingress, egress, assumableRoleArns, instanceType, amiId, rootDeviceName, stateBackend, namePrefix)',
    ],
    [
      'a CIDR that is not one',
      { cidr: '10.0.0/16' },
      'accounts.json: pipeline.cidr: "10.0.0/16" is not an IPv4 CIDR block; write e.g. "10.0.0.0/16"',
    ],
    [
      'a CIDR with host bits',
      { cidr: '10.0.3.0/16' },
      'accounts.json: pipeline.cidr: "10.0.3.0/16" has host bits set; write the network address "10.0.0.0/16"',
    ],
    [
      'a VPC too small for its subnets',
      { cidr: '10.0.0.0/27' },
      'accounts.json: pipeline.cidr: "10.0.0.0/27" is too small: its subnets would be /31, below AWS\'s smallest subnet /28 (the VPC is split in 16 equal subnets); use a /16 to /24 block, e.g. "10.0.0.0/16"',
    ],
    [
      'a VPC larger than AWS allows',
      { cidr: '10.0.0.0/12' },
      'accounts.json: pipeline.cidr: "10.0.0.0/12" is larger than AWS allows for a VPC (/16 at most); use a /16 to /24 block, e.g. "10.0.0.0/16"',
    ],
    [
      'no zones',
      { azCount: 0 },
      'accounts.json: pipeline.azCount: must be at least 1; write e.g. 2 (zones give the runners somewhere to go when one fails)',
    ],
    [
      'more zones than any region has',
      { azCount: 7 },
      'accounts.json: pipeline.azCount: must be at most 6, the most availability zones of any region; write e.g. 2',
    ],
    [
      'a fractional zone count',
      { azCount: 1.5 },
      'accounts.json: pipeline.azCount: must be a whole number, got the number 1.5; write e.g. "azCount": 2',
    ],
    [
      'natGateway as a string',
      { natGateway: 'yes' },
      'accounts.json: pipeline.natGateway: must be true or false, got the string "yes"; write e.g. "natGateway": true',
    ],
    [
      'a retention CloudWatch refuses',
      { flowLogRetentionDays: 45 },
      `accounts.json: pipeline.flowLogRetentionDays: the number 45 is not a retention CloudWatch Logs accepts; use one of ${FLOW_LOG_RETENTION_DAYS.join(', ')}`,
    ],
    [
      'rules that are not a list',
      { ingress: RULE },
      'accounts.json: pipeline.ingress: must be a list of rules, got an object; write e.g. "ingress": [{"cidr": "10.1.0.0/16", "port": 443, "protocol": "tcp", "description": "why"}]',
    ],
    [
      'a rule without description',
      { egress: [{ cidr: '10.1.0.0/16', port: 443, protocol: 'tcp' }] },
      'accounts.json: pipeline.egress[0].description: is missing; add it, e.g. "description": "HTTPS to the package mirror"',
    ],
    [
      'a blank description',
      { egress: [{ ...RULE, description: '  ' }] },
      'accounts.json: pipeline.egress[0].description: is empty; say why the rule exists, e.g. "HTTPS to the package mirror"',
    ],
    [
      'a description EC2 refuses',
      { egress: [{ ...RULE, description: 'naïve <script>' }] },
      'accounts.json: pipeline.egress[0].description: "naïve <script>" has characters EC2 refuses in a rule description; use letters, digits, spaces and ._-:/()#,@[]+=&;{}!$*',
    ],
    [
      'a rule CIDR that is not one',
      { ingress: [{ ...RULE, cidr: 'office' }] },
      'accounts.json: pipeline.ingress[0].cidr: "office" is not a CIDR block; write e.g. "10.1.0.0/16" or "2001:db8::/32"',
    ],
    [
      'a rule CIDR with host bits',
      { ingress: [{ ...RULE, cidr: '10.1.2.3/16' }] },
      'accounts.json: pipeline.ingress[0].cidr: "10.1.2.3/16" has host bits set; write the network address "10.1.0.0/16"',
    ],
    [
      'port 0',
      { ingress: [{ ...RULE, port: 0 }] },
      'accounts.json: pipeline.ingress[0].port: the number 0 is not a port; use 1 to 65535, e.g. 443',
    ],
    [
      'port 70000',
      { ingress: [{ ...RULE, port: 70000 }] },
      'accounts.json: pipeline.ingress[0].port: the number 70000 is not a port; use 1 to 65535, e.g. 443',
    ],
    [
      'an all-protocols rule',
      { ingress: [{ ...RULE, protocol: '-1' }] },
      'accounts.json: pipeline.ingress[0].protocol: must be "tcp" or "udp", got the string "-1"; all-protocol rules are not offered, list each port',
    ],
    [
      'an unknown rule key',
      { ingress: [{ ...RULE, ports: 1 }] },
      'accounts.json: pipeline.ingress[0].ports: unknown key; did you mean "port"? remove or rename it (allowed here: cidr, port, protocol, description)',
    ],
    [
      'SSH open to the world',
      { ingress: [{ ...RULE, cidr: '0.0.0.0/0', port: 22 }] },
      'accounts.json: pipeline.ingress[0].cidr: opens SSH (port 22) to the whole internet; reach runners through SSM Session Manager, or limit "cidr" to your own network, e.g. "203.0.113.0/24"',
    ],
    [
      'RDP open to the IPv6 world',
      { ingress: [RULE, { ...RULE, cidr: '::/0', port: 3389 }] },
      'accounts.json: pipeline.ingress[1].cidr: opens RDP (port 3389) to the whole internet; reach runners through SSM Session Manager, or limit "cidr" to your own network, e.g. "203.0.113.0/24"',
    ],
    [
      'a duplicate rule',
      { egress: [RULE, { ...RULE, description: 'again' }] },
      'accounts.json: pipeline.egress[1]: repeats pipeline.egress[0] (tcp port 8443 from 10.1.0.0/16); remove one',
    ],
    [
      'the default HTTPS egress again',
      { egress: [{ ...RULE, cidr: '0.0.0.0/0', port: 443 }] },
      'accounts.json: pipeline.egress[0]: HTTPS to 0.0.0.0/0 is already allowed by default; remove this rule',
    ],
    [
      'a role ARN with a wildcard',
      { assumableRoleArns: ['arn:aws:iam::123456789012:role/*'] },
      'accounts.json: pipeline.assumableRoleArns[0]: "arn:aws:iam::123456789012:role/*" has a wildcard; list each role the runner may assume by its full ARN',
    ],
    [
      'a user ARN instead of a role',
      { assumableRoleArns: ['arn:aws:iam::123456789012:user/deploy'] },
      'accounts.json: pipeline.assumableRoleArns[0]: "arn:aws:iam::123456789012:user/deploy" is not an IAM role ARN; write e.g. "arn:aws:iam::123456789012:role/terraform-deploy"',
    ],
    [
      'a role ARN with a short account ID',
      { assumableRoleArns: ['arn:aws:iam::12345:role/deploy'] },
      'accounts.json: pipeline.assumableRoleArns[0]: "arn:aws:iam::12345:role/deploy" is not an IAM role ARN; write e.g. "arn:aws:iam::123456789012:role/terraform-deploy"',
    ],
    [
      'a repeated role ARN',
      { assumableRoleArns: ['arn:aws:iam::123456789012:role/a', 'arn:aws:iam::123456789012:role/a'] },
      'accounts.json: pipeline.assumableRoleArns[1]: repeats entry [0]; remove one',
    ],
    [
      'a role ARN list as a string',
      { assumableRoleArns: 'arn:aws:iam::123456789012:role/a' },
      'accounts.json: pipeline.assumableRoleArns: must be a list of IAM role ARNs, got the string "arn:aws:iam::123456789012:role/a"; write e.g. "assumableRoleArns": ["arn:aws:iam::123456789012:role/terraform-deploy"]',
    ],
    [
      'an instance type without family',
      { instanceType: 'large' },
      'accounts.json: pipeline.instanceType: the string "large" is not an EC2 instance type; write e.g. "t3.small"',
    ],
    [
      'a malformed AMI ID',
      { amiId: 'ami-123' },
      'accounts.json: pipeline.amiId: the string "ami-123" is not an AMI ID; write e.g. "ami-0123456789abcdef0", or leave it out and choose the AMI at launch',
    ],
    [
      'a root device that is not a device',
      { rootDeviceName: 'xvda' },
      'accounts.json: pipeline.rootDeviceName: the string "xvda" is not a device name; write the AMI\'s root device, e.g. "/dev/xvda" (Amazon Linux) or "/dev/sda1" (Ubuntu)',
    ],
    [
      'an uppercase name prefix',
      { namePrefix: 'CI' },
      'accounts.json: pipeline.namePrefix: "CI" contains uppercase letters, which S3 bucket names do not allow; use lowercase letters, digits and hyphens, starting and ending with a letter or digit, e.g. "acme-pipeline"',
    ],
    [
      'a name prefix too long for IAM',
      { namePrefix: 'a'.repeat(51) },
      'accounts.json: pipeline.namePrefix: has 51 characters, over 50 (IAM role names derived from it are limited to 64); shorten it',
    ],
  ])('refuses %s with one line naming the field and the fix', (_, pipeline, message) => {
    expect(problems(pipeline)).toEqual([message]);
  });

  test('a long platform whose default name prefix would break IAM limits asks for an explicit namePrefix', () => {
    const platform = 'p'.repeat(42);
    expect(problems({}, { platform })).toEqual([
      `accounts.json: pipeline: the default name prefix "${platform}-pipeline" has 51 characters, over 50 (IAM role names are limited to 64); set a shorter "pipeline": {"namePrefix": "..."}`,
    ]);
    expect(problems({ namePrefix: 'ci' }, { platform })).toEqual([]);
    expect(problems(false, { platform })).toEqual([]);
  });

  test('every problem of the section is reported at once', () => {
    expect(problems({ cidr: 'x', azCount: 0, amiId: 'y' })).toHaveLength(3);
  });
});

describe('rule CIDR helpers', () => {
  test('ruleCidrProblem accepts IPv4 and IPv6 networks', () => {
    expect(ruleCidrProblem('203.0.113.0/24')).toBeUndefined();
    expect(ruleCidrProblem('2001:db8::/32')).toBeUndefined();
    expect(ruleCidrProblem('2001:db8::1/32')).toMatch(/host bits set; write the network address "2001:db8::\/32"/);
  });

  test('isWorldCidr is true only for /0', () => {
    expect(isWorldCidr('0.0.0.0/0')).toBe(true);
    expect(isWorldCidr('::/0')).toBe(true);
    expect(isWorldCidr('0.0.0.0/1')).toBe(false);
  });
});
