import { SloeError } from '../../core/index.js';
import { malformed } from '../wire/malformed.js';
import { FIXED64, LENGTH_DELIMITED, ProtoReader, VARINT } from '../wire/protobuf.js';
import type {
  Attributes,
  ExponentialBuckets,
  ExponentialHistogramPoint,
  HistogramPoint,
  NumberPoint,
  OtlpMetric,
  OtlpRequest,
  OtlpResourceMetrics,
  SummaryPoint,
} from './model.js';
import { formatAttributeDouble, nanosToMs } from './model.js';

const tag = (field: number, wireType: number): number => (field << 3) | wireType;

/**
 * Decodes an `ExportMetricsServiceRequest` (opentelemetry/proto/collector/metrics/v1). Written by hand for the fields
 * sloe reads; the rest (descriptions, exemplars, schema URLs, scope) is skipped. `maxPoints` bounds the data points of
 * one request (413 past it).
 */
export function decodeOtlpProto(body: Uint8Array, maxPoints: number): OtlpRequest {
  const reader = new ProtoReader(body);
  const budget = { points: 0, maxPoints };
  const resourceMetrics: OtlpResourceMetrics[] = [];
  while (!reader.done()) {
    const t = reader.tag();
    if (t === tag(1, LENGTH_DELIMITED)) resourceMetrics.push(within(reader, () => readResourceMetrics(reader, budget)));
    else reader.skip(t & 7);
  }
  return { resourceMetrics };
}

interface Budget {
  points: number;
  readonly maxPoints: number;
}

/** Runs `read` over the length-delimited field at the reader's position, then continues after it. */
function within<T>(reader: ProtoReader, read: () => T): T {
  const end = reader.delimitedEnd();
  const outer = reader.end;
  reader.end = end;
  const value = read();
  reader.pos = end;
  reader.end = outer;
  return value;
}

function readResourceMetrics(reader: ProtoReader, budget: Budget): OtlpResourceMetrics {
  let resource: Attributes = [];
  const metrics: OtlpMetric[] = [];
  while (!reader.done()) {
    const t = reader.tag();
    if (t === tag(1, LENGTH_DELIMITED)) {
      resource = within(reader, () => {
        const attributes: [string, string][] = [];
        while (!reader.done()) {
          const field = reader.tag();
          if (field === tag(1, LENGTH_DELIMITED)) attributes.push(within(reader, () => readKeyValue(reader)));
          else reader.skip(field & 7);
        }
        return attributes;
      });
    } else if (t === tag(2, LENGTH_DELIMITED)) {
      within(reader, () => {
        while (!reader.done()) {
          const field = reader.tag();
          if (field === tag(2, LENGTH_DELIMITED)) metrics.push(within(reader, () => readMetric(reader, budget)));
          else reader.skip(field & 7);
        }
      });
    } else reader.skip(t & 7);
  }
  return { resource, metrics };
}

function readKeyValue(reader: ProtoReader): [string, string] {
  let key = '';
  let value = '';
  while (!reader.done()) {
    const t = reader.tag();
    if (t === tag(1, LENGTH_DELIMITED)) key = reader.string();
    else if (t === tag(2, LENGTH_DELIMITED)) value = within(reader, () => readAnyValue(reader));
    else reader.skip(t & 7);
  }
  return [key, value];
}

/** AnyValue as a label value: strings as they are, scalars formatted, arrays and maps as JSON (as Prometheus does). */
function readAnyValue(reader: ProtoReader): string {
  const json = readAnyValueJson(reader);
  return typeof json === 'string' ? json : JSON.stringify(json);
}

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

function readAnyValueJson(reader: ProtoReader): Json {
  let value: Json = '';
  while (!reader.done()) {
    const t = reader.tag();
    switch (t) {
      case tag(1, LENGTH_DELIMITED):
        value = reader.string();
        break;
      case tag(2, VARINT):
        value = reader.bool() ? 'true' : 'false';
        break;
      case tag(3, VARINT):
        value = String(reader.int64());
        break;
      case tag(4, FIXED64):
        value = formatAttributeDouble(reader.double());
        break;
      case tag(5, LENGTH_DELIMITED):
        value = within(reader, () => {
          const values: Json[] = [];
          while (!reader.done()) {
            const field = reader.tag();
            if (field === tag(1, LENGTH_DELIMITED)) values.push(within(reader, () => readAnyValueJson(reader)));
            else reader.skip(field & 7);
          }
          return values;
        });
        break;
      case tag(6, LENGTH_DELIMITED):
        value = within(reader, () => {
          const entries: Record<string, Json> = {};
          while (!reader.done()) {
            const field = reader.tag();
            if (field === tag(1, LENGTH_DELIMITED)) {
              const [key, inner] = within(reader, () => readKeyValue(reader));
              entries[key] = inner;
            } else reader.skip(field & 7);
          }
          return entries;
        });
        break;
      case tag(7, LENGTH_DELIMITED): {
        const end = reader.delimitedEnd();
        value = Buffer.from(reader.bytes.subarray(reader.pos, end)).toString('base64');
        reader.pos = end;
        break;
      }
      default:
        reader.skip(t & 7);
    }
  }
  return value;
}

function readMetric(reader: ProtoReader, budget: Budget): OtlpMetric {
  let name = '';
  let unit = '';
  let metric: OtlpMetric | undefined;
  while (!reader.done()) {
    const t = reader.tag();
    switch (t) {
      case tag(1, LENGTH_DELIMITED):
        name = reader.string();
        break;
      case tag(3, LENGTH_DELIMITED):
        unit = reader.string();
        break;
      case tag(5, LENGTH_DELIMITED): {
        const { points } = within(reader, () => readDataContainer(reader, budget, readNumberPoint));
        metric = { name, unit, type: 'gauge', points };
        break;
      }
      case tag(7, LENGTH_DELIMITED): {
        const { points, temporality, monotonic } = within(reader, () => readDataContainer(reader, budget, readNumberPoint));
        metric = { name, unit, type: 'sum', temporality, monotonic, points };
        break;
      }
      case tag(9, LENGTH_DELIMITED): {
        const { points, temporality } = within(reader, () => readDataContainer(reader, budget, readHistogramPoint));
        metric = { name, unit, type: 'histogram', temporality, points };
        break;
      }
      case tag(10, LENGTH_DELIMITED): {
        const { points, temporality } = within(reader, () => readDataContainer(reader, budget, readExponentialPoint));
        metric = { name, unit, type: 'exponential_histogram', temporality, points };
        break;
      }
      case tag(11, LENGTH_DELIMITED): {
        const { points } = within(reader, () => readDataContainer(reader, budget, readSummaryPoint));
        metric = { name, unit, type: 'summary', points };
        break;
      }
      default:
        reader.skip(t & 7);
    }
  }
  // Name and unit may come after the data in the bytes: set them last.
  return metric === undefined ? { name, unit, type: 'empty', points: [] } : { ...metric, name, unit };
}

/** Gauge, Sum, Histogram, ExponentialHistogram and Summary share: data_points = 1, aggregation_temporality = 2, is_monotonic = 3. */
function readDataContainer<P>(reader: ProtoReader, budget: Budget, readPoint: (reader: ProtoReader) => P): { points: P[]; temporality: number; monotonic: boolean } {
  const points: P[] = [];
  let temporality = 0;
  let monotonic = false;
  while (!reader.done()) {
    const t = reader.tag();
    if (t === tag(1, LENGTH_DELIMITED)) {
      if (++budget.points > budget.maxPoints) throw new SloeError('payload_too_large', `more than ${budget.maxPoints} data points in one request; send smaller batches`, { status: 413 });
      points.push(within(reader, () => readPoint(reader)));
    } else if (t === tag(2, VARINT)) temporality = reader.uint32();
    else if (t === tag(3, VARINT)) monotonic = reader.bool();
    else reader.skip(t & 7);
  }
  return { points, temporality, monotonic };
}

function readAttribute(reader: ProtoReader, into: [string, string][]): void {
  into.push(within(reader, () => readKeyValue(reader)));
}

function readNumberPoint(reader: ProtoReader): NumberPoint {
  const attributes: [string, string][] = [];
  let startMs = 0;
  let timeMs = 0;
  let value: number | undefined;
  let flags = 0;
  while (!reader.done()) {
    const t = reader.tag();
    switch (t) {
      case tag(7, LENGTH_DELIMITED):
        readAttribute(reader, attributes);
        break;
      case tag(2, FIXED64):
        startMs = nanosToMs(reader.fixed64());
        break;
      case tag(3, FIXED64):
        timeMs = nanosToMs(reader.fixed64());
        break;
      case tag(4, FIXED64):
        value = reader.double();
        break;
      case tag(6, FIXED64):
        value = reader.sfixed64();
        break;
      case tag(8, VARINT):
        flags = reader.uint32();
        break;
      default:
        reader.skip(t & 7);
    }
  }
  return { attributes, startMs, timeMs, value, flags };
}

/** Packed (or unpacked) repeated fixed64 or double. */
function readRepeated64(reader: ProtoReader, t: number, into: number[], read: () => number): void {
  if ((t & 7) === LENGTH_DELIMITED) {
    within(reader, () => {
      if ((reader.end - reader.pos) % 8 !== 0) throw malformed('packed 64-bit field with a length not a multiple of 8');
      while (!reader.done()) into.push(read());
    });
  } else if ((t & 7) === FIXED64) into.push(read());
  else throw malformed(`repeated 64-bit field with wire type ${t & 7}`);
}

function readHistogramPoint(reader: ProtoReader): HistogramPoint {
  const attributes: [string, string][] = [];
  let startMs = 0;
  let timeMs = 0;
  let count = 0;
  let sum: number | undefined;
  const bucketCounts: number[] = [];
  const explicitBounds: number[] = [];
  let flags = 0;
  while (!reader.done()) {
    const t = reader.tag();
    const field = t >>> 3;
    if (t === tag(9, LENGTH_DELIMITED)) readAttribute(reader, attributes);
    else if (t === tag(2, FIXED64)) startMs = nanosToMs(reader.fixed64());
    else if (t === tag(3, FIXED64)) timeMs = nanosToMs(reader.fixed64());
    else if (t === tag(4, FIXED64)) count = reader.fixed64();
    else if (t === tag(5, FIXED64)) sum = reader.double();
    else if (field === 6) readRepeated64(reader, t, bucketCounts, () => reader.fixed64());
    else if (field === 7) readRepeated64(reader, t, explicitBounds, () => reader.double());
    else if (t === tag(10, VARINT)) flags = reader.uint32();
    else reader.skip(t & 7);
  }
  return { attributes, startMs, timeMs, count, sum, bucketCounts, explicitBounds, flags };
}

function readBuckets(reader: ProtoReader): ExponentialBuckets {
  let offset = 0;
  const counts: number[] = [];
  while (!reader.done()) {
    const t = reader.tag();
    if (t === tag(1, VARINT)) offset = reader.sint32();
    else if (t === tag(2, LENGTH_DELIMITED)) {
      within(reader, () => {
        while (!reader.done()) counts.push(reader.int64());
      });
    } else if (t === tag(2, VARINT)) counts.push(reader.int64());
    else reader.skip(t & 7);
  }
  return { offset, counts };
}

function readExponentialPoint(reader: ProtoReader): ExponentialHistogramPoint {
  const attributes: [string, string][] = [];
  let startMs = 0;
  let timeMs = 0;
  let count = 0;
  let sum: number | undefined;
  let scale = 0;
  let zeroCount = 0;
  let zeroThreshold = 0;
  let positive: ExponentialBuckets = { offset: 0, counts: [] };
  let negative: ExponentialBuckets = { offset: 0, counts: [] };
  let flags = 0;
  while (!reader.done()) {
    const t = reader.tag();
    switch (t) {
      case tag(1, LENGTH_DELIMITED):
        readAttribute(reader, attributes);
        break;
      case tag(2, FIXED64):
        startMs = nanosToMs(reader.fixed64());
        break;
      case tag(3, FIXED64):
        timeMs = nanosToMs(reader.fixed64());
        break;
      case tag(4, FIXED64):
        count = reader.fixed64();
        break;
      case tag(5, FIXED64):
        sum = reader.double();
        break;
      case tag(6, VARINT):
        scale = reader.sint32();
        break;
      case tag(7, FIXED64):
        zeroCount = reader.fixed64();
        break;
      case tag(8, LENGTH_DELIMITED):
        positive = within(reader, () => readBuckets(reader));
        break;
      case tag(9, LENGTH_DELIMITED):
        negative = within(reader, () => readBuckets(reader));
        break;
      case tag(10, VARINT):
        flags = reader.uint32();
        break;
      case tag(14, FIXED64):
        zeroThreshold = reader.double();
        break;
      default:
        reader.skip(t & 7);
    }
  }
  return { attributes, startMs, timeMs, count, sum, scale, zeroCount, zeroThreshold, positive, negative, flags };
}

function readSummaryPoint(reader: ProtoReader): SummaryPoint {
  const attributes: [string, string][] = [];
  let startMs = 0;
  let timeMs = 0;
  let count = 0;
  let sum = 0;
  const quantiles: [number, number][] = [];
  let flags = 0;
  while (!reader.done()) {
    const t = reader.tag();
    switch (t) {
      case tag(7, LENGTH_DELIMITED):
        readAttribute(reader, attributes);
        break;
      case tag(2, FIXED64):
        startMs = nanosToMs(reader.fixed64());
        break;
      case tag(3, FIXED64):
        timeMs = nanosToMs(reader.fixed64());
        break;
      case tag(4, FIXED64):
        count = reader.fixed64();
        break;
      case tag(5, FIXED64):
        sum = reader.double();
        break;
      case tag(6, LENGTH_DELIMITED):
        quantiles.push(
          within(reader, () => {
            let quantile = 0;
            let value = 0;
            while (!reader.done()) {
              const field = reader.tag();
              if (field === tag(1, FIXED64)) quantile = reader.double();
              else if (field === tag(2, FIXED64)) value = reader.double();
              else reader.skip(field & 7);
            }
            return [quantile, value] as [number, number];
          }),
        );
        break;
      case tag(8, VARINT):
        flags = reader.uint32();
        break;
      default:
        reader.skip(t & 7);
    }
  }
  return { attributes, startMs, timeMs, count, sum, quantiles, flags };
}
