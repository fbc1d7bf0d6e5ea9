import type { Metric, Registry } from 'prom-client';

/** Adds one answered request, of the (method, route, status) it was bound to, taking `seconds`. */
export type BoundRequest = (seconds: number) => void;

/**
 * The request metrics (`sloe_http_requests_total{method,route,code}`, `sloe_http_request_duration_seconds{method,route}`)
 * tallied in plain numbers and rendered by prom-client's registry like any of its own metrics.
 *
 * Why not prom-client's Counter and Histogram: even through a child from `labels()`, every `inc` and `observe`
 * validates the label set and hashes it again (prom-client 15), and a gate answer is counted by both; that
 * bookkeeping was a sixth of the gate's own work per answer (bench/gate/NOTES.md). Here a caller binds a
 * (method, route, status) once and each answer is then two additions and a bucket search. The exposition is
 * prom-client's own format for these types, line for line (request-series.test.ts renders both and compares).
 */
export class RequestSeries {
  private readonly latency = new Map<string, LatencyTally>();
  private readonly counts = new Map<string, CountTally>();
  private readonly requestsMetric: RegisteredMetric;
  private readonly durationMetric: RegisteredMetric;

  constructor(
    registry: Registry,
    private readonly names: { readonly requests: string; readonly duration: string },
    private readonly help: { readonly requests: string; readonly duration: string },
    private readonly buckets: readonly number[],
  ) {
    if (buckets.some((bound, at) => !Number.isFinite(bound) || (at > 0 && bound <= (buckets[at - 1] ?? 0)))) throw new TypeError('request latency buckets must be finite and increasing');
    this.requestsMetric = { name: names.requests, help: help.requests, type: 'counter', aggregator: 'sum', get: () => Promise.resolve(this.requestsValues()) };
    this.durationMetric = { name: names.duration, help: help.duration, type: 'histogram', aggregator: 'sum', get: () => Promise.resolve(this.durationValues()) };
    registry.registerMetric(this.requestsMetric as unknown as Metric);
    registry.registerMetric(this.durationMetric as unknown as Metric);
  }

  /** The one writer of a (method, route, status): binding costs a lookup, so callers keep what this returns. */
  bind(method: string, route: string, status: number): BoundRequest {
    const seriesKey = `${method} ${route}`;
    let latency = this.latency.get(seriesKey);
    if (latency === undefined) {
      latency = { method, route, perBucket: new Array<number>(this.buckets.length + 1).fill(0), sum: 0, count: 0 };
      this.latency.set(seriesKey, latency);
    }
    const code = String(status);
    const countKey = `${seriesKey} ${code}`;
    let counted = this.counts.get(countKey);
    if (counted === undefined) {
      counted = { labels: { method, route, code }, value: 0 };
      this.counts.set(countKey, counted);
    }
    const tally = latency;
    const count = counted;
    const buckets = this.buckets;
    return (seconds) => {
      let bucket = 0;
      while (bucket < buckets.length && seconds > (buckets[bucket] ?? Infinity)) bucket++;
      tally.perBucket[bucket] = (tally.perBucket[bucket] ?? 0) + 1;
      tally.sum += seconds;
      tally.count += 1;
      count.value += 1;
    };
  }

  private requestsValues(): RenderedMetric {
    const values = [...this.counts.values()].map(({ labels, value }) => ({ labels: { ...labels }, value }));
    return { name: this.names.requests, help: this.help.requests, type: 'counter', aggregator: 'sum', values };
  }

  /** prom-client's histogram layout: cumulative `_bucket` lines (`le` first), `+Inf`, then `_sum` and `_count`. */
  private durationValues(): RenderedMetric {
    const values: RenderedValue[] = [];
    const bucketName = `${this.names.duration}_bucket`;
    for (const { method, route, perBucket, sum, count } of this.latency.values()) {
      let cumulative = 0;
      this.buckets.forEach((bound, at) => {
        cumulative += perBucket[at] ?? 0;
        values.push({ labels: { le: bound, method, route }, value: cumulative, metricName: bucketName });
      });
      values.push({ labels: { le: '+Inf', method, route }, value: count, metricName: bucketName });
      values.push({ labels: { method, route }, value: sum, metricName: `${this.names.duration}_sum` });
      values.push({ labels: { method, route }, value: count, metricName: `${this.names.duration}_count` });
    }
    return { name: this.names.duration, help: this.help.duration, type: 'histogram', aggregator: 'sum', values };
  }
}

interface LatencyTally {
  readonly method: string;
  readonly route: string;
  /** Requests per bucket (not cumulative); the last slot holds those above the largest bound. */
  readonly perBucket: number[];
  sum: number;
  count: number;
}

interface CountTally {
  readonly labels: { readonly method: string; readonly route: string; readonly code: string };
  value: number;
}

/** One line of a metric as prom-client's registry renders it (`metricName` defaults to the metric's name). */
interface RenderedValue {
  readonly labels: Readonly<Record<string, string | number>>;
  readonly value: number;
  readonly metricName?: string;
}

/** What `get()` returns: prom-client's MetricObjectWithValues, the fields its registry reads. */
interface RenderedMetric {
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'histogram';
  readonly aggregator: 'sum';
  readonly values: RenderedValue[];
}

/**
 * What prom-client's registry needs of a metric to list and render it. Registered through a cast: prom-client's
 * `Metric` type names its own classes, while its registry only calls `get()` and reads these fields.
 */
interface RegisteredMetric extends Omit<RenderedMetric, 'values'> {
  get(): Promise<RenderedMetric>;
}
