import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { policyTestOptions, sloStatus } from '../../test/policy/status-fixture.js';
import { errorResponse } from '../api/errors.js';
import type { BudgetPolicy, SloStatus } from '../core/index.js';
import { MemoryJournal } from '../store/memory-records.js';
import { createPolicy } from './component.js';
import { FREEZE_KIND } from './freezes.js';

const NOW = Date.parse('2026-11-26T12:01:00Z');
const lenient: BudgetPolicy = { name: 'lenient', selector: { services: ['checkout'], slos: [], labels: {} }, rules: [], overrides: [], onNoData: 'allow' };

function setup(statuses: SloStatus[]) {
  const journal = new MemoryJournal();
  const policy = createPolicy({
    ...policyTestOptions(statuses, journal),
    now: () => NOW,
  });
  const app = new Hono();
  app.onError(errorResponse);
  for (const routes of policy.routes ?? []) app.route('/', routes);
  return { policy, app, journal };
}

describe('policy component', () => {
  const spent = [sloStatus({ name: 'checkout-availability', service: 'checkout', consumed: 1.2 })];

  it('tracks freezes after an evaluation', () => {
    const { policy, journal } = setup(spent);
    policy.afterEvaluation?.({ now: NOW, statuses: spent, transitions: [] });
    expect(policy.freezes.current().map((freeze) => freeze.service)).toEqual(['checkout']);
    expect(journal.query(FREEZE_KIND, { limit: 10 })).toHaveLength(1);
  });

  it('answers gates with the policies of the specs in force', async () => {
    const { policy, app } = setup(spent);
    expect((await (await app.request('/api/v1/gates/checkout')).json()) as object).toMatchObject({ decision: 'deny', policy: 'sloe-default' });
    await policy.onSpecChange?.({ services: [], slos: [], policies: [lenient] });
    expect((await (await app.request('/api/v1/gates/checkout')).json()) as object).toMatchObject({ decision: 'allow', policy: 'lenient' });
  });

  it('writes the decisions still waiting on stop', async () => {
    const { policy, app, journal } = setup(spent);
    expect((await app.request('/api/v1/gates/checkout')).status).toBe(200);
    await policy.stop?.(1000);
    expect(journal.query('decision', { limit: 10 })).toHaveLength(1);
  });
});
