import { malformed } from '../wire/malformed.js';
import { FIXED64, LENGTH_DELIMITED, VARINT } from '../wire/protobuf.js';
import type { ProtoReader } from '../wire/protobuf.js';
import { expandSpans, isExponentialSchema, undelta } from '../native-histogram.js';
import type { NativeHistogram } from '../native-histogram.js';

/**
 * `prometheus.Histogram` (remote write 1.0, TimeSeries field 4) and `io.prometheus.write.v2.Histogram` (2.0, field 3)
 * share fields 1 to 16: count_int 1 | count_float 2, sum 3, schema 4 (sint32), zero_threshold 5, zero_count_int 6 |
 * zero_count_float 7, negative_spans 8, negative_deltas 9 (sint64), negative_counts 10, positive_spans 11,
 * positive_deltas 12, positive_counts 13, reset_hint 14, timestamp 15, custom_values 16. 2.0 from rc.4 adds
 * start_timestamp 17. BucketSpan: offset 1 (sint32), length 2 (uint32).
 */
export interface DecodedHistogram {
  readonly histogram: NativeHistogram;
  readonly timestamp: number;
  /** 0 when the sender gave none. */
  readonly startTimestamp: number;
}

const tag = (field: number, wire: number) => (field << 3) | wire;

/** Reads one Histogram message between the reader's position and `end`; a string says why it cannot be used. */
export function readHistogram(reader: ProtoReader, end: number): DecodedHistogram | string {
  const outerEnd = reader.end;
  reader.end = end;
  let count = 0;
  let sum = 0;
  let schema = 0;
  let zeroThreshold = 0;
  let zeroCount = 0;
  let timestamp = 0;
  let startTimestamp = 0;
  let customValues = false;
  const negativeSpans: { offset: number; length: number }[] = [];
  const positiveSpans: { offset: number; length: number }[] = [];
  const negativeDeltas: number[] = [];
  const positiveDeltas: number[] = [];
  const negativeCounts: number[] = [];
  const positiveCounts: number[] = [];
  try {
    while (!reader.done()) {
      const field = reader.tag();
      switch (field) {
        case tag(1, VARINT):
          count = reader.int64();
          break;
        case tag(2, FIXED64):
          count = reader.double();
          break;
        case tag(3, FIXED64):
          sum = reader.double();
          break;
        case tag(4, VARINT):
          schema = reader.sint32();
          break;
        case tag(5, FIXED64):
          zeroThreshold = reader.double();
          break;
        case tag(6, VARINT):
          zeroCount = reader.int64();
          break;
        case tag(7, FIXED64):
          zeroCount = reader.double();
          break;
        case tag(8, LENGTH_DELIMITED):
        case tag(11, LENGTH_DELIMITED):
          (field >>> 3 === 8 ? negativeSpans : positiveSpans).push(readSpan(reader));
          break;
        case tag(9, LENGTH_DELIMITED):
        case tag(12, LENGTH_DELIMITED):
          readPacked(reader, field >>> 3 === 9 ? negativeDeltas : positiveDeltas, () => sint64(reader));
          break;
        case tag(9, VARINT):
        case tag(12, VARINT):
          (field >>> 3 === 9 ? negativeDeltas : positiveDeltas).push(sint64(reader));
          break;
        case tag(10, LENGTH_DELIMITED):
        case tag(13, LENGTH_DELIMITED):
          readPacked(reader, field >>> 3 === 10 ? negativeCounts : positiveCounts, () => reader.double());
          break;
        case tag(10, FIXED64):
        case tag(13, FIXED64):
          (field >>> 3 === 10 ? negativeCounts : positiveCounts).push(reader.double());
          break;
        case tag(15, VARINT):
          timestamp = reader.int64();
          break;
        case tag(16, LENGTH_DELIMITED):
        case tag(16, FIXED64):
          customValues = true;
          reader.skip(field & 7);
          break;
        case tag(17, VARINT):
          startTimestamp = reader.int64();
          break;
        default:
          reader.skip(field & 7);
      }
    }
  } finally {
    reader.end = outerEnd;
  }
  if (customValues || !isExponentialSchema(schema)) return `native histogram schema ${schema} is not an exponential schema`;
  const negative = expandSpans(negativeSpans, negativeDeltas.length > 0 ? undelta(negativeDeltas) : negativeCounts);
  if (typeof negative === 'string') return `native histogram negative buckets: ${negative}`;
  const positive = expandSpans(positiveSpans, positiveDeltas.length > 0 ? undelta(positiveDeltas) : positiveCounts);
  if (typeof positive === 'string') return `native histogram positive buckets: ${positive}`;
  return {
    histogram: { count, sum, schema, zeroThreshold, zeroCount, positiveIndexes: positive.indexes, positiveCounts: positive.counts, negativeIndexes: negative.indexes, negativeCounts: negative.counts },
    timestamp,
    startTimestamp,
  };
}

function readSpan(reader: ProtoReader): { offset: number; length: number } {
  const end = reader.delimitedEnd();
  let offset = 0;
  let length = 0;
  while (reader.pos < end) {
    const field = reader.tag();
    if (field === tag(1, VARINT)) offset = reader.sint32();
    else if (field === tag(2, VARINT)) length = reader.uint32();
    else reader.skip(field & 7);
  }
  if (reader.pos !== end) throw malformed('native histogram bucket span runs past its end');
  return { offset, length };
}

function readPacked(reader: ProtoReader, into: number[], next: () => number): void {
  const end = reader.delimitedEnd();
  const outerEnd = reader.end;
  reader.end = end;
  try {
    while (!reader.done()) into.push(next());
  } finally {
    reader.end = outerEnd;
  }
}

/** A zigzag sint64 (bucket deltas are small; exact up to 2^52). */
function sint64(reader: ProtoReader): number {
  const value = reader.int64();
  const unsigned = value < 0 ? value + 2 ** 64 : value;
  return unsigned % 2 === 0 ? unsigned / 2 : -(unsigned + 1) / 2;
}
