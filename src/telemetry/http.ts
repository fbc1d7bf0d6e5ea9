import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { SelfMetrics } from './metrics.js';
import type { BoundRequest } from './request-series.js';

/** Counts one answered request: method, route pattern (or `unmatched`), status code and latency in seconds. */
export type RequestRecorder = (method: string, route: string, status: number, seconds: number) => void;

/**
 * The request metrics' writer for the middleware: a writer bound once per (method, route, status) and kept (routes
 * and codes are few), so a request costs a key and a map lookup. The gate's fast path binds its one series itself
 * (`metrics.requests.bind`), into the same tallies, so an answer is counted the same way whichever path gave it.
 */
export function requestRecorder(metrics: SelfMetrics): RequestRecorder {
  const bound = new Map<string, BoundRequest>();
  return (method, route, status, seconds) => {
    const key = `${status} ${method} ${route}`;
    let record = bound.get(key);
    if (record === undefined) {
      record = metrics.requests.bind(method, route, status);
      bound.set(key, record);
    }
    record(seconds);
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
