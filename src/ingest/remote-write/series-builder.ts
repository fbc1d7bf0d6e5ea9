import type { KnownSamples, KnownSeries } from '../../core/index.js';
import { FIXED64, VARINT } from '../wire/protobuf.js';
import type { ProtoReader } from '../wire/protobuf.js';

/** Growable scratch offsets, reused across series and requests (decoding is synchronous, so never shared). */
export class Offsets {
  data: Int32Array;
  length = 0;

  constructor(initial: number) {
    this.data = new Int32Array(initial);
  }

  push(a: number, b: number): void {
    if (this.length + 2 > this.data.length) {
      const grown = new Int32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = a;
    this.data[this.length++] = b;
  }
}

/**
 * Reads the samples whose message ranges are in `ranges` (pairs of start and end), using `reader` as scratch.
 * Sample: `double value = 1; int64 timestamp = 2;` (the same in remote write 1.0 and 2.0). 2.0 from rc.4 adds
 * `start_timestamp = 3`: returned per sample (`startTimestamps`, only when some sample has one) and as the latest seen.
 */
export function readSamples(reader: ProtoReader, ranges: Offsets): { timestamps: number[]; values: number[]; startTimestamp: number; startTimestamps: number[] | undefined } {
  const count = ranges.length / 2;
  const timestamps = new Array<number>(count);
  const values = new Array<number>(count);
  let startTimestamp = 0;
  let startTimestamps: number[] | undefined;
  for (let i = 0; i < count; i++) {
    reader.reset(ranges.data[2 * i]!, ranges.data[2 * i + 1]!);
    let value = 0;
    let timestamp = 0;
    while (!reader.done()) {
      const tag = reader.tag();
      if (tag === ((1 << 3) | FIXED64)) value = reader.double();
      else if (tag === ((2 << 3) | VARINT)) timestamp = reader.int64();
      else if (tag === ((3 << 3) | VARINT)) {
        startTimestamp = reader.int64();
        startTimestamps ??= new Array<number>(count).fill(0);
        startTimestamps[i] = startTimestamp;
      } else reader.skip(tag & 7);
    }
    timestamps[i] = timestamp;
    values[i] = value;
  }
  return { timestamps, values, startTimestamp, startTimestamps };
}

/**
 * One request's samples of known series (KnownSamples), filled in place: typed arrays that double when full, so a
 * request costs a few allocations however many samples it holds.
 */
export class KnownSampleBuffer implements KnownSamples {
  readonly series: KnownSeries[] = [];
  timestamps: Float64Array = new Float64Array(512);
  values: Float64Array = new Float64Array(512);
  length = 0;

  push(series: KnownSeries, timestamp: number, value: number): void {
    if (this.length === this.timestamps.length) {
      this.timestamps = grown(this.timestamps);
      this.values = grown(this.values);
    }
    this.series.push(series);
    this.timestamps[this.length] = timestamp;
    this.values[this.length++] = value;
  }
}

function grown(from: Float64Array): Float64Array {
  const to = new Float64Array(from.length * 2);
  to.set(from);
  return to;
}

/**
 * Reads the samples of a remote write 1.0 series (ranges as in readSamples) straight into `into`, as samples of
 * `series`: no array or object per sample. 1.0 samples have no start timestamp.
 */
export function readSamplesInto(reader: ProtoReader, ranges: Offsets, series: KnownSeries, into: KnownSampleBuffer): void {
  const count = ranges.length / 2;
  for (let i = 0; i < count; i++) {
    reader.reset(ranges.data[2 * i]!, ranges.data[2 * i + 1]!);
    let value = 0;
    let timestamp = 0;
    while (!reader.done()) {
      const tag = reader.tag();
      if (tag === ((1 << 3) | FIXED64)) value = reader.double();
      else if (tag === ((2 << 3) | VARINT)) timestamp = reader.int64();
      else reader.skip(tag & 7);
    }
    into.push(series, timestamp, value);
  }
}
