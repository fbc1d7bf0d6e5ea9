import { Hono } from 'hono';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { FakeTimers, settle } from '../../test/notify/fake-timers.js';
import { RecordingNotifier, alerting, status } from '../../test/notify/fixtures.js';
import { errorResponse } from '../api/errors.js';
import type { Slo, SpecSet } from '../core/index.js';
import { MemoryDocumentStore, MemoryJournal } from '../store/memory-records.js';
import { createNotifications } from './component.js';

const MINUTE = 60_000;

function specsWithRunbook(runbookUrl: string): SpecSet {
  // Notifications read only each SLO's name and alerting block.
  const slo = { name: 'checkout-availability', alerting: alerting({ runbookUrl }) } as Slo;
  return { services: [], slos: [slo], policies: [] };
}

function setup() {
  const timers = new FakeTimers();
  const pagerduty = new RecordingNotifier('pagerduty', 'pagerduty');
  const component = createNotifications({
    notifiers: [pagerduty],
    store: new MemoryDocumentStore(),
    journal: new MemoryJournal(),
    registry: new Registry(),
    specs: specsWithRunbook('https://runbooks.example.com/v1'),
    publicUrl: 'http://sloe.test',
    resendIntervalMs: MINUTE,
    timers,
  });
  const app = new Hono();
  app.onError(errorResponse);
  for (const routes of component.routes ?? []) app.route('/', routes);
  return { timers, pagerduty, component, app };
}

describe('notifications component', () => {
  it('notifies after an evaluation with the alerting block of the specs in force', async () => {
    const { timers, pagerduty, component } = setup();
    await component.start?.();
    component.afterEvaluation?.({ now: timers.now(), statuses: [status('checkout-availability', { 'page-fast': 'firing' })], transitions: [] });
    await settle();
    expect(pagerduty.received.map((sent) => [sent.state, sent.links.runbook])).toEqual([['firing', 'https://runbooks.example.com/v1']]);
    expect(component.firing().map((record) => record.incident)).toEqual(['checkout-availability/page']);
    await component.onSpecChange?.(specsWithRunbook('https://runbooks.example.com/v2'));
    component.afterEvaluation?.({ now: timers.now(), statuses: [status('checkout-availability', { 'page-fast': 'resolved' })], transitions: [] });
    await settle();
    expect(pagerduty.received.map((sent) => [sent.state, sent.links.runbook])).toEqual([
      ['firing', 'https://runbooks.example.com/v1'],
      ['resolved', 'https://runbooks.example.com/v2'],
    ]);
    await component.stop?.(0);
  });

  it('serves the silences routes, and a silence set through them holds a page back', async () => {
    const { timers, pagerduty, component, app } = setup();
    await component.start?.();
    const created = await app.request('/api/v1/silences', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ slo: 'checkout-availability', endsAt: new Date(timers.now() + 10 * MINUTE).toISOString(), comment: 'drill', createdBy: 'ana' }) });
    expect(created.status).toBe(201);
    expect(component.silences.list(timers.now())).toHaveLength(1);
    component.afterEvaluation?.({ now: timers.now(), statuses: [status('checkout-availability', { 'page-fast': 'firing' })], transitions: [] });
    await settle();
    expect(pagerduty.received).toEqual([]);
    const bad = await app.request('/api/v1/silences', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' });
    expect(bad.status).toBe(400);
    await component.stop?.(0);
  });

  it('stops the lease timer and the queues on stop', async () => {
    const { timers, component } = setup();
    await component.start?.();
    expect(timers.waiting()).toEqual([MINUTE]);
    await component.stop?.(0);
    expect(timers.waiting()).toEqual([]);
  });

  it('refuses a resend interval that is not positive', () => {
    expect(() => createNotifications({ notifiers: [], store: new MemoryDocumentStore(), journal: new MemoryJournal(), registry: new Registry(), specs: specsWithRunbook('x'), publicUrl: 'http://sloe.test', resendIntervalMs: 0 })).toThrow(/resendIntervalMs must be positive/);
  });
});
