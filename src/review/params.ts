import { SloeError } from '../core/index.js';

function badRequest(message: string): SloeError {
  return new SloeError('bad_request', message, { status: 400 });
}

/** A time as the rest of the API takes it: Unix seconds (fractions allowed) or RFC 3339. Returns Unix ms. */
export function parseTime(text: string, what: string): number {
  const trimmed = text.trim();
  if (/^-?\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const parsed = Date.parse(trimmed);
  if (Number.isNaN(parsed) || !/^\d{4}-\d{2}-\d{2}T/.test(trimmed)) throw badRequest(`${what}: "${text}" is not a time (Unix seconds or RFC 3339, e.g. 2026-11-26T12:00:00Z)`);
  return parsed;
}

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
