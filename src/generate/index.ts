export { DEFAULT_RULE_OPTIONS, eventCount, generateRules, renderRuleFile, ruleProblems, renderRuleGroup, safeFileName } from './rules/index.js';
export type { AlertingRule, GeneratedRules, RecordingRule, Rule, RuleFile, RuleGroup, RuleOptions } from './rules/index.js';
export { DEFAULT_DASHBOARD_OPTIONS, OVERVIEW_UID, generateDashboards, renderDashboard, serviceDashboardUid } from './dashboards/index.js';
export type { DashboardFile, DashboardOptions } from './dashboards/index.js';
export { generateArtifacts } from './artifacts.js';
export type { Artifacts, RenderedFile } from './artifacts.js';
