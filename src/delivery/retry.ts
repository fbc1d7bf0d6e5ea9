import type { BackoffOptions } from './backoff.js';
import { backoffDelay } from './backoff.js';

export interface RetryPolicy {
  /** Tries in all, the first included. */
  readonly attempts: number;
  readonly backoff: BackoffOptions;
  readonly sleep: (ms: number) => Promise<void>;
  /** Draws the jitter, from [0, 1). */
  readonly random?: () => number;
}

/** Whether a failure is worth another try, and after how long the other side asked us to wait. */
export type RetryAdvice = { readonly retry: false } | { readonly retry: true; readonly retryAfterMs?: number };

export const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Synchronous request/retry for callers that wait for the answer (source queries, provisioning pushes): runs
 * `attempt` until it succeeds, fails in a way `advise` says retrying cannot fix, or the tries run out; the last error
 * is thrown as it was, so callers keep their own error types.
 */
export async function withRetry<T>(attempt: (tries: number) => Promise<T>, advise: (error: unknown) => RetryAdvice, policy: RetryPolicy): Promise<T> {
  const random = policy.random ?? Math.random;
  for (let tries = 1; ; tries++) {
    try {
      return await attempt(tries);
    } catch (error) {
      const advice = advise(error);
      if (!advice.retry || tries >= policy.attempts) throw error;
      await policy.sleep(backoffDelay(tries, policy.backoff, random(), advice.retryAfterMs));
    }
  }
}
