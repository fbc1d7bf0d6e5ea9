export { DEFAULT_RULE_OPTIONS, eventCount, generateRules, renderRuleFile, renderRuleGroup, safeFileName, substituteWindow } from './rules/index.js';
export type { AlertingRule, GeneratedRules, RecordingRule, Rule, RuleFile, RuleGroup, RuleOptions } from './rules/index.js';
