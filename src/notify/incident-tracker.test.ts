import { describe, expect, it } from 'vitest';
import { alerting, status } from '../../test/notify/fixtures.js';
import { MemoryDocumentStore } from '../store/memory-records.js';
import { buildNotification } from './content.js';
import { INCIDENTS_NAMESPACE, IncidentTracker } from './incident-tracker.js';
import type { IncidentRecord } from './incident-tracker.js';

const T0 = Date.UTC(2026, 10, 26, 12);
const MINUTE = 60_000;

function firing(at: number, burnRate: number) {
  return buildNotification(status('checkout-availability', { 'page-fast': 'firing' }, { burnRate }), alerting(), { incident: 'checkout-availability/page', severity: 'page', urgency: 'page', kind: 'burn', state: 'firing', startsAt: T0, at }, { publicUrl: 'http://sloe.test' });
}

function record(): IncidentRecord {
  return { incident: 'checkout-availability/page', objective: 'checkout-availability', startsAt: T0, receivers: ['pagerduty'], notification: firing(T0, 20) };
}

describe('incident tracker', () => {
  it('keeps open incidents in the store, so a restart knows what was notified', () => {
    const store = new MemoryDocumentStore();
    new IncidentTracker(store).opened(record(), T0);
    const restarted = new IncidentTracker(store);
    expect(restarted.open().map((open) => open.incident)).toEqual(['checkout-availability/page']);
    expect([...restarted.objectives()]).toEqual(['checkout-availability']);
    restarted.closed('checkout-availability/page');
    expect(restarted.open()).toEqual([]);
    expect(store.list(INCIDENTS_NAMESPACE)).toEqual([]);
  });

  it('builds the refreshed content only when asked, from the latest evaluation', () => {
    const tracker = new IncidentTracker(new MemoryDocumentStore());
    const opened = record();
    tracker.opened(opened, T0);
    let builds = 0;
    tracker.refresh(opened.incident, () => {
      builds++;
      return firing(T0 + MINUTE, 30);
    });
    expect(builds).toBe(0);
    expect(tracker.latest(opened).at).toBe(T0 + MINUTE);
    expect(tracker.latest(opened).at).toBe(T0 + MINUTE);
    expect(builds).toBe(1);
  });

  it('calls an incident stale once no evaluation confirmed it for longer than the lease; restored ones get one lease', () => {
    const store = new MemoryDocumentStore();
    const tracker = new IncidentTracker(store);
    tracker.opened(record(), T0);
    expect(tracker.stale('checkout-availability/page', T0 + 4 * MINUTE, 4 * MINUTE)).toBe(false);
    expect(tracker.stale('checkout-availability/page', T0 + 4 * MINUTE + 1, 4 * MINUTE)).toBe(true);
    tracker.confirm('checkout-availability/page', T0 + 4 * MINUTE);
    expect(tracker.stale('checkout-availability/page', T0 + 5 * MINUTE, 4 * MINUTE)).toBe(false);
    expect(tracker.stale('checkout-availability/page', T0 + 100 * MINUTE, undefined)).toBe(false);
    const restarted = new IncidentTracker(store);
    restarted.leaseRestored(T0 + 10 * MINUTE);
    expect(restarted.stale('checkout-availability/page', T0 + 14 * MINUTE, 4 * MINUTE)).toBe(false);
    expect(restarted.stale('checkout-availability/page', T0 + 15 * MINUTE, 4 * MINUTE)).toBe(true);
  });
});
