// The existing-provider check of an access stack (scripts/check-existing-oidc-providers.ts, run by the
// stack's `existing-oidc-provider-check` terraform_data before any provider or role is created): IAM
// holds one OIDC provider per issuer and account, so creating a second fails with EntityAlreadyExists
// halfway through a deploy. The check finds that first and names the option that adopts the provider.
// Light on purpose, like the bucket check: it loads the IAM client and nothing of cdktf.
import { readFileSync } from 'node:fs';
import { type IAMClient, ListOpenIDConnectProvidersCommand } from '@aws-sdk/client-iam';
import { formatJsonPath } from '../config/errors';

export interface OidcProviderCheckOptions {
  /** Issuers the stack creates a provider for, as IAM names them (`token.actions.githubusercontent.com`). */
  readonly issuers: readonly string[];
  /** Issuers the account adopts (`accounts.<name>.pipelineAccess.adoptOidcProviders`). */
  readonly adopted: readonly string[];
  /** `access-<account>`. */
  readonly stack: string;
  /** The account's name in accounts.json. */
  readonly account: string;
  /** The stack's local state file, relative to the folder Terraform runs in. */
  readonly stateFile: string;
  /** The accounts file as the user named it, for the message. */
  readonly accountsFile: string;
}

/** The check's outcome per issuer: `errors` (one line each) fail the deploy, `notes` say what happens. */
export interface OidcCheckResult {
  readonly notes: readonly string[];
  readonly errors: readonly string[];
}

/** The issuers of the account's existing OIDC providers (the ARN's part after `oidc-provider/`). */
export async function existingIssuers(iam: Pick<IAMClient, 'send'>): Promise<string[]> {
  const { OpenIDConnectProviderList } = await iam.send(new ListOpenIDConnectProvidersCommand({}));
  return (OpenIDConnectProviderList ?? []).flatMap((entry) => {
    const issuer = /:oidc-provider\/(.+)$/.exec(entry.Arn ?? '')?.[1];
    return issuer !== undefined ? [issuer] : [];
  });
}

/** Issuers whose provider the stack's state records: created (or adopted) by an earlier deploy. */
export function managedIssuers(stateFile: string): string[] {
  let text: string;
  try {
    text = readFileSync(stateFile, 'utf8');
  } catch {
    return [];
  }
  try {
    const state = JSON.parse(text) as {
      resources?: { mode?: string; type?: string; instances?: { attributes?: { url?: unknown; arn?: unknown } }[] }[];
    };
    return (state.resources ?? [])
      .filter((resource) => resource.mode === 'managed' && resource.type === 'aws_iam_openid_connect_provider')
      .flatMap((resource) => resource.instances ?? [])
      .flatMap((instance) => {
        const arn = instance.attributes?.arn;
        const issuer = typeof arn === 'string' ? /:oidc-provider\/(.+)$/.exec(arn)?.[1] : undefined;
        return issuer !== undefined ? [issuer] : [];
      });
  } catch {
    return [];
  }
}

/** Decides from the account's providers and the state: an existing provider must be managed or adopted. */
export function decideOidc(
  existing: readonly string[],
  managed: readonly string[],
  options: OidcProviderCheckOptions,
): OidcCheckResult {
  const where = formatJsonPath(['accounts', options.account, 'pipelineAccess']);
  const notes: string[] = [];
  const errors: string[] = [];
  for (const issuer of options.issuers) {
    const exists = existing.includes(issuer);
    if (!exists) {
      notes.push(`${issuer}: no provider yet; ${options.stack} creates it`);
    } else if (managed.includes(issuer)) {
      notes.push(`${issuer}: the provider exists and ${options.stack} already manages it`);
    } else if (options.adopted.includes(issuer)) {
      notes.push(`${issuer}: the provider exists; ${options.stack} adopts it (${where}.adoptOidcProviders)`);
    } else {
      errors.push(
        `the account already has an OIDC provider for ${issuer}, and IAM allows one per issuer; to take it over, set ${where} to {"adoptOidcProviders": ["${issuer}"]} in ${options.accountsFile} and deploy again (its audiences then become those accounts.json needs; see docs/pipeline-access.md); if ${options.stack} created it and its state file was lost, run npm run recover-state -- ${options.stack} instead`,
      );
    }
  }
  return { notes, errors };
}
