import { bytesEqual, hashBytes, viewOf } from '../core/index.js';
import type { EncodedSeriesIndex } from '../core/index.js';
import type { TrackedSeries } from './tracked-series.js';

/**
 * Most label encodings remembered. Past it (or past MAX_ENCODED_BYTES of label bytes) the table starts over: it is
 * only a cache, a forgotten series costs its next request the slow path once, so a stream of ever new series cannot
 * grow memory without bound.
 */
export const MAX_ENCODED_ENTRIES = 1_000_000;
/** Most label bytes kept, all entries together (a stream of very long label sets meets this before the count). */
export const MAX_ENCODED_BYTES = 256 * 1024 * 1024;

const EMPTY = 0;

/**
 * The appender's index from the bytes a request used to encode a series' labels to the series, so a series a decoder
 * has met before costs a compare (and, when not predicted, a hash): no label strings, key or object. `null` entries
 * are series no SLI reads (their metric name is read, but by other label values): they are dropped without building
 * anything.
 *
 * Laid out for the lookup every such series of every request makes. Entries are numbered in the order they were
 * filed; each has its offset and length in one Int32Array and its bytes in one arena, and an open-addressing table
 * (linear probing, at most half full) holds (hash, entry) pairs, so a probe reads one cache line before the arena. A
 * sender sends its series in the same order request after request (Prometheus's shards do), so each entry also
 * remembers the entry found right after it last time: that one is compared first, which skips the hash and the probe
 * for nearly every series of a steady stream (a wrong guess costs a length check or a short compare). An entry costs
 * its label bytes and about 28 bytes beside them: no object, ArrayBuffer or Map entry per series.
 */
export class EncodedLabelTable implements EncodedSeriesIndex {
  /** (hash, entry number + 1) per slot, EMPTY where none; the number of slots is a power of two. */
  private slots = new Int32Array(2 * 1024);
  /** (arena offset, length) per entry. */
  private extents = new Int32Array(2 * 512);
  /** Per entry, the entry number + 1 found right after it last time (EMPTY: none yet). */
  private followers = new Int32Array(512);
  private readonly series: (TrackedSeries | null)[] = [];
  private arena = new Uint8Array(64 * 1024);
  private arenaView = viewOf(this.arena);
  private arenaUsed = 0;
  /** The entry the last find returned, or -1. */
  private previous = -1;

  constructor(
    private readonly maxEntries = MAX_ENCODED_ENTRIES,
    private readonly maxBytes = MAX_ENCODED_BYTES,
  ) {}

  find(body: DataView, start: number, end: number): TrackedSeries | null | undefined {
    const length = end - start;
    const previous = this.previous;
    if (previous >= 0) {
      const guess = this.followers[previous]! - 1;
      if (guess >= 0 && this.extents[2 * guess + 1] === length && bytesEqual(this.arenaView, this.extents[2 * guess]!, body, start, length)) {
        this.previous = guess;
        return this.series[guess]!;
      }
    }
    const entry = this.lookup(body, start, end);
    if (entry < 0) {
      this.previous = -1;
      return undefined;
    }
    if (previous >= 0) this.followers[previous] = entry + 1;
    this.previous = entry;
    return this.series[entry]!;
  }

  /** Files `bytes` (the caller's copy, read only now) under `series`; an encoding already filed keeps its entry. */
  remember(bytes: Uint8Array, series: TrackedSeries | null): void {
    const view = viewOf(bytes);
    const length = bytes.length;
    if (this.lookup(view, 0, length) >= 0) return;
    if (this.series.length >= this.maxEntries || this.arenaUsed + length > this.maxBytes) this.clear();
    const entry = this.series.length;
    if (entry === this.followers.length) this.growEntries();
    if (this.arenaUsed + length > this.arena.length) this.growArena(this.arenaUsed + length);
    this.arena.set(bytes, this.arenaUsed);
    this.extents[2 * entry] = this.arenaUsed;
    this.extents[2 * entry + 1] = length;
    this.series.push(series);
    this.arenaUsed += length;
    if (4 * this.series.length > this.slots.length) this.rehash(2 * this.slots.length);
    else this.place(entry, hashBytes(view, 0, length));
  }

  clear(): void {
    this.slots = new Int32Array(2 * 1024);
    this.extents = new Int32Array(2 * 512);
    this.followers = new Int32Array(512);
    this.series.length = 0;
    this.arena = new Uint8Array(64 * 1024);
    this.arenaView = viewOf(this.arena);
    this.arenaUsed = 0;
    this.previous = -1;
  }

  get entryCount(): number {
    return this.series.length;
  }

  /** Label bytes held (for the memory figure in docs/ingest-receive-path.md). */
  get byteCount(): number {
    return this.arenaUsed;
  }

  /** The entry holding body[start, end), or -1: by hash, probing from its slot. */
  private lookup(body: DataView, start: number, end: number): number {
    const length = end - start;
    const hash = hashBytes(body, start, end);
    const slots = this.slots;
    const mask = (slots.length >> 1) - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const at = slots[2 * slot + 1]!;
      if (at === EMPTY) return -1;
      const entry = at - 1;
      if (slots[2 * slot] === hash && this.extents[2 * entry + 1] === length && bytesEqual(this.arenaView, this.extents[2 * entry]!, body, start, length)) return entry;
    }
  }

  private place(entry: number, hash: number): void {
    const mask = (this.slots.length >> 1) - 1;
    let slot = hash & mask;
    while (this.slots[2 * slot + 1] !== EMPTY) slot = (slot + 1) & mask;
    this.slots[2 * slot] = hash;
    this.slots[2 * slot + 1] = entry + 1;
  }

  /** A table of `size` / 2 slots, every entry placed again (its hash recomputed from the arena). */
  private rehash(size: number): void {
    this.slots = new Int32Array(size);
    for (let entry = 0; entry < this.series.length; entry++) {
      const start = this.extents[2 * entry]!;
      this.place(entry, hashBytes(this.arenaView, start, start + this.extents[2 * entry + 1]!));
    }
  }

  private growEntries(): void {
    const grow = (from: Int32Array): Int32Array<ArrayBuffer> => {
      const to = new Int32Array(from.length * 2);
      to.set(from);
      return to;
    };
    this.extents = grow(this.extents);
    this.followers = grow(this.followers);
  }

  private growArena(needed: number): void {
    // By half again, not double: the arena is most of the table's memory, and a larger step leaves more of it unused.
    let size = Math.ceil(this.arena.length * 1.5);
    while (size < needed) size = Math.ceil(size * 1.5);
    const arena = new Uint8Array(Math.min(size, Math.max(needed, this.maxBytes)));
    arena.set(this.arena.subarray(0, this.arenaUsed));
    this.arena = arena;
    this.arenaView = viewOf(arena);
  }
}
