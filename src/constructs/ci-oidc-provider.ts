import { IamOpenidConnectProvider } from '@cdktf/provider-aws/lib/iam-openid-connect-provider';
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';

export interface CiOidcProviderProps {
  /** The issuer as IAM names the provider: host and path, no scheme (`token.actions.githubusercontent.com`). */
  readonly issuer: string;
  /** The audiences (client IDs) tokens may carry, e.g. `sts.amazonaws.com`. */
  readonly audiences: readonly string[];
  /**
   * Take over the account's existing provider for this issuer (a Terraform import block, id = its ARN)
   * instead of creating one; its client IDs then become `audiences`.
   * @default undefined: the provider is created (IAM refuses a second one per issuer).
   */
  readonly adoptArn?: string;
  /**
   * Resources the provider is created after (its `depends_on`), e.g. the check that none exists yet.
   * @default none
   */
  readonly providerDependsOn?: ITerraformDependable[];
}

/**
 * An account's IAM OIDC identity provider for a CI service's tokens. No thumbprints: IAM verifies
 * the issuers' certificates itself (GitHub's since 2023), and provider 5.100 no longer requires a
 * list; a pinned thumbprint only breaks when the CI service rotates its certificate.
 *
 * Permanent construct id: `provider`.
 */
export class CiOidcProvider extends Construct {
  public readonly provider: IamOpenidConnectProvider;

  constructor(scope: Construct, id: string, props: CiOidcProviderProps) {
    super(scope, id);
    this.provider = new IamOpenidConnectProvider(this, 'provider', {
      url: `https://${props.issuer}`,
      clientIdList: [...props.audiences],
      ...(props.providerDependsOn !== undefined ? { dependsOn: props.providerDependsOn } : {}),
    });
    if (props.adoptArn !== undefined) this.provider.importFrom(props.adoptArn);
  }
}

/** `arn:<partition>:iam::<account>:oidc-provider/<issuer>`: the ARN IAM gives the provider of an issuer. */
export function oidcProviderArn(partition: string, accountId: string, issuer: string): string {
  return `arn:${partition}:iam::${accountId}:oidc-provider/${issuer}`;
}
