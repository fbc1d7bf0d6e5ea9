import type { LabelMatcher } from './types.js';

/** Histogram bucket bounds compare as numbers: `le="0.3"` selects the series labelled `le="0.30"`. */
export const BUCKET_LABEL = 'le';

/** A bucket bound as Prometheus's ParseFloat reads it (`+Inf`, `Inf`, `1e3`); undefined when it is not a number. */
export function parseBound(text: string): number | undefined {
  const trimmed = text.trim().toLowerCase();
  if (trimmed === '+inf' || trimmed === 'inf') return Infinity;
  if (trimmed === '-inf') return -Infinity;
  if (trimmed.length === 0) return undefined;
  const value = Number(trimmed);
  return Number.isNaN(value) ? undefined : value;
}

/** The canonical spelling of a bound, so `le="0.30"` and `le="0.3"` give one term key. */
export function formatBound(value: number): string {
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

export function canonicalMatcher(matcher: LabelMatcher): LabelMatcher {
  if (matcher.name !== BUCKET_LABEL || (matcher.op !== '=' && matcher.op !== '!=')) return matcher;
  const bound = parseBound(matcher.value);
  return bound === undefined ? matcher : { ...matcher, value: formatBound(bound) };
}

export function compareMatchers(a: LabelMatcher, b: LabelMatcher): number {
  return compareText(a.name, b.name) || compareText(a.op, b.op) || compareText(a.value, b.value);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const regexCache = new Map<string, RegExp | null>();

/**
 * A matcher's regex, fully anchored as Prometheus anchors it, with `.` matching newlines (Prometheus 3).
 * A leading `(?i)` (RE2's case-insensitive flag, common in label matchers) becomes the `i` flag.
 * Returns null for a pattern JavaScript cannot compile.
 */
export function matcherRegex(pattern: string): RegExp | null {
  let compiled = regexCache.get(pattern);
  if (compiled !== undefined) return compiled;
  const insensitive = pattern.startsWith('(?i)');
  const body = insensitive ? pattern.slice(4) : pattern;
  try {
    // No `u` flag: RE2 accepts escaped punctuation (`\-`) that unicode mode rejects.
    compiled = new RegExp(`^(?:${body})$`, insensitive ? 'si' : 's');
  } catch {
    compiled = null;
  }
  regexCache.set(pattern, compiled);
  return compiled;
}

/** Whether one label value (empty when the series lacks the label, as in Prometheus) satisfies a matcher. */
export function matcherAccepts(matcher: LabelMatcher, value: string): boolean {
  switch (matcher.op) {
    case '=':
      return equalValues(matcher, value);
    case '!=':
      return !equalValues(matcher, value);
    case '=~':
      return matcherRegex(matcher.value)?.test(value) ?? false;
    case '!~':
      return !(matcherRegex(matcher.value)?.test(value) ?? false);
  }
}

function equalValues(matcher: LabelMatcher, value: string): boolean {
  if (matcher.value === value) return true;
  if (matcher.name !== BUCKET_LABEL) return false;
  const wanted = parseBound(matcher.value);
  return wanted !== undefined && wanted === parseBound(value);
}

/** A label or metric name as PromQL writes it: bare when it is a legacy name, quoted (Prometheus 3) otherwise. */
export function formatName(name: string): string {
  return /^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(name) ? name : JSON.stringify(name);
}

export function formatMatcher(matcher: LabelMatcher): string {
  return `${formatName(matcher.name)}${matcher.op}${JSON.stringify(matcher.value)}`;
}


/** A literal string as a regular expression matching exactly it (RE2 and JavaScript alike). */
export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
