import type { IngestLogger } from './context.js';

export interface LogLimiterOptions {
  /** How often a count of the lines held back is written, per kind of line. */
  readonly intervalMs: number;
}


function codeOf(object: object): string {
  const err = (object as { err?: unknown }).err;
  return err !== null && typeof err === 'object' && 'code' in err ? String(err.code) : '';
}

/**
 * Warnings and errors of ingest, one line per kind (level, message and error code) and interval: the first is written
 * whole (with its stack trace), the rest are counted and written as one line with the count at the end of each
 * interval. Refusals come per request: during a disk-full stretch, a line per 503 would fill the disk that is already
 * short. A kind quiet for a whole interval starts again with a full line. Timers are unref'd: they never hold the
 * process open.
 */
export function limitLogRate(logger: IngestLogger, options: LogLimiterOptions): IngestLogger {
  const held = new Map<string, { count: number }>();
  const limited = (level: 'warn' | 'error') => (object: object, message: string): void => {
    const kind = `${level}\u0000${message}\u0000${codeOf(object)}`;
    const current = held.get(kind);
    if (current) {
      current.count++;
      return;
    }
    logger[level](object, message);
    const entry = { count: 0 };
    const flush = (): void => {
      if (entry.count === 0) {
        held.delete(kind);
        return;
      }
      const code = codeOf(object);
      logger[level]({ repeated: entry.count, intervalSeconds: options.intervalMs / 1000, ...(code ? { code } : {}) }, `${message} (${entry.count} more in the last ${options.intervalMs / 1000}s; the first was logged in full)`);
      entry.count = 0;
      setTimeout(flush, options.intervalMs).unref();
    };
    setTimeout(flush, options.intervalMs).unref();
    held.set(kind, entry);
  };
  return { info: (object, message) => logger.info(object, message), warn: limited('warn'), error: limited('error') };
}
