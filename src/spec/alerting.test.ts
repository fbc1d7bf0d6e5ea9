import { describe, expect, it } from 'vitest';
import { DAY, HOUR, MINUTE, tiersForPeriod } from '../core/index.js';
import type { AlertTier } from '../core/index.js';
import { camelCaseName, resolveAlerting } from './alerting.js';
import { DEFAULT_NO_DATA_FOR_MS } from './limits.js';

const THIRTY_DAYS = { kind: 'rolling', duration: 30 * DAY } as const;

describe('resolveAlerting', () => {
  it('defaults: the period table, a CamelCase name, minEvents 0, keepFiringFor 0, noDataFor 10m', () => {
    const alerting = resolveAlerting('checkout-availability', THIRTY_DAYS, {});
    expect(alerting).toEqual({
      name: 'CheckoutAvailability',
      labels: {},
      annotations: {},
      tiers: tiersForPeriod(30 * DAY),
      minEvents: 0,
      keepFiringFor: 0,
      noDataFor: DEFAULT_NO_DATA_FOR_MS,
    });
    expect(DEFAULT_NO_DATA_FOR_MS).toBe(10 * MINUTE);
  });

  it('scales the table to the period, calendar windows by their nominal length', () => {
    const weekly = resolveAlerting('x', { kind: 'rolling', duration: 7 * DAY }, {});
    expect(weekly.tiers[0]).toMatchObject({ name: 'page-fast', longWindow: 14 * MINUTE, shortWindow: MINUTE, burnRateThreshold: 14.4 });
    const quarter = resolveAlerting('x', { kind: 'calendar', unit: 'quarter', timeZone: 'UTC' }, {});
    expect(quarter.tiers[0]).toMatchObject({ longWindow: 3 * HOUR });
  });

  it('applies class overrides (disable, severity name, labels) and then per-tier ones', () => {
    const alerting = resolveAlerting('x', THIRTY_DAYS, {
      severities: { page: { severity: 'critical', labels: { pager: 'team' } }, ticket: { disable: true } },
      tiers: { 'page-slow': { disable: true, for: 0 }, 'page-fast': { severity: 'sev1' } },
    });
    expect(alerting.tiers.map((tier) => [tier.name, tier.severity, tier.disabled, tier.for, tier.labels])).toEqual([
      ['page-fast', 'sev1', false, 2 * MINUTE, { pager: 'team' }],
      ['page-slow', 'critical', true, 0, { pager: 'team' }],
      ['ticket-fast', 'ticket', true, HOUR, undefined],
      ['ticket-slow', 'ticket', true, 3 * HOUR, undefined],
    ]);
  });

  it('uses a custom table for its period, and explicit tiers over everything', () => {
    const custom: AlertTier[] = [{ name: 'page-fast', severity: 'page', budgetFraction: 0.01, longWindow: 30 * MINUTE, shortWindow: 2 * MINUTE, burnRateThreshold: 14.4, for: 0, disabled: false }];
    expect(resolveAlerting('x', THIRTY_DAYS, {}, new Map([[30 * DAY, custom]])).tiers).toEqual(custom);
    expect(resolveAlerting('x', { kind: 'rolling', duration: 7 * DAY }, {}, new Map([[30 * DAY, custom]])).tiers).toHaveLength(4);
    const explicit = [{ ...custom[0]!, name: 'fast-burn' }];
    expect(resolveAlerting('x', THIRTY_DAYS, { explicitTiers: explicit }, new Map([[30 * DAY, custom]])).tiers).toEqual(explicit);
  });
});

describe('camelCaseName', () => {
  it('makes an alert name from an SLO name', () => {
    expect(camelCaseName('checkout-availability')).toBe('CheckoutAvailability');
    expect(camelCaseName('api_p99.latency')).toBe('ApiP99Latency');
    expect(camelCaseName('99-percent')).toBe('Slo99Percent');
  });
});
