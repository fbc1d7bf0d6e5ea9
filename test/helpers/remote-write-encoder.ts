/**
 * A minimal remote-write 1.0 `WriteRequest` encoder for load tests that send millions of series: protobufjs is the
 * independent encoder of the protocol tests, but too slow to build a million series in a test's time.
 */
import { compressSync } from 'snappy';

function varint(out: number[], value: number): void {
  let rest = value;
  while (rest > 0x7f) {
    out.push((rest & 0x7f) | 0x80);
    rest = Math.floor(rest / 128);
  }
  out.push(rest);
}

function lengthDelimited(out: number[], field: number, bytes: readonly number[] | Uint8Array): void {
  varint(out, (field << 3) | 2);
  varint(out, bytes.length);
  for (const byte of bytes) out.push(byte);
}

const encoder = new TextEncoder();

export interface FastSeries {
  readonly labels: readonly (readonly [string, string])[];
  readonly value: number;
  readonly timestamp: number;
}

/** One WriteRequest with one sample per series, snappy-compressed as Prometheus sends it. */
export function remoteWriteBody(series: readonly FastSeries[]): Buffer {
  const out: number[] = [];
  const double = new DataView(new ArrayBuffer(8));
  for (const one of series) {
    const timeSeries: number[] = [];
    for (const [name, value] of one.labels) {
      const label: number[] = [];
      lengthDelimited(label, 1, encoder.encode(name));
      lengthDelimited(label, 2, encoder.encode(value));
      lengthDelimited(timeSeries, 1, label);
    }
    const sample: number[] = [];
    double.setFloat64(0, one.value, true);
    sample.push((1 << 3) | 1, ...new Uint8Array(double.buffer));
    varint(sample, (2 << 3) | 0);
    varint(sample, one.timestamp);
    lengthDelimited(timeSeries, 2, sample);
    lengthDelimited(out, 1, timeSeries);
  }
  return compressSync(Buffer.from(out));
}

export const REMOTE_WRITE_HEADERS = {
  'content-type': 'application/x-protobuf',
  'content-encoding': 'snappy',
  'x-prometheus-remote-write-version': '0.1.0',
} as const;
