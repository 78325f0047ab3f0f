import { z } from 'zod';
import { describeValue, typeError } from './messages';
import { nameProblem } from './names';
import { accountPipelineAccessSchema, pipelineAccessSchema } from './pipeline-access-schema';
import { pipelineSchema } from './pipeline-schema';
import { suppressionsSchema } from './suppressions-schema';

/** Region used when neither the account nor the file names one. */
export const DEFAULT_REGION = 'us-east-1';
/** Account that hosts the pipeline stack when `productionAccount` is not set. */
export const DEFAULT_PRODUCTION_ACCOUNT = 'prod';
/** Days a noncurrent (overwritten or deleted) state version is kept before S3 expires it. */
export const DEFAULT_NONCURRENT_VERSION_EXPIRATION_DAYS = 90;

/** Days server access logs are kept in the access-log bucket when `stateBucket.accessLogs` is on. */
export const DEFAULT_ACCESS_LOG_RETENTION_DAYS = 365;

/** A KMS key ARN (not an alias): S3 default encryption needs the key itself, in any partition. */
const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z]{2}(-[a-z]+)+-\d+:\d{12}:key\/[0-9a-zA-Z-]+$/;

/** An IAM role or user ARN, in any partition; wildcards are refused separately. */
const IAM_PRINCIPAL_ARN = /^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/([\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;

const NAME_RULE = 'use lowercase letters, digits and hyphens, starting and ending with a letter or digit';

function nameSchema(example: string) {
  return z.string({ error: typeError('a string', example) }).superRefine((value, ctx) => {
    const problem = nameProblem(value);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: `${problem}; ${NAME_RULE}, e.g. ${example}` });
  });
}

const regionSchema = z.string({ error: typeError('a string', '"region": "eu-west-1"') }).regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, {
  error: (issue) => `${describeValue(issue.input)} is not an AWS region code; write e.g. "eu-west-1"`,
});

const profileSchema = z.string({ error: typeError('a string', '"profile": "acme-dev"') }).superRefine((value, ctx) => {
  if (value.trim().length === 0) {
    ctx.addIssue({
      code: 'custom',
      message: 'the profile name is empty; write the AWS profile name from your ~/.aws files, e.g. "acme-dev"',
    });
  } else if (value.trim() !== value) {
    ctx.addIssue({
      code: 'custom',
      message: `the profile name ${JSON.stringify(value)} has leading or trailing spaces; remove them`,
    });
  }
});

/**
 * Accounts that can reach the others (`controlsOtherAccounts`): the Organizations management account,
 * which every member's OrganizationAccountAccessRole trusts, and the hub, whose profile
 * (`accountDefaults.profile`) assumes a role in each account.
 */
export const CONTROLLING_ACCOUNT_KINDS = ['organizations-management', 'hub'] as const;

/** An IAM role ARN, in any partition: the role an account's profile assumes. */
export const IAM_ROLE_ARN = /^arn:(aws[a-z-]*):iam::(\d{12}):role\/([\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;

/** STS's rules for an external ID: 2 to 1224 characters of letters, digits and `+=,.@:/-_`. */
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;

/** An IAM role name (not an ARN), as IAM accepts it. */
export const IAM_ROLE_NAME = /^[\w+=,.@-]{1,64}$/;

const roleArnSchema = z
  .string({ error: typeError('a string', '"roleArn": "arn:aws:iam::222222222222:role/OrganizationAccountAccessRole"') })
  .regex(IAM_ROLE_ARN, {
    error: (issue) =>
      `${describeValue(issue.input)} is not an IAM role ARN; write e.g. "arn:aws:iam::222222222222:role/OrganizationAccountAccessRole"`,
  });

const externalIdSchema = z.string({ error: typeError('a string', '"externalId": "acme-bootstrap"') }).regex(EXTERNAL_ID, {
  error: (issue) =>
    `${describeValue(issue.input)} is not a valid external ID; use 2 to 1224 letters, digits or any of +=,.@:/-_, e.g. "acme-bootstrap"`,
});

/** `"accountDefaults"`: how accounts that name no profile of their own are reached. */
const accountDefaultsSchema = z.strictObject(
  {
    profile: profileSchema.describe('The hub profile of every account that names no profile of its own.'),
    roleName: z
      .string({ error: typeError('a string', '"roleName": "OrganizationAccountAccessRole"') })
      .regex(IAM_ROLE_NAME, {
        error: (issue) =>
          `${describeValue(issue.input)} is not an IAM role name; write the name alone (not an ARN), e.g. "OrganizationAccountAccessRole"`,
      })
      .describe('IAM role name (not an ARN) the hub profile assumes in an account written as {"accountId": "..."}.'),
  },
  {
    error: typeError('an object', '"accountDefaults": {"profile": "acme-hub", "roleName": "OrganizationAccountAccessRole"}'),
  },
);

const accountObjectSchema = z.strictObject(
  {
    // Optional: an account without one is reached through `accountDefaults` (checked in load.ts).
    profile: profileSchema.optional().describe('AWS profile that deploys the account; default accountDefaults.profile.'),
    accountId: z
      .string({ error: typeError('a string of 12 digits', '"accountId": "123456789012"') })
      .regex(/^\d{12}$/, {
        error: (issue) =>
          `${describeValue(issue.input)} is not a 12-digit AWS account ID; write it in quotes, e.g. "123456789012"`,
      })
      .optional()
      .describe('12-digit account ID, in quotes; deploys with credentials of any other account are refused.'),
    region: regionSchema.optional().describe("Region of this account's provider and state bucket; default the top-level region."),
    adopt: z
      .boolean({ error: typeError('true or false', '"adopt": true') })
      .default(false)
      .describe('Take over an existing <platform>-<account>-state bucket instead of refusing to deploy onto it.'),
    allowDestroy: z
      .boolean({ error: typeError('true or false', '"allowDestroy": true') })
      .default(false)
      .describe('Let "npm run destroy" destroy this state bucket, after its name is typed.'),
    kmsKeyArn: z
      .string({ error: typeError('a string', '"kmsKeyArn": "arn:aws:kms:eu-west-1:123456789012:key/…"') })
      .regex(KMS_KEY_ARN, {
        error: (issue) =>
          `${describeValue(issue.input)} is not a KMS key ARN; write e.g. "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"`,
      })
      .optional()
      .describe("An existing KMS key ARN (not an alias) in the account's region: SSE-KMS with this key for the account."),
    kmsKeyAdminArns: z
      .array(
        z.string({ error: typeError('a string', '"arn:aws:iam::123456789012:role/key-admin"') }).superRefine((value, ctx) => {
          if (value.includes('*') || value.includes('?')) {
            ctx.addIssue({
              code: 'custom',
              message: `${JSON.stringify(value)} has a wildcard; list each key administrator by its full role or user ARN`,
            });
          } else if (!IAM_PRINCIPAL_ARN.test(value)) {
            ctx.addIssue({
              code: 'custom',
              message: `${JSON.stringify(value)} is not an IAM role or user ARN; write e.g. "arn:aws:iam::123456789012:role/key-admin"`,
            });
          }
        }),
        {
          error: typeError('a list of IAM role or user ARNs', '"kmsKeyAdminArns": ["arn:aws:iam::123456789012:role/key-admin"]'),
        },
      )
      .superRefine((arns, ctx) => {
        arns.forEach((arn, index) => {
          const first = arns.indexOf(arn);
          if (first !== index) ctx.addIssue({ code: 'custom', path: [index], message: `repeats entry [${first}]; remove one` });
        });
      })
      .optional()
      .describe(
        'IAM role or user ARNs that administer the created key besides the root user (policy, rotation, aliases, grants, deletion); default: the principal that deploys the state stack.',
      ),
    roleArn: roleArnSchema.optional().describe('IAM role the profile assumes to reach the account.'),
    externalId: externalIdSchema.optional().describe('External ID sent when assuming the role.'),
    controlsOtherAccounts: z
      .enum(CONTROLLING_ACCOUNT_KINDS, {
        error: (issue) =>
          `must be "organizations-management" or "hub", got ${describeValue(issue.input)}; write "organizations-management" for the Organizations management account, "hub" for the account of accountDefaults.profile`,
      })
      .optional()
      .describe(
        '"organizations-management" or "hub": the account can reach the others (npm run accounts -- import sets it); no deploy role here unless pipelineAccess.allowInControllingAccount.',
      ),
    pipelineAccess: accountPipelineAccessSchema.describe(
      'false: no deploy role in this account; an object: its own trust and policies, existing OIDC providers to adopt. Default: included.',
    ),
  },
  {
    error: (issue) =>
      issue.code === 'invalid_type'
        ? `must be a profile name or an object like {"profile": "acme-dev"}, got ${describeValue(issue.input)}; write e.g. "dev": "acme-dev"`
        : undefined,
  },
);

/** An account is a profile name, or an object naming the profile and optional account ID and region. */
const accountSchema = z.preprocess((value) => (typeof value === 'string' ? { profile: value } : value), accountObjectSchema);

const stateBucketSchema = z.strictObject(
  {
    noncurrentVersionExpirationDays: z
      .int({ error: typeError('a whole number of days', '"noncurrentVersionExpirationDays": 90') })
      .min(1, { error: 'must be at least 1 day; write e.g. "noncurrentVersionExpirationDays": 90' })
      .max(36500, { error: 'must be at most 36500 days (100 years); write e.g. "noncurrentVersionExpirationDays": 90' })
      .default(DEFAULT_NONCURRENT_VERSION_EXPIRATION_DAYS)
      .describe('Days S3 keeps an overwritten or deleted state version; 1 to 36500. Current versions never expire.'),
    lockTable: z
      .boolean({ error: typeError('true or false', '"lockTable": true') })
      .default(false)
      .describe('A DynamoDB lock table per account, for consumers on Terraform < 1.10.'),
    kms: z
      .boolean({ error: typeError('true or false', '"kms": true') })
      .default(false)
      .describe('SSE-KMS with a bucket key for every account; a key is created where an account has no kmsKeyArn.'),
    accessLogs: z
      .boolean({ error: typeError('true or false', '"accessLogs": true') })
      .default(false)
      .describe('Server access logs of each state bucket, to <platform>-<account>-state-logs.'),
    accessLogRetentionDays: z
      .int({ error: typeError('a whole number of days', '"accessLogRetentionDays": 365') })
      .min(1, { error: 'must be at least 1 day; write e.g. "accessLogRetentionDays": 365' })
      .max(36500, { error: 'must be at most 36500 days (100 years); write e.g. "accessLogRetentionDays": 365' })
      .default(DEFAULT_ACCESS_LOG_RETENTION_DAYS)
      .describe('Days access logs are kept; 1 to 36500.'),
  },
  { error: typeError('an object', '"stateBucket": {"noncurrentVersionExpirationDays": 90}') },
);

/** The shape of accounts.json. Unknown keys are errors so that a typo never passes silently. */
export const accountsFileSchema = z.strictObject(
  {
    platform: nameSchema('"platform": "acme"').describe(
      'First part of every bucket name: lowercase letters, digits and hyphens, e.g. "acme".',
    ),
    accounts: z
      .record(z.string(), accountSchema, {
        error: typeError('an object mapping account names to AWS profiles', '"accounts": {"prod": "acme-prod"}'),
      })
      .describe('Account name → AWS profile name, or an account object. One state stack and bucket per account.'),
    region: regionSchema.default(DEFAULT_REGION).describe('Region of every account that does not set its own.'),
    productionAccount: z
      .string({ error: typeError('a string', '"productionAccount": "prod"') })
      .default(DEFAULT_PRODUCTION_ACCOUNT)
      .describe('The account that hosts the pipeline stack; one of accounts.'),
    stateBucket: stateBucketSchema.describe('Options of every state bucket.').default({
      noncurrentVersionExpirationDays: DEFAULT_NONCURRENT_VERSION_EXPIRATION_DAYS,
      lockTable: false,
      kms: false,
      accessLogs: false,
      accessLogRetentionDays: DEFAULT_ACCESS_LOG_RETENTION_DAYS,
    }),
    pipeline: pipelineSchema.describe('false: no pipeline stack (external pattern); an object: the runner network and identity.'),
    pipelineAccess: pipelineAccessSchema.describe(
      'A deploy role in every account, for the pipeline runner or a CI service (OIDC).',
    ),
    suppressions: suppressionsSchema.describe('Policy-guard findings accepted on purpose, each with its reason.'),
    accountDefaults: accountDefaultsSchema
      .optional()
      .describe('How accounts that name no profile of their own are reached: a hub profile and a role name.'),
    // Editors read it to find accounts.schema.json; no command uses it.
    $schema: z
      .string({ error: typeError('a string', '"$schema": "./accounts.schema.json"') })
      .optional()
      .describe('JSON Schema of this file, for editors: "./accounts.schema.json". Ignored by every command.'),
  },
  {
    error: (issue) =>
      issue.code === 'invalid_type'
        ? `the file must hold a JSON object like {"platform": "acme", "accounts": {...}}, got ${describeValue(issue.input)}; see accounts.example.json`
        : undefined,
  },
);

export type AccountsFile = z.output<typeof accountsFileSchema>;
