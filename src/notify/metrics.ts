import { Counter, Gauge } from 'prom-client';
import type { Registry } from 'prom-client';

/** Outcome of one delivery attempt. */
export type AttemptOutcome = 'success' | 'retryable_failure' | 'rejected';

export interface NotifyMetrics {
  /** Every attempt, by receiver and outcome. */
  readonly attempts: Counter<'receiver' | 'outcome'>;
  /** How each queued notification ended: delivered, rejected, dropped (queue full) or superseded (by a newer one). */
  readonly notifications: Counter<'receiver' | 'outcome'>;
  /** Firing notifications a silence held back. */
  readonly silenced: Counter<'severity'>;
  readonly queueLength: Gauge<'receiver'>;
}

/** Registers the notifier's metrics on the registry the app hands in (the app serves /metrics). */
export function notifyMetrics(registry: Registry, queueLengths: () => Iterable<[string, number]>): NotifyMetrics {
  return {
    attempts: new Counter({
      name: 'sloe_notification_attempts_total',
      help: 'Delivery attempts to notification receivers, by outcome (success, retryable_failure, rejected).',
      labelNames: ['receiver', 'outcome'],
      registers: [registry],
    }),
    notifications: new Counter({
      name: 'sloe_notifications_total',
      help: 'Notifications settled per receiver, by outcome (delivered, rejected, dropped when the queue was full, superseded by a newer one).',
      labelNames: ['receiver', 'outcome'],
      registers: [registry],
    }),
    silenced: new Counter({
      name: 'sloe_notifications_silenced_total',
      help: 'Firing notifications held back by a silence.',
      labelNames: ['severity'],
      registers: [registry],
    }),
    queueLength: new Gauge({
      name: 'sloe_notification_queue_length',
      help: 'Notifications waiting per receiver.',
      labelNames: ['receiver'],
      registers: [registry],
      collect() {
        for (const [receiver, length] of queueLengths()) this.set({ receiver }, length);
      },
    }),
  };
}
