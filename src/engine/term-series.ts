import { COARSE_BUCKET_MS, FINE_BUCKET_MS } from '../core/index.js';
import type { EngineStore } from '../core/index.js';
import { PrefixRing } from './prefix-ring.js';

/**
 * One term's events in memory: 1-minute buckets for the recent hours and 1-hour buckets for the longest window any
 * SLO reading the term needs. Every increase goes to both, as in the store.
 */
export class TermSeries {
  readonly fine: PrefixRing;
  readonly coarse: PrefixRing;

  constructor(
    readonly key: string,
    options: { fineKeep: number; longestWindow: number },
  ) {
    this.fine = new PrefixRing(FINE_BUCKET_MS, Math.ceil(options.fineKeep / FINE_BUCKET_MS));
    // Two more hours than the window: the partial hour at each end.
    this.coarse = new PrefixRing(COARSE_BUCKET_MS, Math.ceil(options.longestWindow / COARSE_BUCKET_MS) + 2);
  }

  /**
   * A term's stored buckets over [readFrom, to] in rings sized for that span, for reads over the past (history,
   * events over ranges): fine buckets from `fineFloor` (what the store still keeps at minute resolution) or readFrom,
   * whichever is later; coarse buckets from readFrom.
   */
  static fromStore(store: EngineStore, key: string, span: { readFrom: number; fineFloor: number; to: number }): TermSeries {
    const { readFrom, fineFloor, to } = span;
    const length = to - readFrom + 2 * COARSE_BUCKET_MS;
    const kept = new TermSeries(key, { fineKeep: length, longestWindow: length });
    const fineFrom = Math.max(readFrom, fineFloor);
    kept.fine.load(store.buckets('fine', key, fineFrom, to + FINE_BUCKET_MS), fineFrom);
    kept.coarse.load(store.buckets('coarse', key, readFrom, to + COARSE_BUCKET_MS), readFrom);
    return kept;
  }

  add(timestamp: number, value: number): void {
    this.fine.add(Math.floor(timestamp / FINE_BUCKET_MS), value);
    this.coarse.add(Math.floor(timestamp / COARSE_BUCKET_MS), value);
  }

  /**
   * Events in [from, to), read at evaluation time `horizon`. The recent part comes from the fine buckets; what is
   * older than they reach comes from the coarse ones, split on an hour boundary. A bucket counts when it starts in
   * [from, to) (see PrefixRing.before): exact at minute resolution within the fine buckets, hour resolution beyond.
   */
  sum(from: number, to: number): number {
    if (to <= from) return 0;
    const fineStart = this.fine.head === Number.NEGATIVE_INFINITY ? Number.POSITIVE_INFINITY : this.fine.oldest() * FINE_BUCKET_MS;
    if (from >= fineStart) return this.fine.before(to) - this.fine.before(from);
    const split = Math.ceil(fineStart / COARSE_BUCKET_MS) * COARSE_BUCKET_MS;
    if (split >= to) return this.coarse.before(to) - this.coarse.before(from);
    return this.coarse.before(split) - this.coarse.before(from) + this.fine.before(to) - this.fine.before(split);
  }

  /**
   * `sum(now - window, now)` for each window, into `out`: the same figures, but the reads every window shares (up
   * to now, and at the fine/coarse split) are made once for all of them.
   */
  sumsToNow(windows: readonly number[], now: number, out: Float64Array): void {
    const fineStart = this.fine.head === Number.NEGATIVE_INFINITY ? Number.POSITIVE_INFINITY : this.fine.oldest() * FINE_BUCKET_MS;
    const split = Math.ceil(fineStart / COARSE_BUCKET_MS) * COARSE_BUCKET_MS;
    const fineNow = this.fine.before(now);
    let shared = false;
    let coarseNow = 0;
    let coarseSplit = 0;
    let fineSplit = 0;
    for (let index = 0; index < windows.length; index++) {
      const from = now - windows[index]!;
      if (now <= from) {
        out[index] = 0;
        continue;
      }
      if (from >= fineStart) {
        out[index] = fineNow - this.fine.before(from);
        continue;
      }
      if (!shared) {
        coarseNow = this.coarse.before(now);
        if (split < now) {
          coarseSplit = this.coarse.before(split);
          fineSplit = this.fine.before(split);
        }
        shared = true;
      }
      out[index] = split >= now ? coarseNow - this.coarse.before(from) : coarseSplit - this.coarse.before(from) + fineNow - fineSplit;
    }
  }

  /** Refills both rings from the store: at start, and now and then to resynchronise exactly with what is durable. */
  restore(store: EngineStore, now: number, fineKeep: number): void {
    const fineFrom = Math.floor((now - fineKeep) / FINE_BUCKET_MS) * FINE_BUCKET_MS;
    this.fine.load(store.buckets('fine', this.key, fineFrom, Number.MAX_SAFE_INTEGER), fineFrom);
    const coarseFrom = (Math.floor(now / COARSE_BUCKET_MS) - this.coarse.size + 1) * COARSE_BUCKET_MS;
    this.coarse.load(store.buckets('coarse', this.key, coarseFrom, Number.MAX_SAFE_INTEGER), coarseFrom);
  }
}
