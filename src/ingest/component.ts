import type { Hono } from 'hono';
import type { Registry } from 'prom-client';
import type { Component, SampleAppender, SpecSet } from '../core/index.js';
import { bucketBoundsOf } from './bucket-bounds.js';
import type { IngestLogger } from './http/context.js';
import type { IngestLimits } from './limits.js';
import { createIngest } from './routes.js';
import { Scraper } from './scrape/scraper.js';
import type { ScrapeJob } from './scrape/scraper.js';

export interface IngestComponentOptions {
  /** The engine's sample port (counted by the daemon's self-metrics). */
  readonly appender: SampleAppender;
  /** The spec set in force at start: exponential histograms are exposed at the bounds its SLIs read. */
  readonly specs: SpecSet;
  readonly jobs: readonly ScrapeJob[];
  readonly limits?: Partial<IngestLimits>;
  readonly registry?: Registry;
  readonly clock?: () => number;
  readonly logger: IngestLogger & { child(bindings: object): IngestLogger };
}

/**
 * Ingest as one part of the daemon: `POST /api/v1/write` and `/v1/metrics` (the write token is checked by the daemon's
 * one auth middleware), and the configured scrape jobs, started and stopped with the daemon. A spec change moves the
 * histogram bounds OTLP exponential histograms are exposed at.
 */
export function createIngestComponent(options: IngestComponentOptions): Component<Hono> {
  let bucketBounds = bucketBoundsOf(options.specs);
  const ingest = createIngest({
    appender: options.appender,
    ...(options.registry === undefined ? {} : { registry: options.registry }),
    ...(options.limits === undefined ? {} : { limits: options.limits }),
    logger: options.logger.child({ component: 'ingest' }),
    bucketBounds: (metric) => bucketBounds(metric),
  });
  const scraper = new Scraper({
    jobs: options.jobs,
    appender: options.appender,
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    logger: options.logger.child({ component: 'scrape' }),
    metrics: ingest.context.metrics,
  });
  return {
    name: 'ingest',
    routes: ingest.routes,
    onSpecChange: (specs) => {
      bucketBounds = bucketBoundsOf(specs);
    },
    start: () => scraper.start(),
    stop: () => scraper.shutdown(),
  };
}
