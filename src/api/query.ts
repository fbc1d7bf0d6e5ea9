import { Hono } from 'hono';
import type { Context } from 'hono';
import type { InstantSeries, LabelProfile, StatusReader } from '../core/index.js';
import { SloeError, evaluateInstant, parseTime } from '../core/index.js';
import { everyStatus, sloSamples } from './slo-series.js';

/** Prometheus renders sample values as strings, with its spellings of the special values. */
function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(value);
}

/**
 * GET|POST /api/v1/query: a Prometheus-compatible instant query over the `slo:*` series of the latest evaluation
 * (groups of grouped SLOs included, with their group labels, as in /metrics).
 * Responses (and errors) are exactly Prometheus's, not sloe's usual error body, because Prometheus clients (Flagger,
 * Argo Rollouts, Keptn, Grafana) parse them. `time` stamps the result; the figures are always the latest evaluation's.
 */
export function queryRoutes(statuses: StatusReader, clock: () => number, profile: LabelProfile = 'default'): Hono {
  const app = new Hono();
  // The series change once per evaluation (latest() returns the same array until the next): with groups they can be
  // many, so they are built once per evaluation, not per query.
  let builtFor: readonly unknown[] | undefined;
  let built: InstantSeries[] = [];
  const currentSeries = (): InstantSeries[] => {
    const latest = statuses.latest();
    if (latest !== builtFor) {
      builtFor = latest;
      built = sloSamples(everyStatus(statuses), profile).map((sample) => ({ labels: { __name__: sample.name, ...sample.labels }, value: sample.value }));
    }
    return built;
  };
  const handle = async (c: Context) => {
    let query = c.req.query('query');
    let time = c.req.query('time');
    if (c.req.method === 'POST') {
      const type = c.req.header('content-type') ?? '';
      if (type.includes('application/x-www-form-urlencoded') || type.includes('multipart/form-data')) {
        const form = await c.req.parseBody();
        if (typeof form.query === 'string') query = form.query;
        if (typeof form.time === 'string') time = form.time;
      }
    }
    if (query === undefined || query.trim() === '') return c.json({ status: 'error', errorType: 'bad_data', error: 'invalid parameter "query": no query given' }, 400);
    let at: number;
    try {
      at = time === undefined || time === '' ? clock() : parseTime(time, 'time');
    } catch (error) {
      const message = error instanceof SloeError ? error.message : String(error);
      return c.json({ status: 'error', errorType: 'bad_data', error: `invalid parameter "time": ${message}` }, 400);
    }
    try {
      const result = evaluateInstant(query, currentSeries());
      const seconds = at / 1000;
      if (result.kind === 'scalar') return c.json({ status: 'success', data: { resultType: 'scalar', result: [seconds, formatValue(result.value)] } });
      return c.json({ status: 'success', data: { resultType: 'vector', result: result.series.map((series) => ({ metric: series.labels, value: [seconds, formatValue(series.value)] })) } });
    } catch (error) {
      if (error instanceof SloeError && error.code === 'bad_query') return c.json({ status: 'error', errorType: 'bad_data', error: `invalid parameter "query": ${error.message}` }, 400);
      throw error;
    }
  };
  app.get('/api/v1/query', handle);
  app.post('/api/v1/query', handle);
  return app;
}
