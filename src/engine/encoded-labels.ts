import type { EncodedSeriesIndex } from '../core/index.js';
import type { TrackedSeries } from './tracked-series.js';

/** One set of label bytes and what the appender made of them; entries of equal hash are chained. */
interface Entry {
  readonly bytes: Uint8Array;
  readonly series: TrackedSeries | null;
  next: Entry | undefined;
}

/**
 * Most label encodings remembered. Past it the table starts over (it is only a cache: a forgotten series costs its next
 * request the slow path once), so a stream of ever new series cannot grow memory without bound. 100,000 series on
 * the realistic stream hold about 25 MB here.
 */
export const MAX_ENCODED_ENTRIES = 1_000_000;

/**
 * The appender's index from the bytes a request used to encode a series' labels to the series, kept by a 32-bit
 * FNV-1a hash of those bytes and checked byte for byte, so a series a decoder has met before costs a hash and a compare:
 * no label strings, key or object. `null` entries are series no SLI reads (their metric name is read, but by other
 * label values): they are dropped without building anything.
 */
export class EncodedLabelTable implements EncodedSeriesIndex {
  private readonly entries = new Map<number, Entry>();
  private size = 0;

  constructor(private readonly maxEntries = MAX_ENCODED_ENTRIES) {}

  find(bytes: Uint8Array, start: number, end: number): TrackedSeries | null | undefined {
    const length = end - start;
    for (let entry = this.entries.get(hashBytes(bytes, start, end)); entry !== undefined; entry = entry.next) {
      const known = entry.bytes;
      if (known.length !== length) continue;
      let i = 0;
      while (i < length && known[i] === bytes[start + i]) i++;
      if (i === length) return entry.series;
    }
    return undefined;
  }

  /** Files `bytes` (a copy the caller no longer changes) under `series`. */
  remember(bytes: Uint8Array, series: TrackedSeries | null): void {
    if (this.find(bytes, 0, bytes.length) !== undefined) return;
    if (this.size >= this.maxEntries) this.clear();
    const hash = hashBytes(bytes, 0, bytes.length);
    this.entries.set(hash, { bytes, series, next: this.entries.get(hash) });
    this.size++;
  }

  clear(): void {
    this.entries.clear();
    this.size = 0;
  }

  get entryCount(): number {
    return this.size;
  }
}

function hashBytes(bytes: Uint8Array, start: number, end: number): number {
  let hash = 0x811c9dc5;
  for (let i = start; i < end; i++) hash = Math.imul(hash ^ bytes[i]!, 0x01000193);
  return hash;
}
