import { Hono } from 'hono';
import type { HistoryReader } from '../core/index.js';
import { HOUR, MINUTE } from '../core/index.js';
import { badRequest, notFound } from './errors.js';
import { parseStep, parseTime } from './time-params.js';

/** Most points one history request may ask for. */
export const MAX_HISTORY_POINTS = 1000;

/**
 * GET /api/v1/slos/{name}/history?from=&to=&step=: SLI, budget remaining and burn rates over time, recomputed from
 * the stored buckets. Defaults: the last 24 hours, with a step giving about 200 points (at least a minute).
 */
export function historyRoutes(reader: HistoryReader, clock: () => number): Hono {
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
    const history = reader.history(name, from, to, step);
    if (!history) throw notFound(`no SLO named ${name}`);
    return c.json({
      data: {
        name,
        from: new Date(from).toISOString(),
        to: new Date(to).toISOString(),
        step: step / 1000,
        points: history.map((point) => ({ t: new Date(point.t).toISOString(), sli: point.sli, budgetRemaining: point.budgetRemaining, burnRates: point.burnRates })),
      },
    });
  });
  return app;
}
