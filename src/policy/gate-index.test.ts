import { describe, expect, it } from 'vitest';
import { sloStatus } from '../../test/policy/status-fixture.js';
import type { BudgetPolicy, SloStatus } from '../core/index.js';
import { DEFAULT_POLICY_NAME } from '../core/index.js';
import { GateIndex } from './gate-index.js';

const payments: BudgetPolicy = { name: 'payments', selector: { services: ['payments'], slos: [], labels: {} }, rules: [], overrides: [], onNoData: 'warn' };

function reader(initial: SloStatus[]) {
  let statuses = initial;
  return { reader: { latest: () => statuses, get: (name: string) => statuses.find((status) => status.name === name) }, set: (next: SloStatus[]) => (statuses = next) };
}

describe('gate index', () => {
  it('lists each service with its SLOs, and services only a policy names', () => {
    const { reader: statuses } = reader([sloStatus({ name: 'checkout-availability', service: 'checkout' }), sloStatus({ name: 'checkout-latency', service: 'checkout' })]);
    const index = new GateIndex(statuses, [payments]);
    expect(index.covered('checkout').map((entry) => entry.status.name)).toEqual(['checkout-availability', 'checkout-latency']);
    expect([...index.services()].sort()).toEqual(['checkout', 'payments']);
    expect(index.knows('payments')).toBe(true);
    expect(index.knows('search')).toBe(false);
    expect(index.policyFor('payments').name).toBe('payments');
    expect(index.policyFor('checkout').name).toBe(DEFAULT_POLICY_NAME);
  });

  it('is rebuilt once per evaluation and after new policies, not per question', () => {
    const driven = reader([sloStatus({ name: 'checkout-availability', service: 'checkout' })]);
    const index = new GateIndex(driven.reader, []);
    const first = index.current();
    expect(index.current()).toBe(first);
    driven.set([sloStatus({ name: 'payments-availability', service: 'payments' })]);
    const second = index.current();
    expect(second).not.toBe(first);
    expect([...second.byService.keys()]).toEqual(['payments']);
    expect(index.policiesOf('payments').map((policy) => policy.name)).toEqual([DEFAULT_POLICY_NAME]);
    index.setPolicies([payments]);
    expect(index.current()).not.toBe(second);
    expect(index.policiesOf('payments').map((policy) => policy.name)).toEqual(['payments']);
  });
});
