import type { MiddlewareHandler } from 'hono';
import type { SampleAppender } from '../../core/index.js';
import type { IngestLimits } from '../limits.js';
import type { IngestMetrics } from '../metrics.js';
import type { WriteAdmission } from './admission.js';
import type { GroupCommit } from './group-commit.js';
import type { TurnQueue } from './turn-queue.js';

/** The minimal logger ingest needs (pino's shape). */
export interface IngestLogger {
  warn(object: object, message: string): void;
  error(object: object, message: string): void;
  info(object: object, message: string): void;
}

/** What every ingest route shares: the engine's port, limits, the admission bound, metrics and the write guard. */
/** The `le` bounds SLIs read for a `_bucket` metric (exponential histograms are exposed at them). */
export type BucketBounds = (bucketMetric: string) => readonly number[];

export interface IngestContext {
  readonly appender: SampleAppender;
  /** Where write routes append: requests within a few ms share one commit. */
  readonly groupCommit: GroupCommit;
  /** Decoding and commits, one per turn of the event loop, so other requests are answered between them. */
  readonly turns: TurnQueue;
  readonly limits: IngestLimits;
  readonly admission: WriteAdmission;
  readonly metrics: IngestMetrics;
  /**
   * Mounted before each write route when ingest is served on its own (the daemon's auth middleware requiring write);
   * unset in the daemon, whose own middleware already guards every route.
   */
  readonly guard?: MiddlewareHandler;
  readonly logger?: IngestLogger;
}
