import { formatDuration, substituteWindow } from '../../core/index.js';
import type { DurationMs, Labels, ThresholdOp } from '../../core/index.js';

/** A label value inside double quotes, escaped as PromQL reads it. */
export function quoteLabelValue(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/** `{a="1", b="2"}` in the given key order. */
export function matchers(labels: Labels): string {
  return `{${Object.entries(labels)
    .map(([key, value]) => `${key}=${quoteLabelValue(value)}`)
    .join(', ')}}`;
}

const BARE_SELECTOR = /^[a-zA-Z_:][a-zA-Z0-9_:]*\s*(\{[^}]*\})?$|^\{[^}]*\}$/;

/** True for a plain series selector (`http_requests_total{code="500"}`): a counter the rules must take the increase of. */
export function isBareSelector(promql: string): boolean {
  return BARE_SELECTOR.test(promql.trim());
}

/** Adds a matcher to a plain series selector: `x{job="a"}` + `le="1"` → `x{job="a", le="1"}`. */
export function addMatcher(selector: string, matcher: string): string {
  const trimmed = selector.trim();
  if (!trimmed.endsWith('}')) return `${trimmed}{${matcher}}`;
  const inside = trimmed.slice(trimmed.indexOf('{') + 1, -1).trim();
  const head = trimmed.slice(0, trimmed.indexOf('{'));
  return inside.length === 0 ? `${head}{${matcher}}` : `${head}{${inside.replace(/,\s*$/, '')}, ${matcher}}`;
}

/**
 * The `le` matcher of a histogram bound. Client libraries write integer bounds as `1` (Go) or `1.0` (Python), so an
 * integer bound matches both spellings.
 */
export function leMatcher(bound: number): string {
  if (!Number.isFinite(bound)) return 'le="+Inf"';
  return Number.isInteger(bound) ? `le=~"${bound}(\\\\.0+)?"` : `le="${bound}"`;
}

/**
 * The number of events an SLI query counts within a window. A bare counter selector becomes `sum(increase(x[w]))`.
 * A query over `increase()` already yields counts. Any other query is read as a per-second rate (`sum(rate(...))`,
 * Sloth's form) and multiplied by the window's seconds, which is exactly what `increase()` would have given.
 */
export function eventCount(promql: string, window: DurationMs): string {
  if (isBareSelector(promql)) return `sum(increase(${promql.trim()}[${formatDuration(window)}]))`;
  const query = substituteWindow(promql.trim(), formatDuration(window));
  const usesIncrease = /\bincrease\s*\(/.test(query);
  const usesRate = /\b(i?rate)\s*\(/.test(query);
  if (usesIncrease && !usesRate) return `(${query})`;
  return `(${query}) * ${window / 1000}`;
}

const OPERATORS: Record<ThresholdOp, string> = { lt: '<', lte: '<=', gt: '>', gte: '>=' };

/** `x <= bool 0.5`: 1 for a good sample, 0 for a bad one. */
export function thresholdCheck(promql: string, op: ThresholdOp, value: number): string {
  return `(${promql.trim()}) ${OPERATORS[op]} bool ${value}`;
}

/** A number as PromQL reads it, free of binary floating-point noise (`1 - 0.999` → `0.001`). */
export function number(value: number): string {
  return String(Number(value.toPrecision(12)));
}
