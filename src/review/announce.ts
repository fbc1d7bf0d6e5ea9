import type { Registry } from 'prom-client';
import type { DocumentStore } from '../core/index.js';
import { DurableQueue, deliveryMetrics, send, signBody } from '../delivery/index.js';
import type { DeliveryLogger, Fetch, Timers } from '../delivery/index.js';

/** Where postmortems and scheduled reports go: Slack incoming webhooks and JSON webhooks (signed when a secret is set). */
export interface ReviewReceivers {
  readonly slack?: readonly { readonly webhookUrl: string }[];
  readonly webhooks?: readonly { readonly url: string; readonly secret?: string }[];
}

/** One message to every receiver: Slack gets `text` (mrkdwn), webhooks the JSON `body`. */
export interface ReviewMessage {
  readonly type: 'sloe.postmortem' | 'sloe.report';
  /** A dedupe key (scheduled reports): webhooks get it as `id` and `Idempotency-Key`, so a receiver can drop repeats. */
  readonly id?: string;
  readonly text: string;
  readonly body: unknown;
}

export interface AnnouncerOptions {
  /** Names the queues (`review.<name>.slack-1`...): keep it stable, since waiting messages are stored under it. */
  readonly name: string;
  readonly receivers: ReviewReceivers;
  readonly store: DocumentStore;
  readonly registry: Registry;
  readonly capacity?: number;
  readonly fetch?: Fetch;
  readonly timers?: Timers;
  readonly logger?: DeliveryLogger;
}

const TIMEOUT_MS = 10_000;

/** Durable queues, one per receiver, through the one delivery module: what waits survives a restart. */
export class Announcer {
  private readonly queues: DurableQueue<ReviewMessage>[] = [];

  constructor(options: AnnouncerOptions) {
    const metrics = deliveryMetrics(options.registry);
    const common = { store: options.store, capacity: options.capacity ?? 100, metrics, ...(options.timers ? { timers: options.timers } : {}), ...(options.logger ? { logger: options.logger } : {}) };
    const fetchOption = options.fetch ? { fetch: options.fetch } : {};
    (options.receivers.slack ?? []).forEach((receiver, index) => {
      this.queues.push(
        new DurableQueue<ReviewMessage>({
          ...common,
          name: `review.${options.name}.slack-${index + 1}`,
          deliver: (message) =>
            send(
              { url: receiver.webhookUrl, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: message.text }), timeoutMs: TIMEOUT_MS },
              { ...fetchOption, accept: (_status, body) => body.trim() === '' || body.trim() === 'ok' },
            ),
        }),
      );
    });
    (options.receivers.webhooks ?? []).forEach((receiver, index) => {
      this.queues.push(
        new DurableQueue<ReviewMessage>({
          ...common,
          name: `review.${options.name}.webhook-${index + 1}`,
          deliver: (message) => {
            const body = JSON.stringify({ type: message.type, ...(message.id === undefined ? {} : { id: message.id }), data: message.body });
            const headers: Record<string, string> = { 'content-type': 'application/json', 'x-sloe-event': message.type };
            if (message.id !== undefined) headers['idempotency-key'] = message.id;
            if (receiver.secret) headers['x-sloe-signature'] = signBody(body, receiver.secret);
            return send({ url: receiver.url, headers, body, timeoutMs: TIMEOUT_MS }, fetchOption);
          },
        }),
      );
    });
  }

  get receiverCount(): number {
    return this.queues.length;
  }

  /** Queues the message for every receiver (stored before this returns). */
  announce(message: ReviewMessage): void {
    for (const queue of this.queues) queue.enqueue(message);
  }

  start(): void {
    for (const queue of this.queues) queue.start();
  }

  async flush(timeoutMs: number): Promise<boolean> {
    const done = await Promise.all(this.queues.map((queue) => queue.flush(timeoutMs)));
    return done.every(Boolean);
  }

  async stop(timeoutMs: number): Promise<void> {
    await this.flush(timeoutMs);
    await Promise.all(this.queues.map((queue) => queue.shutdown()));
  }
}
