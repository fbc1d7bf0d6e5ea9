/** OTLP requests written in the OTLP/JSON encoding, and the same content as protobuf via protobufjs. */
import { ExportMetricsServiceRequest } from './schemas.js';

export const T_NANOS = '1764158400000000000';
export const T_MS = 1_764_158_400_000;
export const START_NANOS = '1764158000000000000';
export const START_MS = 1_764_158_000_000;

const attr = (key: string, value: Record<string, unknown>) => ({ key, value });

/** A service exporting a request counter, an exponential and an explicit-bucket latency histogram, a gauge, a summary. */
export function sampleRequestJson(): Record<string, unknown> {
  return {
    resourceMetrics: [
      {
        resource: { attributes: [attr('service.name', { stringValue: 'checkout' }), attr('service.namespace', { stringValue: 'shop' }), attr('service.instance.id', { stringValue: 'pod-1' }), attr('host.name', { stringValue: 'node-7' })] },
        scopeMetrics: [
          {
            scope: { name: 'checkout-instrumentation', version: '1.0.0' },
            metrics: [
              {
                name: 'http.server.requests',
                unit: '{request}',
                sum: {
                  aggregationTemporality: 2,
                  isMonotonic: true,
                  dataPoints: [
                    { attributes: [attr('http.response.status_code', { intValue: '200' }), attr('http.route', { stringValue: '/pay' })], startTimeUnixNano: START_NANOS, timeUnixNano: T_NANOS, asInt: '990' },
                    { attributes: [attr('http.response.status_code', { intValue: '500' }), attr('http.route', { stringValue: '/pay' })], startTimeUnixNano: START_NANOS, timeUnixNano: T_NANOS, asInt: '10' },
                  ],
                },
              },
              {
                name: 'http.server.request.duration',
                unit: 's',
                histogram: {
                  aggregationTemporality: 2,
                  dataPoints: [{ attributes: [attr('http.route', { stringValue: '/pay' })], startTimeUnixNano: START_NANOS, timeUnixNano: T_NANOS, count: '100', sum: 21.5, bucketCounts: ['50', '30', '15', '5'], explicitBounds: [0.1, 0.3, 1] }],
                },
              },
              {
                name: 'rpc.duration',
                unit: 'ms',
                exponentialHistogram: {
                  aggregationTemporality: 1,
                  dataPoints: [{ attributes: [], startTimeUnixNano: START_NANOS, timeUnixNano: T_NANOS, count: '12', sum: 1234.5, scale: 0, zeroCount: '1', positive: { offset: 5, bucketCounts: ['2', '3', '4', '2'] } }],
                },
              },
              { name: 'queue.depth', unit: '', gauge: { dataPoints: [{ attributes: [attr('queue', { stringValue: 'payments' })], timeUnixNano: T_NANOS, asDouble: 7.5 }] } },
              {
                name: 'db.latency',
                unit: 's',
                summary: { dataPoints: [{ attributes: [], startTimeUnixNano: START_NANOS, timeUnixNano: T_NANOS, count: '4', sum: 2, quantileValues: [{ quantile: 0.5, value: 0.4 }, { quantile: 0.99, value: 0.9 }] }] },
              },
              { name: 'go.memory.used', unit: 'By', sum: { aggregationTemporality: 2, isMonotonic: false, dataPoints: [{ timeUnixNano: T_NANOS, asInt: '1000' }] } },
            ],
          },
        ],
      },
    ],
  };
}

function snakeKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(snakeKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`), snakeKeys(inner)]));
}

/** The same request as protobuf bytes, encoded by protobufjs from the upstream schema. */
export function toProtobuf(json: Record<string, unknown>): Uint8Array {
  // fromObject reads int64 decimal strings itself (verify() would want numbers).
  return ExportMetricsServiceRequest.encode(ExportMetricsServiceRequest.fromObject(snakeKeys(json) as Record<string, unknown>)).finish();
}
