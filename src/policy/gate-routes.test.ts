import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { policyTestOptions, sloStatus } from '../../test/policy/status-fixture.js';
import { errorResponse } from '../api/errors.js';
import type { SloStatus } from '../core/index.js';
import { MemoryJournal } from '../store/memory-records.js';
import { createPolicy } from './component.js';
import { authenticate } from '../auth/index.js';
import type { Tokens } from '../auth/index.js';

function setup(statuses: SloStatus[], tokens: Tokens = {}) {
  const journal = new MemoryJournal();
  let now = Date.parse('2026-11-26T12:01:00Z');
  const component = createPolicy({
    ...policyTestOptions(statuses, journal),
    now: () => (now += 1000),
  });
  const app = new Hono();
  app.onError(errorResponse);
  // As the daemon mounts them: behind the one auth middleware, which sets the caller gates read for overrides.
  app.use('*', authenticate(tokens));
  for (const routes of component.routes ?? []) app.route('/', routes);
  return { app, journal, component };
}

const healthy = [sloStatus({ name: 'checkout-availability', service: 'checkout', consumed: 0.1 })];
const frozen = [sloStatus({ name: 'checkout-availability', service: 'checkout', consumed: 1.2 })];

describe('gate routes', () => {
  it('answers GET with the contract fields and takes env, action and labels from the query', async () => {
    const { app, journal, component } = setup(frozen);
    const response = await app.request('/api/v1/gates/checkout?env=staging&action=provision&label=team=shop');
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    expect(Object.keys(body)).toEqual(expect.arrayContaining(['decision', 'allowed', 'reasons', 'slos', 'policy', 'id', 'evaluatedAt']));
    expect(body).toMatchObject({ decision: 'warn', allowed: true, environment: 'staging', action: 'provision', slos: ['checkout-availability'], policy: 'sloe-default', evaluatedAt: '2026-11-26T12:00:00.000Z' });
    // Counted in memory; in the audit trail at once, and closed into the journal on shutdown.
    expect(journal.query('decision', { limit: 5 })).toEqual([]);
    const trail = (await (await app.request('/api/v1/decisions')).json()) as { data: unknown[] };
    expect(trail.data).toEqual([expect.objectContaining({ id: body.id, count: 1, environment: 'staging' })]);
    await component.stop?.(1000);
    expect(journal.query('decision', { limit: 5 })[0]).toMatchObject({ subject: 'checkout', data: { id: body.id, count: 1, decidedAt: body.decidedAt } });
  });

  it('refuses bad input with 400 and says what was wrong', async () => {
    const { app } = setup(healthy);
    const cases: [string, RequestInit | undefined, string][] = [
      ['/api/v1/gates/checkout?action=launch', undefined, 'action: expected one of deploy, provision, config, got "launch"'],
      ['/api/v1/gates/checkout?env=prod%20eu', undefined, 'env: expected an environment name'],
      ['/api/v1/gates/checkout', { method: 'POST', body: '{"labels":' }, 'release metadata: malformed JSON'],
      ['/api/v1/gates/checkout', { method: 'POST', body: '[1]' }, 'release metadata: expected a JSON object'],
      ['/api/v1/gates/checkout', { method: 'POST', body: '{"labels":{"type":["security"]}}' }, 'labels.type: expected a string, got ["security"]'],
      ['/api/v1/gates/checkout', { method: 'POST', body: '{"version":2}' }, 'version: expected a string, got 2'],
      ['/api/v1/decisions?limit=0', undefined, 'limit: expected a positive integer, got "0"'],
    ];
    for (const [path, init, message] of cases) {
      const response = await app.request(path, init);
      expect(response.status, path).toBe(400);
      const body = (await response.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('bad_request');
      expect(body.error.message).toContain(message);
    }
  });

  it('refuses a body over 8 MiB with 413', async () => {
    const { app } = setup(healthy);
    const response = await app.request('/api/v1/gates/checkout', { method: 'POST', body: JSON.stringify({ labels: { note: 'x'.repeat(8_500_000) } }) });
    expect(response.status).toBe(413);
  });

  it('answers 404 for a service nothing covers', async () => {
    const { app } = setup(healthy);
    const response = await app.request('/api/v1/gates/nosuch');
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: { code: 'unknown_service', message: 'no SLO or policy covers service nosuch' } });
  });

  it('pages the audit trail newest first', async () => {
    const { app } = setup(healthy);
    const ids: string[] = [];
    // Five callers (one entry each); the fourth asks twice, which is one entry with a count of 2.
    for (let i = 0; i < 5; i++) ids.push(((await (await app.request('/api/v1/gates/checkout', { headers: { 'user-agent': `ci-${i}` } })).json()) as { id: string }).id);
    await app.request('/api/v1/gates/checkout', { headers: { 'user-agent': 'ci-3' } });
    const first = (await (await app.request('/api/v1/decisions?limit=2')).json()) as { data: { id: string }[]; next: string };
    expect(first.data.map((entry) => entry.id)).toEqual([ids[3], ids[4]]);
    const second = (await (await app.request(`/api/v1/decisions?limit=2&before=${first.next}`)).json()) as { data: { id: string }[]; next: string };
    expect(second.data.map((entry) => entry.id)).toEqual([ids[2], ids[1]]);
    const last = (await (await app.request(`/api/v1/decisions?limit=2&before=${second.next}`)).json()) as { data: { id: string; count: number }[]; next?: string };
    expect(last.data.map((entry) => entry.id)).toEqual([ids[0]]);
    expect(first.data.map((entry) => (entry as { count?: number }).count)).toEqual([2, 1]);
    expect(((await (await app.request('/api/v1/decisions?service=search')).json()) as { data: unknown[] }).data).toEqual([]);
  });

  it('writes one row with a count for a pipeline polling every second, and the same for Flagger and admission', async () => {
    const { app, journal, component } = setup(frozen);
    const bodies = new Set<string>();
    for (let poll = 0; poll < 60; poll++) {
      const body = (await (await app.request('/api/v1/gates/checkout?env=production', { headers: { 'user-agent': 'release-pipeline/1.0' } })).json()) as Record<string, unknown>;
      const { id, decidedAt, ...verdict } = body;
      expect(id).toEqual(expect.any(String));
      expect(decidedAt).toEqual(expect.any(String));
      bodies.add(JSON.stringify(verdict));
    }
    // Every answer the same verdict, to the byte, with its own id and time.
    expect(bodies.size).toBe(1);
    const flagger = { name: 'checkout', namespace: 'shop', phase: 'Progressing', checksum: 'c1', metadata: { environment: 'production', team: 'shop' } };
    for (let poll = 0; poll < 30; poll++) await app.request('/api/v1/hooks/flagger', { method: 'POST', body: JSON.stringify(flagger) });
    const review = { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: { uid: 'u1', operation: 'CREATE', kind: { kind: 'Deployment' }, object: { metadata: { name: 'checkout', labels: { 'app.kubernetes.io/name': 'checkout', tier: 'web' } } } } };
    for (let poll = 0; poll < 10; poll++) expect((await app.request('/api/v1/admission/production', { method: 'POST', body: JSON.stringify(review) })).status).toBe(200);
    // Nothing written while the polls went on: the counts live in memory until the batch is written.
    expect(journal.query('decision', { limit: 10 })).toEqual([]);
    await component.stop?.(1000);
    const rows = journal.query('decision', { limit: 10 }).map((row) => row.data as { via: string; count: number; firstAt: string; lastAt: string; decision: string });
    expect(rows.map((row) => [row.via, row.count, row.decision]).sort()).toEqual([
      ['admission', 10, 'deny'],
      ['flagger', 30, 'deny'],
      ['gate', 60, 'deny'],
    ]);
    const gate = rows.find((row) => row.via === 'gate')!;
    // One poll a second (the test's clock): 59 seconds from the first to the last.
    expect(Date.parse(gate.lastAt) - Date.parse(gate.firstAt)).toBe(59_000);
  });

  it('needs the read token where one is set, accepts the admin token, and never echoes a token', async () => {
    const { app } = setup(healthy, { readToken: 'r-secret', adminToken: 'a-secret' });
    for (const path of ['/api/v1/gates/checkout', '/api/v1/decisions', '/api/v1/freezes']) {
      const missing = await app.request(path);
      expect(missing.status).toBe(401);
      const wrong = await app.request(path, { headers: { authorization: 'Bearer guess' } });
      expect(wrong.status).toBe(401);
      expect(await wrong.text()).not.toContain('secret');
      expect((await app.request(path, { headers: { authorization: 'Bearer r-secret' } })).status).toBe(200);
      expect((await app.request(path, { headers: { authorization: 'bearer a-secret' } })).status).toBe(200);
    }
  });
});

describe('Flagger webhook', () => {
  const hook = (app: Hono, body: unknown) => app.request('/api/v1/hooks/flagger', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('passes with 200 while the budget allows', async () => {
    const { app } = setup(healthy);
    const response = await hook(app, { name: 'checkout', namespace: 'shop', phase: 'Progressing', checksum: '7f5c9d', metadata: { type: 'pre-rollout' } });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ decision: 'allow', service: 'checkout' });
  });

  it('holds with 403 and the reason, taking the service from metadata.service', async () => {
    const { app, journal, component } = setup(frozen);
    const response = await hook(app, { name: 'checkout-canary', namespace: 'shop', phase: 'Progressing', metadata: { service: 'checkout', environment: 'production' } });
    expect(response.status).toBe(403);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('gate_denied');
    expect(body.error.message).toMatch(/^checkout held by policy sloe-default \(decision \S+\): checkout-availability: error budget spent \(-20% remaining of 30d/);
    component.gates.flush(true);
    expect(journal.query('decision', { limit: 1 })[0]?.data).toMatchObject({ via: 'flagger', release: { canary: 'checkout-canary', namespace: 'shop', phase: 'Progressing' } });
  });

  it('refuses a body without the canary name', async () => {
    const { app } = setup(healthy);
    const response = await hook(app, { namespace: 'shop' });
    expect(response.status).toBe(400);
  });
});

describe('manual freezes', () => {
  const put = (app: Hono, body: unknown, token?: string) =>
    app.request('/api/v1/freezes/checkout', { method: 'PUT', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });

  it('are set and lifted with the admin token, hold the gate, and freeze and thaw at once', async () => {
    const { app, component } = setup(healthy, { readToken: 'r', adminToken: 'a' });
    const read = { headers: { authorization: 'Bearer r' } };
    expect((await put(app, { reason: 'Black Friday' })).status).toBe(401);
    expect((await put(app, { reason: 'Black Friday' }, 'r')).status).toBe(401);
    expect((await put(app, { reason: '' }, 'a')).status).toBe(400);
    expect((await put(app, { reason: 'x', until: 'yesterday' }, 'a')).status).toBe(400);
    expect((await put(app, { reason: 'x', enviroment: 'prod' }, 'a')).status).toBe(400);
    const created = await put(app, { reason: 'Black Friday', by: 'ana', until: '2h' }, 'a');
    expect(created.status).toBe(201);
    // No actions named: the default, written out (deploys and config changes), not an empty list that reads as nothing.
    expect(await created.json()).toMatchObject({ service: 'checkout', environment: 'production', actions: ['deploy', 'config'], reason: 'Black Friday', by: 'ana' });
    const gate = (await (await app.request('/api/v1/gates/checkout', read)).json()) as { decision: string; reasons: string[] };
    expect(gate.decision).toBe('deny');
    expect(gate.reasons[0]).toMatch(/^checkout: frozen by hand in production by ana since .* until .*: Black Friday$/);
    const listed = (await (await app.request('/api/v1/freezes', read)).json()) as { data: { service: string }[]; manual: { reason: string }[] };
    expect(listed.data.map((freeze) => freeze.service)).toEqual(['checkout']);
    expect(listed.manual.map((freeze) => freeze.reason)).toEqual(['Black Friday']);
    expect((await app.request('/api/v1/freezes/checkout', { method: 'DELETE', headers: { authorization: 'Bearer a' } })).status).toBe(204);
    expect((await app.request('/api/v1/freezes/checkout', { method: 'DELETE', headers: { authorization: 'Bearer a' } })).status).toBe(404);
    expect(((await (await app.request('/api/v1/gates/checkout', read)).json()) as { decision: string }).decision).toBe('allow');
    expect(component.freezes.current()).toEqual([]);
  });
});
