export { CONFIG_TABLE } from './table.js';
export type { ConfigKey } from './table.js';
export { envName, flagProperty, loadConfig } from './load.js';
export type { ConfigSources, SloeConfig } from './load.js';
