import * as path from 'node:path';
import { TerraformResource, type TerraformStack } from 'cdktf';
import { checkResource, projectScriptCommand } from './existing-bucket-check';

/** The script the check runs (src/existing-oidc-provider/check.ts holds its logic). */
export const EXISTING_OIDC_PROVIDER_CHECK_SCRIPT = path.resolve(
  __dirname,
  '..',
  '..',
  'scripts',
  'check-existing-oidc-providers.ts',
);

export interface ExistingOidcProviderCheckProps {
  /** Issuers the stack creates (or adopts) a provider for. */
  readonly issuers: readonly string[];
  /**
   * Issuers whose existing provider the stack adopts: an existing one passes the check.
   * @default []: an existing provider the state does not record fails the deploy.
   */
  readonly adopted?: readonly string[];
  /** The account's name in accounts.json, for the message. */
  readonly accountName: string;
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
  /** The stack's local state file, relative to the stack's folder (see `localStatePath`). */
  readonly stateFile: string;
}

/**
 * A `terraform_data` whose creation runs scripts/check-existing-oidc-providers.ts with the account's
 * profile, as the state stacks' existing-bucket check does (see existing-bucket-check.ts): the stack's
 * providers and role depend on it, so on the first deploy an account's existing provider for the same
 * issuer stops the deploy before anything is created, with a message that names `adoptOidcProviders`,
 * instead of IAM's EntityAlreadyExists halfway through. It runs only when the resource is created;
 * a failed check leaves it tainted, so the next deploy runs it again.
 */
export function addExistingOidcProviderCheck(
  stack: TerraformStack,
  id: string,
  props: ExistingOidcProviderCheckProps,
): TerraformResource {
  const command = projectScriptCommand(stack, EXISTING_OIDC_PROVIDER_CHECK_SCRIPT, [
    ...props.issuers.flatMap((issuer) => ['--issuer', issuer]),
    ...(props.adopted ?? []).flatMap((issuer) => ['--adopt', issuer]),
    '--stack',
    stack.node.id,
    '--account',
    props.accountName,
    '--state-file',
    props.stateFile,
  ]);
  return checkResource(stack, id, command, props);
}
