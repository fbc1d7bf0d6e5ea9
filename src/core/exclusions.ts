/**
 * Time ranges whose events do not count against an SLO (spec exclusions, maintenance windows, ranges set through the
 * admin API). Ranges are half-open, [start, end), in Unix ms; overlapping or touching ranges are merged, so an
 * instant is never excluded twice.
 */
export interface TimeRange {
  readonly start: number;
  readonly end: number;
}

/** Sorted, non-overlapping ranges covering exactly the union of the given ones; empty ranges are dropped. */
export function mergeRanges(ranges: readonly TimeRange[]): TimeRange[] {
  const sorted = ranges.filter((range) => range.end > range.start).sort((a, b) => a.start - b.start || a.end - b.end);
  const merged: { start: number; end: number }[] = [];
  for (const range of sorted) {
    const last = merged[merged.length - 1];
    if (last && range.start <= last.end) last.end = Math.max(last.end, range.end);
    else merged.push({ start: range.start, end: range.end });
  }
  return merged;
}

/** The excluded parts of [from, to): merged and clipped to it. */
export function excludedRanges(exclusions: readonly TimeRange[], from: number, to: number): TimeRange[] {
  if (!(to > from)) return [];
  return mergeRanges(exclusions.map((range) => ({ start: Math.max(range.start, from), end: Math.min(range.end, to) })));
}

/** How many milliseconds of [from, to) are excluded, each counted once however many exclusions cover it. */
export function excludedOverlap(exclusions: readonly TimeRange[], from: number, to: number): number {
  return excludedRanges(exclusions, from, to).reduce((sum, range) => sum + (range.end - range.start), 0);
}

/** The share of [from, to) that counts: what part of a time bucket's events to keep when an exclusion cuts it. */
export function includedFraction(exclusions: readonly TimeRange[], from: number, to: number): number {
  if (!(to > from)) return 0;
  return 1 - excludedOverlap(exclusions, from, to) / (to - from);
}

/** Whether events at instant t are excluded (start inclusive, end exclusive). */
export function isExcluded(exclusions: readonly TimeRange[], t: number): boolean {
  return exclusions.some((range) => range.start <= t && t < range.end);
}
