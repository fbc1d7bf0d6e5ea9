import { Counter, Gauge } from 'prom-client';
import type { Registry } from 'prom-client';

export interface DeliveryMetrics {
  /** Every attempt of a durable queue, by queue and outcome (`delivered`, `retry`, `rejected`). */
  readonly attempts: Counter<'queue' | 'outcome'>;
  /** Entries pushed out of a full queue (the oldest waiting one goes). */
  readonly dropped: Counter<'queue'>;
  /** Entries given up on after their last attempt. */
  readonly abandoned: Counter<'queue'>;
  readonly length: Gauge<'queue'>;
}

const cache = new WeakMap<Registry, DeliveryMetrics>();

/**
 * Registers the delivery metrics on the app's registry once; every queue on that registry shares them, labelled by
 * queue name (a second registration would throw in prom-client).
 */
export function deliveryMetrics(registry: Registry): DeliveryMetrics {
  const known = cache.get(registry);
  if (known) return known;
  const metrics: DeliveryMetrics = {
    attempts: new Counter({ name: 'sloe_delivery_attempts_total', help: 'Delivery attempts of queued outbound messages, by queue and outcome (delivered, retry, rejected).', labelNames: ['queue', 'outcome'], registers: [registry] }),
    dropped: new Counter({ name: 'sloe_delivery_dropped_total', help: 'Queued outbound messages dropped because their queue was full (the oldest goes first).', labelNames: ['queue'], registers: [registry] }),
    abandoned: new Counter({ name: 'sloe_delivery_abandoned_total', help: 'Queued outbound messages given up on after their last attempt or a refusal.', labelNames: ['queue'], registers: [registry] }),
    length: new Gauge({ name: 'sloe_delivery_queue_length', help: 'Outbound messages waiting per queue (kept in the store across restarts).', labelNames: ['queue'], registers: [registry] }),
  };
  cache.set(registry, metrics);
  return metrics;
}
