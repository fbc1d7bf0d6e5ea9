import type { Hono, MiddlewareHandler } from 'hono';
import type { Registry } from 'prom-client';
import type { SampleAppender } from '../core/index.js';
import { WriteAdmission } from './http/admission.js';
import { GroupCommit } from './http/group-commit.js';
import type { IngestContext, IngestLogger } from './http/context.js';
import { otlpRoutes } from './http/otlp-route.js';
import type { BucketBounds } from './http/context.js';
import { limitLogRate } from './http/log-limiter.js';
import { processLoopLag } from './http/loop-lag.js';
import { remoteWriteRoutes } from './http/remote-write-route.js';
import { TurnQueue } from './http/turn-queue.js';
import { DEFAULT_LIMITS } from './limits.js';
import type { IngestLimits } from './limits.js';
import { IngestMetrics } from './metrics.js';

const LOG_INTERVAL_MS = 60_000;

export interface IngestOptions {
  /** The engine's sample port. */
  readonly appender: SampleAppender;
  readonly limits?: Partial<IngestLimits>;
  /**
   * For ingest served on its own: middleware that refuses a write without the write scope (the auth module's
   * `requireScope('write', tokens)`). The daemon leaves it unset: its one auth middleware guards every route.
   */
  readonly guard?: MiddlewareHandler;
  /** Where the ingest metrics are registered (the daemon's /metrics registry); a private one when unset. */
  readonly registry?: Registry;
  readonly logger?: IngestLogger;
  /**
   * The `le` bounds SLIs read for a `_bucket` metric; native histograms (remote write) and OTLP exponential histograms
   * are exposed as `_bucket` series at these bounds. Without it, they give only their `+Inf` bucket, `_count` and `_sum`.
   */
  readonly bucketBounds?: BucketBounds;
}

export interface Ingest {
  /** Hono sub-apps with `POST /api/v1/write` and `POST /v1/metrics`. */
  readonly routes: readonly Hono[];
  readonly context: IngestContext;
}

/** Builds the ingest endpoints from their options, checked once here. */
export function createIngest(options: IngestOptions): Ingest {
  const limits: IngestLimits = { ...DEFAULT_LIMITS, ...options.limits };
  for (const [key, value] of Object.entries(limits)) {
    // The lag bound alone may be 0 (off).
    if (!Number.isFinite(value) || value < 0 || (value === 0 && key !== 'maxEventLoopLagMs')) throw new TypeError(`ingest limit ${key} must be a positive number, got ${String(value)}`);
  }
  const metrics = new IngestMetrics(options.registry);
  const turns = new TurnQueue();
  const context: IngestContext = {
    appender: options.appender,
    groupCommit: new GroupCommit(options.appender, { windowMs: limits.groupCommitMs, maxSeries: limits.groupCommitMaxSeries, turns, onGroup: (requests) => metrics.commitGroupRequests.observe(requests) }),
    turns,
    limits,
    admission: new WriteAdmission(limits.maxInFlightRequests, limits.maxInFlightBytes, limits.retryAfterSeconds, { lag: processLoopLag(), maxLagMs: limits.maxEventLoopLagMs }),
    metrics,
    ...(options.guard === undefined ? {} : { guard: options.guard }),
    // Ingest logs per request; rate-limited so a stretch of refusals (disk full, a bad sender) cannot flood the log.
    ...(options.logger === undefined ? {} : { logger: limitLogRate(options.logger, { intervalMs: LOG_INTERVAL_MS }) }),
  };
  return { routes: [remoteWriteRoutes(context, options.bucketBounds ?? (() => [])), otlpRoutes(context, options.bucketBounds ?? (() => []))], context };
}
