/**
 * Cumulative sums of one term's events over fixed-width buckets, kept for the last `size` buckets.
 * `cumulative(i)` is the sum of every bucket up to and including i (from an arbitrary base), so the events of any
 * range of buckets are two lookups: every window of every SLO is answered without re-reading history, and an
 * increase in the newest bucket costs O(1). A late increase costs one update per newer bucket kept.
 */
export class PrefixRing {
  /** Newest bucket index with data; -Infinity while empty. */
  head = Number.NEGATIVE_INFINITY;
  /** Buckets below this index are unknown (pruned from the store before the ring was filled). */
  floor = Number.NEGATIVE_INFINITY;
  private readonly sums: Float64Array;
  private readonly slots: number;

  constructor(
    readonly width: number,
    /** How many buckets are kept. */
    readonly size: number,
  ) {
    // One slot more than the kept buckets, so the bucket just before the oldest one still has its cumulative sum.
    this.slots = size + 1;
    this.sums = new Float64Array(this.slots);
  }

  /** Oldest bucket index whose value is known. */
  oldest(): number {
    return Math.max(this.head - this.size + 1, this.floor);
  }

  /** Adds `value` to bucket `index`. Returns false when the bucket is older than the ring keeps (it is not counted here). */
  add(index: number, value: number): boolean {
    if (this.head === Number.NEGATIVE_INFINITY) {
      if (index < this.floor) return false;
      this.head = index;
      this.sums.fill(0);
    } else if (index > this.head) {
      this.advance(index);
    } else if (index < this.oldest()) {
      return false;
    }
    for (let i = index; i <= this.head; i++) this.sums[this.slot(i)]! += value;
    return true;
  }

  /** Moves the head to `index`, carrying the running sum into the new (empty) buckets. */
  advance(index: number): void {
    if (index <= this.head) return;
    const carried = this.sums[this.slot(this.head)]!;
    if (index - this.head >= this.slots) {
      this.sums.fill(carried);
    } else {
      for (let i = this.head + 1; i <= index; i++) this.sums[this.slot(i)] = carried;
    }
    this.head = index;
  }

  /** Σ buckets ≤ i (relative to the ring's base); indices before the oldest kept read as the oldest's predecessor. */
  cumulative(i: number): number {
    if (this.head === Number.NEGATIVE_INFINITY) return 0;
    if (i >= this.head) return this.sums[this.slot(this.head)]!;
    const lowest = this.oldest() - 1;
    return this.sums[this.slot(i < lowest ? lowest : i)]!;
  }

  /** The value of one bucket (0 outside what is kept). */
  bucket(i: number): number {
    if (this.head === Number.NEGATIVE_INFINITY || i > this.head || i < this.oldest()) return 0;
    return this.cumulative(i) - this.cumulative(i - 1);
  }

  /**
   * Events of the buckets that start before time `t` (ms). Bucket i holds the time (i·width, (i+1)·width], so at a
   * bucket boundary this is exactly the events up to t. Between boundaries it counts whole buckets, never a share of
   * one: spreading a bucket's events evenly over it would make an hour that only began receiving data at :18 show
   * events at :05 (issue 13). A window is thereby exact to the bucket width, which the docs state as its resolution.
   */
  before(t: number): number {
    return this.cumulative(Math.ceil(t / this.width) - 1);
  }

  /** Replaces the contents with these buckets (oldest first), e.g. when restoring from the store. */
  load(rows: readonly { t: number; value: number }[], floor: number): void {
    this.head = Number.NEGATIVE_INFINITY;
    this.floor = Math.floor(floor / this.width);
    for (const row of rows) {
      const index = Math.floor(row.t / this.width);
      if (index < this.floor) continue;
      if (this.head === Number.NEGATIVE_INFINITY) {
        this.head = index;
        this.sums.fill(0);
      }
      this.advance(index);
      if (index >= this.oldest()) this.sums[this.slot(index)]! += row.value;
    }
  }

  private slot(index: number): number {
    const slot = index % this.slots;
    return slot < 0 ? slot + this.slots : slot;
  }
}
