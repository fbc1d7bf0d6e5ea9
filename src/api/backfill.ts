import { Hono } from 'hono';
import type { BackfillAdmin } from '../core/index.js';
import { badRequest } from '../core/index.js';

/**
 * POST /api/v1/backfill `{"slos": [NAME, ...]}` (or no body: every SLO pulled from a source): fills their periods
 * again from their sources. 202 with the objectives being filled; their progress is each SloStatus.backfill.
 */
export function backfillRoutes(admin: BackfillAdmin, clock: () => number): Hono {
  const app = new Hono();
  app.post('/api/v1/backfill', async (c) => {
    const text = await c.req.text();
    let slos: string[] | undefined;
    if (text.trim() !== '') {
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        throw badRequest('the body must be JSON: {"slos": [NAME, ...]}');
      }
      if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest('the body must be a JSON object: {"slos": [NAME, ...]}');
      const unknown = Object.keys(body).filter((key) => key !== 'slos');
      if (unknown.length > 0) throw badRequest(`unknown field(s): ${unknown.join(', ')}`);
      const named = (body as { slos?: unknown }).slos;
      if (named !== undefined && (!Array.isArray(named) || !named.every((name): name is string => typeof name === 'string' && name !== ''))) throw badRequest('slos: expected a list of SLO names');
      slos = named;
    }
    const objectives = admin.start(slos, clock());
    return c.json({ data: { objectives } }, 202);
  });
  return app;
}
