import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MINUTE } from '../duration.js';
import type { AlertStateName } from '../status.js';
import type { AlertState, StepOptions } from './state.js';
import { INACTIVE, compareAlertStates, noDataActive, parseAlertState, sameSavedState, step } from './state.js';

/** Runs step() over a list of [minute, active] evaluations and returns the state names, one per evaluation. */
function run(evaluations: readonly (readonly [number, boolean])[], options: StepOptions): AlertStateName[] {
  let state: AlertState = INACTIVE;
  return evaluations.map(([minute, active]) => {
    state = step(state, active, minute * MINUTE, options);
    return state.state;
  });
}

describe('step', () => {
  it('goes pending, then firing once `for` has elapsed since the condition became active', () => {
    // for = 2m, evaluated every minute: active at 0, 1, 2, 3 → pending, pending, firing, firing; clear at 4 → resolved; 5 → inactive.
    expect(run([[0, true], [1, true], [2, true], [3, true], [4, false], [5, false]], { for: 2 * MINUTE, keepFiringFor: 0 })).toEqual([
      'pending',
      'pending',
      'firing',
      'firing',
      'resolved',
      'inactive',
    ]);
  });

  it('fires at the first evaluation when `for` is 0', () => {
    expect(run([[0, true]], { for: 0, keepFiringFor: 0 })).toEqual(['firing']);
  });

  it('forgets a pending alert whose condition clears, and starts `for` again', () => {
    expect(run([[0, true], [1, false], [2, true], [3, true], [4, true]], { for: 2 * MINUTE, keepFiringFor: 0 })).toEqual(['pending', 'inactive', 'pending', 'pending', 'firing']);
  });

  it('keeps firing for keepFiringFor after the condition clears, counted from the first clear evaluation', () => {
    // keepFiringFor = 3m: clear from minute 2; still firing at 2, 3, 4; resolved at 5 (5 - 2 >= 3).
    expect(run([[0, true], [1, true], [2, false], [3, false], [4, false], [5, false]], { for: 0, keepFiringFor: 3 * MINUTE })).toEqual([
      'firing',
      'firing',
      'firing',
      'firing',
      'firing',
      'resolved',
    ]);
  });

  it('a condition returning while firing is kept cancels the countdown', () => {
    const options = { for: 0, keepFiringFor: 3 * MINUTE };
    let state = step(INACTIVE, true, 0, options);
    state = step(state, false, 1 * MINUTE, options);
    expect(state.keptFiringSince).toBe(1 * MINUTE);
    state = step(state, true, 2 * MINUTE, options);
    expect(state).toEqual({ state: 'firing', activeAt: 0, firedAt: 0, lastActiveAt: 2 * MINUTE });
  });

  it('records when it became active, fired and resolved', () => {
    const options = { for: 1 * MINUTE, keepFiringFor: 0 };
    const pending = step(INACTIVE, true, 10 * MINUTE, options);
    const firing = step(pending, true, 11 * MINUTE, options);
    const resolved = step(firing, false, 12 * MINUTE, options);
    expect([pending, firing, resolved]).toEqual([
      { state: 'pending', activeAt: 10 * MINUTE, lastActiveAt: 10 * MINUTE },
      { state: 'firing', activeAt: 10 * MINUTE, firedAt: 11 * MINUTE, lastActiveAt: 11 * MINUTE },
      { state: 'resolved', resolvedAt: 12 * MINUTE, lastActiveAt: 11 * MINUTE },
    ]);
    // Plain data: a JSON round trip (persistence) gives the same state back.
    expect(parseAlertState(JSON.parse(JSON.stringify(firing)))).toEqual(firing);
  });

  const evaluations = fc.array(fc.tuple(fc.integer({ min: 1, max: 10 * MINUTE }), fc.boolean()), { maxLength: 60 });
  const options = fc.record({ for: fc.integer({ min: 0, max: 30 * MINUTE }), keepFiringFor: fc.integer({ min: 0, max: 30 * MINUTE }) });

  it('property: never fires before `for` has elapsed since activeAt, and only while active or kept', () => {
    fc.assert(
      fc.property(evaluations, options, (steps, opts) => {
        let state: AlertState = INACTIVE;
        let now = 0;
        let lastActive: number | undefined;
        let activeSince: number | undefined;
        for (const [gap, active] of steps) {
          now += gap;
          const previous = state;
          state = step(state, active, now, opts);
          if (active) {
            lastActive = now;
            activeSince ??= now;
          } else if (state.state !== 'firing') activeSince = undefined;
          if (state.state === 'firing') {
            expect(state.activeAt).toBeDefined();
            expect(state.firedAt! - state.activeAt!).toBeGreaterThanOrEqual(opts.for);
            // Firing while clear only within keepFiringFor of the first clear evaluation.
            if (!active) expect(now - state.keptFiringSince!).toBeLessThan(opts.keepFiringFor);
          }
          if (state.state === 'pending') {
            expect(active).toBe(true);
            expect(now - state.activeAt!).toBeLessThan(opts.for);
          }
          if (state.state === 'resolved') expect(previous.state).toBe('firing');
          if (active) expect(['pending', 'firing']).toContain(state.state);
          // activeAt is the start of the current unbroken run of active evaluations.
          if (state.state === 'pending') expect(state.activeAt).toBe(activeSince);
        }
        expect(lastActive === undefined || state.state !== 'pending' || state.lastActiveAt === lastActive).toBe(true);
      }),
    );
  });
});

describe('noDataActive', () => {
  it.each([
    [undefined, 0, 10 * MINUTE, true],
    [0, 9 * MINUTE, 10 * MINUTE, false],
    [0, 10 * MINUTE, 10 * MINUTE, true],
    [0, 60 * MINUTE, 0, false], // 0 disables
  ])('last event %s, now %s, noDataFor %s → %s', (last, now, noDataFor, expected) => {
    expect(noDataActive(last, now, noDataFor)).toBe(expected);
  });
});

describe('sameSavedState', () => {
  const options = { for: 2 * MINUTE, keepFiringFor: 0 };
  it('writes an alert when it changes state, not at every evaluation it stays active or inactive', () => {
    // Evaluations every minute: clear, clear, active ×4 (pending, pending, firing, firing), clear ×2 (resolved, inactive).
    const actives = [false, false, true, true, true, true, false, false];
    let saved: AlertState | undefined;
    let held: AlertState | undefined;
    const writes: AlertStateName[] = [];
    actives.forEach((active, minute) => {
      const next = step(held ?? INACTIVE, active, minute * MINUTE, options);
      if (!sameSavedState(held, next)) {
        saved = next;
        writes.push(next.state);
      }
      held = next;
    });
    // Never active at first: nothing written (an absent state reads as inactive); then one write per change of state.
    expect(writes).toEqual(['pending', 'firing', 'resolved', 'inactive']);
    // Resolving saved the last active evaluation held in memory, though no write was made at minute 5.
    expect(saved).toEqual({ state: 'inactive', resolvedAt: 6 * MINUTE, lastActiveAt: 5 * MINUTE });
  });

  it('compares every field but lastActiveAt', () => {
    const firing: AlertState = { state: 'firing', activeAt: 0, firedAt: MINUTE, lastActiveAt: MINUTE };
    expect(sameSavedState(firing, { ...firing, lastActiveAt: 9 * MINUTE })).toBe(true);
    expect(sameSavedState(firing, { ...firing, firedAt: 2 * MINUTE })).toBe(false);
    expect(sameSavedState(firing, { ...firing, keptFiringSince: 3 * MINUTE })).toBe(false);
    expect(sameSavedState(undefined, INACTIVE)).toBe(true);
    expect(sameSavedState(undefined, { state: 'inactive', resolvedAt: 0 })).toBe(false);
  });
});

describe('alert state data', () => {
  it('orders states as Prometheus does', () => {
    expect(compareAlertStates('firing', 'pending')).toBeGreaterThan(0);
    expect(compareAlertStates('pending', 'inactive')).toBeGreaterThan(0);
    expect(compareAlertStates('resolved', 'inactive')).toBe(0);
  });

  it('refuses documents that are not alert states', () => {
    expect(parseAlertState({ state: 'burning' })).toBeUndefined();
    expect(parseAlertState({ state: 'firing' })).toBeUndefined(); // firing without activeAt
    expect(parseAlertState({ state: 'pending', activeAt: 'soon' })).toBeUndefined();
    expect(parseAlertState(null)).toBeUndefined();
    expect(parseAlertState({ state: 'inactive', resolvedAt: 5 })).toEqual({ state: 'inactive', resolvedAt: 5 });
  });
});
