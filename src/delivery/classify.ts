/**
 * What a reply means for whoever sent the request: `success` (2xx), `retry` (the receiver is busy, early or failing
 * for a moment) or `final` (it refused the request; sending the same bytes again would be refused again).
 */
export type StatusVerdict = 'success' | 'retry' | 'final';

/**
 * 408 Request Timeout, 425 Too Early and 429 Too Many Requests say "not now", 5xx says "not working now"; every other
 * 4xx (and anything outside 2xx-5xx) is the receiver's considered answer. Every sender in sloe uses this one rule.
 */
export function classifyStatus(status: number): StatusVerdict {
  if (status >= 200 && status < 300) return 'success';
  if (status === 408 || status === 425 || status === 429 || (status >= 500 && status < 600)) return 'retry';
  return 'final';
}

/** `Retry-After` in seconds or as an HTTP date, as milliseconds from `now`; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null | undefined, now: number): number | undefined {
  if (header === null || header === undefined || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
