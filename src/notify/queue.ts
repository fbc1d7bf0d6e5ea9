import { DEFAULT_BACKOFF, REAL_TIMERS, backoffDelay } from '../delivery/index.js';
import type { BackoffOptions, Timers } from '../delivery/index.js';
import type { AlertNotification, DeliveryResult, Lifecycle, Notifier } from './types.js';

// Backoff, its jitter and Retry-After, and the timers are delivery/'s, shared with every other sender; this queue adds
// what only notifications need: superseding a waiting lease re-send, and the durable/lease split the outbox keeps.
export { DEFAULT_BACKOFF, REAL_TIMERS, backoffDelay };
export type { BackoffOptions, Timers };

/** How a queued notification ended. `superseded`: a newer one for the same incident and state replaced it. */
export type Settlement = 'delivered' | 'rejected' | 'dropped' | 'superseded';

export interface QueuedNotification {
  /** Unique per queue entry; the outbox uses it to tell a settled entry from its replacement. */
  readonly seq: number;
  notification: AlertNotification;
  /** Durable entries are in the outbox and survive a restart; lease re-sends are not. */
  durable: boolean;
  attempts: number;
  notBefore: number;
  readonly enqueuedAt: number;
}

export interface DeliveryQueueOptions {
  readonly notifier: Notifier;
  /** At most this many notifications wait; when full, the oldest waiting one is dropped. */
  readonly capacity: number;
  readonly backoff?: BackoffOptions;
  readonly timers?: Timers;
  readonly random?: () => number;
  readonly onAttempt?: (entry: QueuedNotification, result: DeliveryResult) => void;
  readonly onSettled?: (entry: QueuedNotification, settlement: Settlement, detail: string) => void;
}

/**
 * One receiver's bounded queue. Delivers in order, one request at a time, retrying retryable failures with
 * delivery/'s backoff until delivered, refused, superseded or dropped. Order matters: a resolve must not
 * overtake the firing notification it ends.
 */
export class DeliveryQueue implements Lifecycle {
  readonly notifier: Notifier;
  private readonly capacity: number;
  private readonly backoff: BackoffOptions;
  private readonly timers: Timers;
  private readonly random: () => number;
  private readonly onAttempt: NonNullable<DeliveryQueueOptions['onAttempt']>;
  private readonly onSettled: NonNullable<DeliveryQueueOptions['onSettled']>;
  private readonly entries: QueuedNotification[] = [];
  private inFlight: QueuedNotification | undefined;
  private timer: unknown;
  private running = false;
  private seq = 0;
  private idleWaiters: (() => void)[] = [];

  constructor(options: DeliveryQueueOptions) {
    if (!Number.isInteger(options.capacity) || options.capacity < 1) throw new RangeError(`queue capacity must be a positive integer, got ${options.capacity}`);
    this.notifier = options.notifier;
    this.capacity = options.capacity;
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.timers = options.timers ?? REAL_TIMERS;
    this.random = options.random ?? Math.random;
    this.onAttempt = options.onAttempt ?? (() => undefined);
    this.onSettled = options.onSettled ?? (() => undefined);
  }

  get length(): number {
    return this.entries.length;
  }

  /** A copy of what waits, oldest first (the entry in flight included). */
  pending(): readonly QueuedNotification[] {
    return [...this.entries];
  }

  /**
   * Queues a notification. A waiting notification for the same incident in the same state, with nothing newer for
   * that incident behind it, is replaced instead (a lease re-send refreshes the one still waiting, never doubles it).
   */
  enqueue(notification: AlertNotification, durable: boolean): QueuedNotification {
    const now = this.timers.now();
    let latest: QueuedNotification | undefined;
    for (let i = this.entries.length - 1; i >= 0; i--) {
      const entry = this.entries[i];
      if (entry?.notification.incident === notification.incident) {
        latest = entry;
        break;
      }
    }
    if (latest && latest !== this.inFlight && latest.notification.state === notification.state) {
      const replaced = { ...latest };
      latest.notification = notification;
      latest.durable = latest.durable || durable;
      this.onSettled(replaced, 'superseded', 'replaced by a newer notification for the same incident');
      return latest;
    }
    if (this.entries.length >= this.capacity) {
      const victimIndex = this.entries[0] === this.inFlight ? 1 : 0;
      const [victim] = this.entries.splice(victimIndex, 1);
      if (victim) this.onSettled(victim, 'dropped', `queue full (${this.capacity})`);
    }
    const entry: QueuedNotification = { seq: ++this.seq, notification, durable, attempts: 0, notBefore: now, enqueuedAt: now };
    this.entries.push(entry);
    this.pump();
    return entry;
  }

  start(): void {
    this.running = true;
    this.pump();
  }

  flush(timeoutMs: number): Promise<boolean> {
    if (this.isIdle()) return Promise.resolve(true);
    if (timeoutMs <= 0) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      const timer = this.timers.setTimeout(() => {
        this.idleWaiters = this.idleWaiters.filter((waiter) => waiter !== onIdle);
        resolve(this.isIdle());
      }, timeoutMs);
      const onIdle = (): void => {
        this.timers.clearTimeout(timer);
        resolve(true);
      };
      this.idleWaiters.push(onIdle);
    });
  }

  /** Tries to deliver what waits within the deadline, then stops; durable entries left over stay in the outbox. */
  async shutdown(timeoutMs: number): Promise<void> {
    await this.flush(timeoutMs);
    this.running = false;
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private isIdle(): boolean {
    return this.entries.length === 0 && this.inFlight === undefined;
  }

  private pump(): void {
    if (!this.running || this.inFlight !== undefined || this.timer !== undefined) return;
    const head = this.entries[0];
    if (!head) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const waiter of waiters) waiter();
      return;
    }
    const wait = head.notBefore - this.timers.now();
    if (wait > 0) {
      this.timer = this.timers.setTimeout(() => {
        this.timer = undefined;
        this.pump();
      }, wait);
      return;
    }
    this.inFlight = head;
    void this.attempt(head);
  }

  private async attempt(entry: QueuedNotification): Promise<void> {
    entry.attempts += 1;
    let result: DeliveryResult;
    try {
      result = await this.notifier.send(entry.notification);
    } catch (error) {
      // A notifier should turn every failure into a result; one that throws is treated as a retryable failure.
      result = { outcome: 'retry', reason: `notifier threw: ${(error as Error).message}` };
    }
    this.inFlight = undefined;
    this.onAttempt(entry, result);
    if (result.outcome === 'retry') {
      entry.notBefore = this.timers.now() + backoffDelay(entry.attempts, this.backoff, this.random(), result.retryAfterMs);
    } else {
      const index = this.entries.indexOf(entry);
      if (index >= 0) this.entries.splice(index, 1);
      this.onSettled(entry, result.outcome, result.outcome === 'rejected' ? result.reason : `HTTP ${result.status}`);
    }
    this.pump();
  }
}
