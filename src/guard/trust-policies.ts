// What the trust rules (BA-IAM-3 to BA-IAM-6, BA-IAM-9, BA-IAM-10) read: a role's trust policy, its web-identity statements
// and the conditions on a token's claims.
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import type { GuardContext, TfElement } from './context';
import type { Violation } from './rule';
import { actionCovers, type PolicyStatement, readPolicy } from './policy-document';

/** The statements of a role's `assume_role_policy`; `undefined` when it cannot be read. */
export function trustStatements(resource: TfElement, context: GuardContext): PolicyStatement[] | undefined {
  if (resource.type !== IamRole.tfResourceType) return [];
  return readPolicy(resource.config.assume_role_policy, resource.construct, context);
}

/** An Allow of `sts:AssumeRoleWithWebIdentity` to a federated (OIDC) principal. */
export function isWebIdentityTrust(statement: PolicyStatement): boolean {
  return (
    statement.effect === 'Allow' &&
    statement.principals.some((principal) => principal.startsWith('Federated:')) &&
    (statement.actions ?? []).some((action) => actionCovers(action, 'sts:AssumeRoleWithWebIdentity'))
  );
}

/**
 * Conditions of a statement on a token claim (`<issuer>:aud`, `<issuer>:sub`). IAM matches condition
 * keys in any letter case, so this does too (BA-IAM-9 asks for the lower case).
 */
export function claimConditions(statement: PolicyStatement, claim: 'aud' | 'sub'): PolicyStatement['conditions'] {
  return statement.conditions.filter((condition) => condition.variable.toLowerCase().endsWith(`:${claim}`));
}

/** The issuer part of a claim key (`token.actions.githubusercontent.com` of `…:sub`), in lower case. */
export function claimIssuer(variable: string): string {
  return variable.slice(0, variable.lastIndexOf(':')).toLowerCase();
}

/** `ForAllValues:` is true when the key is absent: on a single-valued claim it pins nothing. */
export function isForAllValues(condition: { readonly test: string }): boolean {
  return /^ForAllValues:/i.test(condition.test);
}

/** `StringEquals`, `StringEqualsIgnoreCase`, `StringLike`: operators that can pin a value. */
export function pinsValue(condition: { readonly test: string }): boolean {
  return (
    /^(ForAnyValue:)?String(Equals|EqualsIgnoreCase|Like)(IfExists)?$/i.test(condition.test) && !/IfExists$/i.test(condition.test)
  );
}

/** A statement's label in findings: its position in the trust policy. */
export function statementLabel(index: number): string {
  return `trust statement ${index + 1}`;
}

/** IAM's wildcards in a condition value (`StringLike`). */
export function hasWildcard(value: string): boolean {
  return value.includes('*') || value.includes('?');
}

/** Which trust statements {@link trustConditionViolations} looks at. */
export type TrustStatementKind = 'allow' | 'web-identity';

/**
 * The violations `check` finds in each condition of a role's trust statements of `kind` (every Allow, or
 * the web-identity Allows), each told its statement's label. An unreadable trust policy yields none:
 * BA-IAM-3 reports it, once.
 */
export function trustConditionViolations(
  resource: TfElement,
  context: GuardContext,
  kind: TrustStatementKind,
  check: (condition: PolicyStatement['conditions'][number], label: string) => Violation | undefined | Violation[],
): Violation[] {
  const violations: Violation[] = [];
  (trustStatements(resource, context) ?? []).forEach((statement, index) => {
    if (statement.effect !== 'Allow' || (kind === 'web-identity' && !isWebIdentityTrust(statement))) return;
    for (const condition of statement.conditions) {
      const found = check(condition, statementLabel(index));
      if (found !== undefined) violations.push(...(Array.isArray(found) ? found : [found]));
    }
  });
  return violations;
}
