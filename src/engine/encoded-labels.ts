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
 * has met before costs a hash and a compare: no label strings, key or object. `null` entries are series no SLI reads
 * (their metric name is read, but by other label values): they are dropped without building anything.
 *
 * Laid out for the lookup every such series of every request makes: an open-addressing table (linear probing, at most
 * half full) of entry numbers in an Int32Array, each entry's hash, offset and length in typed arrays, and every
 * entry's bytes in one arena. A lookup is a 30-bit MurmurHash3 of the request's bytes, one or two slot reads and a
 * compare four bytes at a time; an entry costs its label bytes and about 24 bytes beside them (no object, no
 * ArrayBuffer and no Map entry per series).
 */
export class EncodedLabelTable implements EncodedSeriesIndex {
  /** Entry number + 1 per slot, EMPTY where none; the length is a power of two. */
  private slots = new Int32Array(1024);
  private hashes = new Int32Array(512);
  private starts = new Int32Array(512);
  private lengths = new Int32Array(512);
  private readonly series: (TrackedSeries | null)[] = [];
  private arena = new Uint8Array(64 * 1024);
  private arenaView = viewOf(this.arena);
  private arenaUsed = 0;

  constructor(
    private readonly maxEntries = MAX_ENCODED_ENTRIES,
    private readonly maxBytes = MAX_ENCODED_BYTES,
  ) {}

  find(body: DataView, start: number, end: number): TrackedSeries | null | undefined {
    const length = end - start;
    const hash = hashBytes(body, start, end);
    const slots = this.slots;
    const mask = slots.length - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const at = slots[slot]!;
      if (at === EMPTY) return undefined;
      const entry = at - 1;
      if (this.hashes[entry] === hash && this.lengths[entry] === length && bytesEqual(this.arenaView, this.starts[entry]!, body, start, length)) return this.series[entry]!;
    }
  }

  /** Files `bytes` (the caller's copy, read only now) under `series`; an encoding already filed keeps its entry. */
  remember(bytes: Uint8Array, series: TrackedSeries | null): void {
    const view = viewOf(bytes);
    const length = bytes.length;
    if (this.find(view, 0, length) !== undefined) return;
    if (this.series.length >= this.maxEntries || this.arenaUsed + length > this.maxBytes) this.clear();
    const entry = this.series.length;
    if (entry === this.hashes.length) this.growEntries();
    if (this.arenaUsed + length > this.arena.length) this.growArena(this.arenaUsed + length);
    this.arena.set(bytes, this.arenaUsed);
    const hash = hashBytes(view, 0, length);
    this.hashes[entry] = hash;
    this.starts[entry] = this.arenaUsed;
    this.lengths[entry] = length;
    this.series.push(series);
    this.arenaUsed += length;
    if (2 * this.series.length > this.slots.length) this.rehash(2 * this.slots.length);
    else this.place(entry, hash);
  }

  clear(): void {
    this.slots = new Int32Array(1024);
    this.hashes = new Int32Array(512);
    this.starts = new Int32Array(512);
    this.lengths = new Int32Array(512);
    this.series.length = 0;
    this.arena = new Uint8Array(64 * 1024);
    this.arenaView = viewOf(this.arena);
    this.arenaUsed = 0;
  }

  get entryCount(): number {
    return this.series.length;
  }

  /** Label bytes held (for the memory figure in docs/ingest-receive-path.md). */
  get byteCount(): number {
    return this.arenaUsed;
  }

  private place(entry: number, hash: number): void {
    const mask = this.slots.length - 1;
    let slot = hash & mask;
    while (this.slots[slot] !== EMPTY) slot = (slot + 1) & mask;
    this.slots[slot] = entry + 1;
  }

  private rehash(size: number): void {
    this.slots = new Int32Array(size);
    for (let entry = 0; entry < this.series.length; entry++) this.place(entry, this.hashes[entry]!);
  }

  private growEntries(): void {
    const grow = (from: Int32Array): Int32Array<ArrayBuffer> => {
      const to = new Int32Array(from.length * 2);
      to.set(from);
      return to;
    };
    this.hashes = grow(this.hashes);
    this.starts = grow(this.starts);
    this.lengths = grow(this.lengths);
  }

  private growArena(needed: number): void {
    let size = this.arena.length * 2;
    while (size < needed) size *= 2;
    const arena = new Uint8Array(Math.min(size, Math.max(needed, this.maxBytes)));
    arena.set(this.arena.subarray(0, this.arenaUsed));
    this.arena = arena;
    this.arenaView = viewOf(arena);
  }
}
