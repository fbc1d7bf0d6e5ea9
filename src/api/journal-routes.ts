import { Hono } from 'hono';
import type { Journal } from '../core/index.js';
import { positiveInteger } from '../core/index.js';

const MAX_LIMIT = 500;

/**
 * GET /api/v1/notifications?slo=&limit=&before=: what the notifiers sent, failed to send or held back, newest first,
 * from the journal (kind `notification`, subject the SLO objective). Page with `before`, the last `id` seen.
 */
export function journalRoutes(journal: Journal): Hono {
  const app = new Hono();
  app.get('/api/v1/notifications', (c) => {
    const limit = Math.min(MAX_LIMIT, positiveInteger(c.req.query('limit'), 'limit', 50) ?? 50);
    const beforeId = positiveInteger(c.req.query('before'), 'before', undefined);
    const subject = c.req.query('slo');
    const entries = journal.query('notification', { limit, ...(subject ? { subject } : {}), ...(beforeId === undefined ? {} : { beforeId }) });
    return c.json({ data: entries.map((entry) => ({ id: entry.id, at: new Date(entry.at).toISOString(), slo: entry.subject, ...(entry.data as Record<string, unknown>) })) });
  });
  return app;
}
