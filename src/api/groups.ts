import { Hono } from 'hono';
import type { StatusReader } from '../core/index.js';
import { notFound } from '../core/index.js';

/**
 * GET /api/v1/slos/{name}/groups: a grouped SLO's groups, each a SloStatus with `group` set, the least budget left
 * first (groups without data last: unknown is not the most urgent). An SLO without `groupBy` (plain or composite)
 * has no groups: an empty list, so a script can ask every SLO alike. 404 when no SLO has the name.
 */
export function groupRoutes(statuses: StatusReader): Hono {
  const app = new Hono();
  app.get('/api/v1/slos/:name/groups', (c) => {
    const name = c.req.param('name');
    const groups = statuses.get(name) === undefined ? undefined : (statuses.groups?.(name) ?? []);
    if (groups === undefined) throw notFound(`no SLO named ${name}`);
    return c.json({ data: groups });
  });
  return app;
}
