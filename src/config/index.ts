export { CONFIG_TABLE } from './table.js';
export type { ConfigKey } from './table.js';
export { envName, flagProperty, loadConfig } from './load.js';
export type { ConfigSources, ReportScheduleConfig, ScrapeJobConfig, SloeConfig, SourceConfig } from './load.js';
export { durationMs } from './durations.js';
export { allowedValues, describeIssues } from './describe.js';
export { unknownVariables } from './unknown-env.js';
export { REFERENCE_END, REFERENCE_START, configHelp, configReference, flagHelp, withConfigReference } from './reference.js';
