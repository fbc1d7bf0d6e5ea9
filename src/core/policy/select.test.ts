import { describe, expect, it } from 'vitest';
import { sloStatus } from '../../../test/policy/status-fixture.js';
import type { BudgetPolicy } from '../model.js';
import { DEFAULT_POLICY } from './default-policy.js';
import { namedEnvironments, policyForService, policyForSlo } from './select.js';

const policy = (name: string, selector: Partial<BudgetPolicy['selector']>, environments: string[] = []): BudgetPolicy => ({
  name,
  selector: { services: [], slos: [], labels: {}, ...selector },
  rules: [{ name: 'r', decision: 'deny', when: {}, environments, actions: [], reason: '' }],
  overrides: [],
  onNoData: 'deny',
});

describe('policy selection', () => {
  const catchAll = policy('all', {});
  const byLabel = policy('tier-1', { labels: { tier: '1' } });
  const byService = policy('checkout', { services: ['checkout'] });
  const bySlo = policy('latency', { slos: ['checkout-latency'] });
  const policies = [catchAll, byLabel, byService, bySlo];

  it('picks the most specific selector for each SLO', () => {
    expect(policyForSlo(policies, sloStatus({ name: 'checkout-latency', service: 'checkout' })).name).toBe('latency');
    expect(policyForSlo(policies, sloStatus({ name: 'checkout-availability', service: 'checkout', labels: { tier: '1' } })).name).toBe('checkout');
    expect(policyForSlo(policies, sloStatus({ name: 'search', service: 'search', labels: { tier: '1' } })).name).toBe('tier-1');
    expect(policyForSlo(policies, sloStatus({ name: 'search', service: 'search', labels: { tier: '2' } })).name).toBe('all');
  });

  it('falls back to the default policy when nothing selects the SLO', () => {
    expect(policyForSlo([byService], sloStatus({ name: 'x', service: 'search' }))).toBe(DEFAULT_POLICY);
    expect(policyForService([byService], 'search')).toBe(DEFAULT_POLICY);
    expect(policyForService(policies, 'search')).toBe(catchAll);
    expect(policyForService(policies, 'checkout')).toBe(byService);
  });

  it('lists the environments rules name', () => {
    expect(namedEnvironments([policy('a', {}, ['production', 'staging']), policy('b', {}, ['production'])])).toEqual(['production', 'staging']);
  });
});
