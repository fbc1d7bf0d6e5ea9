import { compressSync } from 'snappy';
import { describe, expect, it } from 'vitest';
import { createHttpApp } from '../../src/api/index.js';
import { requireScope } from '../../src/auth/index.js';
import { createIngest } from '../../src/ingest/index.js';
import type { IngestOptions } from '../../src/ingest/index.js';
import { RecordingAppender } from './recording-appender.js';
import { encodeV1, encodeV2 } from './schemas.js';

const T = 1_764_158_400_000;
const V1_HEADERS = { 'content-type': 'application/x-protobuf', 'content-encoding': 'snappy', 'x-prometheus-remote-write-version': '0.1.0' };
const V2_HEADERS = { 'content-type': 'application/x-protobuf;proto=io.prometheus.write.v2.Request', 'content-encoding': 'snappy', 'x-prometheus-remote-write-version': '2.0.0' };

function setup(options: Partial<IngestOptions> = {}, appender = new RecordingAppender(['http_requests_total'])) {
  const ingest = createIngest({ appender, ...options });
  const app = createHttpApp(ingest.routes, { notReadyReasons: () => [] });
  return { app, appender, ingest };
}

function batch(count: number, timestamp = T) {
  return Array.from({ length: count }, (_, i) => ({
    labels: { __name__: i % 10 === 0 ? 'http_requests_total' : 'go_memstats_alloc_bytes', instance: `host-${i}`, job: 'api' },
    samples: [{ value: i, timestamp }],
  }));
}

const post = (body: Uint8Array, headers: Record<string, string> = V1_HEADERS): RequestInit => ({ method: 'POST', body: new Uint8Array(body), headers });

describe('POST /api/v1/write', () => {
  it('accepts a Prometheus-shaped batch of 500 one-sample series with 204 and appends only what SLIs need', async () => {
    const { app, appender } = setup();
    const response = await app.request('/api/v1/write', post(compressSync(encodeV1(batch(500)))));
    expect(response.status).toBe(204);
    expect(appender.samples).toHaveLength(50);
    expect(appender.samples.every((s) => s.labels.__name__ === 'http_requests_total' && s.protocol === 'remote_write')).toBe(true);
  });

  it('accepts metadata-only requests (no series), as Prometheus 2.42 sends them', async () => {
    const { app, appender } = setup();
    const body = encodeV1([], { metadata: [{ type: 1, metric_family_name: 'http_requests_total', help: 'Requests.' }] });
    expect((await app.request('/api/v1/write', post(compressSync(body)))).status).toBe(204);
    expect(appender.appendCalls).toEqual([]);
  });

  it('answers remote write 2.0 with the written-counts headers', async () => {
    const { app, appender } = setup();
    const response = await app.request('/api/v1/write', post(compressSync(encodeV2(batch(20))), V2_HEADERS));
    expect(response.status).toBe(204);
    expect(response.headers.get('x-prometheus-remote-write-samples-written')).toBe('20');
    expect(response.headers.get('x-prometheus-remote-write-histograms-written')).toBe('0');
    expect(response.headers.get('x-prometheus-remote-write-exemplars-written')).toBe('0');
    expect(appender.samples.map((s) => s.protocol)).toEqual(['remote_write_v2', 'remote_write_v2']);
  });

  it('counts a redelivered request once', async () => {
    const { app, appender } = setup();
    const body = compressSync(encodeV1(batch(100)));
    expect((await app.request('/api/v1/write', post(body))).status).toBe(204);
    expect((await app.request('/api/v1/write', post(body))).status).toBe(204);
    expect(appender.samples).toHaveLength(10);
  });

  it('refuses a malformed body with 400 and a reason, and loses nothing already committed', async () => {
    const { app, appender } = setup();
    await app.request('/api/v1/write', post(compressSync(encodeV1(batch(10)))));
    const garbage = await app.request('/api/v1/write', post(compressSync(Buffer.from([0x0a, 0x7f, 0x01]))));
    expect(garbage.status).toBe(400);
    expect(await garbage.json()).toEqual({ error: { code: 'malformed_request', message: expect.stringMatching(/past the end/) } });
    const notSnappy = await app.request('/api/v1/write', post(encodeV1(batch(10))));
    expect(notSnappy.status).toBe(400);
    expect(appender.samples).toHaveLength(1);
  });

  it('refuses a snappy bomb by its declared length with 413, before inflating it', async () => {
    const { app } = setup({ limits: { maxDecompressedBytes: 1024 * 1024 } });
    // A header declaring 4 GiB, followed by a few bytes: inflating it would fail or allocate; it must not get that far.
    const bomb = Buffer.from([0x80, 0x80, 0x80, 0x80, 0x10, 0x00, 0x61]);
    const response = await app.request('/api/v1/write', post(bomb));
    expect(response.status).toBe(413);
    expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(/declares 4294967296 bytes/);
    const honest = compressSync(Buffer.alloc(2 * 1024 * 1024));
    expect((await app.request('/api/v1/write', post(honest))).status).toBe(413);
  });

  it('refuses bodies over the compressed limit and requests over the series limit with 413', async () => {
    const { app } = setup({ limits: { maxBodyBytes: 100, maxSeriesPerRequest: 50 } });
    expect((await app.request('/api/v1/write', post(compressSync(encodeV1(batch(500)))))).status).toBe(413);
    const series = setup({ limits: { maxSeriesPerRequest: 50 } });
    const response = await series.app.request('/api/v1/write', post(compressSync(encodeV1(batch(51)))));
    expect(response.status).toBe(413);
    expect(await response.text()).toMatch(/more than 50 series/);
  });

  it('answers 415 for other content types, encodings and protobuf messages', async () => {
    const { app } = setup();
    const body = compressSync(encodeV1(batch(1)));
    for (const headers of [
      { ...V1_HEADERS, 'content-type': 'application/json' },
      { ...V1_HEADERS, 'content-encoding': 'gzip' },
      { ...V1_HEADERS, 'content-type': 'application/x-protobuf;proto=io.prometheus.write.v3.Request' },
    ]) {
      expect((await app.request('/api/v1/write', post(body, headers))).status).toBe(415);
    }
  });

  it('needs the write token when one is configured (Bearer, or Basic with the token as password)', async () => {
    const { app, appender } = setup({ guard: requireScope('write', { writeToken: 's3cret' }) });
    const body = compressSync(encodeV1(batch(10)));
    expect((await app.request('/api/v1/write', post(body))).status).toBe(401);
    expect((await app.request('/api/v1/write', post(body, { ...V1_HEADERS, authorization: 'Bearer wrong' }))).status).toBe(401);
    expect(appender.samples).toHaveLength(0);
    expect((await app.request('/api/v1/write', post(body, { ...V1_HEADERS, authorization: 'Bearer s3cret' }))).status).toBe(204);
    const basic = `Basic ${Buffer.from('prometheus:s3cret').toString('base64')}`;
    expect((await app.request('/api/v1/write', post(compressSync(encodeV1(batch(10, T + 1))), { ...V1_HEADERS, authorization: basic }))).status).toBe(204);
    expect(appender.samples).toHaveLength(2);
  });

  it('answers 429 with Retry-After while the write queue is full, and accepts again once it drains', async () => {
    const { app, ingest } = setup({ limits: { maxInFlightRequests: 1, retryAfterSeconds: 3 } });
    const hold = ingest.context.admission.admit(0);
    const body = compressSync(encodeV1(batch(10)));
    const refused = await app.request('/api/v1/write', post(body));
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('3');
    hold();
    expect((await app.request('/api/v1/write', post(body))).status).toBe(204);
  });

  it('answers 503 with Retry-After when the engine cannot commit, so the sender retries', async () => {
    const { app, appender } = setup();
    appender.failWith = new Error('SQLITE_FULL: database or disk is full');
    const response = await app.request('/api/v1/write', post(compressSync(encodeV1(batch(10)))));
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('1');
    appender.failWith = undefined;
    expect((await app.request('/api/v1/write', post(compressSync(encodeV1(batch(10)))))).status).toBe(204);
    expect(appender.samples).toHaveLength(1);
  });

  it('reports samples received and dropped before the engine in its metrics, and engine drops in 2.0 headers', async () => {
    const { Registry } = await import('prom-client');
    const registry = new Registry();
    const { app } = setup({ registry }, new RecordingAppender(['http_requests_total'], 2));
    const v1 = await app.request('/api/v1/write', post(compressSync(encodeV1(batch(50)))));
    expect(v1.status).toBe(204);
    const text = await registry.metrics();
    expect(text).toMatch(/sloe_ingest_received_samples_total\{protocol="remote_write"\} 50/);
    expect(text).toMatch(/sloe_ingest_prefiltered_samples_total\{protocol="remote_write",reason="unmatched"\} 45/);
    expect(text).toMatch(/sloe_ingest_requests_total\{protocol="remote_write",code="204"\} 1/);
    // Over the cardinality limit (2 series here), samples are not written: a 2.0 sender sees it in the header.
    const v2 = await app.request('/api/v1/write', post(compressSync(encodeV2(batch(50, T + 1))), V2_HEADERS));
    expect(v2.headers.get('x-prometheus-remote-write-samples-written')).toBe('47');
  });
});
