import { describe, expect, it } from 'vitest';
import { COARSE_BUCKET_MS, DAY, FINE_BUCKET_MS, HOUR, MINUTE } from '../core/index.js';
import type { ResolvedSli } from './counts.js';
import { coverageOf } from './coverage.js';
import { TermSeries } from './term-series.js';

/** Coverage worked out from scratch, bucket by bucket (what coverageOf remembers between ticks must not change it). */
function bruteCoverage(sli: ResolvedSli, start: number, now: number, length: number): number {
  const terms = sli.kept.map((term, index) => ({ term: term!, sign: sli.coefficients.total[index]! })).filter((entry) => entry.sign !== 0);
  let fineStart = Number.NEGATIVE_INFINITY;
  for (const { term } of terms) fineStart = Math.max(fineStart, term.fine.head === Number.NEGATIVE_INFINITY ? Number.POSITIVE_INFINITY : term.fine.oldest() * FINE_BUCKET_MS);
  const split = Math.min(now, Math.max(start, Math.ceil(fineStart / COARSE_BUCKET_MS) * COARSE_BUCKET_MS));
  let covered = 0;
  for (let hour = Math.ceil(start / COARSE_BUCKET_MS); hour * COARSE_BUCKET_MS < split; hour++) if (terms.reduce((sum, { term, sign }) => sum + sign * term.coarse.bucket(hour), 0) > 0) covered += COARSE_BUCKET_MS;
  for (let minute = Math.ceil(split / FINE_BUCKET_MS); minute * FINE_BUCKET_MS < now; minute++) if (terms.reduce((sum, { term, sign }) => sum + sign * term.fine.bucket(minute), 0) > 0) covered += FINE_BUCKET_MS;
  return Math.min(1, covered / length);
}

describe('coverageOf', () => {
  it('matches a count from scratch tick after tick: gaps, late samples into settled minutes, hours turning, a restore', () => {
    const fineKeep = 6 * HOUR;
    const total = new TermSeries('total', { fineKeep, longestWindow: 30 * DAY });
    const bad = new TermSeries('bad', { fineKeep, longestWindow: 30 * DAY });
    // good = total - bad; coverage reads the total side only (sign 1 on `total`, 0 on `bad`).
    const sli: ResolvedSli = { coefficients: { keys: ['total', 'bad'], good: new Float64Array([1, -1]), total: new Float64Array([1, 0]) }, kept: [total, bad] };
    const begin = Date.UTC(2026, 10, 26, 9, 13);
    let seed = 7;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    let checked = 0;
    for (let now = begin; now < begin + 9 * HOUR; now += 30_000) {
      // Traffic in most minutes, none in some stretches, and now and then a late sample several minutes back.
      const quiet = Math.floor((now - begin) / (40 * MINUTE)) % 3 === 2;
      if (!quiet) total.add(now - 1, 10);
      if (random() < 0.1) bad.add(now - 1, 1);
      if (random() < 0.05) total.add(now - 1 - Math.floor(random() * 20) * MINUTE, 3);
      const start = now - 30 * DAY;
      expect(coverageOf(sli, start, now, 30 * DAY)).toBe(bruteCoverage(sli, start, now, 30 * DAY));
      checked++;
    }
    // A restore from rows replaces the running sums' base: what was remembered must not be reused.
    const now = begin + 9 * HOUR;
    const rows: { t: number; value: number }[] = [];
    for (let t = now - 3 * HOUR; t < now; t += 2 * FINE_BUCKET_MS) rows.push({ t, value: 5 });
    total.fine.load(rows, now - fineKeep);
    expect(coverageOf(sli, now - 30 * DAY, now, 30 * DAY)).toBe(bruteCoverage(sli, now - 30 * DAY, now, 30 * DAY));
    expect(checked).toBeGreaterThan(1000);
  });

  // Issue 21: the period's hours and the fine/coarse split move every hour; what was counted slides along with them.
  for (const shape of ['one total term', 'total read as good + bad'] as const) {
    it(`slides with the period hour after hour and still matches a count from scratch (${shape})`, () => {
      // Two hours of minutes, so the split moves on many times within the run.
      const fineKeep = 2 * HOUR;
      const good = new TermSeries('good', { fineKeep, longestWindow: 3 * DAY });
      const bad = new TermSeries('bad', { fineKeep, longestWindow: 3 * DAY });
      const sli: ResolvedSli =
        shape === 'one total term'
          ? { coefficients: { keys: ['good', 'bad'], good: new Float64Array([1, 0]), total: new Float64Array([1, 0]) }, kept: [good, bad] }
          : { coefficients: { keys: ['good', 'bad'], good: new Float64Array([1, 0]), total: new Float64Array([1, 1]) }, kept: [good, bad] };
      const begin = Date.UTC(2026, 10, 20, 0, 7);
      let seed = 11;
      const random = (): number => {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        return seed / 2 ** 31;
      };
      // Hours read per tick through the one-term fast path: a sliding count reads the hours that move, not the period.
      let hoursRead = 0;
      const countSigned = good.coarse.countSigned.bind(good.coarse);
      good.coarse.countSigned = (from, to, sign) => {
        hoursRead += Math.max(0, to - from);
        return countSigned(from, to, sign);
      };
      let recounts = 0;
      let ticks = 0;
      for (let now = begin; now < begin + 4 * DAY; now += 5 * MINUTE) {
        // Hour-long gaps now and then (some hours without events), bad events alone in some minutes, late samples.
        const gap = Math.floor((now - begin) / HOUR) % 5 === 3;
        if (!gap) good.add(now - 1, 10);
        if (random() < 0.3) bad.add(now - 1 - Math.floor(random() * 4) * MINUTE, 1);
        if (random() < 0.03) good.add(now - 1 - Math.floor(random() * 90) * MINUTE, 2);
        hoursRead = 0;
        const start = now - 3 * DAY;
        expect(coverageOf(sli, start, now, 3 * DAY)).toBe(bruteCoverage(sli, start, now, 3 * DAY));
        if (ticks > 0 && hoursRead > 2) recounts++;
        ticks++;
      }
      if (shape === 'one total term') {
        // Only a late sample into counted hours makes a tick count the period afresh; the others read at most the two
        // hours that moved (counting afresh at every hour's turn would be 1 tick in 12).
        expect(recounts).toBeGreaterThan(0);
        expect(recounts / ticks).toBeLessThan(0.03);
      }
    });
  }
});
