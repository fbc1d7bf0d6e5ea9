export { generateRules, ruleProblems, safeFileName } from './generate.js';
export type { GeneratedRules } from './generate.js';
export { renderRuleFile, renderRuleGroup } from './render.js';
export { DEFAULT_RULE_OPTIONS } from './types.js';
export type { AlertingRule, RecordingRule, Rule, RuleFile, RuleGroup, RuleOptions } from './types.js';
export { eventCount } from './promql.js';
