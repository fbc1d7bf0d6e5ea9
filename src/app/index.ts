export { loadSpecSet, readSpecSet, startDaemon } from './daemon.js';
export type { Component, Daemon, DaemonOptions } from './daemon.js';
export { SpecsReloader } from './reload.js';
export type { ReloadOutcome, SpecsListener } from './reload.js';
export { readSpecFiles } from './spec-files.js';
