import { COARSE_BUCKET_MS, FINE_BUCKET_MS } from '../core/index.js';
import type { ResolvedSli } from './counts.js';

/**
 * The share of a period that had events (SloStatus.coverage): minutes with events while the 1-minute buckets exist,
 * whole hours with events before that, over the period's length (a rolling window's duration; the elapsed part of a
 * calendar period). A budget worked out over two hours of a 30-day window thus reports 2 h / 30 d.
 */
export function coverageOf(sli: ResolvedSli, start: number, now: number, length: number): number {
  if (!(length > 0)) return 0;
  const totalSigns = sli.coefficients.total;
  const terms = sli.kept.map((term, index) => ({ term, sign: totalSigns[index]! })).filter((entry) => entry.term !== undefined && entry.sign !== 0);
  if (terms.length === 0) return 0;
  // Below the newest "oldest fine bucket" some term answers only in hours: the split is the hour after it, as in sum().
  let fineStart = Number.NEGATIVE_INFINITY;
  for (const { term } of terms) {
    const oldest = term!.fine.head === Number.NEGATIVE_INFINITY ? Number.POSITIVE_INFINITY : term!.fine.oldest() * FINE_BUCKET_MS;
    fineStart = Math.max(fineStart, oldest);
  }
  const split = Math.min(now, Math.max(start, Math.ceil(fineStart / COARSE_BUCKET_MS) * COARSE_BUCKET_MS));
  const firstHour = Math.ceil(start / COARSE_BUCKET_MS);
  // The hours part changes only when the hour turns or an old hour gets late events (its terms' running sums move):
  // it is worked out again only then, not every tick for every objective.
  const fingerprint = terms.map(({ term }) => term!.coarse.cumulative(Math.ceil(split / COARSE_BUCKET_MS) - 1)).join(',');
  const cached = hoursCovered.get(sli);
  let covered: number;
  if (cached && cached.firstHour === firstHour && cached.split === split && cached.fingerprint === fingerprint) {
    covered = cached.covered;
  } else {
    covered = 0;
    // A bucket belongs to the period when it starts in [start, now), as window sums count it.
    for (let hour = firstHour; hour * COARSE_BUCKET_MS < split; hour++) {
      let total = 0;
      for (const { term, sign } of terms) total += sign * term!.coarse.bucket(hour);
      if (total > 0) covered += COARSE_BUCKET_MS;
    }
    hoursCovered.set(sli, { firstHour, split, fingerprint, covered });
  }
  for (let minute = Math.ceil(split / FINE_BUCKET_MS); minute * FINE_BUCKET_MS < now; minute++) {
    let total = 0;
    for (const { term, sign } of terms) total += sign * term!.fine.bucket(minute);
    if (total > 0) covered += FINE_BUCKET_MS;
  }
  return Math.min(1, covered / length);
}

const hoursCovered = new WeakMap<ResolvedSli, { firstHour: number; split: number; fingerprint: string; covered: number }>();
