import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { SelfMetrics } from './metrics.js';

const INGEST_PROTOCOLS: Readonly<Record<string, string>> = { '/api/v1/write': 'remote_write', '/v1/metrics': 'otlp' };

/**
 * Counts every request by method, route pattern (never the raw path, so SLO names do not become label values) and
 * status, observes its latency, and counts ingest requests by protocol and status: refused bodies (400, 413, 401)
 * never reach the appender, so this is where they show.
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
      const protocol = INGEST_PROTOCOLS[c.req.path];
      if (protocol !== undefined && c.req.method === 'POST') metrics.ingestRequests.inc({ protocol, code });
    }
  };
}
