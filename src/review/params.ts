import { badRequest, parseTime } from '../core/index.js';

/**
 * `from` and `to` of a review query where the caller picks the default start: `to` defaults to now, `from` stays
 * undefined when not given; when both are known, from must precede to.
 */
export function parseOpenRange(from: string | undefined, to: string | undefined, now: number): { from?: number; to: number } {
  const end = to === undefined || to === '' ? now : parseTime(to, 'to');
  if (from === undefined || from === '') return { to: end };
  const start = parseTime(from, 'from');
  if (!(start < end)) throw badRequest(`from (${new Date(start).toISOString()}) must be before to (${new Date(end).toISOString()})`);
  return { from: start, to: end };
}

/** `from` and `to` of a review query: `to` defaults to now, `from` to `defaultSpan` before it; from must precede to. */
export function parseRange(from: string | undefined, to: string | undefined, now: number, defaultSpan: number): { from: number; to: number } {
  const range = parseOpenRange(from, to, now);
  return { from: range.from ?? range.to - defaultSpan, to: range.to };
}
