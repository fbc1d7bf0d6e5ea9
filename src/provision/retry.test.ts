import { describe, expect, it } from 'vitest';
import { ProvisionError } from './http.js';
import { withRetry } from './retry.js';

describe('withRetry', () => {
  it('retries retryable failures with doubling, fully jittered delays, then gives up saying how often it tried', async () => {
    const delays: number[] = [];
    let calls = 0;
    const failing = withRetry(
      () => {
        calls++;
        return Promise.reject(new ProvisionError('HTTP 503', { retryable: true }));
      },
      { attempts: 3, baseDelayMs: 10, sleep: (ms) => (delays.push(ms), Promise.resolve()), random: () => 0.5 },
    );
    await expect(failing).rejects.toThrow('HTTP 503 (gave up after 3 tries)');
    expect(calls).toBe(3);
    expect(delays).toEqual([5, 10]);
  });

  it('does not retry what retrying cannot fix', async () => {
    let calls = 0;
    const refused = withRetry(() => {
      calls++;
      return Promise.reject(new ProvisionError('HTTP 401', { retryable: false }));
    }, { attempts: 5, baseDelayMs: 1, sleep: () => Promise.resolve() });
    await expect(refused).rejects.toThrow('HTTP 401');
    expect(calls).toBe(1);
  });

  it('waits as long as the service asks with Retry-After, and retries 408 and 425 like 429', async () => {
    const delays: number[] = [];
    const statuses = [408, 425, 429];
    const result = await withRetry(
      () => {
        const status = statuses.shift();
        if (status === undefined) return Promise.resolve('pushed');
        return Promise.reject(new ProvisionError(`HTTP ${status}`, { status, retryable: true, ...(status === 429 ? { retryAfterMs: 3000 } : {}) }));
      },
      { attempts: 4, baseDelayMs: 10, sleep: (ms) => (delays.push(ms), Promise.resolve()), random: () => 0.5 },
    );
    expect(result).toBe('pushed');
    expect(delays).toEqual([5, 10, 3000]);
  });
});
