import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { SelfMetrics } from './metrics.js';

/** One route's series: its latency histogram and its counter per status code, looked up once and then reused. */
interface RouteSeries {
  readonly observe: (seconds: number) => void;
  readonly counted: Map<string, { inc: () => void }>;
}

/**
 * Counts every request by method, route pattern (never the raw path, so SLO names do not become label values) and
 * status, and observes its latency. Refused requests (401 from auth, 404) are counted too. Each series' child is
 * kept (routes and codes are few): prom-client would otherwise hash the label set on every request.
 */
export function countRequests(metrics: SelfMetrics): MiddlewareHandler {
  const routes = new Map<string, RouteSeries>();
  const seriesOf = (method: string, route: string): RouteSeries => {
    const key = `${method} ${route}`;
    let series = routes.get(key);
    if (!series) {
      const histogram = metrics.httpRequestDuration.labels({ method, route });
      series = { observe: (seconds) => histogram.observe(seconds), counted: new Map() };
      routes.set(key, series);
    }
    return series;
  };
  return async (c, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      const matched = routePath(c, c.req.routeIndex);
      const route = matched === '' || matched === '/*' || matched === '*' ? 'unmatched' : matched;
      const method = c.req.method;
      const series = seriesOf(method, route);
      series.observe((performance.now() - started) / 1000);
      const code = String(c.res.status);
      let counter = series.counted.get(code);
      if (!counter) {
        counter = metrics.httpRequests.labels({ method, route, code });
        series.counted.set(code, counter);
      }
      counter.inc();
    }
  };
}
