import { Hono } from 'hono';
import { badRequest, notFound } from '../core/index.js';
import { parseSilenceRequest } from './silences.js';
import type { SilenceStore } from './silences.js';

/**
 * The silences admin API: `POST /api/v1/silences` (201 with the silence and its id), `GET /api/v1/silences` (those
 * not yet ended), `DELETE /api/v1/silences/{id}` (204, 404 when unknown). Admin authentication is the app's business.
 */
export function silenceRoutes(silences: SilenceStore, now: () => number = Date.now): Hono {
  const app = new Hono();
  app.post('/api/v1/silences', async (c) => {
    let body: unknown;
    try {
      body = await c.req.json();
    } catch (cause) {
      throw badRequest(`body: not valid JSON: ${(cause as Error).message}`, 'invalid_silence', cause);
    }
    const silence = silences.add(parseSilenceRequest(body, now()));
    return c.json(silence, 201);
  });
  app.get('/api/v1/silences', (c) => c.json({ data: silences.list(now()) }));
  app.delete('/api/v1/silences/:id', (c) => {
    if (!silences.remove(c.req.param('id'))) throw notFound(`no silence with id ${c.req.param('id')}`);
    return c.body(null, 204);
  });
  return app;
}
