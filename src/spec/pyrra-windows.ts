import { DAY, DEFAULT_TIERS, HOUR, MINUTE } from '../core/index.js';
import type { AlertTier, DurationMs } from '../core/index.js';

/** Pyrra states its multi-window table for a 28-day window and scales it linearly with the SLO's window. */
const PYRRA_REFERENCE_WINDOW: DurationMs = 28 * DAY;

interface PyrraWindow {
  /** sloe's tier name, so the tier keeps its class (page or ticket) wherever it goes. */
  readonly name: string;
  /** The severity label Pyrra's alerts carry, which Alertmanager routes on. */
  readonly severity: 'critical' | 'warning';
  readonly longWindow: DurationMs;
  readonly shortWindow: DurationMs;
  /** Pyrra's factor: the burn rate the tier fires at. */
  readonly factor: number;
}

/** Pyrra's burn-rate table at its 28-day reference (data, not code). */
export const PYRRA_WINDOWS: readonly PyrraWindow[] = [
  { name: 'page-fast', severity: 'critical', longWindow: 1 * HOUR, shortWindow: 5 * MINUTE, factor: 14 },
  { name: 'page-slow', severity: 'critical', longWindow: 6 * HOUR, shortWindow: 30 * MINUTE, factor: 7 },
  { name: 'ticket-fast', severity: 'warning', longWindow: 1 * DAY, shortWindow: 2 * HOUR, factor: 2 },
  { name: 'ticket-slow', severity: 'warning', longWindow: 4 * DAY, shortWindow: 6 * HOUR, factor: 1 },
];

function roundToMinute(ms: DurationMs): DurationMs {
  return Math.max(MINUTE, Math.round(ms / MINUTE) * MINUTE);
}

/**
 * Pyrra's tiers for an SLO window. The factor is the threshold whatever the window; the budget share a tier catches
 * is f = B·w/T. `for` follows sloe's default table (Pyrra's own delays are not part of its spec).
 */
export function pyrraTiers(window: DurationMs): AlertTier[] {
  const scale = window / PYRRA_REFERENCE_WINDOW;
  return PYRRA_WINDOWS.map((row) => {
    const longWindow = roundToMinute(row.longWindow * scale);
    return {
      name: row.name,
      severity: row.severity,
      budgetFraction: Math.round(((row.factor * longWindow) / window) * 1e6) / 1e6,
      longWindow,
      shortWindow: roundToMinute(row.shortWindow * scale),
      burnRateThreshold: row.factor,
      for: DEFAULT_TIERS.find((tier) => tier.name === row.name)?.for ?? 0,
      disabled: false,
    };
  });
}
