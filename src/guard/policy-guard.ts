import { Annotations, Aspects, type IAspect, TerraformStack } from 'cdktf';
import type { IConstruct } from 'constructs';
import { ConfigError, formatJsonPath } from '../config/errors';
import { READ_ONLY_ASPECT } from '../synth/resolved-once-stack';
import { GuardContext, type StackResolver } from './context';
import type { Finding, GuardRule } from './rule';
import { formatFinding } from './rule';
import { ALL_RULES } from './rules';

/** An accepted finding, from `suppressions` in accounts.json. */
export interface GuardSuppression {
  /** Rule id, e.g. `BA-S3-1`. */
  readonly rule: string;
  /** Construct path of the resource, as printed with the finding, e.g. `state-dev/state-bucket/bucket`. */
  readonly resource: string;
  /** Why the finding is acceptable; printed with every synth. */
  readonly reason: string;
}

export interface PolicyGuardProps {
  /**
   * Rules to enforce.
   * @default ALL_RULES: every rule in `src/guard/rules/`.
   */
  readonly rules?: readonly GuardRule[];
  /**
   * Accepted findings.
   * @default []: every finding fails synth.
   */
  readonly suppressions?: readonly GuardSuppression[];
  /**
   * The file the suppressions came from, named in errors about them and in warnings.
   * @default 'accounts.json'
   */
  readonly file?: string;
  /**
   * How a stack becomes the Terraform JSON the rules read.
   * @default cdktf's `toTerraform()`; main.ts passes `resolveForSynth`, which lets synth reuse it.
   */
  readonly resolveStack?: StackResolver;
}

/** What one run of the guard over a construct tree found. */
export interface GuardReport {
  /** Lines that fail synth: unsuppressed findings, then problems with suppressions. */
  readonly errors: readonly string[];
  /** Suppressed findings, each with its suppression's reason. */
  readonly warnings: readonly string[];
}

/** Findings that fail synth, one line each; printed like every other input problem, without a stack trace. */
export class PolicyGuardError extends ConfigError {
  constructor(problems: readonly string[]) {
    super(problems);
    this.name = 'PolicyGuardError';
  }
}

/**
 * The policy guard, a cdktf Aspect: `visit()` checks one construct against every rule.
 *
 * Use {@link enforcePolicyGuard} from the entry point: it runs the guard over the whole tree
 * before `app.synth()`, because cdktf writes each stack's files as soon as that stack is
 * synthesized (and under `cdktf synth`, with CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS set, even
 * error annotations do not stop it), so an Aspect left to cdktf alone cannot keep a bad stack from
 * being written. The guard is also registered on every stack, so cdktf visits the tree again at
 * synth: a resource added after the check is then reported as an error annotation.
 */
export class PolicyGuard implements IAspect {
  /** It only reads: a stack resolved for the guard may be written as it was (src/synth). */
  public readonly [READ_ONLY_ASPECT] = true;
  private readonly rulesByType = new Map<string, GuardRule[]>();
  private readonly suppressions: readonly GuardSuppression[];
  private readonly file: string;
  private readonly known: readonly string[];
  private readonly resolveStack: StackResolver | undefined;
  private context: GuardContext;
  private readonly seen = new Set<string>();
  private readonly checkedConstructs = new WeakSet<IConstruct>();
  /** Every finding so far, with the index of the suppression that accepts it, if any. */
  private readonly findings: { finding: Finding; suppressedBy: number }[] = [];
  private checked = false;

  constructor(props: PolicyGuardProps = {}) {
    const rules = props.rules ?? ALL_RULES;
    for (const rule of rules) {
      for (const type of rule.resourceTypes) this.rulesByType.set(type, [...(this.rulesByType.get(type) ?? []), rule]);
    }
    this.known = rules.map((rule) => rule.id);
    this.suppressions = props.suppressions ?? [];
    this.file = props.file ?? 'accounts.json';
    this.resolveStack = props.resolveStack;
    this.context = new GuardContext(this.resolveStack);
  }

  visit(node: IConstruct): void {
    // A stack is visited before its children: start its relations afresh, the tree may have grown.
    if (TerraformStack.isStack(node)) this.context = new GuardContext(this.resolveStack);
    // cdktf visits again at synth: only constructs added since the check need a look (and the cost).
    if (this.checkedConstructs.has(node)) return;
    this.checkedConstructs.add(node);
    const type = (node as { terraformResourceType?: unknown }).terraformResourceType;
    const rules = typeof type === 'string' ? this.rulesByType.get(type) : undefined;
    if (rules === undefined) return;
    const element = this.context.element(node);
    if (element === undefined) return;
    for (const rule of rules) {
      for (const violation of rule.check(element, this.context)) {
        const finding: Finding = { ruleId: rule.id, path: element.path, ...violation };
        const line = formatFinding(finding);
        if (this.seen.has(line)) continue;
        this.seen.add(line);
        const suppressedBy = this.suppressions.findIndex((s) => s.rule === rule.id && s.resource === element.path);
        this.findings.push({ finding, suppressedBy });
        // Warnings reach `cdktf synth` users as WARN lines: the CLI prints annotations (main.ts keeps them off stderr there).
        if (suppressedBy !== -1) Annotations.of(node).addWarning(this.suppressedLine(finding, suppressedBy));
        else if (this.checked) Annotations.of(node).addError(line);
      }
    }
  }

  /**
   * Registers the guard on every stack under `root` (cdktf 0.21 invokes only the aspects of a
   * stack and its children at synth, not those of the App) and runs it over the whole tree now.
   */
  check(root: IConstruct): GuardReport {
    for (const construct of root.node.findAll()) {
      if (TerraformStack.isStack(construct)) Aspects.of(construct).add(this);
    }
    // findAll() is pre-order, like cdktf's own aspect walk: each stack comes before its resources.
    for (const construct of root.node.findAll()) this.visit(construct);
    this.checked = true;
    return this.report();
  }

  /** Findings and suppression problems so far. */
  report(): GuardReport {
    const errors = this.findings.filter((f) => f.suppressedBy === -1).map((f) => formatFinding(f.finding));
    const warnings = this.findings
      .filter((f) => f.suppressedBy !== -1)
      .map((f) => this.suppressedLine(f.finding, f.suppressedBy));
    return { errors: [...errors, ...this.suppressionProblems()], warnings };
  }

  private suppressionProblems(): string[] {
    const problems: string[] = [];
    this.suppressions.forEach((suppression, index) => {
      const at = `${this.file}: ${formatJsonPath(['suppressions', index])}`;
      const first = this.suppressions.findIndex((s) => s.rule === suppression.rule && s.resource === suppression.resource);
      if (first !== index) {
        problems.push(`${at}: repeats ${formatJsonPath(['suppressions', first])}; remove one of them`);
      } else if (!this.known.includes(suppression.rule)) {
        problems.push(`${at}.rule: "${suppression.rule}" is not a policy guard rule; use one of ${this.known.join(', ')}`);
      } else if (!this.findings.some((f) => f.suppressedBy === index)) {
        problems.push(
          `${at}: ${suppression.rule} on "${suppression.resource}" matches no finding; remove the suppression, or correct "rule" and "resource" (the construct path printed with the finding)`,
        );
      }
    });
    return problems;
  }

  private suppressedLine(finding: Finding, suppressedBy: number): string {
    return `${formatFinding(finding)} (suppressed in ${this.file}: ${this.suppressions[suppressedBy]?.reason ?? ''})`;
  }
}

/**
 * Runs the policy guard over `app` before anything is written: suppressed findings are printed
 * as `warning: ...` lines, and any other finding, or a suppression that matches none, throws a
 * {@link PolicyGuardError} with one line each.
 */
export function enforcePolicyGuard(
  app: IConstruct,
  config: { readonly file: string; readonly suppressions: readonly GuardSuppression[] },
  warn: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
  resolveStack?: StackResolver,
): GuardReport {
  const guard = new PolicyGuard({
    suppressions: config.suppressions,
    file: config.file,
    ...(resolveStack !== undefined ? { resolveStack } : {}),
  });
  const report = guard.check(app);
  for (const warning of report.warnings) warn(`warning: ${warning}`);
  if (report.errors.length > 0) throw new PolicyGuardError(report.errors);
  return report;
}
