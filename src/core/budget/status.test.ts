import { describe, expect, it } from 'vitest';
import { DAY, HOUR, MINUTE } from '../duration.js';
import type { Slo } from '../model.js';
import { tiersForPeriod } from '../tiers.js';
import { evaluateObjective } from './evaluate.js';
import { buildStatus } from './status.js';

const tiers = tiersForPeriod(30 * DAY);
const slo: Slo = {
  name: 'checkout-availability',
  service: 'checkout',
  labels: { team: 'shop' },
  sli: { kind: 'ratio', bad: { promql: 'bad' }, total: { promql: 'total' } },
  objectives: [{ key: 'availability', target: 0.999 }],
  window: { kind: 'rolling', duration: 30 * DAY },
  budgetingMethod: 'Occurrences',
  alerting: { name: 'CheckoutAvailability', labels: {}, annotations: {}, tiers, minEvents: 0, keepFiringFor: 0, noDataFor: 0 },
  exclusions: [],
  maintenance: [],
};

describe('buildStatus', () => {
  it('is the CONTRACT.md SloStatus, its status following the alert states after step()', () => {
    const now = Date.parse('2026-11-26T12:00:00Z');
    const windows = new Map([
      [5 * MINUTE, { good: 4_900, total: 5_000 }],
      [HOUR, { good: 58_800, total: 60_000 }],
    ]);
    const evaluation = evaluateObjective({ objective: slo.objectives[0]!, method: 'Occurrences', window: slo.window, now, period: { good: 998_600, total: 999_300 }, windows, tiers });
    const status = buildStatus({ slo, objective: slo.objectives[0]!, evaluation, alerts: [{ state: 'firing', activeAt: now - 10 * MINUTE, firedAt: now - 8 * MINUTE }], now });
    expect(status).toMatchObject({
      name: 'checkout-availability',
      slo: 'checkout-availability',
      objectiveKey: 'availability',
      service: 'checkout',
      objective: 0.999,
      window: '30d',
      budgetingMethod: 'Occurrences',
      events: { good: 998_600, total: 999_300 },
      status: 'critical',
      labels: { team: 'shop' },
      evaluatedAt: '2026-11-26T12:00:00.000Z',
    });
    // 700 bad of 999,300: 0.07005 % bad, 70.05 % of the 0.1 % budget.
    expect(status.sli).toBeCloseTo(0.9992995, 6);
    expect(status.errorBudget.total).toBe(0.001); // not 1 - 0.999 = 0.0010000000000000009
    expect(status.burnRates['5m']).toBe(20); // 2 % bad over 0.1 % allowed, exactly
    expect(status.errorBudget.consumed).toBeCloseTo(0.70049, 5);
    expect(status.burnRates).toMatchObject({ '5m': expect.closeTo(20, 9) as number, '1h': expect.closeTo(20, 9) as number, '30m': null });
    expect(status.alerts[0]).toEqual({
      tier: 'page-fast',
      severity: 'page',
      state: 'firing',
      longWindow: '1h',
      shortWindow: '5m',
      burnRateThreshold: 14.4,
      longBurnRate: expect.closeTo(20, 9) as number,
      shortBurnRate: expect.closeTo(20, 9) as number,
      activeSince: '2026-11-26T11:50:00.000Z',
    });
    expect(status.alerts.slice(1).map((alert) => alert.state)).toEqual(['inactive', 'inactive', 'inactive']);
    // 0.2995 · 2,592,000 s / 20
    expect(status.timeToExhaustion).toBeCloseTo((0.29951 * 2_592_000) / 20, -2);
    expect(JSON.parse(JSON.stringify(status))).toEqual(status);
  });

  it('says why there is no data', () => {
    const now = 0;
    const evaluation = evaluateObjective({ objective: slo.objectives[0]!, method: 'Occurrences', window: slo.window, now, period: { good: 0, total: 0 }, windows: new Map(), tiers, reason: 'source mimir: 503' });
    const status = buildStatus({ slo, objective: slo.objectives[0]!, evaluation, alerts: [], now });
    expect([status.status, status.reason, status.sli, status.errorBudget.remaining]).toEqual(['nodata', 'source mimir: 503', null, null]);
  });
});
