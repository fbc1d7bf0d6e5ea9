import type { DocumentStore } from '../core/index.js';
import { SloeError } from '../core/index.js';
import type { BackoffOptions } from './backoff.js';
import { DEFAULT_BACKOFF, backoffDelay, checkBackoff } from './backoff.js';
import type { DeliveryMetrics } from './metrics.js';
import type { DeliveryResult } from './result.js';
import type { Timers } from './timers.js';
import { REAL_TIMERS } from './timers.js';

/** What a queue logs through; pino's Logger fits. */
export interface DeliveryLogger {
  warn(object: object, message: string): void;
  error(object: object, message: string): void;
}

/**
 * How a queued message ended: accepted, refused for good, out of attempts, pushed out of a full queue, or replaced
 * while waiting by a newer message that says the same (see `coalesce`).
 */
export type QueueSettlement = 'delivered' | 'rejected' | 'abandoned' | 'dropped' | 'superseded';

/** What `onSettled` is told beside the message and how it ended. */
export interface SettlementDetail {
  readonly attempts: number;
  readonly reason?: string;
  /** The receiver's HTTP status, when the last attempt got a reply. */
  readonly status?: number;
  /** Whether the message was kept in the store (see `enqueue`); a caller that journals may skip the rest. */
  readonly durable: boolean;
}

/**
 * Lets a newer message replace one still waiting instead of queueing behind it: notify's lease re-sends refresh the
 * notification waiting for a receiver that is down rather than piling up behind it. `subject` says what a message is
 * about (notify: its incident); only the newest waiting message about the same subject is considered, so a later
 * change about it is never overtaken, and never the one in flight.
 */
export interface Coalescing<T> {
  readonly subject: (item: T) => string;
  /** Whether `incoming` says what `waiting` says (notify: the same state), so it replaces it. */
  readonly replaces: (waiting: T, incoming: T) => boolean;
}

export interface DurableQueueOptions<T> {
  /** Names the queue in metrics and logs, and its DocumentStore namespace (`delivery.<name>`): keep it stable. */
  readonly name: string;
  readonly store: DocumentStore;
  /** At most this many messages wait; when full, the oldest waiting one is dropped (counted and logged). */
  readonly capacity: number;
  /** One attempt; must turn every failure into a result (send() does). */
  readonly deliver: (item: T) => Promise<DeliveryResult>;
  /** After every attempt, with the attempts made so far for this message. */
  readonly onAttempt?: (item: T, result: DeliveryResult, attempts: number) => void;
  /** Attempts per message since it was queued or restored; unset retries until delivered or dropped. */
  readonly maxAttempts?: number;
  readonly backoff?: BackoffOptions;
  readonly metrics: DeliveryMetrics;
  readonly timers?: Timers;
  readonly random?: () => number;
  readonly logger?: DeliveryLogger;
  readonly coalesce?: Coalescing<T>;
  readonly onSettled?: (item: T, settlement: QueueSettlement, detail: SettlementDetail) => void;
}

interface StoredEntry<T> {
  readonly seq: number;
  readonly item: T;
  readonly enqueuedAt: number;
}

interface Entry<T> {
  readonly seq: number;
  readonly enqueuedAt: number;
  item: T;
  /** Kept in the store until settled; a message enqueued with `durable: false` lives in memory only. */
  durable: boolean;
  attempts: number;
  notBefore: number;
}

/** The DocumentStore namespace where a queue keeps what waits: stable, so the next process finds it. */
export function queueNamespace(name: string): string {
  return `delivery.${name}`;
}

/** Keys sort by sequence as text too, so a store listing by key comes back in order. */
function keyOf(seq: number): string {
  return String(seq).padStart(16, '0');
}

/**
 * A bounded FIFO of messages for one receiver, written through to the DocumentStore so what waits survives a restart.
 * One attempt at a time, in order (a thaw must not overtake its freeze), retrying by the shared backoff.
 */
export class DurableQueue<T> {
  readonly name: string;
  private readonly options: DurableQueueOptions<T>;
  private readonly namespace: string;
  private readonly backoff: BackoffOptions;
  private readonly timers: Timers;
  private readonly random: () => number;
  private readonly entries: Entry<T>[] = [];
  private inFlight: Promise<void> | undefined;
  /** The entry being attempted: it no longer waits, so it is neither dropped nor replaced. */
  private sending: Entry<T> | undefined;
  private timer: unknown;
  private running = false;
  private seq = 0;
  private idleWaiters: (() => void)[] = [];

  constructor(options: DurableQueueOptions<T>) {
    if (!Number.isInteger(options.capacity) || options.capacity < 1) throw new SloeError('config_invalid', `delivery queue ${options.name}: capacity must be a positive integer, got ${options.capacity}`);
    if (options.maxAttempts !== undefined && (!Number.isInteger(options.maxAttempts) || options.maxAttempts < 1)) throw new SloeError('config_invalid', `delivery queue ${options.name}: maxAttempts must be a positive integer, got ${options.maxAttempts}`);
    this.options = options;
    this.name = options.name;
    this.namespace = queueNamespace(options.name);
    this.backoff = checkBackoff(options.backoff ?? DEFAULT_BACKOFF, `delivery queue ${options.name}`);
    this.timers = options.timers ?? REAL_TIMERS;
    this.random = options.random ?? Math.random;
    const now = this.timers.now();
    const stored = options.store.list(this.namespace).map(({ value }) => value as StoredEntry<T>);
    stored.sort((a, b) => a.seq - b.seq);
    for (const entry of stored) this.entries.push({ ...entry, durable: true, attempts: 0, notBefore: now });
    this.seq = stored.at(-1)?.seq ?? 0;
    this.updateLength();
  }

  get length(): number {
    return this.entries.length;
  }

  /**
   * Queues a message and returns at once. A durable one (the default) is written to the store before this returns and
   * survives a restart; `durable: false` is for messages a later one makes good if lost (notify's lease re-sends).
   */
  enqueue(item: T, options: { readonly durable?: boolean } = {}): void {
    const durable = options.durable ?? true;
    if (this.replaceWaiting(item, durable)) return;
    // The head may be in flight: it no longer waits, so it neither counts against the bound nor can be dropped.
    const sending = this.sending !== undefined ? 1 : 0;
    if (this.entries.length - sending >= this.options.capacity) {
      const [victim] = this.entries.splice(sending, 1);
      if (victim) {
        if (victim.durable) this.options.store.delete(this.namespace, keyOf(victim.seq));
        this.options.metrics.dropped.inc({ queue: this.name });
        this.options.logger?.error({ queue: this.name, capacity: this.options.capacity, enqueuedAt: new Date(victim.enqueuedAt).toISOString() }, 'delivery queue full; dropped the oldest message');
        this.options.onSettled?.(victim.item, 'dropped', { attempts: victim.attempts, reason: `queue full (${this.options.capacity})`, durable: victim.durable });
      }
    }
    const now = this.timers.now();
    const entry: Entry<T> = { seq: ++this.seq, item, durable, enqueuedAt: now, attempts: 0, notBefore: now };
    if (durable) this.persist(entry);
    this.entries.push(entry);
    this.updateLength();
    this.pump();
  }

  /** Messages waiting (the one in flight included), oldest first. */
  waiting(): readonly T[] {
    return this.entries.map((entry) => entry.item);
  }

  /** Starts delivering, beginning with what the store held from before a restart. */
  start(): void {
    this.running = true;
    this.pump();
  }

  /** Resolves once nothing waits, or the deadline passed (without one: until then); true when nothing is left. */
  flush(timeoutMs?: number): Promise<boolean> {
    if (this.isIdle()) return Promise.resolve(true);
    if (timeoutMs !== undefined && timeoutMs <= 0) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      const onIdle = (): void => {
        if (timer !== undefined) this.timers.clearTimeout(timer);
        resolve(true);
      };
      const timer =
        timeoutMs === undefined
          ? undefined
          : this.timers.setTimeout(() => {
              this.idleWaiters = this.idleWaiters.filter((waiter) => waiter !== onIdle);
              resolve(this.isIdle());
            }, timeoutMs);
      this.idleWaiters.push(onIdle);
    });
  }

  /** Stops retrying and waits for the attempt in flight; what still waits stays in the store for the next start. */
  async shutdown(): Promise<void> {
    this.running = false;
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
    await this.inFlight;
  }

  /**
   * Applies `coalesce`: the newest waiting message about the same subject takes the incoming one's content when it
   * says the same, keeping its place and its backoff; it becomes durable if either was. True when it replaced one.
   */
  private replaceWaiting(item: T, durable: boolean): boolean {
    const coalesce = this.options.coalesce;
    if (!coalesce) return false;
    const subject = coalesce.subject(item);
    const latest = this.entries.findLast((entry) => coalesce.subject(entry.item) === subject);
    if (!latest || latest === this.sending || !coalesce.replaces(latest.item, item)) return false;
    const replaced = latest.item;
    const wasDurable = latest.durable;
    latest.item = item;
    latest.durable = wasDurable || durable;
    if (latest.durable) this.persist(latest);
    this.options.onSettled?.(replaced, 'superseded', { attempts: latest.attempts, reason: 'replaced by a newer message about the same subject', durable: wasDurable });
    return true;
  }

  private persist(entry: Entry<T>): void {
    this.options.store.put(this.namespace, keyOf(entry.seq), { seq: entry.seq, item: entry.item, enqueuedAt: entry.enqueuedAt } satisfies StoredEntry<T>);
  }

  private isIdle(): boolean {
    return this.entries.length === 0 && this.inFlight === undefined;
  }

  private updateLength(): void {
    this.options.metrics.length.set({ queue: this.name }, this.entries.length);
  }

  private pump(): void {
    if (this.inFlight !== undefined || this.timer !== undefined) return;
    const head = this.entries[0];
    if (!head) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const waiter of waiters) waiter();
      return;
    }
    if (!this.running) return;
    const wait = head.notBefore - this.timers.now();
    if (wait > 0) {
      this.timer = this.timers.setTimeout(() => {
        this.timer = undefined;
        this.pump();
      }, wait);
      (this.timer as { unref?: () => void }).unref?.();
      return;
    }
    this.sending = head;
    this.inFlight = this.attempt(head).finally(() => {
      this.inFlight = undefined;
      this.sending = undefined;
      this.pump();
    });
  }

  private async attempt(entry: Entry<T>): Promise<void> {
    entry.attempts += 1;
    let result: DeliveryResult;
    try {
      result = await this.options.deliver(entry.item);
    } catch (error) {
      // deliver should turn every failure into a result; one that throws is treated as a retryable failure.
      result = { outcome: 'retry', reason: `delivery threw: ${error instanceof Error ? error.message : String(error)}` };
    }
    this.options.metrics.attempts.inc({ queue: this.name, outcome: result.outcome });
    this.options.onAttempt?.(entry.item, result, entry.attempts);
    if (result.outcome === 'retry' && (this.options.maxAttempts === undefined || entry.attempts < this.options.maxAttempts)) {
      this.options.logger?.warn({ queue: this.name, attempt: entry.attempts, reason: result.reason }, 'delivery failed, will retry');
      entry.notBefore = this.timers.now() + backoffDelay(entry.attempts, this.backoff, this.random(), result.retryAfterMs);
      return;
    }
    // Dropped while in flight (queue full): it is already settled.
    const index = this.entries.indexOf(entry);
    if (index < 0) return;
    this.entries.splice(index, 1);
    if (entry.durable) this.options.store.delete(this.namespace, keyOf(entry.seq));
    this.updateLength();
    if (result.outcome === 'delivered') {
      this.options.onSettled?.(entry.item, 'delivered', { attempts: entry.attempts, status: result.status, durable: entry.durable });
      return;
    }
    const settlement: QueueSettlement = result.outcome === 'rejected' ? 'rejected' : 'abandoned';
    this.options.metrics.abandoned.inc({ queue: this.name });
    this.options.logger?.error({ queue: this.name, attempts: entry.attempts, reason: result.reason }, settlement === 'rejected' ? 'delivery refused by the receiver' : 'delivery given up after the last attempt');
    this.options.onSettled?.(entry.item, settlement, { attempts: entry.attempts, reason: result.reason, ...(result.status === undefined ? {} : { status: result.status }), durable: entry.durable });
  }
}
