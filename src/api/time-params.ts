import { parseDuration } from '../core/index.js';
import { badRequest } from './errors.js';

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
