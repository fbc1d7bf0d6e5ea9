import { describe, expect, it } from 'vitest';
import { DAY, HOUR, MINUTE } from '../core/index.js';
import type { Term } from '../core/index.js';
import { openMemoryStore } from '../store/index.js';
import type { Plan } from './plan.js';
import { restoreSeries } from './restore.js';

const NOW = Date.UTC(2026, 10, 26, 12);

function planOf(count: number): Plan {
  const terms = new Map<string, { term: Term; longestWindow: number }>();
  for (let index = 0; index < count; index++) {
    const key = `x{job="svc-${index}"}`;
    terms.set(key, { term: { key, metric: 'x', matchers: [{ name: 'job', op: '=', value: `svc-${index}` }], kind: 'counter' }, longestWindow: index === count - 1 ? 30 * DAY : DAY });
  }
  return { objectives: [], terms, sliceTerms: new Map(), pulls: new Map(), groupings: new Map() };
}

describe('restoreSeries', () => {
  it("restores 200,000 terms (100,000 SLOs of two series) from one scan, each term's own buckets in it", () => {
    const store = openMemoryStore();
    const count = 200_000;
    // The longest term (30 days) decides how far back the coarse scan reads: an hour 20 days ago must come back.
    store.engine.commit(
      [
        { term: `x{job="svc-${count - 1}"}`, bucket: NOW - 20 * DAY, value: 7 },
        { term: 'x{job="svc-5"}', bucket: NOW - 2 * MINUTE, value: 3 },
      ],
      [],
    );
    const series = restoreSeries(planOf(count), store.engine, NOW, 2 * HOUR);
    expect(series.size).toBe(count);
    const longest = series.get(`x{job="svc-${count - 1}"}`)!;
    expect(longest.coarse.before(NOW + HOUR) - longest.coarse.before(NOW - 25 * DAY)).toBe(7);
    expect(fineEvents(series.get('x{job="svc-5"}')!)).toBe(3);
    expect(fineEvents(series.get('x{job="svc-6"}')!)).toBe(0);
  });
});

/** Events in a term's fine ring over the last ten minutes. */
function fineEvents(kept: { fine: { before(t: number): number } }): number {
  return kept.fine.before(NOW + MINUTE) - kept.fine.before(NOW - 10 * MINUTE);
}
