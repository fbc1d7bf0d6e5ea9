import { describe, expect, it } from 'vitest';
import type { SloStatus } from '../core/index.js';
import { statusTable } from './status-table.js';

const base: SloStatus = {
  name: 'checkout-journey', slo: 'checkout-journey', objectiveKey: 'main', service: 'journeys', objective: 0.99, window: '30d', budgetingMethod: 'Occurrences',
  sli: 0.995, events: { good: 995, total: 1000 }, errorBudget: { total: 0.01, consumed: 0.5, remaining: 0.5 }, coverage: 1, burnRates: { '1h': 0.5 }, alerts: [],
  timeToExhaustion: null, status: 'ok', labels: {}, evaluatedAt: '2026-12-06T00:00:00Z',
};

describe('sloe status table', () => {
  it('a few minutes of data in a 30-day period read as under 0.1 % covered, never as 0.0 % (which reads as none)', () => {
    const fresh: SloStatus = { ...base, coverage: 3 / (30 * 24 * 60) };
    const none: SloStatus = { ...base, name: 'idle', sli: null, events: { good: 0, total: 0 }, errorBudget: { total: 0.01, consumed: null, remaining: null }, coverage: 0, burnRates: { '1h': null }, status: 'nodata' };
    const [, freshLine, noneLine] = statusTable([fresh, none], { colour: false }).trimEnd().split('\n');
    expect(freshLine).toMatch(/^checkout-journey\s+journeys\s+99\.0%\s+99\.500%\s+50\.0%\s+<0\.1%\s/);
    expect(noneLine).toMatch(/^idle\s+journeys\s+99\.0%\s+-\s+-\s+0\.0%\s/);
  });

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

  it('draws a nested composite\'s own members under it, indented below its parent', () => {
    const checkout: SloStatus = {
      ...base,
      composite: {
        method: 'weightedAverage',
        members: [
          { name: 'login', weight: 1, composite: false, objective: 0.999, sli: 0.999, budgetRemaining: 0, status: 'exhausted', share: 0.25 },
          { name: 'pay', weight: 3, composite: false, objective: 0.99, sli: 0.99, budgetRemaining: 0, status: 'exhausted', share: 0.75 },
        ],
      },
    };
    const journey: SloStatus = {
      ...base,
      name: 'journey',
      slo: 'journey',
      errorBudget: { total: 0.01, consumed: 0.9, remaining: 0.1 },
      composite: {
        method: 'weightedAverage',
        members: [
          { name: 'checkout-journey', weight: 2, composite: true, objective: 0.99, sli: 0.995, budgetRemaining: 0.5, status: 'ok', share: 0.8 },
          { name: 'search', weight: 1, composite: false, objective: 0.99, sli: null, budgetRemaining: null, status: 'nodata', share: null },
        ],
      },
    };
    const lines = statusTable([checkout, journey], { colour: false }).trimEnd().split('\n');
    const journeyAt = lines.findIndex((line) => line.startsWith('journey '));
    const sloColumn = lines[0]!.indexOf('SERVICE');
    expect(lines.slice(journeyAt + 1, journeyAt + 5).map((line) => line.slice(0, sloColumn).trimEnd())).toEqual([
      '  ├ checkout-journey x2 80% of burn',
      '  │ ├ login x1 25% of burn',
      '  │ └ pay x3 75% of burn',
      '  └ search x1',
    ]);
    // A member without data shows unknown figures, never a full budget.
    expect(lines[journeyAt + 4]).toMatch(/^ {2}└ search x1\s+99\.0%\s+-\s+-\s+nodata$/);
  });

  it('shows a grouped SLO\'s group count, its overflow past maxGroups and its worst groups', () => {
    const grouped: SloStatus = {
      ...base,
      name: 'orders',
      slo: 'orders',
      groupCount: 2,
      groupsOverflow: 3,
      worstGroups: [
        { group: { route: '/v1/orders' }, budgetRemaining: -0.5, status: 'exhausted' },
        { group: { route: '/v1/items' }, budgetRemaining: 0.9, status: 'ok' },
      ],
    };
    const lines = statusTable([grouped], { colour: false }).trimEnd().split('\n');
    expect(lines[2]).toBe('  2 groups, 3 more past maxGroups (not tracked), least budget:');
    expect(lines[3]).toMatch(/^ {2}├ \{route="\/v1\/orders"\}\s+-50\.0%\s+exhausted$/);
    expect(lines[4]).toMatch(/^ {2}└ \{route="\/v1\/items"\}\s+90\.0%\s+ok$/);
    // The summary spans the row: the SLO column stays as wide as its widest name or member.
    expect(lines[1]!.indexOf('journeys')).toBe(lines[3]!.indexOf('{route="/v1/orders"}') + '{route="/v1/orders"}'.length + 2);
  });
});
