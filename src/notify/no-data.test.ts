import { describe, expect, it } from 'vitest';
import { alerting, status } from '../../test/notify/fixtures.js';
import { MemoryDocumentStore } from '../store/memory-records.js';
import { NODATA_NAMESPACE, NoDataDetector } from './no-data.js';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 10, 26, 12);

describe('no-data detector', () => {
  it('raises no-data only once the SLO has had no events for its noDataFor, and ends it when data returns', () => {
    const detector = new NoDataDetector(new MemoryDocumentStore());
    const empty = status('checkout-availability', {}, { health: 'nodata' });
    expect(detector.verdict(empty, alerting({ noDataFor: HOUR }), T0)).toBe(false);
    expect(detector.verdict(empty, alerting({ noDataFor: HOUR }), T0 + HOUR - 1)).toBe(false);
    expect(detector.verdict(empty, alerting({ noDataFor: HOUR }), T0 + HOUR)).toBe(true);
    expect(detector.verdict(status('checkout-availability', {}), alerting({ noDataFor: HOUR }), T0 + 2 * HOUR)).toBe(false);
    // Data came back: the wait starts again.
    expect(detector.verdict(empty, alerting({ noDataFor: HOUR }), T0 + 3 * HOUR)).toBe(false);
  });

  it('never raises no-data for an SLO without a noDataFor', () => {
    const detector = new NoDataDetector(new MemoryDocumentStore());
    const empty = status('checkout-availability', {}, { health: 'nodata' });
    expect(detector.verdict(empty, undefined, T0)).toBe(false);
    expect(detector.verdict(empty, alerting({ noDataFor: 0 }), T0 + 100 * HOUR)).toBe(false);
  });

  it('keeps when the stretch began across a restart, and forgets it on clear', () => {
    const store = new MemoryDocumentStore();
    const empty = status('checkout-availability', {}, { health: 'nodata' });
    new NoDataDetector(store).verdict(empty, alerting({ noDataFor: HOUR }), T0);
    const restarted = new NoDataDetector(store);
    expect(restarted.verdict(empty, alerting({ noDataFor: HOUR }), T0 + HOUR)).toBe(true);
    restarted.clear('checkout-availability');
    expect(store.list(NODATA_NAMESPACE)).toEqual([]);
  });
});
