export { loadSpecSet, startDaemon } from './daemon.js';
export type { Daemon } from './daemon.js';
export { readSpecFiles } from './spec-files.js';
