import { Hono } from 'hono';
import type { ExclusionAdmin, ExclusionRecord } from '../core/index.js';
import { badRequest, notFound, parseTime } from '../core/index.js';

/** The header naming who sets or removes an exclusion (the auth layer may set it from the token). */
export const USER_HEADER = 'x-sloe-user';

function view(record: ExclusionRecord) {
  return { ...record, start: new Date(record.start).toISOString(), end: new Date(record.end).toISOString(), createdAt: new Date(record.createdAt).toISOString() };
}

function timeField(body: Record<string, unknown>, key: string): number {
  const value = body[key];
  if (typeof value === 'number') return Math.round(value * 1000);
  if (typeof value === 'string') return parseTime(value, key);
  throw badRequest(`${key}: expected a time (RFC 3339 or Unix seconds)`);
}

/**
 * Admin routes for budget exclusions: POST /api/v1/exclusions `{slo, start, end, reason}` (who from the
 * `X-Sloe-User` header), GET /api/v1/exclusions[?slo=], DELETE /api/v1/exclusions/{id}. Auth is the daemon's.
 */
export function exclusionRoutes(admin: ExclusionAdmin, clock: () => number): Hono {
  const app = new Hono();
  app.get('/api/v1/exclusions', (c) => c.json({ data: admin.list(c.req.query('slo')).map(view) }));
  app.post('/api/v1/exclusions', async (c) => {
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      throw badRequest('the body must be JSON: {"slo", "start", "end", "reason"}');
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest('the body must be a JSON object: {"slo", "start", "end", "reason"}');
    const fields = body as Record<string, unknown>;
    const unknown = Object.keys(fields).filter((key) => !['slo', 'start', 'end', 'reason'].includes(key));
    if (unknown.length > 0) throw badRequest(`unknown field(s): ${unknown.join(', ')}`);
    if (typeof fields.slo !== 'string' || fields.slo === '') throw badRequest('slo: expected the SLO name');
    if (typeof fields.reason !== 'string' || fields.reason.trim() === '') throw badRequest('reason: expected why these events do not count');
    const who = c.req.header(USER_HEADER) ?? 'anonymous';
    const record = admin.add({ slo: fields.slo, start: timeField(fields, 'start'), end: timeField(fields, 'end'), reason: fields.reason }, who, clock());
    return c.json({ data: view(record) }, 201);
  });
  app.delete('/api/v1/exclusions/:id', (c) => {
    const who = c.req.header(USER_HEADER) ?? 'anonymous';
    if (!admin.remove(c.req.param('id'), who, clock())) throw notFound(`no exclusion set through the API with id ${c.req.param('id')}`);
    return c.body(null, 204);
  });
  return app;
}
