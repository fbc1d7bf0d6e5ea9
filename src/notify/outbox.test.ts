import { pino } from 'pino';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { FakeTimers, settle } from '../../test/notify/fake-timers.js';
import { RecordingNotifier, alerting, status } from '../../test/notify/fixtures.js';
import type { DocumentStore } from '../core/index.js';
import { MemoryDocumentStore, MemoryJournal } from '../store/memory-records.js';
import { buildNotification } from './content.js';
import { notifyMetrics } from './metrics.js';
import { JOURNAL_KIND, OUTBOX_NAMESPACE, Outbox } from './outbox.js';

const T0 = Date.UTC(2026, 10, 26, 12);
const notification = buildNotification(status('checkout-availability', { 'page-fast': 'firing' }), alerting(), { incident: 'checkout-availability/page', severity: 'page', urgency: 'page', kind: 'burn', state: 'firing', startsAt: T0, at: T0 }, { publicUrl: 'http://sloe.test' });

function outboxWith(notifiers: RecordingNotifier[], store: DocumentStore = new MemoryDocumentStore()) {
  const timers = new FakeTimers(T0);
  const journal = new MemoryJournal();
  const registry = new Registry();
  const made: { outbox?: Outbox } = {};
  const metrics = notifyMetrics(registry, () => made.outbox?.lengths() ?? []);
  const outbox = new Outbox({ notifiers, store, journal, metrics, timers, logger: pino({ level: 'silent' }), backoff: { initialMs: 1000, maxMs: 1000, jitter: 0 } });
  made.outbox = outbox;
  return { outbox, store, journal, timers };
}

describe('outbox', () => {
  it('keeps a dispatched notification in the store until it is delivered, and journals both steps', async () => {
    const pagerduty = new RecordingNotifier('pagerduty', 'pagerduty');
    pagerduty.script.push({ outcome: 'retry', reason: 'HTTP 503' });
    const { outbox, store, journal, timers } = outboxWith([pagerduty]);
    outbox.start();
    outbox.dispatch(notification, ['pagerduty'], T0);
    await settle();
    expect(store.list(OUTBOX_NAMESPACE)).toHaveLength(1);
    await timers.advance(1000);
    expect(pagerduty.states()).toEqual(['checkout-availability/page firing', 'checkout-availability/page firing']);
    expect(store.list(OUTBOX_NAMESPACE)).toEqual([]);
    expect(journal.query(JOURNAL_KIND, { limit: 10 }).map((entry) => (entry.data as { event: string }).event).sort()).toEqual(['delivered', 'dispatched']);
    await outbox.shutdown(0);
  });

  it('re-sends after a restart what was still waiting, and drops what a removed receiver held', async () => {
    const store = new MemoryDocumentStore();
    const down = new RecordingNotifier('pagerduty', 'pagerduty');
    down.script.push({ outcome: 'retry', reason: 'HTTP 503' });
    const before = outboxWith([down, new RecordingNotifier('slack', 'slack')], store);
    before.outbox.start();
    before.outbox.dispatch(notification, ['pagerduty'], T0);
    await settle();
    await before.outbox.shutdown(0);
    store.put(OUTBOX_NAMESPACE, 'gone|x|firing', { seq: 1, receiver: 'gone', notification });
    const pagerduty = new RecordingNotifier('pagerduty', 'pagerduty');
    const after = outboxWith([pagerduty], store);
    after.outbox.start();
    await settle();
    expect(pagerduty.states()).toEqual(['checkout-availability/page firing']);
    expect(store.list(OUTBOX_NAMESPACE)).toEqual([]);
    await after.outbox.shutdown(0);
  });

  it('sends lease re-sends only to leased receivers, without keeping them', async () => {
    const alertmanager = new RecordingNotifier('alertmanager', 'alertmanager', true);
    const slack = new RecordingNotifier('slack', 'slack');
    const { outbox, store } = outboxWith([alertmanager, slack]);
    outbox.start();
    outbox.resend(notification, ['alertmanager', 'slack']);
    expect(store.list(OUTBOX_NAMESPACE)).toEqual([]);
    await settle();
    expect(alertmanager.states()).toEqual(['checkout-availability/page firing']);
    expect(slack.received).toEqual([]);
    await outbox.shutdown(0);
  });
});
