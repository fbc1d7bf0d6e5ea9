import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { SelfMetrics } from './metrics.js';

/** One route's series: its latency histogram and its counter per status code, looked up once and then reused. */
interface RouteSeries {
  readonly observe: (seconds: number) => void;
  readonly counted: Map<number, { inc: () => void }>;
}

/** Counts one answered request: method, route pattern (or `unmatched`), status code and latency in seconds. */
export type RequestRecorder = (method: string, route: string, status: number, seconds: number) => void;

/**
 * The request metrics' one writer (`sloe_http_requests_total`, `sloe_http_request_duration_seconds`): the middleware
 * and the gate's fast path both count through it, so an answer is counted the same way whichever path gave it. Each
 * series' child is kept (routes and codes are few): prom-client would otherwise hash the label set on every request.
 */
export function requestRecorder(metrics: SelfMetrics): RequestRecorder {
  const routes = new Map<string, RouteSeries>();
  return (method, route, status, seconds) => {
    const key = `${method} ${route}`;
    let series = routes.get(key);
    if (!series) {
      const histogram = metrics.httpRequestDuration.labels({ method, route });
      series = { observe: (value) => histogram.observe(value), counted: new Map() };
      routes.set(key, series);
    }
    series.observe(seconds);
    let counter = series.counted.get(status);
    if (!counter) {
      counter = metrics.httpRequests.labels({ method, route, code: String(status) });
      series.counted.set(status, counter);
    }
    counter.inc();
  };
}

/**
 * Counts every request by method, route pattern (never the raw path, so SLO names do not become label values) and
 * status, and observes its latency. Refused requests (401 from auth, 404) are counted too.
 */
export function countRequests(metrics: SelfMetrics, record: RequestRecorder = requestRecorder(metrics)): MiddlewareHandler {
  return async (c, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      const matched = routePath(c, c.req.routeIndex);
      const route = matched === '' || matched === '/*' || matched === '*' ? 'unmatched' : matched;
      record(c.req.method, route, c.res.status, (performance.now() - started) / 1000);
    }
  };
}
