import { describe, expect, it } from 'vitest';
import { classifyStatus, retryAfterMs } from './classify.js';

describe('classifyStatus', () => {
  it('accepts 2xx', () => {
    expect([200, 201, 202, 204].map(classifyStatus)).toEqual(['success', 'success', 'success', 'success']);
  });

  it('retries 408, 425, 429 and every 5xx', () => {
    expect([408, 425, 429, 500, 502, 503, 504, 599].map(classifyStatus)).toEqual(Array(8).fill('retry'));
  });

  it('treats every other 4xx, and anything outside 2xx-5xx, as final', () => {
    expect([400, 401, 403, 404, 409, 410, 413, 422, 301, 304, 100, 600].map(classifyStatus)).toEqual(Array(12).fill('final'));
  });
});

describe('retryAfterMs', () => {
  const now = Date.parse('2026-11-26T12:00:00Z');

  it('reads seconds and HTTP dates', () => {
    expect(retryAfterMs('7', now)).toBe(7000);
    expect(retryAfterMs('Thu, 26 Nov 2026 12:00:30 GMT', now)).toBe(30_000);
    expect(retryAfterMs('Thu, 26 Nov 2026 11:00:00 GMT', now)).toBe(0);
  });

  it('is undefined when absent or unreadable', () => {
    expect(retryAfterMs(null, now)).toBeUndefined();
    expect(retryAfterMs('  ', now)).toBeUndefined();
    expect(retryAfterMs('soon', now)).toBeUndefined();
  });
});
