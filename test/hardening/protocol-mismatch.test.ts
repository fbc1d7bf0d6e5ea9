/**
 * A remote-write body of one version sent with the other version's Content-Type (issue #21): each decoder skips the
 * other version's fields as unknown, so such a body used to be acknowledged with 204 and silently dropped. It is a 400
 * naming both versions and the Content-Type to send, and nothing of it is appended; well-formed requests, including
 * 1.0 metadata-only ones, still get 204.
 */
import { compressSync } from 'snappy';
import { describe, expect, it } from 'vitest';
import { createHttpApp } from '../../src/api/index.js';
import { createIngest } from '../../src/ingest/index.js';
import { RecordingAppender } from '../ingest/recording-appender.js';
import { encodeV1, encodeV2 } from '../ingest/schemas.js';

const T = 1_764_158_400_000;
const V1 = { 'content-type': 'application/x-protobuf', 'content-encoding': 'snappy', 'x-prometheus-remote-write-version': '0.1.0' };
const V2 = { 'content-type': 'application/x-protobuf;proto=io.prometheus.write.v2.Request', 'content-encoding': 'snappy', 'x-prometheus-remote-write-version': '2.0.0' };
const SERIES = [{ labels: { __name__: 'http_requests_total', job: 'api', code: '200' }, samples: [{ value: 7, timestamp: T }] }];

function setup() {
  const appender = new RecordingAppender(['http_requests_total']);
  const app = createHttpApp(createIngest({ appender }).routes, { notReadyReasons: () => [] });
  const write = (body: Uint8Array, headers: Record<string, string>) => app.request('/api/v1/write', { method: 'POST', body: new Uint8Array(compressSync(Buffer.from(body))), headers });
  return { appender, write };
}

describe('remote-write version against content', () => {
  it('refuses a 1.0 body sent as 2.0 with 400 and the reason', async () => {
    const { appender, write } = setup();
    const response = await write(encodeV1(SERIES), V2);
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe('malformed_request');
    expect(error.message).toMatch(/the body is remote write 1\.0 .* but Content-Type announces remote write 2\.0/);
    expect(error.message).toContain('proto=prometheus.WriteRequest');
    expect(appender.samples).toHaveLength(0);
  });

  it('refuses a 2.0 body sent as 1.0 with 400 and the reason', async () => {
    const { appender, write } = setup();
    const response = await write(encodeV2(SERIES), V1);
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as { error: { message: string } };
    expect(error.message).toMatch(/the body is remote write 2\.0 .* but Content-Type announces remote write 1\.0/);
    expect(appender.samples).toHaveLength(0);
  });

  it('still accepts each version with its own Content-Type, a 1.0 metadata-only request and an empty body', async () => {
    const { appender, write } = setup();
    expect((await write(encodeV1(SERIES), V1)).status).toBe(204);
    expect((await write(encodeV2([{ ...SERIES[0]!, samples: [{ value: 9, timestamp: T + 1000 }] }]), V2)).status).toBe(204);
    expect((await write(encodeV1([], { metadata: [{ type: 1, metric_family_name: 'http_requests_total', help: 'Requests.' }] }), V1)).status).toBe(204);
    expect((await write(new Uint8Array(0), V2)).status).toBe(204);
    expect(appender.samples.map((sample) => sample.value)).toEqual([7, 9]);
  });
});
