import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { SelfMetrics } from './metrics.js';
import type { BoundRequest } from './request-series.js';

/**
 * Counts every request by method, route pattern (never the raw path, so SLO names do not become label values) and
 * status, and observes its latency. Refused requests (401 from auth, 404) are counted too. A writer is bound once
 * per (method, route, status) and kept (routes and codes are few), so a request costs a key and a map lookup. The
 * gate's fast path binds its one series itself (`metrics.requests.bind`), into the same tallies, so an answer is
 * counted the same way whichever path gave it.
 */
export function countRequests(metrics: SelfMetrics): MiddlewareHandler {
  const bound = new Map<string, BoundRequest>();
  return async (c, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      const matched = routePath(c, c.req.routeIndex);
      const route = matched === '' || matched === '/*' || matched === '*' ? 'unmatched' : matched;
      const { method } = c.req;
      const status = c.res.status;
      const key = `${status} ${method} ${route}`;
      let record = bound.get(key);
      if (record === undefined) {
        record = metrics.requests.bind(method, route, status);
        bound.set(key, record);
      }
      record((performance.now() - started) / 1000);
    }
  };
}
