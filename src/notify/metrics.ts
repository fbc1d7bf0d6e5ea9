import { Counter, Gauge } from 'prom-client';
import type { Registry } from 'prom-client';

/**
 * Outcomes counted per receiver in `sloe_notifications_total`, the vocabulary telemetry's registry documents: every
 * attempt is `sent` (accepted), `retried` (a retryable failure: it will be tried again) or `failed` (refused for good);
 * `dropped` counts notifications pushed out of a full queue.
 */
export type NotificationOutcome = 'sent' | 'retried' | 'failed' | 'dropped';

export interface NotifyMetrics {
  readonly notifications: Counter<'receiver' | 'outcome'>;
  /** Firing notifications a silence held back. */
  readonly silenced: Counter<'severity'>;
  readonly queueLength: Gauge<'receiver'>;
}

/** The app's registry may already hold the counter (telemetry declares the self-metrics); then it is shared, not redeclared. */
function sharedCounter<L extends string>(registry: Registry, name: string, help: string, labelNames: readonly L[]): Counter<L> {
  const existing = registry.getSingleMetric(name);
  if (existing instanceof Counter) return existing;
  return new Counter({ name, help, labelNames, registers: [registry] });
}

/** Registers (or joins) the notifier's metrics on the registry the app hands in; the app serves /metrics. */
export function notifyMetrics(registry: Registry, queueLengths: () => Iterable<[string, number]>): NotifyMetrics {
  const existingGauge = registry.getSingleMetric('sloe_notification_queue_length');
  if (existingGauge) registry.removeSingleMetric('sloe_notification_queue_length');
  return {
    notifications: sharedCounter(registry, 'sloe_notifications_total', 'Notifications by receiver and outcome (sent, failed, dropped, retried).', ['receiver', 'outcome']),
    silenced: sharedCounter(registry, 'sloe_notifications_silenced_total', 'Firing notifications held back by a silence, by severity.', ['severity']),
    queueLength: new Gauge({
      name: 'sloe_notification_queue_length',
      help: 'Notifications waiting per receiver (retrying or behind one that is).',
      labelNames: ['receiver'],
      registers: [registry],
      collect() {
        this.reset();
        for (const [receiver, length] of queueLengths()) this.set({ receiver }, length);
      },
    }),
  };
}
