import { realSleep, withRetry as retrying } from '../delivery/index.js';
import { ProvisionError } from './http.js';

export interface RetryOptions {
  /** Tries in all, the first included. */
  readonly attempts: number;
  /** Nominal delay before the second try; doubled before each further one (full jitter, capped at `maxDelayMs`). */
  readonly baseDelayMs: number;
  /** Default 30 s. */
  readonly maxDelayMs?: number;
  readonly sleep: (ms: number) => Promise<void>;
  /** Draws the jitter, from [0, 1). */
  readonly random?: () => number;
}

export const DEFAULT_RETRY: RetryOptions = { attempts: 4, baseDelayMs: 500, sleep: realSleep };

/**
 * Runs `attempt` by delivery/'s retry rule until it succeeds, it fails with an error that retrying cannot fix (a 4xx
 * other than 408, 425 and 429), or the tries run out; the last error is thrown with the number of tries in its message.
 */
export async function withRetry<T>(attempt: () => Promise<T>, options: RetryOptions): Promise<T> {
  let tries = 0;
  try {
    return await retrying(
      () => (tries++, attempt()),
      (error) => (error instanceof ProvisionError && error.retryable ? { retry: true, ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }) } : { retry: false }),
      {
        attempts: options.attempts,
        backoff: { initialMs: options.baseDelayMs, maxMs: Math.max(options.baseDelayMs, options.maxDelayMs ?? 30_000), jitter: 1 },
        sleep: options.sleep,
        ...(options.random ? { random: options.random } : {}),
      },
    );
  } catch (error) {
    if (error instanceof ProvisionError && error.retryable) error.message = `${error.message} (gave up after ${tries} tries)`;
    throw error;
  }
}
