import { Registry } from 'prom-client';
import type { DocumentStore } from '../core/index.js';
import { SloeError } from '../core/index.js';
import { DurableQueue, deliveryMetrics, send, signBody } from '../delivery/index.js';
import type { DeliveryLogger, Fetch, Timers } from '../delivery/index.js';
import type { CloudEvent } from './cloudevents.js';
import { CLOUDEVENTS_CONTENT_TYPE, SIGNATURE_HEADER } from './cloudevents.js';

export interface EventWebhook {
  readonly url: string;
  readonly secret?: string;
}

export interface DeliveryOptions {
  readonly webhooks: readonly EventWebhook[];
  /** Where queued events wait (the daemon's SQLite DocumentStore), so a restart does not lose them. */
  readonly store: DocumentStore;
  /** Where the queue metrics (`sloe_delivery_*`) are registered; without one they are kept but not served. */
  readonly registry?: Registry;
  /** Attempts per event and receiver, the first included (counted again from 1 after a restart). Default 6. */
  readonly attempts?: number;
  /** First wait before a retry (full jitter); it doubles each time up to `maxBackoffMs`. Default 500 ms. */
  readonly backoffMs?: number;
  readonly maxBackoffMs?: number;
  /** Per attempt. Default 5 s. */
  readonly timeoutMs?: number;
  /** Events waiting per receiver; when full the oldest is dropped (and counted). Default 1000. */
  readonly maxQueue?: number;
  readonly fetch?: Fetch;
  readonly timers?: Timers;
  readonly random?: () => number;
  readonly logger?: DeliveryLogger;
  /** Called when an event is given up on (all attempts failed, or refused) or dropped; the URL is passed, never the secret. */
  readonly onFailure?: (failure: { url: string; event: CloudEvent; error: string; dropped: boolean }) => void;
  readonly onDelivered?: (delivery: { url: string; event: CloudEvent; attempts: number }) => void;
}

export interface DeliveryStats {
  delivered: number;
  failed: number;
  dropped: number;
  retries: number;
}

/**
 * The queue's name (metrics, logs, store namespace): the webhook URL without credentials or query, which may carry
 * tokens; stable across restarts so the next process finds what the last one left.
 */
function queueName(url: string): string {
  const parsed = new URL(url);
  return `cloudevents:${parsed.origin}${parsed.pathname}`;
}

/**
 * Sends freeze and thaw CloudEvents to webhooks through the one delivery path: one durable FIFO per receiver (so a
 * receiver sees a freeze before its thaw even while retrying), kept in the DocumentStore so events queued while a
 * receiver is down are delivered after a restart; bounded, dropping the oldest when full.
 */
export class EventDelivery {
  readonly stats: DeliveryStats = { delivered: 0, failed: 0, dropped: 0, retries: 0 };
  private readonly queues: DurableQueue<CloudEvent>[];
  private stopped = false;

  constructor(options: DeliveryOptions) {
    const metrics = deliveryMetrics(options.registry ?? new Registry());
    const timeoutMs = options.timeoutMs ?? 5_000;
    const names = new Set<string>();
    this.queues = options.webhooks.map((webhook) => {
      let name: string;
      try {
        name = queueName(webhook.url);
      } catch (cause) {
        throw new SloeError('config_invalid', `events.webhooks: ${webhook.url} is not a URL`, { cause });
      }
      if (names.has(name)) throw new SloeError('config_invalid', `events.webhooks: two webhooks post to ${name.slice('cloudevents:'.length)}; list each receiver once`);
      names.add(name);
      return new DurableQueue<CloudEvent>({
        name,
        store: options.store,
        capacity: options.maxQueue ?? 1000,
        maxAttempts: options.attempts ?? 6,
        backoff: { initialMs: options.backoffMs ?? 500, maxMs: Math.max(options.maxBackoffMs ?? 30_000, options.backoffMs ?? 0), jitter: 1 },
        metrics,
        ...(options.timers ? { timers: options.timers } : {}),
        ...(options.random ? { random: options.random } : {}),
        ...(options.logger ? { logger: options.logger } : {}),
        deliver: (event) => {
          // Signed per attempt over the exact bytes sent; the body is the whole event (structured mode).
          const body = JSON.stringify(event);
          const headers: Record<string, string> = { 'content-type': CLOUDEVENTS_CONTENT_TYPE };
          if (webhook.secret !== undefined) headers[SIGNATURE_HEADER] = signBody(body, webhook.secret);
          return send({ url: webhook.url, method: 'POST', headers, body, timeoutMs }, options.fetch ? { fetch: options.fetch } : {});
        },
        onAttempt: (_event, result) => {
          if (result.outcome === 'retry') this.stats.retries++;
        },
        onSettled: (event, settlement, detail) => {
          if (settlement === 'delivered') {
            this.stats.delivered++;
            options.onDelivered?.({ url: webhook.url, event, attempts: detail.attempts });
            return;
          }
          if (settlement === 'dropped') this.stats.dropped++;
          else this.stats.failed++;
          options.onFailure?.({ url: webhook.url, event, error: settlement === 'dropped' ? 'queue full' : (detail.reason ?? settlement), dropped: settlement === 'dropped' });
        },
      });
    });
  }

  /** Starts delivering, first what the store kept from before a restart. */
  start(): void {
    this.stopped = false;
    for (const queue of this.queues) queue.start();
  }

  /** Queues the event for every receiver (durably, before this returns) and returns at once. */
  publish(event: CloudEvent): void {
    if (this.stopped) return;
    for (const queue of this.queues) queue.enqueue(event);
  }

  /** Events waiting, over all receivers. */
  get pending(): number {
    return this.queues.reduce((sum, queue) => sum + queue.length, 0);
  }

  /** Resolves when every queued event has been delivered or given up on, or the deadline passed; true when none is left. */
  async flush(timeoutMs?: number): Promise<boolean> {
    const done = await Promise.all(this.queues.map((queue) => queue.flush(timeoutMs)));
    return done.every(Boolean);
  }

  /** Stops retrying and waits for attempts in flight; what still waits stays in the store for the next start. */
  async shutdown(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.queues.map((queue) => queue.shutdown()));
  }
}
