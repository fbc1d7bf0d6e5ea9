import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { setupNotifications as setup } from '../../test/notify/dispatcher-setup.js';
import { FakeTimers, settle } from '../../test/notify/fake-timers.js';
import { RecordingNotifier, status } from '../../test/notify/fixtures.js';
import { MemoryDocumentStore, MemoryJournal } from '../store/memory-records.js';
import { queueNamespace } from '../delivery/index.js';
import { Notifications, receiverQueueName } from './dispatcher.js';
import { parseSilenceRequest } from './silences.js';

const MINUTE = 60_000;

const SLO = 'checkout-availability';

describe('notifications', () => {
  it('one incident pages once: page tiers share it, a firing page holds back the ticket, and it resolves once', async () => {
    const { pagerduty, slack, evaluate, timers } = setup();
    await evaluate(status(SLO, { 'page-fast': 'firing', 'ticket-fast': 'firing' }));
    await timers.advance(MINUTE);
    await evaluate(status(SLO, { 'page-fast': 'firing', 'page-slow': 'firing', 'ticket-fast': 'firing', 'ticket-slow': 'firing' }));
    await evaluate(status(SLO, { 'page-slow': 'firing', 'ticket-fast': 'firing' }));
    expect(pagerduty.states()).toEqual([`${SLO}/page firing`]);
    expect(slack.states()).toEqual([`${SLO}/page firing`]);
    await evaluate(status(SLO, { 'ticket-slow': 'firing' }));
    await evaluate(status(SLO, {}));
    // The page resolves; the ticket, held back while the page fired, is a ticket of its own afterwards.
    expect(pagerduty.states()).toEqual([`${SLO}/page firing`, `${SLO}/page resolved`]);
    expect(slack.states()).toEqual([`${SLO}/page firing`, `${SLO}/page resolved`, `${SLO}/ticket firing`, `${SLO}/ticket resolved`]);
  });

  it('a burn passing from the fast page tier to the slow one, still pending, stays one page', async () => {
    const { pagerduty, alertmanager, evaluate } = setup();
    await evaluate(status(SLO, { 'page-fast': 'firing', 'page-slow': 'pending' }));
    await evaluate(status(SLO, { 'page-fast': 'resolved', 'page-slow': 'pending' }));
    await evaluate(status(SLO, { 'page-slow': 'firing' }));
    expect(pagerduty.states()).toEqual([`${SLO}/page firing`]);
    expect(alertmanager.states()).toEqual([`${SLO}/page firing`]);
    await evaluate(status(SLO, { 'page-slow': 'resolved' }));
    expect(pagerduty.states()).toEqual([`${SLO}/page firing`, `${SLO}/page resolved`]);
    // Pending alone never opens an incident.
    await evaluate(status(SLO, { 'page-fast': 'pending' }));
    expect(pagerduty.received).toHaveLength(2);
  });

  it('routes pages and tickets apart, and sends the resolve to whoever got the firing', async () => {
    const { pagerduty, slack, alertmanager, evaluate } = setup({ routes: [{ match: { services: ['checkout'], severities: ['ticket'] }, receivers: ['slack'] }] });
    await evaluate(status(SLO, { 'ticket-slow': 'firing' }));
    await evaluate(status(SLO, {}));
    expect(pagerduty.states()).toEqual([]);
    expect(alertmanager.states()).toEqual([]);
    expect(slack.states()).toEqual([`${SLO}/ticket firing`, `${SLO}/ticket resolved`]);
  });

  it('notifications carry the content built from the status and spec', async () => {
    const { pagerduty, evaluate, timers } = setup();
    const since = timers.now() - 2 * MINUTE;
    await evaluate(status(SLO, { 'page-fast': 'firing' }, { activeSince: since }));
    expect(pagerduty.received[0]).toMatchObject({ startsAt: since, alertName: 'CheckoutAvailabilityBurn', links: { ui: `http://sloe.test/#/slo/${SLO}`, runbook: 'https://runbooks.example.com/checkout' } });
  });

  it('re-sends firing incidents to lease receivers (Alertmanager) on the interval, only to them', async () => {
    const { pagerduty, alertmanager, evaluate, timers } = setup();
    await evaluate(status(SLO, { 'page-fast': 'firing' }));
    await timers.advance(3 * MINUTE);
    expect(alertmanager.states()).toEqual(Array(4).fill(`${SLO}/page firing`));
    expect(pagerduty.received).toHaveLength(1);
    await evaluate(status(SLO, {}));
    await timers.advance(2 * MINUTE);
    expect(alertmanager.states().slice(-1)).toEqual([`${SLO}/page resolved`]);
    expect(alertmanager.received).toHaveLength(5);
  });

  it('stops re-sending an incident no evaluation has confirmed for a lease, so Alertmanager lets it end', async () => {
    const timers = new FakeTimers();
    const alertmanager = new RecordingNotifier('alertmanager', 'alertmanager', true);
    const notifications = new Notifications({ notifiers: [alertmanager], store: new MemoryDocumentStore(), journal: new MemoryJournal(), registry: new Registry(), alerting: () => undefined, publicUrl: 'http://x', resendIntervalMs: MINUTE, evaluationIntervalMs: 30_000, timers });
    notifications.start();
    notifications.evaluated([status(SLO, { 'page-fast': 'firing' })], timers.now());
    await timers.advance(3 * MINUTE);
    notifications.evaluated([status(SLO, { 'page-fast': 'firing' })], timers.now());
    await timers.advance(10 * MINUTE);
    // Confirmed at minute 3: re-sent at minutes 1 to 7 (lease 4 minutes), then no more while evaluations stall.
    expect(alertmanager.received).toHaveLength(8);
    notifications.evaluated([status(SLO, { 'page-fast': 'firing' })], timers.now());
    await timers.advance(MINUTE);
    expect(alertmanager.received).toHaveLength(9);
    await notifications.shutdown(0);
  });

  it('keeps the lease of an incident held open by a pending tier', async () => {
    const timers = new FakeTimers();
    const alertmanager = new RecordingNotifier('alertmanager', 'alertmanager', true);
    const notifications = new Notifications({ notifiers: [alertmanager], store: new MemoryDocumentStore(), journal: new MemoryJournal(), registry: new Registry(), alerting: () => undefined, publicUrl: 'http://x', resendIntervalMs: MINUTE, evaluationIntervalMs: 30_000, timers });
    notifications.start();
    notifications.evaluated([status(SLO, { 'page-fast': 'firing', 'page-slow': 'pending' })], timers.now());
    for (let minute = 0; minute < 10; minute++) {
      await timers.advance(MINUTE);
      notifications.evaluated([status(SLO, { 'page-fast': 'resolved', 'page-slow': 'pending' })], timers.now());
    }
    expect(alertmanager.states()).toEqual(Array(11).fill(`${SLO}/page firing`));
    await notifications.shutdown(0);
  });

  it('a silence holds back a new incident until it ends; it is journalled once', async () => {
    const { pagerduty, notifications, journal, evaluate, timers } = setup();
    notifications.silences.add(parseSilenceRequest({ slo: SLO, endsAt: new Date(timers.now() + 10 * MINUTE).toISOString(), comment: 'drill', createdBy: 'ana' }, timers.now(), 'sil-1'));
    await evaluate(status(SLO, { 'page-fast': 'firing' }));
    await evaluate(status(SLO, { 'page-fast': 'firing' }));
    expect(pagerduty.received).toEqual([]);
    expect(journal.query('notification', { limit: 10 }).map((entry) => entry.data)).toEqual([expect.objectContaining({ event: 'silenced', silence: 'sil-1' })]);
    await timers.advance(10 * MINUTE);
    await evaluate(status(SLO, { 'page-fast': 'firing' }));
    expect(pagerduty.states()).toEqual([`${SLO}/page firing`]);
  });

  it('records every notification in the journal and counts attempts by receiver and outcome', async () => {
    const { pagerduty, journal, registry, evaluate, timers } = setup();
    pagerduty.script.push({ outcome: 'retry', reason: 'HTTP 429', status: 429 });
    await evaluate(status(SLO, { 'page-fast': 'firing' }));
    await timers.advance(1000);
    const entries = journal.query('notification', { subject: SLO, limit: 20 }).reverse();
    expect(entries.map((entry) => (entry.data as { event: string; receiver?: string }).event + (entry.data as { receiver?: string }).receiver)).toEqual([
      'dispatchedundefined',
      'deliveredslack',
      'deliveredalertmanager',
      'deliveredpagerduty',
    ]);
    expect(entries[3]?.data).toMatchObject({ attempts: 2, state: 'firing', severity: 'page' });
    const metrics = await registry.getSingleMetricAsString('sloe_notifications_total');
    expect(metrics).toContain('sloe_notifications_total{receiver="pagerduty",outcome="retried"} 1');
    expect(metrics).toContain('sloe_notifications_total{receiver="pagerduty",outcome="sent"} 1');
  });

  it('a full queue drops the oldest and counts it', async () => {
    const down = new RecordingNotifier('pagerduty', 'pagerduty', false, ['page']);
    for (let i = 0; i < 50; i++) down.script.push({ outcome: 'retry', reason: 'down' });
    const timers = new FakeTimers();
    const registry = new Registry();
    const notifications = new Notifications({ notifiers: [down], store: new MemoryDocumentStore(), journal: new MemoryJournal(), registry, alerting: () => undefined, publicUrl: 'http://x', resendIntervalMs: MINUTE, queueCapacity: 2, timers });
    notifications.start();
    notifications.evaluated([status('a', { 'page-fast': 'firing' }), status('b', { 'page-fast': 'firing' }), status('c', { 'page-fast': 'firing' }), status('d', { 'page-fast': 'firing' })], timers.now());
    await settle();
    // a is in flight, so it no longer waits; b and c fill the two places and d pushes out b, the oldest waiting.
    expect(await registry.getSingleMetricAsString('sloe_notifications_total')).toContain('sloe_notifications_total{receiver="pagerduty",outcome="dropped"} 1');
    expect(await registry.getSingleMetricAsString('sloe_delivery_dropped_total')).toContain('sloe_delivery_dropped_total{queue="notify.pagerduty"} 1');
    expect(await registry.getSingleMetricAsString('sloe_notification_queue_length')).toContain('sloe_notification_queue_length{receiver="pagerduty"} 3');
  });

  it('raises a no-data incident after noDataFor without events, and resolves it when events return', async () => {
    const { slack, pagerduty, evaluate, timers } = setup();
    await evaluate(status(SLO, {}, { health: 'nodata' }));
    await timers.advance(59 * MINUTE);
    await evaluate(status(SLO, {}, { health: 'nodata' }));
    expect(slack.received).toEqual([]);
    await timers.advance(MINUTE);
    await evaluate(status(SLO, {}, { health: 'nodata' }));
    expect(slack.received[0]).toMatchObject({ incident: `${SLO}/nodata`, kind: 'nodata', severity: 'ticket', alertName: 'CheckoutAvailabilityBurnNoData' });
    expect(pagerduty.received).toEqual([]);
    await evaluate(status(SLO, {}));
    expect(slack.states()).toEqual([`${SLO}/nodata firing`, `${SLO}/nodata resolved`]);
  });

  it('resolves the incidents of an SLO that is no longer evaluated', async () => {
    const { pagerduty, evaluate } = setup();
    await evaluate(status(SLO, { 'page-fast': 'firing' }), status('other', {}));
    await evaluate(status('other', {}));
    expect(pagerduty.states()).toEqual([`${SLO}/page firing`, `${SLO}/page resolved`]);
    expect(pagerduty.received[1]?.summary).toContain('no longer evaluated');
  });

  describe('across a restart', () => {
    it('a firing incident stays firing without a new page, and resolves normally', async () => {
      const first = setup();
      await first.evaluate(status(SLO, { 'page-fast': 'firing' }));
      await first.notifications.shutdown(1000);
      const second = setup({ store: first.store, timers: first.timers });
      await second.evaluate(status(SLO, { 'page-fast': 'firing', 'page-slow': 'firing' }));
      expect(second.pagerduty.received).toEqual([]);
      await second.timers.advance(MINUTE);
      expect(second.alertmanager.states()).toEqual([`${SLO}/page firing`]);
      await second.evaluate(status(SLO, {}));
      expect(second.pagerduty.states()).toEqual([`${SLO}/page resolved`]);
      expect(second.slack.states()).toEqual([`${SLO}/page resolved`]);
    });

    it('a clear that happened while down is sent on the first evaluation', async () => {
      const first = setup();
      await first.evaluate(status(SLO, { 'page-fast': 'firing' }));
      await first.notifications.shutdown(1000);
      const second = setup({ store: first.store, timers: first.timers });
      await second.evaluate(status(SLO, {}));
      expect(second.pagerduty.states()).toEqual([`${SLO}/page resolved`]);
      expect(second.pagerduty.received[0]?.startsAt).toBe(first.pagerduty.received[0]?.startsAt);
    });

    it('what was not yet delivered is delivered after the restart, once', async () => {
      const first = setup();
      for (let i = 0; i < 5; i++) first.pagerduty.script.push({ outcome: 'retry', reason: 'HTTP 503', status: 503 });
      await first.evaluate(status(SLO, { 'page-fast': 'firing' }));
      const stop = first.notifications.shutdown(0);
      await first.timers.advance(0);
      await stop;
      const waiting = () => first.store.list(queueNamespace(receiverQueueName('pagerduty'))).map((entry) => (entry.value as { item: { incident: string; state: string } }).item);
      expect(waiting().map((item) => `${item.incident} ${item.state}`)).toEqual([`${SLO}/page firing`]);
      const second = setup({ store: first.store, timers: first.timers });
      await settle();
      expect(second.pagerduty.states()).toEqual([`${SLO}/page firing`]);
      expect(second.slack.received).toEqual([]);
      expect(waiting()).toEqual([]);
      await second.evaluate(status(SLO, { 'page-fast': 'firing' }));
      expect(second.pagerduty.received).toHaveLength(1);
    });
  });
});
