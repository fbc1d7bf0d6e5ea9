import { ProvisionError } from './http.js';

export interface RetryOptions {
  /** Tries in all, the first included. */
  readonly attempts: number;
  /** Delay before the second try; doubled before each further one. */
  readonly baseDelayMs: number;
  readonly sleep: (ms: number) => Promise<void>;
}

export const DEFAULT_RETRY: RetryOptions = { attempts: 4, baseDelayMs: 500, sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) };

/**
 * Runs `attempt` until it succeeds, it fails with an error that retrying cannot fix (a 4xx other than 408/429), or
 * the tries run out; the last error is thrown with the number of tries in its message.
 */
export async function withRetry<T>(attempt: () => Promise<T>, options: RetryOptions): Promise<T> {
  let delay = options.baseDelayMs;
  for (let tries = 1; ; tries++) {
    try {
      return await attempt();
    } catch (error) {
      const retryable = error instanceof ProvisionError && error.retryable;
      if (!retryable || tries >= options.attempts) {
        if (retryable && error instanceof Error) error.message = `${error.message} (gave up after ${tries} tries)`;
        throw error;
      }
      await options.sleep(delay);
      delay *= 2;
    }
  }
}
