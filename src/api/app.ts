import { Hono } from 'hono';
import { errorResponse } from './errors.js';

export interface HealthProbe {
  /** Empty when ready; otherwise the reasons it is not. */
  notReadyReasons(): readonly string[];
}

/** The daemon's HTTP application: health endpoints, the routes of every component, one error mapping. */
export function createHttpApp(routes: readonly Hono[], health: HealthProbe): Hono {
  const app = new Hono();
  app.onError(errorResponse);
  app.notFound((c) => c.json({ error: { code: 'not_found', message: `no route for ${c.req.method} ${c.req.path}` } }, 404));
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', (c) => {
    const reasons = health.notReadyReasons();
    return reasons.length === 0 ? c.json({ status: 'ready' }) : c.json({ status: 'not ready', reasons }, 503);
  });
  for (const sub of routes) app.route('/', sub);
  return app;
}
