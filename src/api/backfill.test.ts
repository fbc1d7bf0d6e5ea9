import { describe, expect, it } from 'vitest';
import { SloeError } from '../core/index.js';
import { createHttpApp } from './app.js';
import { backfillRoutes } from './backfill.js';

const NOW = Date.UTC(2026, 11, 1);

/** An admin that knows one pulled SLO, `api`, and records what it was asked. */
function app() {
  const asked: (readonly string[] | undefined)[] = [];
  const routes = backfillRoutes(
    {
      start: (slos, now) => {
        expect(now).toBe(NOW);
        asked.push(slos);
        if (slos?.includes('nope')) throw new SloeError('not_found', 'no SLO is named nope', { status: 404 });
        return ['api'];
      },
    },
    () => NOW,
  );
  return { http: createHttpApp([routes], { notReadyReasons: () => [] }), asked };
}

describe('POST /api/v1/backfill', () => {
  it('starts the named SLOs, or every pulled SLO without a body, and answers 202 with what is being filled', async () => {
    const { http, asked } = app();
    const named = await http.request('/api/v1/backfill', { method: 'POST', body: JSON.stringify({ slos: ['api'] }) });
    expect(named.status).toBe(202);
    expect(await named.json()).toEqual({ data: { objectives: ['api'] } });
    expect((await http.request('/api/v1/backfill', { method: 'POST' })).status).toBe(202);
    expect(asked).toEqual([['api'], undefined]);
  });

  it('refuses a malformed body with the reason, and an unknown SLO with 404', async () => {
    const { http } = app();
    const cases: [string, number, RegExp][] = [
      ['{', 400, /must be JSON/],
      ['[]', 400, /JSON object/],
      ['{"slo": "api"}', 400, /unknown field\(s\): slo/],
      ['{"slos": "api"}', 400, /slos: expected a list of SLO names/],
      ['{"slos": ["nope"]}', 404, /no SLO is named nope/],
    ];
    for (const [body, status, message] of cases) {
      const response = await http.request('/api/v1/backfill', { method: 'POST', body });
      expect(response.status, body).toBe(status);
      expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(message);
    }
  });
});
