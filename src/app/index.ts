import type { SloeConfig } from '../config/index.js';
import type { Daemon, DaemonOptions } from './daemon.js';

export type { Daemon, DaemonOptions } from './daemon.js';

/**
 * Starts the daemon (see daemon.ts), whose module is loaded only here: it brings in every adapter (HTTP, SQLite,
 * OpenTelemetry, the engine, notify, policy), about a second of loading that `sloe gate`, `sloe status` and `sloe
 * validate`, which share this barrel through the command line, have no use for.
 */
export async function startDaemon(config: SloeConfig, options: DaemonOptions = {}): Promise<Daemon> {
  const daemon = await import('./daemon.js');
  return daemon.startDaemon(config, options);
}
export { loadSpecSet, readSpecSet } from './spec-set.js';
export { SpecsReloader } from './reload.js';
export type { ReloadOutcome, SpecsListener } from './reload.js';
export { readSpecFiles } from './spec-files.js';
export { replay } from './replay.js';
export type { ReplayHistory, ReplayOptions, ReplayOutcome, ReplayTransition } from './replay.js';
