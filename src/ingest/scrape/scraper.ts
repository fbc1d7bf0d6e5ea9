import type { IncomingSeries, SampleAppender } from '../../core/index.js';
import type { IngestLogger } from '../http/context.js';
import type { IngestMetrics } from '../metrics.js';
import { parseExposition } from './parse.js';
import { expositionToSeries } from './series.js';

export interface ScrapeJob {
  readonly job: string;
  /** `host:port` */
  readonly targets: readonly string[];
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly path: string;
  readonly scheme: 'http' | 'https';
  /** Extra request headers (sloe's self-scrape sends its own read token here). */
  readonly headers?: Readonly<Record<string, string>>;
}

export interface ScraperOptions {
  readonly jobs: readonly ScrapeJob[];
  readonly appender: SampleAppender;
  readonly clock?: () => number;
  readonly fetch?: typeof fetch;
  readonly logger?: IngestLogger;
  readonly metrics?: IngestMetrics;
  /** Largest exposition read, bytes. */
  readonly maxBodyBytes?: number;
}

export interface ScrapeOutcome {
  readonly up: boolean;
  readonly durationSeconds: number;
  readonly samples: number;
  readonly error?: string;
}

const ACCEPT = 'application/openmetrics-text;version=1.0.0;q=0.5,application/openmetrics-text;version=0.0.1;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2';

/**
 * Scrapes the configured targets' `/metrics` (Prometheus text format or OpenMetrics) on their interval, with a timeout,
 * and appends what SLIs read, plus `up`, `scrape_duration_seconds` and `scrape_samples_scraped` for each target, with
 * protocol `scrape`. Lifecycle: `start()`, `shutdown()` (stops the timers and waits for scrapes in flight).
 */
export class Scraper {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private running = false;
  private readonly clock: () => number;
  private readonly fetch: typeof fetch;

  constructor(private readonly options: ScraperOptions) {
    for (const job of options.jobs) {
      if (!(job.intervalMs > 0) || !(job.timeoutMs > 0)) throw new TypeError(`scrape job ${job.job}: interval and timeout must be positive`);
      if (job.timeoutMs > job.intervalMs) throw new TypeError(`scrape job ${job.job}: timeout ${job.timeoutMs} ms is longer than the interval ${job.intervalMs} ms`);
    }
    this.clock = options.clock ?? Date.now;
    this.fetch = options.fetch ?? fetch;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    for (const job of this.options.jobs) {
      for (const target of job.targets) {
        // Spread targets over the interval (a stable offset per target), as Prometheus does.
        this.schedule(job, target, offsetOf(`${job.job}/${target}`, job.intervalMs));
      }
    }
  }

  private schedule(job: ScrapeJob, target: string, delay: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!this.running) return;
      const started = this.clock();
      const scrape = this.scrapeOnce(job, target).finally(() => this.inFlight.delete(scrape));
      this.inFlight.add(scrape);
      void scrape.then(() => {
        if (this.running) this.schedule(job, target, Math.max(0, job.intervalMs - (this.clock() - started)));
      });
    }, delay);
    timer.unref();
    this.timers.add(timer);
  }

  async shutdown(): Promise<void> {
    this.running = false;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await Promise.allSettled([...this.inFlight]);
  }

  /** One scrape of one target, appended before it resolves. Never rejects: a failed scrape is `up` 0 with the reason. */
  async scrapeOnce(job: ScrapeJob, target: string): Promise<ScrapeOutcome> {
    const started = this.clock();
    const startedPrecise = performance.now();
    const instance = target;
    let series: IncomingSeries[] = [];
    let scraped = 0;
    let error: string | undefined;
    try {
      const response = await this.fetch(`${job.scheme}://${target}${job.path}`, { headers: { ...job.headers, accept: ACCEPT, 'x-prometheus-scrape-timeout-seconds': String(job.timeoutMs / 1000) }, signal: AbortSignal.timeout(job.timeoutMs) });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const text = await response.text();
      if (text.length > (this.options.maxBodyBytes ?? 16 * 1024 * 1024)) throw new Error('exposition larger than the limit');
      const openMetrics = (response.headers.get('content-type') ?? '').toLowerCase().startsWith('application/openmetrics-text');
      const exposition = parseExposition(text, openMetrics);
      scraped = exposition.samples.length;
      series = expositionToSeries(exposition, { job: job.job, instance }, started, (name) => this.options.appender.wantsMetric(name));
    } catch (caught) {
      error = caught instanceof Error ? (caught.name === 'TimeoutError' ? `no answer within ${job.timeoutMs} ms` : caught.message) : String(caught);
    }
    const durationSeconds = (performance.now() - startedPrecise) / 1000;
    const up = error === undefined;
    const target_ = { job: job.job, instance };
    for (const [name, value] of [
      ['up', up ? 1 : 0],
      ['scrape_duration_seconds', durationSeconds],
      ['scrape_samples_scraped', scraped],
    ] as const) {
      if (this.options.appender.wantsMetric(name)) series.push({ labels: { __name__: name, ...target_ }, timestamps: [started], values: [value], temporality: 'gauge' });
    }
    this.options.metrics?.scrapes.inc({ job: job.job, outcome: up ? 'success' : 'failure' });
    this.options.metrics?.samplesReceived.inc({ protocol: 'scrape' }, scraped);
    if (!up) this.options.logger?.warn({ job: job.job, target, error }, 'scrape failed');
    if (series.length > 0) {
      try {
        this.options.appender.append(series, 'scrape');
      } catch (caught) {
        this.options.logger?.error({ err: caught, job: job.job, target }, 'scraped samples could not be committed');
        return { up, durationSeconds, samples: scraped, error: caught instanceof Error ? caught.message : String(caught) };
      }
    }
    return { up, durationSeconds, samples: scraped, ...(error === undefined ? {} : { error }) };
  }
}

function offsetOf(key: string, intervalMs: number): number {
  let hash = 0;
  for (let i = 0; i < key.length; i++) hash = (Math.imul(hash, 31) + key.charCodeAt(i)) >>> 0;
  return hash % intervalMs;
}
