import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordSpan, startTracing, traceRequests, withSpan } from './tracing.js';

/** A minimal OTLP/HTTP receiver: keeps the bodies posted to /v1/traces. */
function receiver(): Promise<{ url: string; bodies: Buffer[]; close: () => Promise<void> }> {
  const bodies: Buffer[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.url === '/v1/traces' && request.headers['content-type'] === 'application/x-protobuf') bodies.push(Buffer.concat(chunks));
      response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ url: `http://127.0.0.1:${port}`, bodies, close: () => new Promise((done) => server.close(() => done())) });
    });
  });
}

describe('tracing', () => {
  let otlp: Awaited<ReturnType<typeof receiver>>;
  beforeAll(async () => {
    otlp = await receiver();
  });
  afterAll(async () => {
    await otlp.close();
  });

  it('is off without an endpoint', async () => {
    const tracing = startTracing({});
    expect(tracing.enabled).toBe(false);
    expect(withSpan('noop', {}, () => 7)).toBe(7);
    await tracing.shutdown();
  });

  it('exports spans of requests and evaluations over OTLP/HTTP protobuf when OTEL_EXPORTER_OTLP_ENDPOINT is set', async () => {
    const tracing = startTracing({ OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url, OTEL_SERVICE_NAME: 'sloe-test' });
    expect(tracing.enabled).toBe(true);
    expect(tracing.endpoint).toBe(`${otlp.url}/v1/traces`);
    const app = new Hono();
    app.use('/api/*', traceRequests());
    app.post('/api/v1/gates/:service', (c) => c.json({ decision: withSpan('policy.decide', { service: c.req.param('service') }, () => 'allow') }));
    const response = await app.request('/api/v1/gates/checkout', {
      method: 'POST',
      headers: { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' },
    });
    expect(response.status).toBe(200);
    expect(() => withSpan('engine.evaluate', {}, () => { throw new Error('tick failed'); })).toThrow('tick failed');
    recordSpan('engine.tick', Date.now() - 25, Date.now(), { 'sloe.objectives': 4 });
    await tracing.shutdown();
    const exported = Buffer.concat(otlp.bodies);
    expect(exported.length).toBeGreaterThan(0);
    const text = exported.toString('latin1');
    expect(text).toContain('POST /api/v1/gates/:service');
    expect(text).toContain('policy.decide');
    expect(text).toContain('engine.evaluate');
    expect(text).toContain('tick failed');
    expect(text).toContain('engine.tick');
    expect(text).toContain('sloe-test');
    // The request continued the caller's trace: its trace id is in the export, as raw bytes.
    expect(exported.includes(Buffer.from('4bf92f3577b34da6a3ce929d0e0e4736', 'hex'))).toBe(true);
  });
});
