export { DEFAULT_POLICY, DEFAULT_POLICY_NAME } from './default-policy.js';
export { applicableFreezes, decideGate, decideSlo, matchOverride, ruleMatches, worse } from './evaluate.js';
export type { CoveredSlo, GateRequest, GateVerdict, ManualFreeze, OverrideRecord, SloVerdict } from './evaluate.js';
export { REASON_PLACEHOLDERS, fillReason, percent, quotedBurnRate } from './reason.js';
export type { ReasonContext, ReasonPlaceholder } from './reason.js';
export { namedEnvironments, policyForService, policyForSlo, selectorSpecificity } from './select.js';
