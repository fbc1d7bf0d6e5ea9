import { describe, expect, it } from 'vitest';
import { status } from '../../test/notify/fixtures.js';
import type { TierStates } from '../../test/notify/fixtures.js';
import type { Evaluation, SloStatus } from '../core/index.js';
import { MemoryIncidentStore } from '../store/index.js';
import { IncidentTracker } from './incident-tracker.js';

const SLO = 'orders';
const START = Date.UTC(2026, 10, 20);
const MINUTE = 60_000;

/** A group of the grouped `orders` SLO burning at `burnRate` (shortest window 1.1× that) with its tiers in `states`. */
function group(route: string, states: TierStates, burnRate: number): SloStatus {
  return { ...status(SLO, states, { burnRate }), group: { route } };
}

function evaluation(now: number, statuses: readonly SloStatus[], groups: readonly SloStatus[], transitions: Evaluation['transitions'] = []): Evaluation {
  return { now, statuses, groups, transitions };
}

describe('incidents of grouped SLOs', () => {
  it('each group has incidents of its own, apart from the aggregate, with its own spend, and a restart continues them', () => {
    const store = new MemoryIncidentStore();
    const detected: { objective: string; group?: string }[] = [];
    const detection = (objective: string, since: number, groupSelector?: string) => {
      detected.push({ objective, ...(groupSelector === undefined ? {} : { group: groupSelector }) });
      return groupSelector === '{route="/a"}' ? since + MINUTE : undefined;
    };
    const tracker = new IncidentTracker(store, detection);
    const quietAggregate = status(SLO, {}, { burnRate: 0.5 });
    const burningA = group('/a', { 'page-fast': 'firing' }, 20);
    tracker.observe(evaluation(START, [quietAggregate], [burningA, group('/b', {}, 0)], [{ slo: burningA, tier: 'page-fast', severity: 'page', from: 'pending', to: 'firing', at: START }]));
    tracker.observe(evaluation(START + MINUTE, [quietAggregate], [group('/a', { 'page-fast': 'firing' }, 20), group('/b', { 'ticket-slow': 'firing' }, 2)]));

    const open = store.list({});
    expect(open.map((incident) => [incident.id, incident.group, incident.severity])).toEqual([
      [`${SLO}{route="/a"}@${new Date(START).toISOString()}`, { route: '/a' }, 'page'],
      [`${SLO}{route="/b"}@${new Date(START + MINUTE).toISOString()}`, { route: '/b' }, 'ticket'],
    ]);
    // /a's spend: one minute at a shortest-window burn of 22 over a 30-day period; its transition is its own.
    expect(open[0]!.budgetSpent).toBeCloseTo((22 * MINUTE) / (30 * 24 * 60 * MINUTE), 12);
    expect(open[0]!.timeline.map((event) => event.text)).toEqual(['page-fast (page): pending → firing']);
    expect(open[1]!.timeline).toEqual([]);
    expect(open[0]!.detectedAt).toBe(START + MINUTE);
    expect(detected).toContainEqual({ objective: SLO, group: '{route="/a"}' });
    expect(detected.some((entry) => entry.group === undefined)).toBe(false);

    // A new tracker on the same store (a restart) continues each group's record, and resolves only the one that ended.
    const restarted = new IncidentTracker(store, () => undefined);
    restarted.observe(evaluation(START + 2 * MINUTE, [quietAggregate], [group('/a', {}, 0.5), group('/b', { 'ticket-slow': 'firing' }, 2)]));
    const after = store.list({});
    expect(after.map((incident) => incident.id)).toEqual(open.map((incident) => incident.id));
    expect(after[0]!.resolvedAt).toBe(START + 2 * MINUTE);
    expect(after[0]!.final).toBe(true);
    expect(after[1]!.resolvedAt).toBeNull();
  });
});
