import * as path from 'node:path';
import { App, TerraformResource, type TerraformStack } from 'cdktf';
import { ROLE_ARN_ENV, ROLE_EXTERNAL_ID_ENV } from '../aws/account-credentials';

/** The project root: the check runs the project's own script with its node_modules. */
const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

/** The script the check runs (src/existing-bucket/check.ts holds its logic). */
export const EXISTING_BUCKET_CHECK_SCRIPT = path.join(PROJECT_ROOT, 'scripts', 'check-existing-state-bucket.ts');
const TS_RUNNER = path.join(PROJECT_ROOT, 'scripts', 'ts-runner.js');

export interface ExistingBucketCheckProps {
  /** The bucket the stack creates: `<platform>-<account>-state`. */
  readonly bucketName: string;
  /** The account's name in accounts.json, for the message. */
  readonly accountName: string;
  /** The account's AWS profile (`AWS_PROFILE` of the check). */
  readonly profile: string;
  /**
   * Role the profile assumes to reach the account (`BOOTSTRAP_ROLE_ARN` of the check), as the provider does.
   * @default undefined: the profile's own credentials.
   */
  readonly roleArn?: string;
  /**
   * External ID for `roleArn` (`BOOTSTRAP_ROLE_EXTERNAL_ID` of the check).
   * @default undefined: none.
   */
  readonly externalId?: string;
  /** The account's region (`AWS_REGION` of the check). */
  readonly region: string;
  /** The stack's local state file, relative to the stack's folder (see `localStatePath`). */
  readonly stateFile: string;
  /**
   * The account has `"adopt": true`: an existing bucket passes the check (the stack imports it).
   * @default false: an existing bucket the state does not record fails the deploy.
   */
  readonly adopt?: boolean;
  /**
   * The bucket exists from an interrupted first deploy of this stack (proven by its tags): it passes, and the
   * stack imports it (`--resume`).
   * @default false
   */
  readonly resume?: boolean;
}

/**
 * A `terraform_data` whose creation runs scripts/check-existing-state-bucket.ts (local-exec) with the
 * account's profile and region. The bucket `depends_on` it, so on a stack's first deploy the check
 * runs before anything else is created, and a failing check (the bucket already exists and the state
 * does not record it, without `"adopt": true`) stops the deploy with a message that names "adopt".
 * Terraform has no data source that tests a bucket's absence, and the provider's own error
 * (`BucketAlreadyExists`, which hashicorp/aws 5.100.0 raises itself in us-east-1, where S3 answers
 * CreateBucket for a bucket the account already owns with success) does not say what to do.
 *
 * Provisioners run only when the resource is created: once it is in the state, the check never runs
 * again, and changing `adopt`, the command or this project's location does not change the plan.
 * A failed check leaves the resource tainted, so the next deploy runs it again.
 */
export function addExistingBucketCheck(stack: TerraformStack, id: string, props: ExistingBucketCheckProps): TerraformResource {
  const command = projectScriptCommand(stack, EXISTING_BUCKET_CHECK_SCRIPT, [
    '--bucket',
    props.bucketName,
    '--stack',
    stack.node.id,
    '--account',
    props.accountName,
    '--state-file',
    props.stateFile,
    ...(props.adopt === true ? ['--adopt'] : []),
    ...(props.resume === true ? ['--resume'] : []),
  ]);
  return checkResource(stack, id, command, props);
}

/**
 * `node --require <ts-runner> <script> <args>` as a shell line for a local-exec of `stack`. It runs in
 * the folder Terraform runs in, `<outdir>/stacks/<stack id>`: paths relative to there keep
 * machine-specific paths out of the synthesized JSON.
 */
export function projectScriptCommand(stack: TerraformStack, script: string, args: readonly string[]): string {
  const stackDir = path.resolve(App.of(stack).outdir, 'stacks', stack.node.id);
  const relative = (file: string): string => path.relative(stackDir, file).split(path.sep).join('/');
  return ['node', '--require', shellWord(relative(TS_RUNNER)), shellWord(relative(script)), ...args.map(shellWord)].join(' ');
}

/** One word of a POSIX shell command: as it is when it is plain, else double-quoted with escapes. */
export function shellWord(value: string): string {
  if (/^[\w@%+=:,./-]+$/.test(value)) return value;
  return `"${value.replace(/["$`\\]/g, '\\$&')}"`;
}

/** Whose credentials a check script runs with: the stack's account, as its provider reaches it. */
export interface CheckAccess {
  readonly profile: string;
  readonly region: string;
  readonly roleArn?: string;
  readonly externalId?: string;
}

/**
 * A `terraform_data` whose local-exec runs `command` with the account's profile and region (and the role
 * to assume). A plain `terraform_data` rather than cdktf's DataResource class: that one adds a synth-time
 * validation that runs `terraform version` once per resource (40 s for 1000 accounts) and fails synth on a
 * machine without terraform. Terraform itself requires >= 1.10 here anyway (doctor).
 */
export function checkResource(stack: TerraformStack, id: string, command: string, access: CheckAccess): TerraformResource {
  return new TerraformResource(stack, id, {
    terraformResourceType: 'terraform_data',
    provisioners: [
      {
        type: 'local-exec',
        command,
        // Values, not command words: a profile name needs no quoting here. AWS_ENDPOINT_URL (a local
        // AWS double) and the AWS config files come from the deploy's environment, which the command
        // inherits: the endpoint contract keeps endpoints out of everything but the provider blocks.
        environment: {
          AWS_PROFILE: access.profile,
          AWS_REGION: access.region,
          ...(access.roleArn !== undefined ? { [ROLE_ARN_ENV]: access.roleArn } : {}),
          ...(access.externalId !== undefined ? { [ROLE_EXTERNAL_ID_ENV]: access.externalId } : {}),
        },
      },
    ],
  });
}
