import { Hono } from 'hono';
import type { MiddlewareHandler } from 'hono';
import { errorResponse } from './errors.js';

export interface HealthProbe {
  /** Empty when ready; otherwise the reasons it is not. */
  notReadyReasons(): readonly string[];
  /** More to say in /readyz either way (the last reload, when refused: its problems). */
  details?(): Record<string, unknown>;
}

/** Middleware mounted before every route, in order (request metrics, traces, auth). */
export interface Middleware {
  readonly path: string;
  readonly handler: MiddlewareHandler;
}

/** The daemon's HTTP application: health endpoints, the routes of every component, one error mapping. */
export function createHttpApp(routes: readonly Hono[], health: HealthProbe, middleware: readonly Middleware[] = []): Hono {
  const app = new Hono();
  app.onError(errorResponse);
  for (const { path, handler } of middleware) app.use(path, handler);
  app.notFound((c) => c.json({ error: { code: 'not_found', message: `no route for ${c.req.method} ${c.req.path}` } }, 404));
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', (c) => {
    const reasons = health.notReadyReasons();
    const details = health.details?.() ?? {};
    return reasons.length === 0 ? c.json({ status: 'ready', ...details }) : c.json({ status: 'not ready', reasons, ...details }, 503);
  });
  for (const sub of routes) app.route('/', sub);
  return app;
}
