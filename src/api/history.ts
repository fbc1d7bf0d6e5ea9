import { Hono } from 'hono';
import type { HistoryReader, StatusReader } from '../core/index.js';
import { HOUR, MINUTE, badRequest, groupSelector, notFound, parseStep, parseTime } from '../core/index.js';
import { groupParams } from './params.js';

/** Most points one history request may ask for. */
export const MAX_HISTORY_POINTS = 1000;

/**
 * GET /api/v1/slos/{name}/history?from=&to=&step=: SLI, budget remaining and burn rates over time, recomputed from
 * the stored buckets. Defaults: the last 24 hours, with a step giving about 200 points (at least a minute).
 * `group.LABEL=VALUE` parameters (every label of the SLO's `groupBy`) ask for one group's history: 400 when the SLO is
 * not grouped or the labels are not its `groupBy`, 404 when it has no such group. `statuses` tells an unknown SLO from
 * an unknown group.
 */
export function historyRoutes(reader: HistoryReader, clock: () => number, statuses: StatusReader): Hono {
  const app = new Hono();
  app.get('/api/v1/slos/:name/history', (c) => {
    const now = clock();
    const toParam = c.req.query('to');
    const fromParam = c.req.query('from');
    const stepParam = c.req.query('step');
    const to = toParam === undefined ? now : parseTime(toParam, 'to');
    const from = fromParam === undefined ? to - 24 * HOUR : parseTime(fromParam, 'from');
    if (from > to) throw badRequest('from must not be after to');
    const step = stepParam === undefined ? Math.max(MINUTE, Math.ceil((to - from) / 200 / MINUTE) * MINUTE) : parseStep(stepParam, 'step');
    const points = Math.floor((to - from) / step) + 1;
    if (points > MAX_HISTORY_POINTS) {
      throw badRequest(`from, to and step ask for ${points} points; at most ${MAX_HISTORY_POINTS} are served: use a larger step or a shorter range`, 'too_many_points');
    }
    const name = c.req.param('name');
    const group = groupParams(c.req.queries());
    const history = reader.history(name, from, to, step, group);
    if (!history) throw notFound(group === undefined || statuses.get(name) === undefined ? `no SLO named ${name}` : `SLO ${name} has no group ${groupSelector(group)}`);
    return c.json({
      data: {
        name,
        ...(group === undefined ? {} : { group }),
        from: new Date(from).toISOString(),
        to: new Date(to).toISOString(),
        step: step / 1000,
        points: history.map((point) => ({ t: new Date(point.t).toISOString(), sli: point.sli, budgetRemaining: point.budgetRemaining, burnRates: point.burnRates })),
      },
    });
  });
  return app;
}
