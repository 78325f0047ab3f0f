import * as ipaddr from 'ipaddr.js';
import { z } from 'zod';
import { vpcCidrProblem } from '../network/subnet-layout';
import { formatJsonPath } from './errors';
import { describeValue, JSON_NULL, typeError } from './messages';
import { nameProblem } from './names';

/** Defaults of the `"pipeline"` section of accounts.json (the internal pattern). */
export const PIPELINE_DEFAULTS = {
  cidr: '10.0.0.0/16',
  azCount: 2,
  natGateway: false,
  flowLogRetentionDays: 90,
  instanceType: 't3.small',
  rootDeviceName: '/dev/xvda',
  stateBackend: 'local',
} as const;

/** No AWS region has more availability zones than this today (us-east-1 has 6). */
export const MAX_AZ_COUNT = 6;
/** Retention values CloudWatch Logs accepts (PutRetentionPolicy); 0 (never expire) is not offered. */
export const FLOW_LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;
/** Ports that must never be open to the whole internet: remote shells (SSH, RDP). */
export const REMOTE_ADMIN_PORTS: Readonly<Record<number, string>> = { 22: 'SSH', 3389: 'RDP' };
/**
 * Longest `namePrefix`: the longest derived name, `<namePrefix>-vpc-flow-logs` (14 more
 * characters), must fit IAM's 64-character limit on role names.
 */
export const MAX_NAME_PREFIX_LENGTH = 50;
/** Characters EC2 accepts in a security-group rule description. */
const DESCRIPTION_PATTERN = /^[0-9A-Za-z_ .:/()#,@[\]+=&;{}!$*-]*$/;

const EXAMPLE_RULE = '{"cidr": "10.1.0.0/16", "port": 443, "protocol": "tcp", "description": "why"}';

/** Why `cidr` is not an IPv4 or IPv6 CIDR block in network form, or `undefined`. */
export function ruleCidrProblem(cidr: string): string | undefined {
  const isV4 = ipaddr.IPv4.isValidCIDRFourPartDecimal(cidr);
  if (!isV4 && !(cidr.includes(':') && ipaddr.IPv6.isValidCIDR(cidr))) {
    return `${JSON.stringify(cidr)} is not a CIDR block; write e.g. "10.1.0.0/16" or "2001:db8::/32"`;
  }
  const [, prefix] = ipaddr.parseCIDR(cidr);
  const network = isV4
    ? ipaddr.IPv4.networkAddressFromCIDR(cidr).toString()
    : ipaddr.IPv6.networkAddressFromCIDR(cidr).toString();
  const normalized = `${network}/${prefix}`;
  const given = isV4 ? cidr : `${ipaddr.IPv6.parse(cidr.split('/')[0] ?? '').toString()}/${prefix}`;
  if (normalized !== given) {
    return `${JSON.stringify(cidr)} has host bits set; write the network address ${JSON.stringify(normalized)}`;
  }
  return undefined;
}

/** True for `0.0.0.0/0` and `::/0` (every address). */
export function isWorldCidr(cidr: string): boolean {
  return ipaddr.isValidCIDR(cidr) && ipaddr.parseCIDR(cidr)[1] === 0;
}

function ruleSchema() {
  return z.strictObject(
    {
      cidr: z
        .string({ error: typeError('a string', '"cidr": "10.1.0.0/16"') })
        .superRefine((value, ctx) => {
          const problem = ruleCidrProblem(value);
          if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
        })
        .describe('An IPv4 or IPv6 network.'),
      port: z
        .int({ error: typeError('a whole number', '"port": 443') })
        .min(1, { error: (issue) => `${describeValue(issue.input)} is not a port; use 1 to 65535, e.g. 443` })
        .max(65535, { error: (issue) => `${describeValue(issue.input)} is not a port; use 1 to 65535, e.g. 443` })
        .describe('Port, 1 to 65535.'),
      protocol: z
        .enum(['tcp', 'udp'], {
          error: (issue) =>
            issue.input === undefined
              ? 'is missing; add "protocol": "tcp" or "udp"'
              : `must be "tcp" or "udp", got ${describeValue(issue.input)}; all-protocol rules are not offered, list each port`,
        })
        .describe('"tcp" or "udp".'),
      description: z
        .string({ error: typeError('a string', '"description": "HTTPS to the package mirror"') })
        .superRefine((value, ctx) => {
          if (value.trim() === '') {
            ctx.addIssue({ code: 'custom', message: 'is empty; say why the rule exists, e.g. "HTTPS to the package mirror"' });
          } else if (value.length > 255) {
            ctx.addIssue({ code: 'custom', message: `has ${value.length} characters, over EC2's limit of 255; shorten it` });
          } else if (!DESCRIPTION_PATTERN.test(value)) {
            ctx.addIssue({
              code: 'custom',
              message: `${JSON.stringify(value)} has characters EC2 refuses in a rule description; use letters, digits, spaces and ._-:/()#,@[]+=&;{}!$*`,
            });
          }
        })
        .describe('Why the rule exists; at most 255 characters EC2 accepts in a rule description.'),
    },
    { error: typeError(`a rule object`, EXAMPLE_RULE) },
  );
}

/** A list of rules; duplicates are refused (EC2 refuses them too, at deploy time). */
function rulesSchema(direction: 'ingress' | 'egress') {
  return z
    .array(ruleSchema(), { error: typeError('a list of rules', `"${direction}": [${EXAMPLE_RULE}]`) })
    .superRefine((rules, ctx) => {
      const seen = new Map<string, number>();
      rules.forEach((rule, index) => {
        const key = ruleKey(rule);
        const first = seen.get(key);
        if (first !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: [index],
            message: `repeats ${formatJsonPath(['pipeline', direction, first])} (${rule.protocol} port ${rule.port} from ${rule.cidr}); remove one`,
          });
        } else {
          seen.set(key, index);
        }
        if (direction === 'ingress' && isWorldCidr(rule.cidr) && REMOTE_ADMIN_PORTS[rule.port] !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: [index, 'cidr'],
            message: `opens ${REMOTE_ADMIN_PORTS[rule.port] ?? ''} (port ${rule.port}) to the whole internet; reach runners through SSM Session Manager, or limit "cidr" to your own network, e.g. "203.0.113.0/24"`,
          });
        }
        if (
          direction === 'egress' &&
          rule.protocol === 'tcp' &&
          rule.port === 443 &&
          isWorldCidr(rule.cidr) &&
          !rule.cidr.includes(':')
        ) {
          ctx.addIssue({
            code: 'custom',
            path: [index],
            message: 'HTTPS to 0.0.0.0/0 is already allowed by default; remove this rule',
          });
        }
      });
    });
}

/** Stable identity of a rule: protocol, port and CIDR (also its construct id). */
export function ruleKey(rule: { readonly protocol: string; readonly port: number; readonly cidr: string }): string {
  return `${rule.protocol}-${rule.port}-${rule.cidr}`;
}

const roleArnSchema = z
  .string({ error: typeError('a string', '"arn:aws:iam::123456789012:role/terraform-deploy"') })
  .superRefine((value, ctx) => {
    if (value.includes('*') || value.includes('?')) {
      ctx.addIssue({
        code: 'custom',
        message: `${JSON.stringify(value)} has a wildcard; list each role the runner may assume by its full ARN`,
      });
    } else if (!/^arn:aws(-cn|-us-gov)?:iam::\d{12}:role\/([\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/.test(value)) {
      ctx.addIssue({
        code: 'custom',
        message: `${JSON.stringify(value)} is not an IAM role ARN; write e.g. "arn:aws:iam::123456789012:role/terraform-deploy"`,
      });
    }
  });

/** The `"pipeline"` object: the internal pattern's network, security group, role and launch template. */
export const pipelineObjectSchema = z.strictObject(
  {
    cidr: z
      .string({ error: typeError('a string', '"cidr": "10.0.0.0/16"') })
      .superRefine((value, ctx) => {
        const problem = vpcCidrProblem(value);
        if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
      })
      .default(PIPELINE_DEFAULTS.cidr)
      .describe('IPv4 network address of the pipeline VPC, /16 to /24.'),
    azCount: z
      .int({ error: typeError('a whole number', '"azCount": 2') })
      .min(1, { error: `must be at least 1; write e.g. 2 (zones give the runners somewhere to go when one fails)` })
      .max(MAX_AZ_COUNT, { error: `must be at most ${MAX_AZ_COUNT}, the most availability zones of any region; write e.g. 2` })
      .default(PIPELINE_DEFAULTS.azCount)
      .describe('Availability zones, 1 to 6: one public (and with NAT one private) subnet each.'),
    natGateway: z
      .boolean({ error: typeError('true or false', '"natGateway": true') })
      .default(PIPELINE_DEFAULTS.natGateway)
      .describe('Private subnets behind one NAT gateway (paid); runners then get no public IPv4 address.'),
    flowLogRetentionDays: z
      .int({ error: typeError('a whole number of days', '"flowLogRetentionDays": 90') })
      .refine((days) => (FLOW_LOG_RETENTION_DAYS as readonly number[]).includes(days), {
        error: (issue) =>
          `${describeValue(issue.input)} is not a retention CloudWatch Logs accepts; use one of ${FLOW_LOG_RETENTION_DAYS.join(', ')}`,
      })
      .default(PIPELINE_DEFAULTS.flowLogRetentionDays)
      .describe('Days VPC flow logs are kept; one of the values CloudWatch Logs accepts.'),
    ingress: rulesSchema('ingress').default([]).describe("Extra inbound rules of the runners' security group."),
    egress: rulesSchema('egress').default([]).describe('Extra outbound rules, added to HTTPS to anywhere.'),
    assumableRoleArns: z
      .array(roleArnSchema, {
        error: typeError('a list of IAM role ARNs', '"assumableRoleArns": ["arn:aws:iam::123456789012:role/terraform-deploy"]'),
      })
      .superRefine((arns, ctx) => {
        arns.forEach((arn, index) => {
          const first = arns.indexOf(arn);
          if (first !== index) ctx.addIssue({ code: 'custom', path: [index], message: `repeats entry [${first}]; remove one` });
        });
      })
      .default([])
      .describe('Full IAM role ARNs the runner may assume (no wildcards).'),
    instanceType: z
      .string({ error: typeError('a string', '"instanceType": "t3.small"') })
      .regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, {
        error: (issue) => `${describeValue(issue.input)} is not an EC2 instance type; write e.g. "t3.small"`,
      })
      .default(PIPELINE_DEFAULTS.instanceType)
      .describe('EC2 instance type of the runner launch template.'),
    amiId: z
      .string({ error: typeError('a string', '"amiId": "ami-0123456789abcdef0"') })
      .regex(/^ami-([0-9a-f]{8}|[0-9a-f]{17})$/, {
        error: (issue) =>
          `${describeValue(issue.input)} is not an AMI ID; write e.g. "ami-0123456789abcdef0", or leave it out and choose the AMI at launch`,
      })
      .optional()
      .describe('AMI of the launch template; leave it out to choose the AMI at launch.'),
    rootDeviceName: z
      .string({ error: typeError('a string', '"rootDeviceName": "/dev/xvda"') })
      .regex(/^\/dev\/[a-z0-9]+$/, {
        error: (issue) =>
          `${describeValue(issue.input)} is not a device name; write the AMI's root device, e.g. "/dev/xvda" (Amazon Linux) or "/dev/sda1" (Ubuntu)`,
      })
      .default(PIPELINE_DEFAULTS.rootDeviceName)
      .describe("The AMI's root device, whose volume is encrypted: /dev/xvda (Amazon Linux), /dev/sda1 (Ubuntu)."),
    stateBackend: z
      .enum(['local', 's3'], {
        error: (issue) =>
          `${describeValue(issue.input)} is not a state backend; write "local" (a file in BOOTSTRAP_STATE_DIR) or "s3" (the production account's state bucket)`,
      })
      .default(PIPELINE_DEFAULTS.stateBackend)
      .describe('Where pipeline-prod keeps its state: "local" (a file) or "s3" (the production state bucket).'),
    namePrefix: z
      .string({ error: typeError('a string', '"namePrefix": "acme-pipeline"') })
      .superRefine((value, ctx) => {
        const problem = nameProblem(value);
        if (problem !== undefined) {
          ctx.addIssue({
            code: 'custom',
            message: `${problem}; use lowercase letters, digits and hyphens, starting and ending with a letter or digit, e.g. "acme-pipeline"`,
          });
        } else if (value.length > MAX_NAME_PREFIX_LENGTH) {
          ctx.addIssue({
            code: 'custom',
            message: `has ${value.length} characters, over ${MAX_NAME_PREFIX_LENGTH} (IAM role names derived from it are limited to 64); shorten it`,
          });
        }
      })
      .optional()
      .describe('Prefix of every name in the pipeline stack; default "<platform>-pipeline", at most 50 characters.'),
  },
  {
    error: (issue) =>
      issue.code === 'invalid_type'
        ? `must be false (external pattern: no pipeline stack) or an object like {"cidr": "10.0.0.0/16"}, got ${describeValue(issue.input)}; write e.g. "pipeline": {} for the defaults`
        : undefined,
  },
);

/**
 * `"pipeline"`: `false` for the external pattern (parsed to `null`: no pipeline stack), an object
 * (all keys optional) for the internal one; absent means the internal pattern with defaults.
 * A preprocess rather than a union: a failed union would hide zod's per-field messages.
 */
export const pipelineSchema = z.preprocess(
  (value) => (value === undefined ? {} : value === false ? null : value === null ? JSON_NULL : value),
  pipelineObjectSchema.nullable(),
);

export type PipelineSection = z.output<typeof pipelineObjectSchema>;

/** The runner role's name (and its instance profile's, launch template's, security group's): `<namePrefix>-runner`. */
export function runnerRoleName(namePrefix: string): string {
  return `${namePrefix}-runner`;
}

/** The default name prefix, `<platform>-pipeline`. */
export function defaultNamePrefix(platform: string): string {
  return `${platform}-pipeline`;
}

/**
 * Checks of the pipeline section that need other fields of the file: the default name prefix
 * derives from the platform and must fit IAM's limits.
 */
export function pipelineCrossFieldProblems(raw: unknown, file: string): string[] {
  if (typeof raw !== 'object' || raw === null) return [];
  const { platform, pipeline } = raw as Record<string, unknown>;
  if (pipeline === false || typeof platform !== 'string') return [];
  const explicit = typeof pipeline === 'object' && pipeline !== null && 'namePrefix' in pipeline;
  if (explicit) return [];
  const prefix = defaultNamePrefix(platform);
  if (prefix.length <= MAX_NAME_PREFIX_LENGTH) return [];
  return [
    `${file}: pipeline: the default name prefix "${prefix}" has ${prefix.length} characters, over ${MAX_NAME_PREFIX_LENGTH} (IAM role names are limited to 64); set a shorter "pipeline": {"namePrefix": "..."}`,
  ];
}
