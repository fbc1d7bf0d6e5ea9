export { startDaemon } from './daemon.js';
export type { Daemon, DaemonOptions } from './daemon.js';
export { loadSpecSet, readSpecSet } from './spec-set.js';
export { SpecsReloader } from './reload.js';
export type { ReloadOutcome, SpecsListener } from './reload.js';
export { readSpecFiles } from './spec-files.js';
export { replay } from './replay.js';
export type { ReplayHistory, ReplayOptions, ReplayOutcome, ReplayTransition } from './replay.js';
