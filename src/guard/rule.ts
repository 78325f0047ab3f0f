import type { GuardContext, TfElement } from './context';

/** What a rule found wrong with one resource. */
export interface Violation {
  /** What is wrong, e.g. `bucket has no versioning`. */
  readonly what: string;
  /** How to fix it, e.g. `add an S3BucketVersioningA with status "Enabled"`. */
  readonly fix: string;
}

/**
 * One policy rule. Each lives in its own file under `rules/`, with a doc comment saying why it
 * matters, and a passing and a failing test under `__tests__/guard/rules/`.
 */
export interface GuardRule {
  /** Stable id, `BA-<area>-<n>`; suppressions name it, so never reuse or renumber one. */
  readonly id: string;
  /** What the rule requires, in one line. */
  readonly title: string;
  /** Why it matters: the risk it closes. */
  readonly explanation: string;
  /** Terraform types the rule checks, e.g. `aws_s3_bucket`; only those are passed to `check`. */
  readonly resourceTypes: readonly string[];
  /** The rule's violations for one resource; empty when it complies. */
  check(resource: TfElement, context: GuardContext): Violation[];
}

/** A violation of one rule by one construct. */
export interface Finding extends Violation {
  readonly ruleId: string;
  /** Construct path of the offending resource, e.g. `state-dev/state-bucket/bucket`. */
  readonly path: string;
}

/** `<rule id> <construct path>: <what is wrong>; <how to fix>`. */
export function formatFinding(finding: Finding): string {
  return `${finding.ruleId} ${finding.path}: ${finding.what}; ${finding.fix}`;
}
