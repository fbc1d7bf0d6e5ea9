import type { AlertTransition, SloStatus } from '../status.js';
import type { AlertState } from './state.js';
import { INACTIVE } from './state.js';

/**
 * The state changes of one evaluation, one per tier whose state changed, for notifiers and the journal. `previous` and
 * `next` are aligned with `status.alerts` (the SLO's tiers in order). A resolved alert becoming inactive is
 * bookkeeping, not news, so it is left out.
 */
export function alertTransitions(status: SloStatus, previous: readonly (AlertState | undefined)[], next: readonly AlertState[], at: number): AlertTransition[] {
  const transitions: AlertTransition[] = [];
  const alerts = status.alerts;
  for (let index = 0; index < alerts.length; index++) {
    const from = (previous[index] ?? INACTIVE).state;
    const to = (next[index] ?? INACTIVE).state;
    if (from === to || (from === 'resolved' && to === 'inactive')) continue;
    const alert = alerts[index]!;
    transitions.push({ slo: status, tier: alert.tier, severity: alert.severity, from, to, at });
  }
  return transitions;
}
