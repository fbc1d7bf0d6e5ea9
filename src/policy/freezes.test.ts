import { describe, expect, it } from 'vitest';
import { sloStatus } from '../../test/policy/status-fixture.js';
import type { BudgetPolicy, SloStatus } from '../core/index.js';
import { MemoryDocumentStore, MemoryJournal } from '../store/memory-records.js';
import type { CloudEvent } from './cloudevents.js';
import { FreezeTracker } from './freezes.js';
import { GateService } from './gate-service.js';

const productionOnly: BudgetPolicy = {
  name: 'prod-freeze',
  selector: { services: ['checkout'], slos: [], labels: {} },
  rules: [{ name: 'spent', decision: 'deny', when: { budgetRemainingBelow: 0 }, environments: ['production'], actions: [], reason: '{slo} spent ({budgetRemaining})' }],
  overrides: [],
  onNoData: 'allow',
};

function setup(documents = new MemoryDocumentStore(), journal = new MemoryJournal()) {
  let statuses: SloStatus[] = [];
  const events: CloudEvent[] = [];
  const gates: GateService = new GateService({ statuses: { latest: () => statuses, get: () => undefined }, policies: [productionOnly], journal, frozen: (service, environment) => tracker.isFrozen(service, environment) });
  // Bound late, as createPolicy does: the gates ask the tracker whether a service is frozen (hysteresis).
  const tracker: FreezeTracker = new FreezeTracker({ gates, documents, journal, publish: (event) => events.push(event), source: 'urn:sloe:test' });
  return { tracker, events, documents, journal, evaluate: (next: SloStatus[]) => (statuses = next) };
}

const T0 = Date.parse('2026-11-26T12:00:00Z');

describe('FreezeTracker', () => {
  it('freezes production only, per the policy\'s environments, and thaws on recovery', () => {
    const { tracker, events, evaluate } = setup();
    evaluate([sloStatus({ name: 'checkout-availability', service: 'checkout', consumed: 1.1 })]);
    expect(tracker.environmentsOf('checkout')).toEqual(['production']);
    expect(tracker.check(T0).map((transition) => [transition.type, transition.freeze.environment])).toEqual([['freeze', 'production']]);
    expect(tracker.check(T0 + 30_000)).toEqual([]);
    expect(events.map((event) => event.type)).toEqual(['dev.sloe.freeze']);
    expect(tracker.current()).toMatchObject([{ service: 'checkout', environment: 'production', since: '2026-11-26T12:00:00.000Z', reasons: ['checkout-availability spent (-10%)'] }]);
    evaluate([sloStatus({ name: 'checkout-availability', service: 'checkout', consumed: 0.9 })]);
    expect(tracker.check(T0 + 60_000).map((transition) => transition.type)).toEqual(['thaw']);
    expect(events.map((event) => event.type)).toEqual(['dev.sloe.freeze', 'dev.sloe.thaw']);
    expect(tracker.current()).toEqual([]);
  });

  it('remembers a freeze across a restart: no second freeze event, and the thaw still follows', () => {
    const first = setup();
    first.evaluate([sloStatus({ name: 'checkout-availability', service: 'checkout', consumed: 1.1 })]);
    first.tracker.check(T0);
    const second = setup(first.documents, first.journal);
    second.evaluate([sloStatus({ name: 'checkout-availability', service: 'checkout', consumed: 1.1 })]);
    expect(second.tracker.check(T0 + 30_000)).toEqual([]);
    expect(second.tracker.current()).toHaveLength(1);
    second.evaluate([sloStatus({ name: 'checkout-availability', service: 'checkout', consumed: 0.5 })]);
    expect(second.tracker.check(T0 + 60_000).map((transition) => transition.type)).toEqual(['thaw']);
    expect(second.events.map((event) => [event.type, (event.data as { frozenSince: string }).frozenSince])).toEqual([['dev.sloe.thaw', '2026-11-26T12:00:00.000Z']]);
    expect(first.journal.query('freeze', { limit: 10 }).map((entry) => (entry.data as { type: string }).type)).toEqual(['thaw', 'freeze']);
  });
});

describe('a freeze that explains itself', () => {
  it('reports the current figures, keeps those it began with, and thaws only above the thaw level', () => {
    const { tracker, evaluate } = setup();
    evaluate([sloStatus({ name: 'checkout-availability', service: 'checkout', consumed: 1.1 })]);
    tracker.check(T0);
    evaluate([sloStatus({ name: 'checkout-availability', service: 'checkout', consumed: 1.3 })]);
    expect(tracker.check(T0 + 30_000)).toEqual([]);
    expect(tracker.current()[0]).toMatchObject({ since: '2026-11-26T12:00:00.000Z', reasons: ['checkout-availability spent (-30%)'], frozenReasons: ['checkout-availability spent (-10%)'], updatedAt: '2026-11-26T12:00:30.000Z' });
    expect(tracker.current()[0]?.expectedThaw).toMatch(/^2026-/);
    // Back to 2 % remaining: above the freeze level (0), below the thaw level (0 + 5 %): still frozen, no flapping.
    evaluate([sloStatus({ name: 'checkout-availability', service: 'checkout', consumed: 0.98 })]);
    expect(tracker.check(T0 + 60_000)).toEqual([]);
    expect(tracker.current()[0]?.reasons).toEqual(['checkout-availability spent (2%)']);
    evaluate([sloStatus({ name: 'checkout-availability', service: 'checkout', consumed: 0.94 })]);
    expect(tracker.check(T0 + 90_000).map((transition) => transition.type)).toEqual(['thaw']);
  });
});

describe('manual freezes across a restart', () => {
  it('are kept in the document store', () => {
    const documents = new MemoryDocumentStore();
    const options = { statuses: { latest: () => [], get: () => undefined }, policies: [], journal: new MemoryJournal(), documents };
    new GateService(options).freeze({ service: 'checkout', environment: '*', actions: ['deploy'], reason: 'migration', since: '2026-11-26T12:00:00.000Z' });
    const restarted = new GateService(options);
    expect(restarted.manualFreezes()).toEqual([{ service: 'checkout', environment: '*', actions: ['deploy'], reason: 'migration', since: '2026-11-26T12:00:00.000Z' }]);
    expect(restarted.knows('checkout')).toBe(true);
    expect(restarted.lift('checkout', '*')).toBe(true);
    expect(new GateService(options).manualFreezes()).toEqual([]);
  });
});
