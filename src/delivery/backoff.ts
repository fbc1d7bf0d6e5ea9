import { SloeError } from '../core/index.js';

export interface BackoffOptions {
  /** The nominal delay before the second attempt; it doubles for each further one. */
  readonly initialMs: number;
  /** No nominal delay exceeds this. */
  readonly maxMs: number;
  /**
   * The share of the nominal delay drawn at random: the delay is uniform in [nominal × (1 - jitter), nominal].
   * 1 is "full jitter" (uniform in [0, nominal]), which spreads many senders retrying against one recovering receiver
   * best; 0 makes delays exact (tests).
   */
  readonly jitter: number;
}

/** Full jitter, half a second doubling to a minute: what every queue uses unless its configuration says otherwise. */
export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 500, maxMs: 60_000, jitter: 1 };

/** A receiver's Retry-After is honoured up to this long; beyond it the receiver is probably confused. */
export const MAX_RETRY_AFTER_MS = 5 * 60_000;

/** Checks backoff options once, where they are configured. */
export function checkBackoff(options: BackoffOptions, what: string): BackoffOptions {
  const { initialMs, maxMs, jitter } = options;
  if (!(initialMs >= 0) || !(maxMs >= initialMs) || !(jitter >= 0 && jitter <= 1)) {
    throw new SloeError('config_invalid', `${what}: backoff needs 0 <= initialMs <= maxMs and 0 <= jitter <= 1, got initialMs ${initialMs}, maxMs ${maxMs}, jitter ${jitter}`);
  }
  return options;
}

/**
 * The wait after failed attempt number `attempts` (1 after the first): exponential, capped, jittered downwards so
 * it never exceeds the cap; a receiver's Retry-After wins when it asks for longer (up to MAX_RETRY_AFTER_MS).
 * `random` is drawn from [0, 1), handed in so tests are deterministic.
 */
export function backoffDelay(attempts: number, options: BackoffOptions, random: number, retryAfter?: number): number {
  const nominal = Math.min(options.maxMs, options.initialMs * 2 ** Math.max(0, attempts - 1));
  const jittered = nominal * (1 - options.jitter * (1 - random));
  return retryAfter === undefined ? jittered : Math.max(jittered, Math.min(retryAfter, MAX_RETRY_AFTER_MS));
}
