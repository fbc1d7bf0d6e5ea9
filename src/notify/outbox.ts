import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { DocumentStore, Journal } from '../core/index.js';
import { groupSelector } from '../core/index.js';
import { DurableQueue, deliveryMetrics, queueNamespace } from '../delivery/index.js';
import type { BackoffOptions, Coalescing, QueueSettlement, SettlementDetail, Timers } from '../delivery/index.js';
import type { NotifyMetrics } from './metrics.js';
import type { AlertNotification, Notifier } from './types.js';

/**
 * Where notifications waited before they moved onto delivery/'s queues (one `delivery.notify.<receiver>` namespace per
 * receiver). A data folder from an older sloe may still hold some: start() moves them across, so an upgrade loses none.
 */
export const LEGACY_OUTBOX_NAMESPACE = 'notify.outbox';
/** Journal kind of everything notify records (dispatched, silenced, delivered, rejected, dropped). */
export const JOURNAL_KIND = 'notification';

/** A notification as the legacy outbox kept it. */
interface LegacyOutboxEntry {
  readonly receiver: string;
  readonly notification: AlertNotification;
}

const QUEUE_PREFIX = 'notify.';

/** The delivery queue of one receiver: its name in metrics and logs, and (as `delivery.<name>`) its store namespace. */
export function receiverQueueName(receiver: string): string {
  return `${QUEUE_PREFIX}${receiver}`;
}

/**
 * A lease re-send (or any newer notification of an incident in the same state) refreshes the one still waiting instead
 * of doubling it; a change of state queues behind, so a resolve never overtakes its firing.
 */
const SAME_INCIDENT_AND_STATE: Coalescing<AlertNotification> = {
  subject: (notification) => notification.incident,
  replaces: (waiting, incoming) => waiting.state === incoming.state,
};

export interface OutboxOptions {
  readonly notifiers: readonly Notifier[];
  readonly store: DocumentStore;
  readonly journal: Journal;
  readonly metrics: NotifyMetrics;
  /** Where the queues' `sloe_delivery_*` metrics go (labelled `queue="notify.<receiver>"`). */
  readonly registry: Registry;
  readonly timers: Timers;
  readonly logger: Logger;
  readonly queueCapacity?: number;
  readonly backoff?: BackoffOptions;
  readonly random?: () => number;
}

interface Receiver {
  readonly notifier: Notifier;
  readonly queue: DurableQueue<AlertNotification>;
}

/**
 * Dispatch to receivers: each receiver behind its own bounded durable queue from delivery/ (drop-oldest counted,
 * jittered backoff, the one status rule), retrying until delivered or refused. Firing and resolved notifications are
 * kept in the store until they settle, so a restart re-sends what was still waiting; lease re-sends are not kept (the
 * next re-send replaces a lost one). This class adds what only notifications need: the journal and notify's metrics.
 */
export class Outbox {
  private readonly options: OutboxOptions;
  private readonly receivers = new Map<string, Receiver>();
  private readonly logger: Logger;

  constructor(options: OutboxOptions) {
    this.options = options;
    this.logger = options.logger;
    const metrics = deliveryMetrics(options.registry);
    for (const notifier of options.notifiers) {
      const queue = new DurableQueue<AlertNotification>({
        name: receiverQueueName(notifier.name),
        store: options.store,
        capacity: options.queueCapacity ?? 1000,
        deliver: (notification) => notifier.send(notification),
        coalesce: SAME_INCIDENT_AND_STATE,
        metrics,
        timers: options.timers,
        ...(options.backoff ? { backoff: options.backoff } : {}),
        ...(options.random ? { random: options.random } : {}),
        onAttempt: (notification, result, attempts) => {
          const outcome = result.outcome === 'delivered' ? 'sent' : result.outcome === 'retry' ? 'retried' : 'failed';
          options.metrics.notifications.inc({ receiver: notifier.name, outcome });
          if (result.outcome !== 'delivered') {
            this.logger.warn({ receiver: notifier.name, incident: notification.incident, attempt: attempts, reason: result.reason }, `notification ${outcome === 'failed' ? 'refused' : 'failed, will retry'}`);
          }
        },
        onSettled: (notification, settlement, detail) => this.settled(notifier.name, notification, settlement, detail),
      });
      this.receivers.set(notifier.name, { notifier, queue });
    }
  }

  /** Waiting notifications per receiver, for the queue-length gauge. */
  lengths(): [string, number][] {
    return [...this.receivers].map(([name, receiver]) => [name, receiver.queue.length]);
  }

  has(receiver: string): boolean {
    return this.receivers.has(receiver);
  }

  /**
   * Starts delivering: each queue begins with what the store kept from before a restart; what an older sloe left in
   * the legacy outbox is queued behind it, oldest first.
   */
  start(): void {
    this.dropRemovedReceivers();
    this.adoptLegacyOutbox();
    for (const { queue } of this.receivers.values()) queue.start();
  }

  /** Journals and sends a firing or resolved notification to the named receivers, durably. */
  dispatch(notification: AlertNotification, receivers: readonly string[], now: number): void {
    this.options.journal.append(JOURNAL_KIND, {
      at: now,
      subject: notification.slo,
      data: {
        event: 'dispatched',
        incident: notification.incident,
        state: notification.state,
        severity: notification.severity,
        kind: notification.kind,
        summary: notification.summary,
        receivers,
        // Which groups it was about, so a group's incident finds what detected it (review's `firstSent`).
        ...(notification.group === undefined ? {} : { group: groupSelector(notification.group) }),
        ...(notification.groups === undefined ? {} : { groups: notification.groups.map((figures) => groupSelector(figures.group)) }),
      },
    });
    this.logger.info({ incident: notification.incident, state: notification.state, receivers }, `${notification.state === 'firing' ? 'alert firing' : 'alert resolved'}: ${notification.summary}`);
    for (const name of receivers) this.receivers.get(name)?.queue.enqueue(notification);
  }

  /** A lease re-send (Alertmanager): only to receivers that hold alerts by lease, and not kept in the store. */
  resend(notification: AlertNotification, receivers: readonly string[]): void {
    for (const name of receivers) {
      const receiver = this.receivers.get(name);
      if (receiver?.notifier.leased) receiver.queue.enqueue(notification, { durable: false });
    }
  }

  flush(timeoutMs: number): Promise<boolean> {
    return Promise.all([...this.receivers.values()].map(({ queue }) => queue.flush(timeoutMs))).then((done) => done.every(Boolean));
  }

  /** Delivers what waits within the deadline, then stops; durable notifications left over stay in the store. */
  async shutdown(timeoutMs: number): Promise<void> {
    await this.flush(timeoutMs);
    await Promise.all([...this.receivers.values()].map(({ queue }) => queue.shutdown()));
  }

  /**
   * What waited for a receiver that is no longer configured goes, logged: sent to a receiver of the same name
   * configured again later, it would be stale by then.
   */
  private dropRemovedReceivers(): void {
    const configured = new Set([...this.receivers.keys()].map((name) => queueNamespace(receiverQueueName(name))));
    for (const namespace of this.options.store.namespaces(queueNamespace(QUEUE_PREFIX))) {
      if (configured.has(namespace)) continue;
      const waiting = this.options.store.list(namespace);
      this.logger.warn({ receiver: namespace.slice(queueNamespace(QUEUE_PREFIX).length), notifications: waiting.length }, 'receiver no longer configured; dropping its undelivered notifications');
      for (const { key } of waiting) this.options.store.delete(namespace, key);
    }
  }

  private adoptLegacyOutbox(): void {
    const legacy = this.options.store.list(LEGACY_OUTBOX_NAMESPACE).map(({ key, value }) => ({ key, entry: value as LegacyOutboxEntry }));
    legacy.sort((a, b) => a.entry.notification.at - b.entry.notification.at);
    for (const { key, entry } of legacy) {
      const receiver = this.receivers.get(entry.receiver);
      if (receiver) receiver.queue.enqueue(entry.notification);
      else this.logger.warn({ receiver: entry.receiver, incident: entry.notification.incident }, 'receiver no longer configured; dropping its undelivered notification');
      this.options.store.delete(LEGACY_OUTBOX_NAMESPACE, key);
    }
  }

  private settled(receiver: string, notification: AlertNotification, settlement: QueueSettlement, detail: SettlementDetail): void {
    if (settlement === 'dropped') this.options.metrics.notifications.inc({ receiver, outcome: 'dropped' });
    // A superseded notification lives on in its replacement; a lease re-send is not journalled.
    if (settlement === 'superseded' || !detail.durable) return;
    const reason = detail.reason ?? `HTTP ${detail.status ?? '?'}`;
    this.options.journal.append(JOURNAL_KIND, {
      at: this.options.timers.now(),
      subject: notification.slo,
      data: { event: settlement, receiver, incident: notification.incident, state: notification.state, severity: notification.severity, attempts: detail.attempts, detail: reason },
    });
    if (settlement !== 'delivered') this.logger.error({ receiver, incident: notification.incident, state: notification.state, detail: reason }, `notification ${settlement}`);
  }
}
