import type { AlertTier } from '../model.js';
import type { AlertStateName, SloHealth } from '../status.js';

/** The warning level of CONTRACT.md: status is `warning` when less than this fraction of the budget remains. */
export const DEFAULT_WARNING_LEVEL = 0.25;

/**
 * Whether a tier pages or tickets. Tiers keep their built-in names (`page-fast`, `ticket-slow`) when an SLO renames
 * their severity, so the name decides; a custom tier without such a name pages when its severity is `page` or
 * `critical`.
 */
export function tierClass(tier: Pick<AlertTier, 'name' | 'severity'>): 'page' | 'ticket' {
  if (tier.name.startsWith('page')) return 'page';
  if (tier.name.startsWith('ticket')) return 'ticket';
  return tier.severity === 'page' || tier.severity === 'critical' ? 'page' : 'ticket';
}

export interface HealthInput {
  /** Events (or slices) in the SLO window; 0 means no data. */
  readonly total: number;
  /** Null without data (then total is 0 and the status is nodata). */
  readonly remaining: number | null;
  readonly tiers: readonly Pick<AlertTier, 'name' | 'severity'>[];
  /** Alert state per tier, aligned with `tiers`; missing means inactive. */
  readonly states: readonly (AlertStateName | undefined)[];
  readonly warningLevel?: number;
}

/**
 * CONTRACT.md's status, first match wins: `nodata` (no events in the window), `exhausted` (remaining ≤ 0),
 * `critical` (a page alert firing), `warning` (a ticket alert firing, or remaining below the warning level), `ok`.
 */
export function healthOf(input: HealthInput): SloHealth {
  if (!(input.total > 0) || input.remaining === null) return 'nodata';
  if (input.remaining <= 0) return 'exhausted';
  if (firing(input, 'page')) return 'critical';
  if (firing(input, 'ticket') || input.remaining < (input.warningLevel ?? DEFAULT_WARNING_LEVEL)) return 'warning';
  return 'ok';
}

/** Whether a tier of this class is firing (a plain loop: healthOf runs twice per objective per tick). */
function firing(input: HealthInput, kind: 'page' | 'ticket'): boolean {
  for (let index = 0; index < input.tiers.length; index++) {
    if (input.states[index] === 'firing' && tierClass(input.tiers[index]!) === kind) return true;
  }
  return false;
}
