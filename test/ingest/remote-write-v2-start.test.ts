/**
 * Remote write 2.0 as two generations of senders encode it, each from its published .proto compiled with protobufjs:
 * before rc.4 a series carried `created_timestamp` (TimeSeries field 6); from rc.4 (Prometheus 3.8) each sample carries
 * its own `start_timestamp` (Sample field 3) and field 6 is reserved. Both become the counter's start time, sample by
 * sample, so a later start time reads as a reset even when the value went up.
 */
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { decodeWriteRequestV2 } from '../../src/ingest/index.js';

const COMMON = `
syntax = "proto3";
package io.prometheus.write.v2;
message Request { reserved 1 to 3; repeated string symbols = 4; repeated TimeSeries timeseries = 5; }
message Metadata { enum MetricType { METRIC_TYPE_UNSPECIFIED = 0; METRIC_TYPE_COUNTER = 1; METRIC_TYPE_GAUGE = 2; } MetricType type = 1; uint32 help_ref = 3; uint32 unit_ref = 4; }
`;
/** Before rc.4: a created timestamp per series. */
const BEFORE_RC4 = `${COMMON}
message Sample { double value = 1; int64 timestamp = 2; }
message TimeSeries { repeated uint32 labels_refs = 1; repeated Sample samples = 2; reserved 3, 4; Metadata metadata = 5; int64 created_timestamp = 6; }
`;
/** rc.4 (Prometheus 3.8): a start timestamp per sample. */
const RC4 = `${COMMON}
message Sample { double value = 1; int64 timestamp = 2; int64 start_timestamp = 3; }
message TimeSeries { repeated uint32 labels_refs = 1; repeated Sample samples = 2; reserved 3, 4; Metadata metadata = 5; reserved 6; }
`;

const T = 1_764_158_400_000;
const wants = { wantsMetric: (name: string) => name === 'http_requests_total', maxSeries: 100 };
const SYMBOLS = ['', '__name__', 'http_requests_total', 'job', 'api'];

function encodeWith(schema: string, timeseries: Record<string, unknown>[]): Uint8Array {
  const type = protobuf.parse(schema, { keepCase: true }).root.lookupType('io.prometheus.write.v2.Request');
  return type.encode(type.fromObject({ symbols: SYMBOLS, timeseries })).finish();
}

describe('remote write 2.0 start times', () => {
  it('reads a pre-rc.4 created_timestamp as the start time of every sample of its series', () => {
    const body = encodeWith(BEFORE_RC4, [{ labels_refs: [1, 2, 3, 4], samples: [{ value: 5, timestamp: T }, { value: 7, timestamp: T + 15_000 }], metadata: { type: 1 }, created_timestamp: T - 60_000 }]);
    const { series } = decodeWriteRequestV2(body, wants);
    expect(series).toHaveLength(1);
    expect(series[0]).toMatchObject({ labels: { __name__: 'http_requests_total', job: 'api' }, timestamps: [T, T + 15_000], values: [5, 7], startTimeMs: T - 60_000 });
  });

  it('reads rc.4 start_timestamp per sample', () => {
    const body = encodeWith(RC4, [
      {
        labels_refs: [1, 2, 3, 4],
        samples: [
          { value: 100, timestamp: T, start_timestamp: T - 60_000 },
          { value: 120, timestamp: T + 15_000, start_timestamp: T + 10_000 },
        ],
        metadata: { type: 1 },
      },
    ]);
    const { series } = decodeWriteRequestV2(body, wants);
    expect(series).toHaveLength(1);
    expect(series[0]).toMatchObject({ timestamps: [T, T + 15_000], values: [100, 120] });
    expect(Array.from(series[0]!.startTimesMs ?? [])).toEqual([T - 60_000, T + 10_000]);
  });

  it('a body of either generation decodes the same series and values', () => {
    const before = decodeWriteRequestV2(encodeWith(BEFORE_RC4, [{ labels_refs: [1, 2, 3, 4], samples: [{ value: 3, timestamp: T }], metadata: { type: 1 }, created_timestamp: T - 1000 }]), wants);
    const after = decodeWriteRequestV2(encodeWith(RC4, [{ labels_refs: [1, 2, 3, 4], samples: [{ value: 3, timestamp: T, start_timestamp: T - 1000 }], metadata: { type: 1 } }]), wants);
    expect(after.series[0]).toMatchObject({ labels: before.series[0]!.labels, timestamps: [T], values: [3], startTimeMs: T - 1000 });
    expect(before.series[0]).toMatchObject({ startTimeMs: T - 1000 });
  });
});
