import { parseDuration } from '../core/index.js';
import type { SloStatus } from '../core/index.js';

/**
 * The burn rate of the SLO's shortest window (`5m` for a 30-day period): the most recent figure the engine has, so the
 * spend added over an evaluation interval is that interval's, not an average over hours. Null when the window has no
 * events.
 */
export function shortestBurnRate(status: SloStatus): number | null {
  let shortest: { ms: number; rate: number | null } | undefined;
  for (const [key, rate] of Object.entries(status.burnRates)) {
    const ms = parseDuration(key);
    if (ms === undefined) continue;
    if (shortest === undefined || ms < shortest.ms) shortest = { ms, rate };
  }
  return shortest?.rate ?? null;
}

/** The SLO's period in ms (`30d`, or a calendar window's nominal length); undefined when the window is not a duration. */
export function periodMs(status: SloStatus): number | undefined {
  const nominal: Record<string, number> = { week: 7 * 86_400_000, month: 30 * 86_400_000, quarter: 91 * 86_400_000 };
  return parseDuration(status.window) ?? nominal[status.window.toLowerCase().replace(/^calendar[-_ ]?/, '').replace(/ly$/, '')];
}
