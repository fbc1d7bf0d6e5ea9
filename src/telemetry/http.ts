import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { SelfMetrics } from './metrics.js';

/**
 * Counts every request by method, route pattern (never the raw path, so SLO names do not become label values) and
 * status, and observes its latency. Refused requests (401 from auth, 404) are counted too.
 */
export function countRequests(metrics: SelfMetrics): MiddlewareHandler {
  return async (c, next) => {
    const stop = metrics.httpRequestDuration.startTimer();
    try {
      await next();
    } finally {
      const matched = routePath(c, c.req.routeIndex);
      const route = matched === '' || matched === '/*' || matched === '*' ? 'unmatched' : matched;
      const code = String(c.res.status);
      stop({ method: c.req.method, route });
      metrics.httpRequests.inc({ method: c.req.method, route, code });
    }
  };
}
