import type { Context } from 'hono';
import type { SampleAppender } from '../../core/index.js';
import type { IngestLimits } from '../limits.js';
import type { IngestMetrics } from '../metrics.js';
import type { WriteAdmission } from './admission.js';
import { unauthorized } from './auth.js';
import type { TokenCheck } from './auth.js';

/** The minimal logger ingest needs (pino's shape). */
export interface IngestLogger {
  warn(object: object, message: string): void;
  error(object: object, message: string): void;
  info(object: object, message: string): void;
}

/** What every ingest route shares: the engine's port, limits, the admission bound, metrics and the token check. */
export interface IngestContext {
  readonly appender: SampleAppender;
  readonly limits: IngestLimits;
  readonly admission: WriteAdmission;
  readonly metrics: IngestMetrics;
  /** Unset: writes are open. */
  readonly checkToken?: TokenCheck;
  readonly logger?: IngestLogger;
}

export function guardWrite(ingest: IngestContext, c: Context): void {
  if (ingest.checkToken && !ingest.checkToken(c.req.header('authorization'))) throw unauthorized();
}
