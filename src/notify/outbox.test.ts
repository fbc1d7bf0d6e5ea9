import { pino } from 'pino';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { FakeTimers, settle } from '../../test/notify/fake-timers.js';
import { RecordingNotifier, alerting, status } from '../../test/notify/fixtures.js';
import type { DocumentStore } from '../core/index.js';
import { queueNamespace } from '../delivery/index.js';
import { MemoryDocumentStore, MemoryJournal } from '../store/memory-records.js';
import { buildNotification } from './content.js';
import { notifyMetrics } from './metrics.js';
import { JOURNAL_KIND, LEGACY_OUTBOX_NAMESPACE, Outbox, receiverQueueName } from './outbox.js';
import type { AlertNotification, ReceiverKind } from './types.js';

const T0 = Date.UTC(2026, 10, 26, 12);

function notificationOf(state: 'firing' | 'resolved', at = T0, slo = 'checkout-availability'): AlertNotification {
  return buildNotification(status(slo, { 'page-fast': 'firing' }), alerting(), { incident: `${slo}/page`, severity: 'page', urgency: 'page', kind: 'burn', state, startsAt: T0, at }, { publicUrl: 'http://sloe.test' });
}
const notification = notificationOf('firing');

function outboxWith(notifiers: RecordingNotifier[], store: DocumentStore = new MemoryDocumentStore(), queueCapacity?: number) {
  const timers = new FakeTimers(T0);
  const journal = new MemoryJournal();
  const registry = new Registry();
  const made: { outbox?: Outbox } = {};
  const metrics = notifyMetrics(registry, () => made.outbox?.lengths() ?? []);
  const outbox = new Outbox({ notifiers, store, journal, metrics, registry, timers, logger: pino({ level: 'silent' }), backoff: { initialMs: 1000, maxMs: 1000, jitter: 0 }, ...(queueCapacity === undefined ? {} : { queueCapacity }) });
  made.outbox = outbox;
  return { outbox, store, journal, timers, registry };
}

/** What waits in the store for a receiver, as `incident state`. */
function stored(store: DocumentStore, receiver: string): string[] {
  return store.list(queueNamespace(receiverQueueName(receiver))).map(({ value }) => {
    const { item } = value as { item: AlertNotification };
    return `${item.incident} ${item.state}`;
  });
}

async function counted(registry: Registry, name: string, labels: Record<string, string>): Promise<number> {
  const values = (await registry.getSingleMetric(name)?.get())?.values ?? [];
  return values.filter((value) => Object.entries(labels).every(([key, wanted]) => value.labels[key] === wanted)).reduce((sum, value) => sum + value.value, 0);
}

/** A first process whose receiver answers 503 to the first attempt, stopped while the notifications still wait. */
async function leftWaiting(store: DocumentStore, receiver: string, kind: ReceiverKind, notifications: readonly AlertNotification[]): Promise<RecordingNotifier> {
  const down = new RecordingNotifier(receiver, kind);
  down.script.push({ outcome: 'retry', reason: 'HTTP 503' });
  const { outbox } = outboxWith([down, new RecordingNotifier('other', 'webhook')], store);
  outbox.start();
  for (const waiting of notifications) outbox.dispatch(waiting, [receiver], waiting.at);
  await settle();
  await outbox.shutdown(0);
  return down;
}

function events(journal: MemoryJournal): string[] {
  return journal.query(JOURNAL_KIND, { limit: 20 }).map((entry) => (entry.data as { event: string }).event).sort();
}

describe('outbox', () => {
  it('keeps a dispatched notification in the store until it is delivered, and journals both steps', async () => {
    const pagerduty = new RecordingNotifier('pagerduty', 'pagerduty');
    pagerduty.script.push({ outcome: 'retry', reason: 'HTTP 503' });
    const { outbox, store, journal, timers } = outboxWith([pagerduty]);
    outbox.start();
    outbox.dispatch(notification, ['pagerduty'], T0);
    await settle();
    expect(stored(store, 'pagerduty')).toEqual(['checkout-availability/page firing']);
    await timers.advance(1000);
    expect(pagerduty.states()).toEqual(['checkout-availability/page firing', 'checkout-availability/page firing']);
    expect(stored(store, 'pagerduty')).toEqual([]);
    expect(events(journal)).toEqual(['delivered', 'dispatched']);
    await outbox.shutdown(0);
  });

  it('re-sends after a restart what was still waiting, once', async () => {
    const store = new MemoryDocumentStore();
    const down = await leftWaiting(store, 'pagerduty', 'pagerduty', [notification, notificationOf('resolved', T0 + 1)]);
    expect(down.received).toHaveLength(1);
    const pagerduty = new RecordingNotifier('pagerduty', 'pagerduty');
    const after = outboxWith([pagerduty], store);
    after.outbox.start();
    await settle();
    expect(pagerduty.states()).toEqual(['checkout-availability/page firing', 'checkout-availability/page resolved']);
    expect(stored(store, 'pagerduty')).toEqual([]);
    await after.outbox.shutdown(0);
  });

  it('drops, at start, what waited for a receiver no longer configured', async () => {
    const store = new MemoryDocumentStore();
    await leftWaiting(store, 'slack', 'slack', [notification]);
    expect(stored(store, 'slack')).toEqual(['checkout-availability/page firing']);
    // Slack is removed from the configuration; one named slack comes back later and must not get the stale page.
    const after = outboxWith([new RecordingNotifier('pagerduty', 'pagerduty')], store);
    after.outbox.start();
    expect(stored(store, 'slack')).toEqual([]);
    await after.outbox.shutdown(0);
    const again = new RecordingNotifier('slack', 'slack');
    const later = outboxWith([again], store);
    later.outbox.start();
    await settle();
    expect(again.received).toEqual([]);
    await later.outbox.shutdown(0);
  });

  it('moves what an older sloe left in its own outbox onto the queues, dropping what a removed receiver held', async () => {
    const store = new MemoryDocumentStore();
    // The layout the outbox used before it moved onto delivery/'s queues: one document per receiver, incident, state.
    store.put(LEGACY_OUTBOX_NAMESPACE, 'pagerduty|checkout-availability/page|resolved', { seq: 2, receiver: 'pagerduty', notification: notificationOf('resolved', T0 + 5) });
    store.put(LEGACY_OUTBOX_NAMESPACE, 'pagerduty|checkout-availability/page|firing', { seq: 1, receiver: 'pagerduty', notification });
    store.put(LEGACY_OUTBOX_NAMESPACE, 'gone|x|firing', { seq: 3, receiver: 'gone', notification });
    const pagerduty = new RecordingNotifier('pagerduty', 'pagerduty');
    const { outbox } = outboxWith([pagerduty], store);
    outbox.start();
    await settle();
    expect(pagerduty.states()).toEqual(['checkout-availability/page firing', 'checkout-availability/page resolved']);
    expect(store.list(LEGACY_OUTBOX_NAMESPACE)).toEqual([]);
    expect(stored(store, 'pagerduty')).toEqual([]);
    await outbox.shutdown(0);
  });

  it('sends lease re-sends only to leased receivers, without keeping or journalling them', async () => {
    const alertmanager = new RecordingNotifier('alertmanager', 'alertmanager', true);
    const slack = new RecordingNotifier('slack', 'slack');
    const { outbox, store, journal } = outboxWith([alertmanager, slack]);
    outbox.start();
    outbox.resend(notification, ['alertmanager', 'slack']);
    expect(stored(store, 'alertmanager')).toEqual([]);
    await settle();
    expect(alertmanager.states()).toEqual(['checkout-availability/page firing']);
    expect(slack.received).toEqual([]);
    expect(events(journal)).toEqual([]);
    await outbox.shutdown(0);
  });

  it('a lease re-send refreshes the notification waiting for a receiver that is down, never doubling it or overtaking a resolve', async () => {
    const alertmanager = new RecordingNotifier('alertmanager', 'alertmanager', true);
    alertmanager.script.push({ outcome: 'retry', reason: 'ECONNREFUSED' });
    const { outbox, store, timers } = outboxWith([alertmanager]);
    outbox.start();
    outbox.dispatch(notificationOf('firing', T0 + 1), ['alertmanager'], T0);
    await settle();
    // The first attempt failed and is waiting out its backoff; two re-sends arrive: still one entry, the newest content.
    outbox.resend(notificationOf('firing', T0 + 2), ['alertmanager']);
    outbox.resend(notificationOf('firing', T0 + 3), ['alertmanager']);
    expect(outbox.lengths()).toEqual([['alertmanager', 1]]);
    outbox.dispatch(notificationOf('resolved', T0 + 4), ['alertmanager'], T0);
    outbox.resend(notificationOf('firing', T0 + 5), ['alertmanager']);
    expect(outbox.lengths()).toEqual([['alertmanager', 3]]);
    // The refreshed firing stays durable (it was dispatched); the re-send queued after the resolve is not kept.
    expect(stored(store, 'alertmanager')).toEqual(['checkout-availability/page firing', 'checkout-availability/page resolved']);
    await timers.advance(5000);
    expect(alertmanager.received.map((sent) => `${sent.state}@${sent.at - T0}`)).toEqual(['firing@1', 'firing@3', 'resolved@4', 'firing@5']);
    await outbox.shutdown(0);
  });

  it('when a receiver\'s queue is full drops the oldest, counted in notify\'s and delivery\'s metrics and journalled', async () => {
    const slack = new RecordingNotifier('slack', 'slack');
    for (let i = 0; i < 10; i++) slack.script.push({ outcome: 'retry', reason: 'HTTP 503' });
    const { outbox, journal, registry } = outboxWith([slack], new MemoryDocumentStore(), 2);
    outbox.start();
    outbox.dispatch(notificationOf('firing', T0, 'a'), ['slack'], T0);
    await settle();
    outbox.dispatch(notificationOf('firing', T0, 'b'), ['slack'], T0);
    outbox.dispatch(notificationOf('firing', T0, 'c'), ['slack'], T0);
    outbox.dispatch(notificationOf('firing', T0, 'd'), ['slack'], T0);
    // a failed once and waits out its backoff, so it is droppable: c pushes out a, d pushes out b.
    expect(await counted(registry, 'sloe_notifications_total', { receiver: 'slack', outcome: 'dropped' })).toBe(2);
    expect(await counted(registry, 'sloe_delivery_dropped_total', { queue: 'notify.slack' })).toBe(2);
    expect(await counted(registry, 'sloe_notification_queue_length', { receiver: 'slack' })).toBe(2);
    const dropped = journal.query(JOURNAL_KIND, { limit: 20 }).filter((entry) => (entry.data as { event: string }).event === 'dropped');
    expect(dropped.map((entry) => (entry.data as { incident: string }).incident).sort()).toEqual(['a/page', 'b/page']);
    await outbox.shutdown(0);
  });
});
