import { DAY, HOUR, MINUTE } from './duration.js';
import type { AlertTier, DurationMs } from './model.js';

/** The reference period of the SRE Workbook's table. */
export const REFERENCE_PERIOD: DurationMs = 30 * DAY;

export interface TierTemplate {
  readonly name: string;
  readonly severity: 'page' | 'ticket';
  /** Fraction of the period's budget spent within the long window that this tier catches. */
  readonly budgetFraction: number;
  /** Long window for a 30-day period; the short window is a twelfth of it. */
  readonly longWindow: DurationMs;
  readonly for: DurationMs;
}

/** Multi-window multi-burn-rate defaults (SRE Workbook, chapter 5), for T = 30d. */
export const DEFAULT_TIERS: readonly TierTemplate[] = [
  { name: 'page-fast', severity: 'page', budgetFraction: 0.02, longWindow: 1 * HOUR, for: 2 * MINUTE },
  { name: 'page-slow', severity: 'page', budgetFraction: 0.05, longWindow: 6 * HOUR, for: 15 * MINUTE },
  { name: 'ticket-fast', severity: 'ticket', budgetFraction: 0.1, longWindow: 1 * DAY, for: 1 * HOUR },
  { name: 'ticket-slow', severity: 'ticket', budgetFraction: 0.1, longWindow: 3 * DAY, for: 3 * HOUR },
];

/** Rounds to the minute, never below one minute. */
function roundToMinute(ms: DurationMs): DurationMs {
  return Math.max(MINUTE, Math.round(ms / MINUTE) * MINUTE);
}

/**
 * The tiers for an SLO with period T. Windows scale by T/30d (rounded to the minute), f is kept, and the threshold is
 * B = f·T/w: spending the fraction f of a T-long budget within w means burning f·T/w times faster than allowed.
 * The short window is w/12 (the Workbook's ratio) so an alert resets soon after the burn stops.
 */
export function tiersForPeriod(period: DurationMs, templates: readonly TierTemplate[] = DEFAULT_TIERS): AlertTier[] {
  const scale = period / REFERENCE_PERIOD;
  return templates.map((template) => {
    const longWindow = roundToMinute(template.longWindow * scale);
    const shortWindow = roundToMinute(longWindow / 12);
    return {
      name: template.name,
      severity: template.severity,
      budgetFraction: template.budgetFraction,
      longWindow,
      shortWindow,
      burnRateThreshold: burnRateThreshold(template.budgetFraction, period, longWindow),
      for: template.for,
      disabled: false,
    };
  });
}

/** B = f·T/w, rounded to 3 decimals so generated rules and the engine agree on the same figure. */
export function burnRateThreshold(budgetFraction: number, period: DurationMs, longWindow: DurationMs): number {
  return Math.round(((budgetFraction * period) / longWindow) * 1000) / 1000;
}

/** Every distinct window the tiers use, shortest first: the burn-rate windows an SLO reports. */
export function alertWindows(tiers: readonly AlertTier[]): DurationMs[] {
  const windows = new Set<DurationMs>();
  for (const tier of tiers) {
    windows.add(tier.shortWindow);
    windows.add(tier.longWindow);
  }
  return [...windows].sort((a, b) => a - b);
}

/**
 * Every burn-rate window an SLO of period T reports: those of the default tiers for T and those of its own tiers,
 * enabled or not, shortest first. A "track it, don't page" SLO with every tier disabled still shows how fast it burns.
 */
export function periodWindows(period: DurationMs, tiers: readonly AlertTier[] = []): readonly DurationMs[] {
  // Every SLO asks at every start, with its own tiers array but, across a fleet, a handful of distinct tables: the
  // answer is kept per period and windows (issue 21), frozen since callers share it.
  // The plan and the first evaluation both ask for the same tiers array: that second answer needs no key at all.
  const asked = windowsByTiers.get(tiers);
  if (asked?.period === period) return asked.windows;
  let key = String(period);
  for (const tier of tiers) key += `,${tier.shortWindow}/${tier.longWindow}`;
  let windows = periodWindowsKept.get(key);
  if (!windows) {
    windows = Object.freeze(alertWindows([...tiersForPeriod(period), ...tiers]));
    if (periodWindowsKept.size >= PERIOD_WINDOWS_KEPT) periodWindowsKept.delete(periodWindowsKept.keys().next().value!);
    periodWindowsKept.set(key, windows);
  }
  windowsByTiers.set(tiers, { period, windows });
  return windows;
}

const windowsByTiers = new WeakMap<readonly AlertTier[], { period: DurationMs; windows: readonly DurationMs[] }>();

/** How many distinct window tables are kept (the oldest goes first); each is a few numbers. */
const PERIOD_WINDOWS_KEPT = 1024;
const periodWindowsKept = new Map<string, readonly DurationMs[]>();
