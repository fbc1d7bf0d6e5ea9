import { SloeError } from '../../core/index.js';
import { malformed } from '../wire/malformed.js';
import type {
  Attributes,
  ExponentialBuckets,
  ExponentialHistogramPoint,
  HistogramPoint,
  NumberPoint,
  OtlpMetric,
  OtlpRequest,
  OtlpResourceMetrics,
  PointBase,
  SummaryPoint,
} from './model.js';
import { formatAttributeDouble, nanosToMs } from './model.js';

type Obj = Record<string, unknown>;

const TEMPORALITY_NAMES: Readonly<Record<string, number>> = {
  AGGREGATION_TEMPORALITY_UNSPECIFIED: 0,
  AGGREGATION_TEMPORALITY_DELTA: 1,
  AGGREGATION_TEMPORALITY_CUMULATIVE: 2,
};

/**
 * Decodes the OTLP/HTTP JSON encoding of an `ExportMetricsServiceRequest`: lowerCamelCase keys (snake_case accepted
 * too), 64-bit integers as decimal strings (or numbers), enums as integers (or their names). Unknown keys are ignored,
 * as the specification asks; a known key with the wrong type is a 400 naming where it is.
 */
export function decodeOtlpJson(body: Uint8Array, maxPoints: number): OtlpRequest {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
  } catch (error) {
    throw malformed(`invalid JSON: ${error instanceof Error ? error.message : String(error)}`, error);
  }
  const root = object(parsed, '$');
  const budget = { points: 0, maxPoints };
  return { resourceMetrics: list(root, 'resourceMetrics', '$').map((item, i) => readResourceMetrics(object(item, `$.resourceMetrics[${i}]`), `$.resourceMetrics[${i}]`, budget)) };
}

function snake(key: string): string {
  return key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

function get(obj: Obj, key: string): unknown {
  return obj[key] ?? obj[snake(key)];
}

function object(value: unknown, path: string): Obj {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw malformed(`${path}: expected an object`);
  return value as Obj;
}

function list(obj: Obj, key: string, path: string): unknown[] {
  const value = get(obj, key);
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw malformed(`${path}.${key}: expected an array`);
  return value;
}

function text(obj: Obj, key: string, path: string): string {
  const value = get(obj, key);
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw malformed(`${path}.${key}: expected a string`);
  return value;
}

/** A 64-bit integer: a decimal string or a number. */
function int64(value: unknown, path: string): number {
  if (value === undefined || value === null) return 0;
  if (typeof value === 'number' && Number.isFinite(value)) return Math.trunc(value);
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return Number(value);
  throw malformed(`${path}: expected an integer (a decimal string or a number)`);
}

function double(value: unknown, path: string): number {
  if (typeof value === 'number') return value;
  if (value === 'NaN') return Number.NaN;
  if (value === 'Infinity') return Number.POSITIVE_INFINITY;
  if (value === '-Infinity') return Number.NEGATIVE_INFINITY;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  throw malformed(`${path}: expected a number`);
}

function optionalDouble(obj: Obj, key: string, path: string): number | undefined {
  const value = get(obj, key);
  return value === undefined || value === null ? undefined : double(value, `${path}.${key}`);
}

function enumValue(value: unknown, names: Readonly<Record<string, number>>, path: string): number {
  if (value === undefined || value === null) return 0;
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && names[value] !== undefined) return names[value];
  throw malformed(`${path}: expected an enum value`);
}

function readResourceMetrics(obj: Obj, path: string, budget: { points: number; maxPoints: number }): OtlpResourceMetrics {
  const resourceValue = get(obj, 'resource');
  const resource = resourceValue === undefined || resourceValue === null ? [] : readAttributes(object(resourceValue, `${path}.resource`), `${path}.resource`);
  const metrics: OtlpMetric[] = [];
  list(obj, 'scopeMetrics', path).forEach((scopeItem, i) => {
    const scopePath = `${path}.scopeMetrics[${i}]`;
    const scope = object(scopeItem, scopePath);
    list(scope, 'metrics', scopePath).forEach((metricItem, j) => metrics.push(readMetric(object(metricItem, `${scopePath}.metrics[${j}]`), `${scopePath}.metrics[${j}]`, budget)));
  });
  return { resource, metrics };
}

function readAttributes(obj: Obj, path: string, key = 'attributes'): Attributes {
  return list(obj, key, path).map((item, i) => {
    const kv = object(item, `${path}.${key}[${i}]`);
    const value = get(kv, 'value');
    return [text(kv, 'key', `${path}.${key}[${i}]`), value === undefined || value === null ? '' : anyValue(object(value, `${path}.${key}[${i}].value`), `${path}.${key}[${i}].value`)] as const;
  });
}

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

function anyValue(obj: Obj, path: string): string {
  const json = anyValueJson(obj, path);
  return typeof json === 'string' ? json : JSON.stringify(json);
}

function anyValueJson(obj: Obj, path: string): Json {
  const stringValue = get(obj, 'stringValue');
  if (stringValue !== undefined) return text(obj, 'stringValue', path);
  const boolValue = get(obj, 'boolValue');
  if (boolValue !== undefined) return boolValue === true ? 'true' : 'false';
  const intValue = get(obj, 'intValue');
  if (intValue !== undefined) return String(int64(intValue, `${path}.intValue`));
  const doubleValue = get(obj, 'doubleValue');
  if (doubleValue !== undefined) return formatAttributeDouble(double(doubleValue, `${path}.doubleValue`));
  const arrayValue = get(obj, 'arrayValue');
  if (arrayValue !== undefined) {
    const array = object(arrayValue, `${path}.arrayValue`);
    return list(array, 'values', `${path}.arrayValue`).map((item, i) => anyValueJson(object(item, `${path}.arrayValue.values[${i}]`), `${path}.arrayValue.values[${i}]`));
  }
  const kvlistValue = get(obj, 'kvlistValue');
  if (kvlistValue !== undefined) {
    const kvlist = object(kvlistValue, `${path}.kvlistValue`);
    const entries: Record<string, Json> = {};
    list(kvlist, 'values', `${path}.kvlistValue`).forEach((item, i) => {
      const kv = object(item, `${path}.kvlistValue.values[${i}]`);
      const inner = get(kv, 'value');
      entries[text(kv, 'key', path)] = inner === undefined || inner === null ? '' : anyValueJson(object(inner, path), path);
    });
    return entries;
  }
  const bytesValue = get(obj, 'bytesValue');
  if (bytesValue !== undefined) return text(obj, 'bytesValue', path);
  return '';
}

function readMetric(obj: Obj, path: string, budget: { points: number; maxPoints: number }): OtlpMetric {
  const name = text(obj, 'name', path);
  const unit = text(obj, 'unit', path);
  const container = (key: string): Obj | undefined => {
    const value = get(obj, key);
    return value === undefined || value === null ? undefined : object(value, `${path}.${key}`);
  };
  const points = <P>(data: Obj, key: string, read: (point: Obj, pointPath: string) => P): P[] =>
    list(data, 'dataPoints', `${path}.${key}`).map((item, i) => {
      if (++budget.points > budget.maxPoints) throw new SloeError('payload_too_large', `more than ${budget.maxPoints} data points in one request; send smaller batches`, { status: 413 });
      const pointPath = `${path}.${key}.dataPoints[${i}]`;
      return read(object(item, pointPath), pointPath);
    });
  const temporality = (data: Obj, key: string) => enumValue(get(data, 'aggregationTemporality'), TEMPORALITY_NAMES, `${path}.${key}.aggregationTemporality`);

  const gauge = container('gauge');
  if (gauge) return { name, unit, type: 'gauge', points: points(gauge, 'gauge', readNumberPoint) };
  const sum = container('sum');
  if (sum) return { name, unit, type: 'sum', temporality: temporality(sum, 'sum'), monotonic: get(sum, 'isMonotonic') === true, points: points(sum, 'sum', readNumberPoint) };
  const histogram = container('histogram');
  if (histogram) return { name, unit, type: 'histogram', temporality: temporality(histogram, 'histogram'), points: points(histogram, 'histogram', readHistogramPoint) };
  const exponential = container('exponentialHistogram');
  if (exponential) return { name, unit, type: 'exponential_histogram', temporality: temporality(exponential, 'exponentialHistogram'), points: points(exponential, 'exponentialHistogram', readExponentialPoint) };
  const summary = container('summary');
  if (summary) return { name, unit, type: 'summary', points: points(summary, 'summary', readSummaryPoint) };
  return { name, unit, type: 'empty', points: [] };
}

function base(point: Obj, path: string): PointBase {
  return {
    attributes: readAttributes(point, path),
    startMs: nanosToMs(int64(get(point, 'startTimeUnixNano'), `${path}.startTimeUnixNano`)),
    timeMs: nanosToMs(int64(get(point, 'timeUnixNano'), `${path}.timeUnixNano`)),
    flags: int64(get(point, 'flags'), `${path}.flags`),
  };
}

function readNumberPoint(point: Obj, path: string): NumberPoint {
  const asDouble = get(point, 'asDouble');
  const asInt = get(point, 'asInt');
  const value = asDouble !== undefined && asDouble !== null ? double(asDouble, `${path}.asDouble`) : asInt !== undefined && asInt !== null ? int64(asInt, `${path}.asInt`) : undefined;
  return { ...base(point, path), value };
}

function int64List(obj: Obj, key: string, path: string): number[] {
  return list(obj, key, path).map((item, i) => int64(item, `${path}.${key}[${i}]`));
}

function readHistogramPoint(point: Obj, path: string): HistogramPoint {
  return {
    ...base(point, path),
    count: int64(get(point, 'count'), `${path}.count`),
    sum: optionalDouble(point, 'sum', path),
    bucketCounts: int64List(point, 'bucketCounts', path),
    explicitBounds: list(point, 'explicitBounds', path).map((item, i) => double(item, `${path}.explicitBounds[${i}]`)),
  };
}

function readBuckets(point: Obj, key: string, path: string): ExponentialBuckets {
  const value = get(point, key);
  if (value === undefined || value === null) return { offset: 0, counts: [] };
  const buckets = object(value, `${path}.${key}`);
  return { offset: int64(get(buckets, 'offset'), `${path}.${key}.offset`), counts: int64List(buckets, 'bucketCounts', `${path}.${key}`) };
}

function readExponentialPoint(point: Obj, path: string): ExponentialHistogramPoint {
  return {
    ...base(point, path),
    count: int64(get(point, 'count'), `${path}.count`),
    sum: optionalDouble(point, 'sum', path),
    scale: int64(get(point, 'scale'), `${path}.scale`),
    zeroCount: int64(get(point, 'zeroCount'), `${path}.zeroCount`),
    zeroThreshold: optionalDouble(point, 'zeroThreshold', path) ?? 0,
    positive: readBuckets(point, 'positive', path),
    negative: readBuckets(point, 'negative', path),
  };
}

function readSummaryPoint(point: Obj, path: string): SummaryPoint {
  return {
    ...base(point, path),
    count: int64(get(point, 'count'), `${path}.count`),
    sum: optionalDouble(point, 'sum', path) ?? 0,
    quantiles: list(point, 'quantileValues', path).map((item, i) => {
      const q = object(item, `${path}.quantileValues[${i}]`);
      return [optionalDouble(q, 'quantile', path) ?? 0, optionalDouble(q, 'value', path) ?? 0] as const;
    }),
  };
}
