import * as path from 'node:path';
import { dependable, TerraformResource, type TerraformStack } from 'cdktf';
import { type NamedResource, resourceArgument } from '../existing-resources/check';
import { checkResource, projectScriptCommand } from './existing-bucket-check';

/** The script the check runs (src/existing-resources/check.ts holds its logic). */
export const EXISTING_RESOURCE_CHECK_SCRIPT = path.resolve(__dirname, '..', '..', 'scripts', 'check-existing-resources.ts');

export interface ExistingResourceCheckProps {
  /** The resources the stack creates with a fixed name (a VPC by its `Name` tag). */
  readonly resources: readonly NamedResource[];
  /** The account's AWS profile (`AWS_PROFILE` of the check). */
  readonly profile: string;
  /**
   * Role the profile assumes to reach the account, as the provider does.
   * @default undefined: the profile's own credentials.
   */
  readonly roleArn?: string;
  /**
   * External ID for `roleArn`.
   * @default undefined: none.
   */
  readonly externalId?: string;
  /** The account's region (`AWS_REGION` of the check). */
  readonly region: string;
  /**
   * Where the stack's state is: its local file relative to the stack's folder (see `localStatePath`), or the
   * S3 object of the pipeline stack's S3 backend.
   */
  readonly state: { readonly file: string } | { readonly bucket: string; readonly key: string };
}

/**
 * A `terraform_data` whose creation runs scripts/check-existing-resources.ts with the account's profile, as
 * the state stacks' existing-bucket check does (see existing-bucket-check.ts), and on which every other
 * resource of the stack depends: when AWS already has one of the stack's named resources (the pipeline
 * VPC by its Name tag, the roles, the instance profile, the log group, a key alias, a launch template, a
 * created boundary policy) and the stack's state does not record it, the deploy stops before anything is
 * created, with one line naming `npm run recover-state`. It runs only when the resource is created (a first
 * deploy, where nothing exists yet, or the first deploy after the check was added, whose state records
 * everything); a failed check leaves it tainted, so the next deploy runs it again.
 */
export function addExistingResourceCheck(
  stack: TerraformStack,
  id: string,
  props: ExistingResourceCheckProps,
): TerraformResource {
  const state =
    'file' in props.state
      ? ['--state-file', props.state.file]
      : ['--state-bucket', props.state.bucket, '--state-key', props.state.key];
  const command = projectScriptCommand(stack, EXISTING_RESOURCE_CHECK_SCRIPT, [
    ...props.resources.flatMap((resource) => ['--resource', resourceArgument(resource)]),
    '--stack',
    stack.node.id,
    ...state,
  ]);
  return checkResource(stack, id, command, props);
}

/**
 * Makes every managed resource of `stack` but `check` (and the checks it already depends on) wait for
 * `check`: nothing is created before it passed. `depends_on` changes no address and plans no change.
 */
export function dependOnCheck(stack: TerraformStack, check: TerraformResource): void {
  for (const child of stack.node.findAll()) {
    if (!(child instanceof TerraformResource) || child === check) continue;
    if (child.terraformResourceType === 'terraform_data') continue;
    child.dependsOn = [...(child.dependsOn ?? []), dependable(check)];
  }
}
