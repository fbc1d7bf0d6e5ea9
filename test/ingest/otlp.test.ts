import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createHttpApp } from '../../src/api/index.js';
import { requireScope } from '../../src/auth/index.js';
import { createIngest, decodeOtlpJson, decodeOtlpProto, otlpToSeries } from '../../src/ingest/index.js';
import type { DecodeStats } from '../../src/ingest/index.js';
import { START_MS, T_MS, sampleRequestJson, toProtobuf } from './otlp-fixtures.js';
import { RecordingAppender } from './recording-appender.js';
import { ExportMetricsServiceResponse } from './schemas.js';

const stats = (): DecodeStats => ({ series: 0, samples: 0, unmatched: 0, invalid: 0, invalidReasons: [], histograms: 0, invalidHistograms: 0, exemplars: 0, metadata: 0 });
const everything = { wantsMetric: () => true, bucketBounds: (name: string) => (name === 'rpc_duration_milliseconds_bucket' ? [100, 200, 1000] : []) };
const job = 'shop/checkout';

describe('OTLP decoders: protobuf (encoded by protobufjs) and JSON give the same metrics', () => {
  it('decodes both encodings of the same request identically', () => {
    const json = sampleRequestJson();
    const fromJson = decodeOtlpJson(Buffer.from(JSON.stringify(json)), 10_000);
    const fromProto = decodeOtlpProto(toProtobuf(json), 10_000);
    expect(fromProto).toEqual(fromJson);
    expect(fromJson.resourceMetrics[0]?.metrics.map((metric) => metric.type)).toEqual(['sum', 'histogram', 'exponential_histogram', 'gauge', 'summary', 'sum']);
  });

  it('translates names and labels as Prometheus does, histograms into cumulative _bucket series', () => {
    const series = otlpToSeries(decodeOtlpProto(toProtobuf(sampleRequestJson()), 10_000), everything, stats());
    const byName = (name: string) => series.filter((one) => one.labels.__name__ === name);
    expect(byName('http_server_requests_total')).toEqual([
      { labels: { __name__: 'http_server_requests_total', http_response_status_code: '200', http_route: '/pay', job, instance: 'pod-1' }, timestamps: [T_MS], values: [990], startTimeMs: START_MS },
      { labels: { __name__: 'http_server_requests_total', http_response_status_code: '500', http_route: '/pay', job, instance: 'pod-1' }, timestamps: [T_MS], values: [10], startTimeMs: START_MS },
    ]);
    expect(byName('http_server_request_duration_seconds_bucket').map((one) => [one.labels.le, one.values[0]])).toEqual([
      ['0.1', 50],
      ['0.3', 80],
      ['1', 95],
      ['+Inf', 100],
    ]);
    expect(byName('http_server_request_duration_seconds_count')[0]?.values).toEqual([100]);
    expect(byName('http_server_request_duration_seconds_sum')[0]?.values).toEqual([21.5]);
    expect(byName('queue_depth')).toEqual([{ labels: { __name__: 'queue_depth', queue: 'payments', job, instance: 'pod-1' }, timestamps: [T_MS], values: [7.5], temporality: 'gauge' }]);
    expect(byName('db_latency_seconds').map((one) => [one.labels.quantile, one.values[0]])).toEqual([
      ['0.5', 0.4],
      ['0.99', 0.9],
    ]);
    expect(byName('go_memory_used_bytes')[0]?.temporality).toBe('gauge');
    // host.name is a resource attribute: not a label (Prometheus puts it on target_info).
    expect(series.every((one) => one.labels.host_name === undefined)).toBe(true);
  });

  it('exposes an exponential histogram as _bucket series at the bounds SLIs read, delta stays delta', () => {
    const series = otlpToSeries(decodeOtlpProto(toProtobuf(sampleRequestJson()), 10_000), everything, stats());
    const buckets = series.filter((one) => one.labels.__name__ === 'rpc_duration_milliseconds_bucket');
    // scale 0: bucket i holds (2^i, 2^(i+1)]; offset 5: (32,64]=2, (64,128]=3, (128,256]=4, (256,512]=2; zero bucket 1.
    // Interpolated within the bucket as histogram_fraction does: le=100 lies in (64,128]: 1+2 + 3·(100-64)/64 = 4.6875;
    // le=200 in (128,256]: 1+2+3 + 4·(200-128)/128 = 8.25; le=1000 beyond every bucket → 12.
    expect(buckets.map((one) => [one.labels.le, one.values[0], one.temporality])).toEqual([
      ['100', 4.6875, 'delta'],
      ['200', 8.25, 'delta'],
      ['1000', 12, 'delta'],
      ['+Inf', 12, 'delta'],
    ]);
  });

  it('builds labels only for metrics an SLI reads, and counts the rest as unmatched', () => {
    const counted = stats();
    const series = otlpToSeries(decodeOtlpJson(Buffer.from(JSON.stringify(sampleRequestJson())), 10_000), { wantsMetric: (name) => name === 'http_server_requests_total', bucketBounds: () => [] }, counted);
    expect(series).toHaveLength(2);
    expect(counted).toMatchObject({ samples: 7, unmatched: 5, invalid: 0 });
  });

  it('refuses, point by point, what cannot be read, with reasons', () => {
    const json = {
      resourceMetrics: [
        {
          scopeMetrics: [
            {
              metrics: [
                { name: 'a', sum: { aggregationTemporality: 0, isMonotonic: true, dataPoints: [{ timeUnixNano: '1', asInt: '1' }] } },
                { name: 'b', gauge: { dataPoints: [{ timeUnixNano: '1764158400000000000' }, { asDouble: 1 }] } },
                { name: 'c', histogram: { aggregationTemporality: 2, dataPoints: [{ timeUnixNano: '1764158400000000000', count: '3', bucketCounts: ['1', '2'], explicitBounds: [1, 2] }] } },
              ],
            },
          ],
        },
      ],
    };
    const counted = stats();
    expect(otlpToSeries(decodeOtlpJson(Buffer.from(JSON.stringify(json)), 100), everything, counted)).toEqual([]);
    expect(counted.invalid).toBe(4);
    expect(counted.invalidReasons).toEqual(['metric a: aggregation temporality unspecified', 'metric b: a data point without a value', 'metric b: a data point without time_unix_nano', 'metric c: 2 bucket counts for 2 bounds']);
  });

  it('refuses JSON of the wrong shape with a 400 naming where', () => {
    expect(() => decodeOtlpJson(Buffer.from('{"resourceMetrics": {}}'), 10)).toThrow(/\$\.resourceMetrics: expected an array/);
    expect(() => decodeOtlpJson(Buffer.from('{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"x","gauge":{"dataPoints":[{"asInt":"12a"}]}}]}]}]}'), 10)).toThrow(/asInt: expected an integer/);
    expect(() => decodeOtlpJson(Buffer.from('not json'), 10)).toThrow(expect.objectContaining({ status: 400 }));
  });
});

describe('POST /v1/metrics', () => {
  function setup(options: { writeToken?: string } = {}) {
    const { writeToken } = options;
    const appender = new RecordingAppender((name) => name.startsWith('http_server'));
    const ingest = createIngest({ appender, ...(writeToken === undefined ? {} : { guard: requireScope('write', { writeToken }) }) });
    return { app: createHttpApp(ingest.routes, { notReadyReasons: () => [] }), appender };
  }

  it('accepts protobuf and answers an empty ExportMetricsServiceResponse in protobuf', async () => {
    const { app, appender } = setup();
    const response = await app.request('/v1/metrics', { method: 'POST', body: new Uint8Array(toProtobuf(sampleRequestJson())), headers: { 'content-type': 'application/x-protobuf' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/x-protobuf');
    expect(new Uint8Array(await response.arrayBuffer())).toHaveLength(0);
    expect(appender.latest({ __name__: 'http_server_requests_total' })).toBe(1000);
    expect(appender.samples.every((sample) => sample.protocol === 'otlp')).toBe(true);
  });

  it('accepts gzip-compressed JSON and reports rejected points in partialSuccess, in JSON', async () => {
    const { app, appender } = setup();
    const json = sampleRequestJson();
    const metrics = (json.resourceMetrics as { scopeMetrics: { metrics: unknown[] }[] }[])[0]!.scopeMetrics[0]!.metrics;
    metrics.push({ name: 'http.server.broken', sum: { aggregationTemporality: 2, isMonotonic: true, dataPoints: [{ timeUnixNano: '1764158400000000000' }] } });
    const response = await app.request('/v1/metrics', { method: 'POST', body: new Uint8Array(gzipSync(JSON.stringify(json))), headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ partialSuccess: { rejectedDataPoints: '1', errorMessage: 'metric http.server.broken: a data point without a value' } });
    expect(appender.latest({ __name__: 'http_server_requests_total' })).toBe(1000);
  });

  it('reports rejections in a protobuf partial_success too', async () => {
    const { app } = setup();
    const json = { resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'http.server.x', gauge: { dataPoints: [{ asDouble: 1 }] } }] }] }] };
    const response = await app.request('/v1/metrics', { method: 'POST', body: new Uint8Array(toProtobuf(json)), headers: { 'content-type': 'application/x-protobuf' } });
    const decoded = ExportMetricsServiceResponse.toObject(ExportMetricsServiceResponse.decode(new Uint8Array(await response.arrayBuffer())), { longs: String });
    expect(decoded).toEqual({ partial_success: { rejected_data_points: '1', error_message: 'metric http.server.x: a data point without time_unix_nano' } });
  });

  it('counts a redelivered export once', async () => {
    const { app, appender } = setup();
    const body = new Uint8Array(toProtobuf(sampleRequestJson()));
    for (let i = 0; i < 2; i++) expect((await app.request('/v1/metrics', { method: 'POST', body, headers: { 'content-type': 'application/x-protobuf' } })).status).toBe(200);
    expect(appender.samples.filter((sample) => sample.labels.__name__ === 'http_server_requests_total')).toHaveLength(2);
  });

  it('answers 415 for other content types, 400 for a malformed body, 401 without the token', async () => {
    const { app } = setup();
    expect((await app.request('/v1/metrics', { method: 'POST', body: 'x', headers: { 'content-type': 'text/plain' } })).status).toBe(415);
    expect((await app.request('/v1/metrics', { method: 'POST', body: new Uint8Array([0x0a, 0x05, 0x01]), headers: { 'content-type': 'application/x-protobuf' } })).status).toBe(400);
    const secured = setup({ writeToken: 't' });
    expect((await secured.app.request('/v1/metrics', { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } })).status).toBe(401);
    expect((await secured.app.request('/v1/metrics', { method: 'POST', body: '{}', headers: { 'content-type': 'application/json', authorization: 'Bearer t' } })).status).toBe(200);
  });
});
