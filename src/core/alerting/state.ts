import type { DurationMs } from '../model.js';
import type { AlertStateName } from '../status.js';

/**
 * Alert states, ordered as Prometheus orders them (inactive < pending < firing). `resolved` is an inactive alert that
 * was firing at the previous evaluation: it lasts one evaluation, long enough for the notifier to send the resolve.
 */
export const ALERT_STATE_RANK: Readonly<Record<AlertStateName, number>> = { inactive: 0, resolved: 0, pending: 1, firing: 2 };

/** Positive when `a` is the more severe state. */
export function compareAlertStates(a: AlertStateName, b: AlertStateName): number {
  return ALERT_STATE_RANK[a] - ALERT_STATE_RANK[b];
}

/**
 * One alert's evaluation state: plain JSON, persisted so a restart neither re-pages nor forgets a pending alert.
 * Times are Unix milliseconds; absent means "not applicable in this state".
 */
export interface AlertState {
  readonly state: AlertStateName;
  /** When the condition became active; kept through pending and firing. */
  readonly activeAt?: number;
  /** When the alert started firing. */
  readonly firedAt?: number;
  /** When a firing alert resolved. */
  readonly resolvedAt?: number;
  /** The last evaluation at which the condition held. */
  readonly lastActiveAt?: number;
  /** While firing is kept after the condition cleared (keepFiringFor): the first evaluation it was clear. */
  readonly keptFiringSince?: number;
}

export interface StepOptions {
  /** How long the condition must hold before the alert fires (Prometheus `for`). */
  readonly for: DurationMs;
  /** How long a firing alert keeps firing after its condition clears (Prometheus `keep_firing_for`). */
  readonly keepFiringFor: DurationMs;
}

export const INACTIVE: AlertState = Object.freeze({ state: 'inactive' });

/**
 * The next state of an alert after an evaluation at `now`, as Prometheus's rule evaluation computes it:
 * - active and not yet pending or firing: pending from now (firing at once when `for` is 0);
 * - pending for at least `for`: firing;
 * - no longer active: a pending alert goes back to inactive; a firing one keeps firing until the condition has been
 *   clear for `keepFiringFor` (measured from the first clear evaluation), then resolves;
 * - a resolved alert that stays clear becomes inactive at the next evaluation.
 */
export function step(previous: AlertState, active: boolean, now: number, options: StepOptions): AlertState {
  const wasActive = previous.state === 'pending' || previous.state === 'firing';
  if (active) {
    const activeAt = wasActive && previous.activeAt !== undefined ? previous.activeAt : now;
    if (previous.state === 'firing') return { state: 'firing', activeAt, firedAt: previous.firedAt ?? now, lastActiveAt: now };
    if (now - activeAt >= options.for) return { state: 'firing', activeAt, firedAt: now, lastActiveAt: now };
    return { state: 'pending', activeAt, lastActiveAt: now };
  }
  if (previous.state === 'firing') {
    const keptFiringSince = previous.keptFiringSince ?? now;
    if (now - keptFiringSince < options.keepFiringFor) return { ...previous, keptFiringSince };
    return withLastActive({ state: 'resolved', resolvedAt: now }, previous.lastActiveAt);
  }
  if (previous.state === 'inactive' && previous.resolvedAt === undefined && previous.lastActiveAt === undefined) return INACTIVE;
  // Inactive stays inactive with the same times: the state itself, rather than an equal copy at every evaluation for
  // every tier that was ever active.
  if (previous.state === 'inactive' && previous.activeAt === undefined && previous.firedAt === undefined && previous.keptFiringSince === undefined) return previous;
  return withLastActive({ state: 'inactive', ...(previous.resolvedAt === undefined ? {} : { resolvedAt: previous.resolvedAt }) }, previous.lastActiveAt);
}

function withLastActive(state: AlertState, lastActiveAt: number | undefined): AlertState {
  return lastActiveAt === undefined ? state : { ...state, lastActiveAt };
}

/**
 * The no-data condition: no event for `noDataFor` (0 disables it). `lastEventAt` is undefined when the SLO has never
 * seen an event; the runtime passes its start time instead when it wants the clock to start there.
 */
export function noDataActive(lastEventAt: number | undefined, now: number, noDataFor: DurationMs): boolean {
  if (noDataFor <= 0) return false;
  if (lastEventAt === undefined) return true;
  return now - lastEventAt >= noDataFor;
}

/**
 * Whether `after` can stay unsaved because the store already holds what matters of it, so a tick writes only the
 * alerts that changed (issue 21: the work after an evaluation follows what changed, not the number of SLOs):
 * - an absent state reads back as inactive, so a never-active alert is not written at all;
 * - `lastActiveAt` moves at every evaluation while an alert is active; it is saved with the state's next real
 *   change (resolving saves the last active time held in memory), not every tick. After a crash, an alert that is no
 *   longer active resolves with the `lastActiveAt` last saved: the time the alert last changed state, not its last
 *   active evaluation. Nothing decides on it; it is informational.
 */
export function sameSavedState(before: AlertState | undefined, after: AlertState): boolean {
  if (before === after) return true;
  const saved = before ?? INACTIVE;
  // Every saved field but lastActiveAt, written out: asked for every tier of every objective at every evaluation, and a
  // firing alert's state is a new object each time (its lastActiveAt moves), so this must not loop over field names.
  return (
    saved.state === after.state &&
    saved.activeAt === after.activeAt &&
    saved.firedAt === after.firedAt &&
    saved.resolvedAt === after.resolvedAt &&
    saved.keptFiringSince === after.keptFiringSince
  );
}

/** Reads a persisted state back, refusing anything that is not one (a corrupt or foreign document reads as inactive). */
export function parseAlertState(value: unknown): AlertState | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Record<string, unknown>;
  const state = record.state;
  if (state !== 'inactive' && state !== 'pending' && state !== 'firing' && state !== 'resolved') return undefined;
  const times: Record<string, number> = {};
  for (const key of ['activeAt', 'firedAt', 'resolvedAt', 'lastActiveAt', 'keptFiringSince'] as const) {
    const time = record[key];
    if (time === undefined || time === null) continue;
    if (typeof time !== 'number' || !Number.isFinite(time)) return undefined;
    times[key] = time;
  }
  if ((state === 'pending' || state === 'firing') && times.activeAt === undefined) return undefined;
  return { state, ...times };
}
