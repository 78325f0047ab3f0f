import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsKmsAlias } from '@cdktf/provider-aws/lib/data-aws-kms-alias';
import { Annotations, LocalBackend, TerraformOutput } from 'cdktf';
import type { Construct } from 'constructs';
import type { AccountConfig, PipelineAccessConfig } from '../src/config';
import { partitionOf } from '../src/config/access';
import { addAccountProvider } from '../src/constructs/aws-provider';
import { CiOidcProvider, oidcProviderArn } from '../src/constructs/ci-oidc-provider';
import { DeployRole } from '../src/constructs/deploy-role';
import { deployRoleTrustPolicy, githubNameOnlyWarning, oidcAudiences } from '../src/constructs/deploy-role-trust';
import { addExistingOidcProviderCheck } from '../src/constructs/existing-oidc-provider-check';
import { addExistingResourceCheck, dependOnCheck } from '../src/constructs/existing-resource-check';
import { PermissionsBoundary, permissionsBoundaryName } from '../src/constructs/permissions-boundary';
import { ResolvedOnceStack } from '../src/synth/resolved-once-stack';
import { localStatePath } from './state-stack';

/** Stack id (and `cdktf deploy` name) of an account's access stack. Permanent: it names the state file. */
export function accessStackId(accountName: string): string {
  return `access-${accountName}`;
}

/** The construct id of an issuer's provider: `oidc-provider-<issuer>`, with `/` as `_`. */
export function oidcProviderId(issuer: string): string {
  return `oidc-provider-${issuer.replace(/\//g, '_')}`;
}

export interface AccessStackProps {
  /** Platform name from accounts.json. */
  readonly platform: string;
  /**
   * The account this stack deploys into, with its profile, region and `pipelineAccess`: the role's
   * trust and policies (the account's own, else the top-level ones).
   */
  readonly account: AccountConfig;
  /** The `"pipelineAccess"` section, defaults resolved: the role's name, session and boundary. */
  readonly pipelineAccess: PipelineAccessConfig;
  /** Absolute folder that holds the stack's local state file (`<stack id>.tfstate`). */
  readonly stateDir: string;
  /**
   * Endpoint of a local AWS double to deploy to.
   * @default undefined: real AWS.
   */
  readonly endpointUrl?: string;
}

/**
 * `access-<account>`: the account's pipeline deploy role, and an IAM OIDC provider per CI service
 * it trusts. Deployed with the account's profile after its state stack (the role's policy names the
 * state bucket, and the created state key by its alias); its own state is a local file, like the others.
 *
 * Permanent construct ids: `aws`, `existing-oidc-provider-check`, `existing-resource-check`, `oidc-provider-<issuer>`,
 * `permissions-boundary` (with `"permissionsBoundary": "create"`), `deploy-role`, the data sources
 * `caller-identity` and `state-key-alias`, and those of the constructs.
 */
export class AccessStack extends ResolvedOnceStack {
  public readonly deployRole: DeployRole;
  /** The deploy role's boundary, when the stack creates it (`"permissionsBoundary": "create"`). */
  public readonly permissionsBoundary?: PermissionsBoundary;
  /** The OIDC providers, by issuer. */
  public readonly oidcProviders: ReadonlyMap<string, CiOidcProvider>;
  /** Warnings about the trust, also added as annotations: GitHub entries that will stop matching. */
  public readonly warnings: readonly string[];

  constructor(scope: Construct, id: string, props: AccessStackProps) {
    super(scope, id);
    const { account, pipelineAccess: access } = props;
    if (account.pipelineAccess === undefined) throw new Error(`account ${account.name} has no pipelineAccess`);
    const { trust, policyArns } = account.pipelineAccess;
    const partition = partitionOf(account.region);
    const statePath = localStatePath(this, props.stateDir);
    new LocalBackend(this, { path: statePath });
    addAccountProvider(this, {
      platform: props.platform,
      account,
      ...(props.endpointUrl !== undefined ? { endpointUrl: props.endpointUrl } : {}),
    });

    // The account's ID as written, else as AWS reports it (made once, for whichever ARN needs it first).
    let caller: DataAwsCallerIdentity | undefined;
    const accountId = (): string => {
      if (account.accountId !== undefined) return account.accountId;
      caller ??= new DataAwsCallerIdentity(this, 'caller-identity');
      return caller.accountId;
    };

    const audiences = oidcAudiences(trust);
    const adopted = account.pipelineAccess.adoptOidcProviders;
    // Before any provider or role: an existing provider of the same issuer stops the deploy, unless adopted.
    const check =
      audiences.size > 0
        ? addExistingOidcProviderCheck(this, 'existing-oidc-provider-check', {
            issuers: [...audiences.keys()],
            adopted: adopted.filter((issuer) => audiences.has(issuer)),
            accountName: account.name,
            profile: account.profile,
            ...(account.roleArn !== undefined ? { roleArn: account.roleArn } : {}),
            ...(account.externalId !== undefined ? { externalId: account.externalId } : {}),
            region: account.region,
            stateFile: statePath,
          })
        : undefined;
    const providers = new Map<string, CiOidcProvider>();
    for (const [issuer, clientIds] of audiences) {
      providers.set(
        issuer,
        new CiOidcProvider(this, oidcProviderId(issuer), {
          issuer,
          audiences: clientIds,
          // The config guarantees the ID of an account that adopts: an import block's id must be known at plan.
          ...(adopted.includes(issuer) ? { adoptArn: oidcProviderArn(partition, String(account.accountId), issuer) } : {}),
          ...(check !== undefined ? { providerDependsOn: [check] } : {}),
        }),
      );
    }
    this.oidcProviders = providers;

    // SSE-KMS: the account's own key, or the key its state stack created, found by its alias.
    const kmsKeyArn =
      account.kmsKeyArn ??
      (account.stateKeyAlias !== undefined
        ? new DataAwsKmsAlias(this, 'state-key-alias', { name: account.stateKeyAlias }).targetKeyArn
        : undefined);

    const lockTableArn =
      account.lockTableName !== undefined
        ? `arn:${partition}:dynamodb:${account.region}:${accountId()}:table/${account.lockTableName}`
        : undefined;
    const bucketArn = `arn:${partition}:s3:::${account.stateBucketName}`;
    if (access.permissionsBoundary === 'create') {
      this.permissionsBoundary = new PermissionsBoundary(this, 'permissions-boundary', {
        account: { partition, accountId: accountId() },
        roleName: access.roleName,
        state: {
          bucketArn,
          ...(kmsKeyArn !== undefined ? { kmsKeyArn } : {}),
          ...(lockTableArn !== undefined ? { lockTableArn } : {}),
        },
      });
    }
    const boundaryArn = this.permissionsBoundary?.arn ?? access.permissionsBoundaryArn;

    this.deployRole = new DeployRole(this, 'deploy-role', {
      name: access.roleName,
      trustPolicy: deployRoleTrustPolicy({
        ...trust,
        providerArn: (issuer) => {
          const provider = providers.get(issuer);
          if (provider === undefined) throw new Error(`no OIDC provider for ${issuer}`);
          return provider.provider.arn;
        },
      }),
      policyArns,
      maxSessionDuration: access.maxSessionDuration,
      ...(boundaryArn !== undefined ? { permissionsBoundaryArn: boundaryArn } : {}),
      stateAccess: {
        bucketArn,
        region: account.region,
        ...(kmsKeyArn !== undefined ? { kmsKeyArn } : {}),
        ...(lockTableArn !== undefined ? { lockTableArn } : {}),
      },
      account: { partition, accountId: accountId() },
      ...(check !== undefined ? { roleDependsOn: [check] } : {}),
    });

    // Before anything is created: the deploy role (and the boundary it creates) must not exist unless the
    // state records them (a lost state file, issue 24). Its id is permanent too.
    const resourceCheck = addExistingResourceCheck(this, 'existing-resource-check', {
      resources: [
        { kind: 'role', name: access.roleName },
        ...(this.permissionsBoundary !== undefined
          ? [{ kind: 'policy' as const, name: permissionsBoundaryName(access.roleName) }]
          : []),
      ],
      profile: account.profile,
      ...(account.roleArn !== undefined ? { roleArn: account.roleArn } : {}),
      ...(account.externalId !== undefined ? { externalId: account.externalId } : {}),
      region: account.region,
      state: { file: statePath },
    });
    dependOnCheck(this, resourceCheck);

    this.warnings = [...new Set(trust.github.flatMap((entry) => githubNameOnlyWarning(entry) ?? []))];
    for (const warning of this.warnings) Annotations.of(this).addWarning(warning);

    new TerraformOutput(this, 'deploy_role_arn', {
      value: this.deployRole.role.arn,
      description: "ARN of the account's pipeline deploy role: role_arn for the runner's assume_role, role-to-assume for CI",
    });
    new TerraformOutput(this, 'deploy_role_name', {
      value: this.deployRole.role.name,
      description: "Name of the account's pipeline deploy role",
    });
    if (boundaryArn !== undefined) {
      new TerraformOutput(this, 'permissions_boundary_arn', {
        value: boundaryArn,
        description: "ARN of the deploy role's permissions boundary: roles and users the pipeline creates must carry it",
      });
    }
    if (this.permissionsBoundary !== undefined) {
      new TerraformOutput(this, 'permissions_boundary_role_path', {
        value: this.permissionsBoundary.rolePath,
        description:
          'Path of the only roles the deploy role may assume or pass to a service: those it creates there (with the boundary)',
      });
    }
    if (providers.size > 0) {
      new TerraformOutput(this, 'oidc_provider_arns', {
        value: Object.fromEntries([...providers].map(([issuer, provider]) => [issuer, provider.provider.arn])),
        description: "ARNs of the account's IAM OIDC providers, by issuer",
      });
    }
  }
}
