import { Registry } from 'prom-client';
import type { DocumentStore, SloStatus } from '../../src/core/index.js';
import { Notifications } from '../../src/notify/index.js';
import type { Route } from '../../src/notify/index.js';
import { MemoryDocumentStore, MemoryJournal } from '../../src/store/memory-records.js';
import { FakeTimers, settle } from './fake-timers.js';
import { RecordingNotifier, alerting } from './fixtures.js';

const MINUTE = 60_000;

/**
 * Notifications over in-process receivers (PagerDuty for pages, Slack for pages and tickets, a lease Alertmanager) on
 * fake timers and memory stores, with `checkout-availability`'s alerting block: the dispatcher tests' one setup.
 */
export function setupNotifications(options: { store?: DocumentStore; timers?: FakeTimers; routes?: Route[]; receivers?: RecordingNotifier[] } = {}) {
  const timers = options.timers ?? new FakeTimers();
  const pagerduty = new RecordingNotifier('pagerduty', 'pagerduty', false, ['page']);
  const slack = new RecordingNotifier('slack', 'slack', false, ['page', 'ticket']);
  const alertmanager = new RecordingNotifier('alertmanager', 'alertmanager', true);
  const receivers = options.receivers ?? [pagerduty, slack, alertmanager];
  const store = options.store ?? new MemoryDocumentStore();
  const journal = new MemoryJournal();
  const registry = new Registry();
  const notifications = new Notifications({
    notifiers: receivers,
    ...(options.routes ? { routes: options.routes } : {}),
    store,
    journal,
    registry,
    alerting: (slo) => (slo === 'checkout-availability' ? alerting() : undefined),
    publicUrl: 'http://sloe.test',
    resendIntervalMs: MINUTE,
    backoff: { initialMs: 1000, maxMs: 10_000, jitter: 0 },
    timers,
  });
  notifications.start();
  /** One evaluation at the fake clock's now, then deliveries settle. */
  const evaluate = async (...statuses: SloStatus[]) => {
    notifications.evaluated(statuses, timers.now());
    await settle();
  };
  /** One evaluation of objectives and the groups of grouped ones, then deliveries settle. */
  const evaluateGroups = async (statuses: readonly SloStatus[], groups: readonly SloStatus[]) => {
    notifications.evaluated(statuses, timers.now(), groups);
    await settle();
  };
  return { timers, pagerduty, slack, alertmanager, store, journal, registry, notifications, evaluate, evaluateGroups };
}

