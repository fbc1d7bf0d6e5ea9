import { parseDuration } from '../duration.js';
import type { SloStatus } from '../status.js';

/** An SLO's period as the thaw estimate needs it. */
export interface ThawPeriod {
  /** Length of the period, ms (a calendar period's nominal length). */
  readonly periodMs: number;
  /** A calendar period's end (Unix ms), when the budget resets; undefined for a rolling window. */
  readonly resetsAt?: number;
}

/**
 * The burn rate now: that of the fastest page tier's long window (1h for 30 days), the window the engine's own
 * `timeToExhaustion` reads; 0 when it saw no events (no new bad events arrive).
 */
export function currentBurn(status: SloStatus): number {
  let shortest: { window: number; burn: number | null } | undefined;
  for (const alert of status.alerts) {
    const window = parseDuration(alert.longWindow);
    if (window !== undefined && (shortest === undefined || window < shortest.window)) shortest = { window, burn: alert.longBurnRate };
  }
  if (shortest) return shortest.burn ?? 0;
  const hour = status.burnRates['1h'];
  return hour ?? 0;
}

/**
 * How the budget consumed over a rolling period is spread by age: the burn rate of each window the SLO reports tells
 * how much of the period's budget its last `w` consumed (burn x w / period, traffic taken as steady); the rest lies
 * beyond the longest window. Each slice is taken as spread evenly over its ages.
 */
function slicesByAge(status: SloStatus, consumed: number, periodMs: number): { from: number; to: number; consumed: number }[] {
  const windows = Object.entries(status.burnRates)
    .map(([key, burn]) => ({ ms: parseDuration(key), burn: burn ?? 0 }))
    .filter((entry): entry is { ms: number; burn: number } => entry.ms !== undefined && entry.ms > 0 && entry.ms < periodMs)
    .sort((a, b) => a.ms - b.ms);
  const slices: { from: number; to: number; consumed: number }[] = [];
  let age = 0;
  let within = 0;
  for (const window of windows) {
    const upTo = Math.min(consumed, Math.max(within, (window.burn * window.ms) / periodMs));
    slices.push({ from: age, to: window.ms, consumed: upTo - within });
    age = window.ms;
    within = upTo;
  }
  slices.push({ from: age, to: periodMs, consumed: Math.max(0, consumed - within) });
  return slices;
}

/**
 * When an SLO's budget remaining comes back to `thawLevel` (a fraction of the budget), Unix ms; null when it does not
 * at the current burn. Over a rolling period, bad events leave the window as they age past its length while new ones
 * arrive at the current burn rate, so the budget consumed `t` from now is what is left of today's (older slices
 * leaving first) plus `burn x t / period`. A calendar period's budget resets at its end. `now` when it already is.
 */
export function expectedThaw(status: SloStatus, period: ThawPeriod, thawLevel: number, now: number): number | null {
  const remaining: number | null = status.errorBudget.remaining;
  if (remaining === null || status.status === 'nodata') return null;
  if (remaining >= thawLevel) return now;
  if (period.resetsAt !== undefined) return period.resetsAt;
  const target = 1 - thawLevel;
  const burn = currentBurn(status);
  const periodMs = period.periodMs;
  const consumed = 1 - remaining;
  const slices = slicesByAge(status, consumed, periodMs);
  const consumedAfter = (elapsed: number): number => {
    // Events older than `periodMs - elapsed` today will have left the window `elapsed` from now.
    const limit = periodMs - elapsed;
    let left = 0;
    for (const slice of slices) {
      if (slice.to <= slice.from) continue;
      const kept = Math.min(slice.to, Math.max(slice.from, limit)) - slice.from;
      left += (slice.consumed * kept) / (slice.to - slice.from);
    }
    return left + (burn * elapsed) / periodMs;
  };
  // consumedAfter is linear between the moments a slice boundary reaches the window's edge.
  const breakpoints = [...new Set([0, ...slices.map((slice) => periodMs - slice.to), ...slices.map((slice) => periodMs - slice.from)])]
    .filter((at) => at >= 0 && at <= periodMs)
    .sort((a, b) => a - b);
  for (let index = 1; index < breakpoints.length; index += 1) {
    const start = breakpoints[index - 1] ?? 0;
    const end = breakpoints[index] ?? 0;
    const atStart = consumedAfter(start);
    const atEnd = consumedAfter(end);
    if (atEnd > target) continue;
    const elapsed = atStart === atEnd ? start : start + ((atStart - target) / (atStart - atEnd)) * (end - start);
    return now + Math.ceil(elapsed);
  }
  return null;
}
