import type { BucketColumns } from '../core/index.js';
/** Slots a ring starts with: a fresh SLO's few minutes or hours of data fit, and the ring doubles as data arrives. */
const INITIAL_CAPACITY = 8;
/**
 * The storage of every ring that has not held data yet: shared and never written, since each path that writes
 * allocates first. A restart builds two rings per term and about half of them (a quiet SLO's bad-events term) never
 * see data; a typed array costs ~2 µs to create, so 400,000 of them were ~0.8 s of a 100k restart (issue 21).
 */
const NO_SLOTS = new Float64Array(0);
/** Bytes per block a `SlotArena` carves: 256 restored minute rings, so a block is freed soon after its rings grow. */
const ARENA_BLOCK_BYTES = 64 * 1024;

/**
 * First storage for many rings at once, carved as views of shared blocks. A restart loads ~110,000 rings with data at
 * 100k SLOs; a typed array with its own buffer costs ~2 µs to create (a backing store, an ArrayBuffer object, the
 * tracking the GC does for each), a view of a shared block ~0.1 µs (issue 21). A ring that outgrows its view takes an
 * array of its own (`reserve`), as any ring does; a block is freed once none of its views is in use, so the memory it
 * holds is never more than the restored rings had at start, and it goes as they grow.
 */
export class SlotArena {
  private block = new ArrayBuffer(ARENA_BLOCK_BYTES);
  private used = 0;

  /** `length` zeroed slots: a view of the current block, or an array of its own when longer than a block. */
  take(length: number): Float64Array {
    const bytes = length * Float64Array.BYTES_PER_ELEMENT;
    if (bytes > ARENA_BLOCK_BYTES) return new Float64Array(length);
    if (this.used + bytes > ARENA_BLOCK_BYTES) {
      this.block = new ArrayBuffer(ARENA_BLOCK_BYTES);
      this.used = 0;
    }
    const slots = new Float64Array(this.block, this.used, length);
    this.used += bytes;
    return slots;
  }
}

/**
 * Cumulative sums of one term's events over fixed-width buckets, kept for the last `size` buckets.
 * `cumulative(i)` is the sum of every bucket up to and including i (from an arbitrary base), so the events of any
 * range of buckets are two lookups: every window of every SLO is answered without re-reading history, and an
 * increase in the newest bucket costs O(1). A late increase costs one update per newer bucket kept.
 *
 * Storage grows with the data actually held, not with the window: a 30-day window over 10 minutes of data holds a
 * handful of slots, doubling up to `size + 1` as the data spans more buckets (issue 21: 100,000 SLOs, most of them
 * young or sparse, would otherwise cost ~17 KB each in empty slots). Before `first`, the first bucket that had data,
 * every cumulative sum is 0 and is not stored.
 */
export class PrefixRing {
  /**
   * Newest bucket index with data, NONE while empty (read as `head`). The indices are kept in small-integer range with
   * a small-integer sentinel rather than -Infinity: V8 gives a field that ever held a non-integer its own boxed number
   * per object, and 400,000 rings at a 100k-SLO restart had three boxes each (issue 21).
   */
  private newest = NONE;
  /** Buckets below this index are unknown (pruned from the store before the ring was filled); NONE: no floor. */
  private lowest = NONE;
  /**
   * How many times the ring was refilled by `load`. A load lays the running sums out from a new base, so whoever
   * remembers sums read earlier (coverage) must see that they no longer compare.
   */
  loads = 0;
  /** Oldest bucket index that has had data since the ring was last emptied; cumulative sums below it are 0. */
  private first = NONE;
  private sums: Float64Array;
  /** The most slots the ring ever needs: one more than the kept buckets, for the sum just before the oldest one. */
  private readonly slots: number;

  constructor(
    readonly width: number,
    /** How many buckets are kept. */
    readonly size: number,
  ) {
    this.slots = size + 1;
    this.sums = NO_SLOTS;
  }

  /** Newest bucket index with data; -Infinity while empty. */
  get head(): number {
    return this.newest === NONE ? Number.NEGATIVE_INFINITY : this.newest;
  }

  /** Buckets below this index are unknown; -Infinity when nothing was pruned. */
  get floor(): number {
    return this.lowest === NONE ? Number.NEGATIVE_INFINITY : this.lowest;
  }

  /** Slots allocated now (0 until the ring first holds data; grows with the span of the data, up to size + 1). */
  get capacity(): number {
    return this.sums.length;
  }

  /** Oldest bucket index whose value is known. */
  oldest(): number {
    if (this.newest === NONE) return this.floor;
    return Math.max(this.newest - this.size + 1, this.lowest);
  }

  /** Adds `value` to bucket `index`. Returns false when the bucket is older than the ring keeps (it is not counted here). */
  add(index: number, value: number): boolean {
    if (this.newest === NONE) {
      if (index < this.lowest) return false;
      this.allocate();
      this.newest = index;
      this.first = index;
      this.sums[this.slot(index)] = 0;
    } else if (index > this.newest) {
      this.advance(index);
    } else if (index < this.oldest()) {
      return false;
    } else if (index < this.first) {
      // A late increase before the first data: the buckets from it up to `first` start from a zero sum.
      this.reserve(index);
      for (let i = index; i < this.first; i++) this.sums[this.slot(i)] = 0;
      this.first = index;
    }
    for (let i = index; i <= this.newest; i++) this.sums[this.slot(i)]! += value;
    return true;
  }

  /** Moves the head to `index`, carrying the running sum into the new (empty) buckets. */
  advance(index: number): void {
    if (index <= this.newest) return;
    const carried = this.sums[this.slot(this.newest)]!;
    const previous = this.newest;
    this.reserve(Math.max(index - this.size, this.first), index);
    this.newest = index;
    if (index - previous >= this.sums.length) {
      this.sums.fill(carried);
    } else {
      for (let i = previous + 1; i <= index; i++) this.sums[this.slot(i)] = carried;
    }
  }

  /** Σ buckets ≤ i (relative to the ring's base); indices before the oldest kept read as the oldest's predecessor. */
  cumulative(i: number): number {
    if (this.newest === NONE) return 0;
    if (i >= this.newest) return this.sums[this.slot(this.newest)]!;
    const before = this.oldest() - 1;
    const at = i < before ? before : i;
    return at < this.first ? 0 : this.sums[this.slot(at)]!;
  }

  /** The value of one bucket (0 outside what is kept). */
  bucket(i: number): number {
    if (this.newest === NONE || i > this.newest || i < this.oldest()) return 0;
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

  /**
   * How many buckets in [from, to) hold events of the given sign (`sign · bucket(i) > 0`), in one pass over the kept
   * sums: the same differences `bucket` takes, without two lookups per bucket (coverage counts a period's hours).
   */
  countSigned(from: number, to: number, sign: number): number {
    if (this.newest === NONE) return 0;
    const low = Math.max(from, this.oldest());
    const high = Math.min(to, this.newest + 1);
    if (high <= low) return 0;
    let previous = this.cumulative(low - 1);
    let slot = this.slot(low);
    let count = 0;
    for (let i = low; i < high; i++) {
      // cumulative(i) for oldest ≤ i ≤ head: the stored sum, or 0 before the first data.
      const current = i < this.first ? 0 : this.sums[slot]!;
      if (sign * (current - previous) > 0) count++;
      previous = current;
      if (++slot === this.sums.length) slot = 0;
    }
    return count;
  }

  /** Replaces the contents with these buckets (oldest first), e.g. when restoring from the store. */
  load(rows: readonly { t: number; value: number }[], floor: number): void {
    this.clear(floor);
    for (const row of rows) this.place(row.t, row.value);
  }

  /**
   * `load` from a store's columns (`scanBuckets` at start): the same buckets, no object per row. With an arena, an
   * empty ring's first storage is carved from it (see SlotArena).
   */
  loadColumns(columns: BucketColumns, floor: number, arena?: SlotArena): void {
    this.clear(floor);
    if (columns.length > 0) this.fit(Math.floor(columns.t[columns.length - 1]! / this.width) - Math.max(Math.floor(columns.t[0]! / this.width), this.lowest) + 1, arena);
    for (let row = 0; row < columns.length; row++) this.place(columns.t[row]!, columns.value[row]!);
  }

  /**
   * Sizes an empty ring for `span` buckets at once, to the capacity doubling would reach as the rows arrive one by
   * one (the same memory), without the copies in between: at start every term's ring was otherwise grown two or
   * three times (issue 21).
   */
  private fit(span: number, arena?: SlotArena): void {
    // Nothing at or above the floor: the ring stays as it is, as placing the rows one by one would leave it.
    if (span <= 0) return;
    let capacity = Math.max(this.sums.length, Math.min(this.slots, INITIAL_CAPACITY));
    while (capacity < span && capacity < this.slots) capacity *= 2;
    capacity = Math.min(capacity, this.slots);
    if (capacity > this.sums.length) this.sums = arena ? arena.take(capacity) : new Float64Array(capacity);
  }

  private clear(floor: number): void {
    this.loads++;
    this.newest = NONE;
    this.first = NONE;
    this.lowest = Math.floor(floor / this.width);
  }

  /** Adds a loaded bucket (rows come oldest first). */
  private place(t: number, value: number): void {
    const index = Math.floor(t / this.width);
    if (index < this.lowest) return;
    if (this.newest === NONE) {
      this.allocate();
      this.newest = index;
      this.first = index;
      this.sums[this.slot(index)] = 0;
    }
    this.advance(index);
    if (index >= this.oldest()) this.sums[this.slot(index)]! += value;
  }

  /** Gives a ring that never held data its first slots (see NO_SLOTS). */
  private allocate(): void {
    if (this.sums.length === 0) this.sums = new Float64Array(Math.min(this.slots, INITIAL_CAPACITY));
  }

  /**
   * Makes room for the buckets [low, high] (high defaults to the head), keeping the sums of those already held: the
   * storage doubles (up to size + 1 slots) and the live sums are laid out again for the new length.
   */
  private reserve(low: number, high: number = this.newest): void {
    const span = high - low + 1;
    if (span <= this.sums.length) return;
    const grown = new Float64Array(Math.min(this.slots, Math.max(span, this.sums.length * 2)));
    if (this.newest !== NONE) {
      const liveFrom = Math.max(this.newest - this.size, this.first, this.newest - this.sums.length + 1);
      for (let i = liveFrom; i <= this.newest; i++) grown[modulo(i, grown.length)] = this.sums[this.slot(i)]!;
    }
    this.sums = grown;
  }

  private slot(index: number): number {
    return modulo(index, this.sums.length);
  }
}

/**
 * "No index": below any bucket index a ring meets (bucket starts are Unix ms over a width of a second or more), and a
 * small integer, so the fields holding indices stay unboxed.
 */
const NONE = -(2 ** 30);

function modulo(index: number, length: number): number {
  const slot = index % length;
  return slot < 0 ? slot + length : slot;
}
