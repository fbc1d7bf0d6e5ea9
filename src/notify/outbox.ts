import type { Logger } from 'pino';
import type { DocumentStore, Journal } from '../core/index.js';
import { groupSelector } from '../core/index.js';
import type { NotifyMetrics } from './metrics.js';
import { DeliveryQueue } from './queue.js';
import type { BackoffOptions, QueuedNotification, Settlement, Timers } from './queue.js';
import type { AlertNotification, Notifier } from './types.js';

/** DocumentStore namespace of notifications accepted for delivery and not yet settled. */
export const OUTBOX_NAMESPACE = 'notify.outbox';
/** Journal kind of everything notify records (dispatched, silenced, delivered, rejected, dropped). */
export const JOURNAL_KIND = 'notification';

interface OutboxEntry {
  readonly seq: number;
  readonly receiver: string;
  readonly notification: AlertNotification;
}

export interface OutboxOptions {
  readonly notifiers: readonly Notifier[];
  readonly store: DocumentStore;
  readonly journal: Journal;
  readonly metrics: NotifyMetrics;
  readonly timers: Timers;
  readonly logger: Logger;
  readonly queueCapacity?: number;
  readonly backoff?: BackoffOptions;
  readonly random?: () => number;
}

function outboxKey(receiver: string, notification: AlertNotification): string {
  return `${receiver}|${notification.incident}|${notification.state}`;
}

/**
 * Dispatch to receivers: each receiver behind its own bounded retrying queue, every notification that must arrive
 * (firing, resolved) kept in the store's outbox until it settles, so a restart re-sends what was still waiting.
 * Lease re-sends are not kept: the next re-send replaces a lost one.
 */
export class Outbox {
  private readonly options: OutboxOptions;
  private readonly queues = new Map<string, DeliveryQueue>();
  private readonly logger: Logger;

  constructor(options: OutboxOptions) {
    this.options = options;
    this.logger = options.logger;
    for (const notifier of options.notifiers) {
      this.queues.set(
        notifier.name,
        new DeliveryQueue({
          notifier,
          capacity: options.queueCapacity ?? 1000,
          ...(options.backoff ? { backoff: options.backoff } : {}),
          timers: options.timers,
          ...(options.random ? { random: options.random } : {}),
          onAttempt: (entry, result) => {
            const outcome = result.outcome === 'delivered' ? 'sent' : result.outcome === 'retry' ? 'retried' : 'failed';
            options.metrics.notifications.inc({ receiver: notifier.name, outcome });
            if (result.outcome !== 'delivered') {
              this.logger.warn({ receiver: notifier.name, incident: entry.notification.incident, attempt: entry.attempts, reason: result.reason }, `notification ${outcome === 'failed' ? 'refused' : 'failed, will retry'}`);
            }
          },
          onSettled: (entry, settlement, detail) => this.settled(notifier.name, entry, settlement, detail),
        }),
      );
    }
  }

  /** Waiting notifications per receiver, for the queue-length gauge. */
  lengths(): [string, number][] {
    return [...this.queues].map(([name, queue]) => [name, queue.length]);
  }

  has(receiver: string): boolean {
    return this.queues.has(receiver);
  }

  /** Re-queues, oldest first, what the outbox still holds from before a restart, and starts delivering. */
  start(): void {
    const waiting = this.options.store.list(OUTBOX_NAMESPACE).map(({ key, value }) => ({ key, entry: value as OutboxEntry }));
    waiting.sort((a, b) => a.entry.notification.at - b.entry.notification.at);
    for (const { key, entry } of waiting) {
      const queue = this.queues.get(entry.receiver);
      if (!queue) {
        this.logger.warn({ receiver: entry.receiver, incident: entry.notification.incident }, 'receiver no longer configured; dropping its undelivered notification');
        this.options.store.delete(OUTBOX_NAMESPACE, key);
        continue;
      }
      this.enqueueDurable(queue, entry.notification);
    }
    for (const queue of this.queues.values()) queue.start();
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
    for (const name of receivers) {
      const queue = this.queues.get(name);
      if (queue) this.enqueueDurable(queue, notification);
    }
  }

  /** A lease re-send (Alertmanager): only to receivers that hold alerts by lease, and not kept in the outbox. */
  resend(notification: AlertNotification, receivers: readonly string[]): void {
    for (const name of receivers) {
      const queue = this.queues.get(name);
      if (queue?.notifier.leased) queue.enqueue(notification, false);
    }
  }

  flush(timeoutMs: number): Promise<boolean> {
    return Promise.all([...this.queues.values()].map((queue) => queue.flush(timeoutMs))).then((done) => done.every(Boolean));
  }

  async shutdown(timeoutMs: number): Promise<void> {
    await Promise.all([...this.queues.values()].map((queue) => queue.shutdown(timeoutMs)));
  }

  private enqueueDurable(queue: DeliveryQueue, notification: AlertNotification): void {
    const entry = queue.enqueue(notification, true);
    const outbox: OutboxEntry = { seq: entry.seq, receiver: queue.notifier.name, notification };
    this.options.store.put(OUTBOX_NAMESPACE, outboxKey(queue.notifier.name, notification), outbox);
  }

  private settled(receiver: string, entry: QueuedNotification, settlement: Settlement, detail: string): void {
    if (settlement === 'dropped') this.options.metrics.notifications.inc({ receiver, outcome: 'dropped' });
    if (settlement === 'superseded' || !entry.durable) return;
    const key = outboxKey(receiver, entry.notification);
    const stored = this.options.store.get(OUTBOX_NAMESPACE, key) as OutboxEntry | undefined;
    // A newer notification for the same key may have been queued behind this one; it keeps its outbox entry.
    if (stored?.seq === entry.seq) this.options.store.delete(OUTBOX_NAMESPACE, key);
    const notification = entry.notification;
    this.options.journal.append(JOURNAL_KIND, {
      at: this.options.timers.now(),
      subject: notification.slo,
      data: { event: settlement, receiver, incident: notification.incident, state: notification.state, severity: notification.severity, attempts: entry.attempts, detail },
    });
    if (settlement !== 'delivered') this.logger.error({ receiver, incident: notification.incident, state: notification.state, detail }, `notification ${settlement}`);
  }
}
