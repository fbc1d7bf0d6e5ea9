import { describe, expect, it } from 'vitest';
import type { AlertStateName } from '../status.js';
import { burnRate, sliOf } from './counts.js';
import { healthOf, tierClass } from './health.js';

const tiers = [
  { name: 'page-fast', severity: 'page' },
  { name: 'ticket-fast', severity: 'ticket' },
];

describe('healthOf: first match wins', () => {
  it.each([
    // total, remaining, page state, ticket state, status
    [0, 1, 'firing', 'firing', 'nodata'],
    [10, 0, 'firing', 'inactive', 'exhausted'],
    [10, -0.5, 'inactive', 'inactive', 'exhausted'],
    [10, 0.9, 'firing', 'firing', 'critical'],
    [10, 0.9, 'pending', 'firing', 'warning'],
    [10, 0.2, 'inactive', 'inactive', 'warning'], // below the 25 % warning level
    [10, 0.25, 'inactive', 'inactive', 'ok'],
    [10, 0.9, 'resolved', 'pending', 'ok'],
  ] as const)('%s events, %s remaining, page %s, ticket %s → %s', (total, remaining, page, ticket, expected) => {
    expect(healthOf({ total, remaining, tiers, states: [page, ticket as AlertStateName] })).toBe(expected);
  });

  it('takes a warning level', () => {
    expect(healthOf({ total: 10, remaining: 0.4, tiers, states: [], warningLevel: 0.5 })).toBe('warning');
  });

  it('a renamed severity keeps its tier class', () => {
    expect(tierClass({ name: 'page-fast', severity: 'sev1' })).toBe('page');
    expect(tierClass({ name: 'ticket-slow', severity: 'critical' })).toBe('ticket');
    expect(tierClass({ name: 'custom', severity: 'critical' })).toBe('page');
    expect(healthOf({ total: 10, remaining: 0.9, tiers: [{ name: 'page-fast', severity: 'sev1' }], states: ['firing'] })).toBe('critical');
  });
});

describe('burn rate', () => {
  it('is the bad fraction over the allowed bad fraction', () => {
    expect(burnRate({ good: 980, total: 1000 }, 0.999)).toBeCloseTo(20, 9);
    expect(burnRate({ good: 1000, total: 1000 }, 0.999)).toBe(0);
    expect(burnRate({ good: 0, total: 0 }, 0.999)).toBeNull();
    expect(burnRate(undefined, 0.999)).toBeNull();
    expect(sliOf({ good: 0, total: 0 })).toBeNull();
  });
});
