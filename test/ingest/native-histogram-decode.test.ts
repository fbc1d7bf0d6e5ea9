/**
 * Native histograms in remote write 1.0 (`prometheus.Histogram`, TimeSeries field 4) and 2.0 (`io.prometheus.write.v2.
 * Histogram`, TimeSeries field 3), encoded with protobufjs from the published message definitions, become the
 * `_bucket` series SLIs read, interpolated at their bounds as histogram_fraction does.
 */
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { decodeWriteRequestV1, decodeWriteRequestV2 } from '../../src/ingest/index.js';

const HISTOGRAM = `
message BucketSpan { sint32 offset = 1; uint32 length = 2; }
message Histogram {
  oneof count { uint64 count_int = 1; double count_float = 2; }
  double sum = 3; sint32 schema = 4; double zero_threshold = 5;
  oneof zero_count { uint64 zero_count_int = 6; double zero_count_float = 7; }
  repeated BucketSpan negative_spans = 8; repeated sint64 negative_deltas = 9; repeated double negative_counts = 10;
  repeated BucketSpan positive_spans = 11; repeated sint64 positive_deltas = 12; repeated double positive_counts = 13;
  int32 reset_hint = 14; int64 timestamp = 15; repeated double custom_values = 16;
}`;
const V1 = `syntax = "proto3"; package prometheus; ${HISTOGRAM}
message Label { string name = 1; string value = 2; }
message Sample { double value = 1; int64 timestamp = 2; }
message TimeSeries { repeated Label labels = 1; repeated Sample samples = 2; repeated Histogram histograms = 4; }
message WriteRequest { repeated TimeSeries timeseries = 1; }`;
const V2 = `syntax = "proto3"; package io.prometheus.write.v2; ${HISTOGRAM}
message Sample { double value = 1; int64 timestamp = 2; }
message TimeSeries { repeated uint32 labels_refs = 1; repeated Sample samples = 2; repeated Histogram histograms = 3; }
message Request { reserved 1 to 3; repeated string symbols = 4; repeated TimeSeries timeseries = 5; }`;

const T = 1_764_158_400_000;
// Schema 0: (0.5,1]=4 at index 0, (1,2]=6 at index 1; zero bucket 2 (threshold 0.001); 12 in all.
const integer = { count_int: 12, sum: 10, schema: 0, zero_threshold: 0.001, zero_count_int: 2, positive_spans: [{ offset: 0, length: 2 }], positive_deltas: [4, 2], timestamp: T };
const float = { count_float: 12, sum: 10, schema: 0, zero_threshold: 0.001, zero_count_float: 2, positive_spans: [{ offset: 0, length: 2 }], positive_counts: [4, 6], timestamp: T + 15_000 };
const options = {
  wantsMetric: (name: string) => name === 'latency_seconds_bucket',
  maxSeries: 100,
  bucketBounds: (name: string) => (name === 'latency_seconds_bucket' ? [0, 1.5] : []),
};

function encode(schema: string, type: string, value: Record<string, unknown>): Uint8Array {
  const message = protobuf.parse(schema, { keepCase: true }).root.lookupType(type);
  return message.encode(message.fromObject(value)).finish();
}

function buckets(series: readonly { labels: Record<string, string>; values: ArrayLike<number> }[]): [string | undefined, number[]][] {
  return series.map((one) => [one.labels.le, Array.from(one.values)]);
}

describe('native histograms in remote write', () => {
  it('1.0: integer and float histograms become _bucket series at the bounds SLIs read', () => {
    const body = encode(V1, 'prometheus.WriteRequest', {
      timeseries: [
        { labels: [{ name: '__name__', value: 'latency_seconds' }, { name: 'job', value: 'api' }], histograms: [integer, float] },
        { labels: [{ name: '__name__', value: 'other_seconds' }], histograms: [integer] },
      ],
    });
    const { series, stats } = decodeWriteRequestV1(body, options);
    // le=0: only positive buckets, so the zero bucket is [0, 0.001] and lies above 0; le=1.5: 2 + 4 + half of 6.
    expect(buckets(series)).toEqual([
      ['0', [0, 0]],
      ['1.5', [9, 9]],
      ['+Inf', [12, 12]],
    ]);
    expect(series[0]).toMatchObject({ labels: { __name__: 'latency_seconds_bucket', job: 'api' }, timestamps: [T, T + 15_000] });
    expect(stats).toMatchObject({ histograms: 3, invalidHistograms: 0, unmatched: 1 });
  });

  it('2.0: the same histograms through the symbol table', () => {
    const body = encode(V2, 'io.prometheus.write.v2.Request', {
      symbols: ['', '__name__', 'latency_seconds', 'job', 'api'],
      timeseries: [{ labels_refs: [1, 2, 3, 4], histograms: [integer, float] }],
    });
    const { series, stats } = decodeWriteRequestV2(body, options);
    expect(buckets(series)).toEqual([
      ['0', [0, 0]],
      ['1.5', [9, 9]],
      ['+Inf', [12, 12]],
    ]);
    expect(stats).toMatchObject({ histograms: 2, invalidHistograms: 0 });
  });

  it('refuses custom-bucket histograms and buckets that do not fit their spans, keeping the rest', () => {
    const body = encode(V1, 'prometheus.WriteRequest', {
      timeseries: [{ labels: [{ name: '__name__', value: 'latency_seconds' }], histograms: [{ ...integer, positive_deltas: [4] }, { ...integer, schema: -53, custom_values: [0.1, 1] }, { ...integer, timestamp: T + 30_000 }] }],
    });
    const { series, stats } = decodeWriteRequestV1(body, options);
    expect(series.map((one) => Array.from(one.timestamps))).toEqual([[T + 30_000], [T + 30_000], [T + 30_000]]);
    expect(stats.invalidHistograms).toBe(2);
    expect(stats.invalidReasons.join(' ')).toMatch(/bucket counts for spans|not an exponential schema/);
  });
});
