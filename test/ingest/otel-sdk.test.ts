/**
 * The real OpenTelemetry JS SDK exporting to sloe over HTTP: protobuf (exporter-metrics-otlp-proto) with cumulative
 * temporality, and JSON (exporter-metrics-otlp-http) with delta temporality. The counters and histograms it sends give
 * the SLI the test recorded.
 */
import { OTLPMetricExporter as ProtoExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { AggregationTemporalityPreference, OTLPMetricExporter as JsonExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AggregationType, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import type { PushMetricExporter } from '@opentelemetry/sdk-metrics';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpApp, startServer } from '../../src/api/index.js';
import type { RunningServer } from '../../src/api/index.js';
import { requireScope } from '../../src/auth/index.js';
import { createIngest } from '../../src/ingest/index.js';
import { RecordingAppender } from './recording-appender.js';

const METRICS = ['http_server_requests_total', 'checkout_latency_seconds_bucket', 'rpc_latency_seconds_bucket', 'rpc_latency_seconds_count'];

let server: RunningServer | undefined;
afterEach(async () => {
  await server?.close(100);
  server = undefined;
});

async function sloe(): Promise<{ url: string; appender: RecordingAppender }> {
  const appender = new RecordingAppender(METRICS);
  const ingest = createIngest({ appender, guard: requireScope('write', { writeToken: 'otel-token' }), bucketBounds: (name) => (name === 'rpc_latency_seconds_bucket' ? [0.3] : []) });
  server = await startServer(createHttpApp(ingest.routes, { notReadyReasons: () => [] }), '127.0.0.1:0');
  return { url: `http://127.0.0.1:${server.address.port}/v1/metrics`, appender };
}

/** Records a known workload in two rounds, exporting after each. */
async function workload(exporter: PushMetricExporter): Promise<void> {
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': 'checkout', 'service.instance.id': 'pod-1' }),
    readers: [new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 600_000 })],
    views: [
      { instrumentName: 'checkout.latency', aggregation: { type: AggregationType.EXPLICIT_BUCKET_HISTOGRAM, options: { boundaries: [0.1, 0.3, 1] } } },
      { instrumentName: 'rpc.latency', aggregation: { type: AggregationType.EXPONENTIAL_HISTOGRAM, options: { maxSize: 160 } } },
    ],
  });
  const meter = provider.getMeter('otel-sdk-test');
  const requests = meter.createCounter('http.server.requests', { unit: '{request}' });
  const latency = meter.createHistogram('checkout.latency', { unit: 's' });
  const rpc = meter.createHistogram('rpc.latency', { unit: 's' });
  for (const round of [1, 2]) {
    requests.add(495 * round, { 'http.response.status_code': 200 });
    requests.add(5 * round, { 'http.response.status_code': 500 });
    for (let i = 0; i < 100; i++) {
      latency.record(i < 70 ? 0.05 : i < 90 ? 0.2 : 2);
      rpc.record(i < 90 ? 0.05 + i / 10_000 : 2);
    }
    await provider.forceFlush();
  }
  await provider.shutdown();
}

/** Sum of a delta stream, or the last value of a cumulative one, over every series matching. */
function events(appender: RecordingAppender, match: Record<string, string>): number {
  const matching = appender.samples.filter((sample) => Object.entries(match).every(([k, v]) => sample.labels[k] === v));
  if (matching.length === 0) throw new Error(`no samples for ${JSON.stringify(match)}`);
  return matching.every((sample) => sample.temporality === 'delta') ? matching.reduce((sum, sample) => sum + sample.value, 0) : appender.latest(match);
}

function expectSlis(appender: RecordingAppender): void {
  const good = events(appender, { __name__: 'http_server_requests_total', http_response_status_code: '200' });
  const total = events(appender, { __name__: 'http_server_requests_total' });
  expect(total).toBe(1500);
  expect(good / total).toBeCloseTo(0.99, 10);
  const fast = events(appender, { __name__: 'checkout_latency_seconds_bucket', le: '0.3' });
  const all = events(appender, { __name__: 'checkout_latency_seconds_bucket', le: '+Inf' });
  expect([fast, all]).toEqual([180, 200]);
  const rpcFast = events(appender, { __name__: 'rpc_latency_seconds_bucket', le: '0.3' });
  const rpcAll = events(appender, { __name__: 'rpc_latency_seconds_bucket', le: '+Inf' });
  expect([rpcFast, rpcAll]).toEqual([180, 200]);
  expect(appender.samples.every((sample) => sample.labels.job === 'checkout' && sample.labels.instance === 'pod-1')).toBe(true);
}

describe('OpenTelemetry JS SDK to sloe', () => {
  it('protobuf, cumulative: counters and histograms give the expected SLIs', async () => {
    const { url, appender } = await sloe();
    await workload(new ProtoExporter({ url, headers: { Authorization: 'Bearer otel-token' } }));
    expect(appender.samples.every((sample) => sample.protocol === 'otlp' && sample.temporality !== 'delta')).toBe(true);
    expect(appender.samples.some((sample) => sample.startTimeMs !== undefined && sample.startTimeMs > 0)).toBe(true);
    expectSlis(appender);
  });

  it('JSON, delta temporality: the same SLIs from delta points', async () => {
    const { url, appender } = await sloe();
    await workload(new JsonExporter({ url, headers: { Authorization: 'Bearer otel-token' }, temporalityPreference: AggregationTemporalityPreference.DELTA }));
    expect(appender.samples.filter((sample) => sample.labels.__name__ === 'http_server_requests_total').every((sample) => sample.temporality === 'delta')).toBe(true);
    expectSlis(appender);
  });

  it('an exporter without the token is refused and records nothing', async () => {
    const { url, appender } = await sloe();
    const exporter = new ProtoExporter({ url });
    const result = await new Promise<{ code: number; error?: Error }>((resolve) => {
      exporter.export({ resource: resourceFromAttributes({ 'service.name': 'x' }), scopeMetrics: [] }, resolve);
    });
    expect(result.code).not.toBe(0);
    expect(String(result.error)).toMatch(/401|Unauthorized/i);
    expect(appender.samples).toHaveLength(0);
    await exporter.shutdown();
  });
});
