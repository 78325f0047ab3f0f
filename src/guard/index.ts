export { type GuardContext, type TfElement } from './context';
export {
  enforcePolicyGuard,
  type GuardReport,
  type GuardSuppression,
  PolicyGuard,
  PolicyGuardError,
  type PolicyGuardProps,
} from './policy-guard';
export { type Finding, formatFinding, type GuardRule, type Violation } from './rule';
export { ALL_RULES } from './rules';
