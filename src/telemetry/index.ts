export { countRequests } from './http.js';
export { instrumentAppender, instrumentJournal, instrumentNotifier, timeEvaluation } from './instrument.js';
export type { CountableNotifier } from './instrument.js';
export { REDACT_PATHS, createLogger } from './logger.js';
export type { LoggerOptions } from './logger.js';
export { createSelfMetrics } from './metrics.js';
export type { NotificationOutcome, SelfMetrics, SelfMetricsOptions } from './metrics.js';
export { recordSpan, startTracing, traceRequests, withSpan } from './tracing.js';
export type { Tracing } from './tracing.js';
