import { describe, expect, it } from 'vitest';
import { sloStatus } from '../../../test/policy/status-fixture.js';
import type { SloStatus } from '../status.js';
import { DEFAULT_POLICY } from './default-policy.js';
import { decideGate } from './evaluate.js';
import { expectedThaw } from './thaw.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const PERIOD = 30 * DAY;
const NOW = Date.parse('2026-11-26T12:00:00Z');

/** A 30-day SLO with `consumed` of its budget spent and these burn rates per window (the rest 0). */
function spent(consumed: number, burnRates: Record<string, number>): SloStatus {
  const status = sloStatus({ name: 'checkout-availability', service: 'checkout', consumed });
  const windows = Object.fromEntries(Object.keys(status.burnRates).map((window) => [window, burnRates[window] ?? 0]));
  return { ...status, burnRates: windows, alerts: status.alerts.map((alert) => ({ ...alert, longBurnRate: windows[alert.longWindow] ?? 0 })) };
}

describe('expectedThaw', () => {
  it('an incident older than 3 days, nothing failing since: its bad events leave the window', () => {
    // 120 % of the budget spent, all of it 3 to 30 days ago (every window up to 3d burns 0), spread evenly over those
    // 27 days. Thaw at 5 % remaining, i.e. 95 % consumed: 0.25 of the 1.2 must leave, 27d x 0.25 / 1.2 = 5.625 days.
    const thaw = expectedThaw(spent(1.2, {}), { periodMs: PERIOD }, 0.05, NOW);
    expect(thaw).toBe(NOW + 5.625 * DAY);
  });

  it('while still burning at half the sustainable rate', () => {
    // Every window burns 0.5: the last 3 days hold 0.5 x 3/30 = 0.05 of the budget, days 3..30 the other 1.15.
    // After t days: 1.15 x (27 - t)/27 + 0.05 + 0.5 x t/30 = 0.95, so t = 0.25 / (1.15/27 - 0.5/30) = 9.6428... days.
    const thaw = expectedThaw(spent(1.2, { '5m': 0.5, '30m': 0.5, '1h': 0.5, '2h': 0.5, '6h': 0.5, '1d': 0.5, '3d': 0.5 }), { periodMs: PERIOD }, 0.05, NOW);
    const days = 0.25 / (1.15 / 27 - 0.5 / 30);
    expect(thaw).not.toBeNull();
    expect(Math.abs((thaw ?? 0) - (NOW + days * DAY))).toBeLessThan(1000);
  });

  it('is null while the current burn alone would keep the budget below the thaw level', () => {
    // Burning at 1.2 all along and still: each bad event that leaves is replaced by a new one; 1.2 stays 1.2.
    const steady = { '5m': 1.2, '30m': 1.2, '1h': 1.2, '2h': 1.2, '6h': 1.2, '1d': 1.2, '3d': 1.2 };
    expect(expectedThaw(spent(1.2, steady), { periodMs: PERIOD }, 0.05, NOW)).toBeNull();
    // An old incident leaving faster than a burn of 1 refills. The last hour holds 1/720 of the budget, days 3..30
    // the other m = 1.2 - 1/720: m x (27 - t)/27 + 1/720 + t/30 = 0.95 at t = 0.25 / (m/27 - 1/30) = 22.60 days.
    const m = 1.2 - 1 / 720;
    const thaw = expectedThaw(spent(1.2, { '1h': 1 }), { periodMs: PERIOD }, 0.05, NOW);
    expect(Math.abs((thaw ?? 0) - (NOW + (0.25 / (m / 27 - 1 / 30)) * DAY))).toBeLessThan(1000);
  });

  it('is the reset of a calendar period, and now when the budget is already back', () => {
    const reset = Date.parse('2026-12-01T00:00:00Z');
    expect(expectedThaw(spent(1.2, { '1h': 3 }), { periodMs: PERIOD, resetsAt: reset }, 0.05, NOW)).toBe(reset);
    expect(expectedThaw(spent(0.5, {}), { periodMs: PERIOD }, 0.05, NOW)).toBe(NOW);
  });

  it('is in the gate\'s answer when the budget denies', () => {
    const verdict = decideGate(
      { service: 'checkout', environment: 'production', action: 'deploy', labels: {}, overridesPermitted: false },
      [{ status: spent(1.2, {}), policy: DEFAULT_POLICY, period: { periodMs: PERIOD, coverage: 1 } }],
      DEFAULT_POLICY,
      NOW,
    );
    expect(verdict.decision).toBe('deny');
    expect(verdict.expectedThaw).toBe(new Date(NOW + 5.625 * DAY).toISOString());
    expect(verdict.slos[0]?.expectedThaw).toBe(verdict.expectedThaw);
  });
});

describe('thaw hysteresis', () => {
  const request = (frozen: boolean) => ({ service: 'checkout', environment: 'production', action: 'deploy' as const, labels: {}, overridesPermitted: false, frozen });
  const gate = (consumed: number, frozen: boolean) =>
    decideGate(request(frozen), [{ status: spent(consumed, {}), policy: DEFAULT_POLICY, period: { periodMs: PERIOD, coverage: 1 } }], DEFAULT_POLICY, NOW).decision;

  it('freezes at 0 % remaining but thaws only at 5 %, so a budget at the edge does not flap', () => {
    expect(gate(1.001, false)).toBe('deny');
    // 2 % remaining: a service that was not frozen is let through (with the low-budget warning), a frozen one stays.
    expect(gate(0.98, false)).toBe('warn');
    expect(gate(0.98, true)).toBe('deny');
    expect(gate(0.95, true)).toBe('warn');
  });
});
