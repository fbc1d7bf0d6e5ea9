import { parseDuration } from './duration.js';
import { badRequest } from './errors.js';

// Query parameters as every route reads them (api, policy, review, mcp): one rule each, so `?limit=0` or `?from=x`
// is refused in the same words whichever route it was sent to.

/**
 * A query parameter that must be a positive integer (`limit`, `before`): absent or empty gives `fallback`; anything
 * that is not a whole number of at least 1 is a 400 naming the parameter and the text given.
 */
export function positiveInteger(text: string | undefined, name: string, fallback: number | undefined): number | undefined {
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw badRequest(`${name}: expected a positive integer, got ${JSON.stringify(text)}`);
  return value;
}

/** A time as Prometheus's API takes it: Unix seconds (fractions allowed) or RFC 3339. Returns Unix ms. */
export function parseTime(text: string, what: string): number {
  const trimmed = text.trim();
  if (/^-?\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const parsed = Date.parse(trimmed);
  if (Number.isNaN(parsed) || !/^\d{4}-\d{2}-\d{2}T/.test(trimmed)) throw badRequest(`${what}: "${text}" is not a time (Unix seconds or RFC 3339, e.g. 2026-11-26T12:00:00Z)`);
  return parsed;
}

/** A step as Prometheus takes it: seconds (`60`, `0.5`) or a duration (`5m`). Returns ms. */
export function parseStep(text: string, what: string): number {
  const trimmed = text.trim();
  const ms = /^\d+(\.\d+)?$/.test(trimmed) ? Number(trimmed) * 1000 : parseDuration(trimmed);
  if (ms === undefined || !(ms > 0)) throw badRequest(`${what}: "${text}" is not a positive duration (seconds or e.g. 5m)`);
  return ms;
}
