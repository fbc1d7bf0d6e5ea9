import { describe, expect, it } from 'vitest';
import type { SloStatus } from '../core/index.js';
import { statusTable } from './status-table.js';

const base: SloStatus = {
  name: 'checkout-journey', slo: 'checkout-journey', objectiveKey: 'main', service: 'journeys', objective: 0.99, window: '30d', budgetingMethod: 'Occurrences',
  sli: 0.995, events: { good: 995, total: 1000 }, errorBudget: { total: 0.01, consumed: 0.5, remaining: 0.5 }, coverage: 1, burnRates: { '1h': 0.5 }, alerts: [],
  timeToExhaustion: null, status: 'ok', labels: {}, evaluatedAt: '2026-12-06T00:00:00Z',
};

describe('sloe status table', () => {
  it('lists a composite\'s members under it with their weight, share of its burn and own figures', () => {
    const status: SloStatus = {
      ...base,
      composite: {
        method: 'leastHealthy',
        members: [
          { name: 'login', weight: 1, composite: false, objective: 0.999, sli: 0.9995, budgetRemaining: 0.5, status: 'ok', share: 0, deciding: false },
          { name: 'cart', weight: 1, composite: false, objective: 0.99, sli: 0.98, budgetRemaining: -1, status: 'exhausted', share: 1, deciding: true },
        ],
      },
    };
    const lines = statusTable([status], { colour: false }).trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[1]).toMatch(/^checkout-journey\s+journeys\s+99\.0%\s+99\.500%\s+50\.0%/);
    expect(lines[2]).toMatch(/^ {2}├ login x1 0% of burn\s+99\.90%\s+99\.950%\s+50\.0%\s+ok$/);
    expect(lines[3]).toMatch(/^ {2}└ cart x1 100% of burn \(deciding\)\s+99\.0%\s+98\.00%\s+-100\.0%\s+exhausted$/);
  });
});
