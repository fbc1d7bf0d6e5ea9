import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { SloeError } from '../core/index.js';
import { MemoryDocumentStore } from '../store/memory-records.js';
import { silenceRoutes } from './silence-routes.js';
import { SilenceStore } from './silences.js';

const NOW = Date.UTC(2026, 10, 26, 12);

function app(): Hono {
  const outer = new Hono();
  // The same mapping as api/errors.ts, which notify may not import.
  outer.onError((error, c) => (error instanceof SloeError ? c.json({ error: { code: error.code, message: error.message } }, error.status as 400) : c.json({ error: { code: 'internal', message: 'internal error' } }, 500)));
  outer.route('/', silenceRoutes(new SilenceStore(new MemoryDocumentStore()), () => NOW));
  return outer;
}

function post(server: Hono, body: string): Promise<Response> {
  return Promise.resolve(server.request('/api/v1/silences', { method: 'POST', body, headers: { 'content-type': 'application/json' } }));
}

describe('silences admin API', () => {
  it('creates, lists and deletes a silence', async () => {
    const server = app();
    const created = await post(server, JSON.stringify({ slo: 'checkout-availability', endsAt: '2026-11-26T13:00:00Z', comment: 'failover drill', createdBy: 'ana' }));
    expect(created.status).toBe(201);
    const silence = (await created.json()) as { id: string; matchers: unknown[]; startsAt: string };
    expect(silence.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(silence.startsAt).toBe('2026-11-26T12:00:00.000Z');
    const listed = (await (await server.request('/api/v1/silences')).json()) as { data: { id: string }[] };
    expect(listed.data.map((s) => s.id)).toEqual([silence.id]);
    expect((await server.request(`/api/v1/silences/${silence.id}`, { method: 'DELETE' })).status).toBe(204);
    expect(((await (await server.request('/api/v1/silences')).json()) as { data: unknown[] }).data).toEqual([]);
    const again = await server.request(`/api/v1/silences/${silence.id}`, { method: 'DELETE' });
    expect(again.status).toBe(404);
    expect(await again.json()).toEqual({ error: { code: 'not_found', message: `no silence with id ${silence.id}` } });
  });

  it('answers 400 with the reason for bad bodies', async () => {
    const server = app();
    const notJson = await post(server, '{');
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as { error: { code: string } }).error.code).toBe('invalid_silence');
    const past = await post(server, JSON.stringify({ service: 'checkout', endsAt: '2026-11-25T00:00:00Z', comment: 'x', createdBy: 'y' }));
    expect(past.status).toBe(400);
    expect(((await past.json()) as { error: { message: string } }).error.message).toMatch(/^endsAt: /);
  });
});
