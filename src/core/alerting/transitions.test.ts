import { describe, expect, it } from 'vitest';
import type { AlertStatus, SloStatus } from '../status.js';
import { alertTransitions } from './transitions.js';

const alert = (tier: string, severity: string): AlertStatus => ({ tier, severity, state: 'inactive', longWindow: '1h', shortWindow: '5m', burnRateThreshold: 14.4, longBurnRate: null, shortBurnRate: null });

const status = {
  name: 'checkout',
  alerts: [alert('page-fast', 'page'), alert('page-slow', 'page'), alert('ticket-fast', 'ticket'), alert('ticket-slow', 'ticket')],
} as unknown as SloStatus;

describe('alertTransitions', () => {
  it('lists the tiers whose state changed, leaving out resolved → inactive', () => {
    const transitions = alertTransitions(
      status,
      [{ state: 'pending', activeAt: 0 }, { state: 'firing', activeAt: 0 }, { state: 'resolved', resolvedAt: 0 }, undefined],
      [{ state: 'firing', activeAt: 0 }, { state: 'resolved', resolvedAt: 60 }, { state: 'inactive' }, { state: 'inactive' }],
      60,
    );
    expect(transitions.map(({ tier, severity, from, to, at }) => [tier, severity, from, to, at])).toEqual([
      ['page-fast', 'page', 'pending', 'firing', 60],
      ['page-slow', 'page', 'firing', 'resolved', 60],
    ]);
    expect(transitions[0]?.slo).toBe(status);
  });
});
