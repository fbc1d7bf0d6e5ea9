import type { CloudEvent } from './cloudevents.js';
import { CLOUDEVENTS_CONTENT_TYPE, SIGNATURE_HEADER, signBody } from './cloudevents.js';

export interface EventWebhook {
  readonly url: string;
  readonly secret?: string;
}

export interface DeliveryOptions {
  readonly webhooks: readonly EventWebhook[];
  /** Attempts per event and receiver, the first included. Default 6. */
  readonly attempts?: number;
  /** First wait before a retry; it doubles each time up to `maxBackoffMs`. Default 500 ms. */
  readonly backoffMs?: number;
  readonly maxBackoffMs?: number;
  /** Per attempt. Default 5 s. */
  readonly timeoutMs?: number;
  /** Events waiting per receiver; when full the oldest is dropped (and counted). Default 1000. */
  readonly maxQueue?: number;
  readonly fetch?: typeof fetch;
  /** Called when an event is given up on (all attempts failed) or dropped; the URL is passed, never the secret. */
  readonly onFailure?: (failure: { url: string; event: CloudEvent; error: string; dropped: boolean }) => void;
  readonly onDelivered?: (delivery: { url: string; event: CloudEvent; attempts: number }) => void;
}

export interface DeliveryStats {
  delivered: number;
  failed: number;
  dropped: number;
  retries: number;
}

class RetryableError extends Error {}

/** 408, 429 and 5xx are worth retrying; any other 4xx will not get better. */
function retryable(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/**
 * Sends CloudEvents to webhooks, one FIFO queue per receiver so a receiver sees a freeze before its thaw even
 * while retrying. Retries with exponential backoff; the queue is bounded and drops the oldest event when full.
 * Queued events are kept in memory only: the freeze itself is durable (journal and document store), its delivery
 * is best effort across restarts.
 */
export class EventDelivery {
  private readonly options: Required<Omit<DeliveryOptions, 'onFailure' | 'onDelivered' | 'fetch'>> & Pick<DeliveryOptions, 'onFailure' | 'onDelivered'>;
  private readonly fetch: typeof fetch;
  private readonly queues: Map<string, CloudEvent[]>;
  private readonly running = new Map<string, Promise<void>>();
  private readonly timers = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  private stopped = false;
  readonly stats: DeliveryStats = { delivered: 0, failed: 0, dropped: 0, retries: 0 };

  constructor(options: DeliveryOptions) {
    for (const webhook of options.webhooks) new URL(webhook.url);
    this.options = {
      webhooks: options.webhooks,
      attempts: options.attempts ?? 6,
      backoffMs: options.backoffMs ?? 500,
      maxBackoffMs: options.maxBackoffMs ?? 30_000,
      timeoutMs: options.timeoutMs ?? 5_000,
      maxQueue: options.maxQueue ?? 1000,
      onFailure: options.onFailure,
      onDelivered: options.onDelivered,
    };
    this.fetch = options.fetch ?? fetch;
    this.queues = new Map(options.webhooks.map((webhook) => [webhook.url, []]));
  }

  /** Queues the event for every receiver and returns at once. */
  publish(event: CloudEvent): void {
    if (this.stopped) return;
    for (const webhook of this.options.webhooks) {
      const queue = this.queues.get(webhook.url) ?? [];
      queue.push(event);
      if (queue.length > this.options.maxQueue) {
        const dropped = queue.shift();
        this.stats.dropped++;
        if (dropped) this.options.onFailure?.({ url: webhook.url, event: dropped, error: 'queue full', dropped: true });
      }
      if (!this.running.has(webhook.url)) {
        const worker = this.drain(webhook).finally(() => this.running.delete(webhook.url));
        this.running.set(webhook.url, worker);
      }
    }
  }

  /** Resolves when every queued event has been delivered or given up on. */
  async flush(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running.values()]);
  }

  /** Stops retrying: waits for attempts in flight, drops what is still queued (counted). */
  async shutdown(): Promise<void> {
    this.stopped = true;
    for (const { timer, resolve } of this.timers) {
      clearTimeout(timer);
      resolve();
    }
    this.timers.clear();
    await this.flush();
  }

  private async drain(webhook: EventWebhook): Promise<void> {
    const queue = this.queues.get(webhook.url);
    if (!queue) return;
    for (let event = queue.shift(); event; event = queue.shift()) {
      if (this.stopped) {
        this.stats.dropped += 1 + queue.length;
        queue.length = 0;
        return;
      }
      await this.deliver(webhook, event);
    }
  }

  private async deliver(webhook: EventWebhook, event: CloudEvent): Promise<void> {
    const body = JSON.stringify(event);
    const headers: Record<string, string> = { 'content-type': CLOUDEVENTS_CONTENT_TYPE, 'user-agent': 'sloe' };
    if (webhook.secret !== undefined) headers[SIGNATURE_HEADER] = signBody(body, webhook.secret);
    let lastError = '';
    for (let attempt = 1; attempt <= this.options.attempts; attempt++) {
      if (attempt > 1) {
        this.stats.retries++;
        await this.sleep(Math.min(this.options.backoffMs * 2 ** (attempt - 2), this.options.maxBackoffMs));
        if (this.stopped) break;
      }
      try {
        const response = await this.fetch(webhook.url, { method: 'POST', headers, body, signal: AbortSignal.timeout(this.options.timeoutMs) });
        await response.arrayBuffer().catch(() => undefined);
        if (response.ok) {
          this.stats.delivered++;
          this.options.onDelivered?.({ url: webhook.url, event, attempts: attempt });
          return;
        }
        lastError = `HTTP ${response.status}`;
        if (!retryable(response.status)) throw new Error(lastError);
        throw new RetryableError(lastError);
      } catch (error) {
        lastError = error instanceof Error ? error.message : String(error);
        // A TypeError is fetch's network failure, a DOMException its timeout: both are worth another attempt.
        if (!(error instanceof RetryableError) && !(error instanceof TypeError) && !(error instanceof DOMException)) break;
      }
    }
    this.stats.failed++;
    this.options.onFailure?.({ url: webhook.url, event, error: lastError, dropped: false });
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const entry = {
        timer: setTimeout(() => {
          this.timers.delete(entry);
          resolve();
        }, ms),
        resolve,
      };
      this.timers.add(entry);
    });
  }
}
