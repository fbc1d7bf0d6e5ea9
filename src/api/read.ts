import { Hono } from 'hono';
import type { StatusReader } from '../core/index.js';
import { notFound } from '../core/index.js';

/** GET /api/v1/slos and /api/v1/slos/{name}, answered from the engine's last evaluation in memory. */
export function readRoutes(statuses: StatusReader): Hono {
  const app = new Hono();
  app.get('/api/v1/slos', (c) => c.json({ data: statuses.latest() }));
  app.get('/api/v1/slos/:name', (c) => {
    const status = statuses.get(c.req.param('name'));
    if (!status) throw notFound(`no SLO named ${c.req.param('name')}`);
    return c.json(status);
  });
  return app;
}
