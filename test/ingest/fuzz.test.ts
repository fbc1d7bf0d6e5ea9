/**
 * fast-check: random and mutated remote-write and OTLP bodies never get a 5xx and never crash the process (a body that
 * happens to remain a valid message is accepted; everything else is a 4xx with a reason), and a valid request sent
 * twice changes nothing the second time, in the real engine.
 */
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { compressSync } from 'snappy';
import { describe, expect, it } from 'vitest';
import { createHttpApp } from '../../src/api/index.js';
import { Engine } from '../../src/engine/index.js';
import { createIngest } from '../../src/ingest/index.js';
import { loadSpecs } from '../../src/spec/index.js';
import { openMemoryStore } from '../../src/store/index.js';
import { START_MS, sampleRequestJson, toProtobuf } from './otlp-fixtures.js';
import { RecordingAppender } from './recording-appender.js';
import { encodeV1, encodeV2 } from './schemas.js';

const NOW = 1_764_158_400_000;
const RW = { 'content-type': 'application/x-protobuf', 'content-encoding': 'snappy' };
const RW2 = { ...RW, 'content-type': 'application/x-protobuf;proto=io.prometheus.write.v2.Request' };
const ACCEPTED = [200, 204, 400, 413, 415];

function recordingApp() {
  const ingest = createIngest({ appender: new RecordingAppender(() => true), limits: { maxDecompressedBytes: 1024 * 1024, maxSeriesPerRequest: 5_000 } });
  return createHttpApp(ingest.routes, { notReadyReasons: () => [] });
}

async function status(app: ReturnType<typeof recordingApp>, path: string, body: Uint8Array, headers: Record<string, string>): Promise<number> {
  const response = await app.request(path, { method: 'POST', body: new Uint8Array(body), headers });
  if (response.status >= 400) {
    const error = (await response.json()) as { error: { code: string; message: string } };
    expect(error.error.message.length).toBeGreaterThan(0);
  }
  return response.status;
}

/** Byte-level mutations of a valid body: flips, truncations, insertions, overwrites. */
const mutation = (length: number) =>
  fc.oneof(
    fc.record({ kind: fc.constant('flip' as const), at: fc.nat(length - 1), bits: fc.integer({ min: 1, max: 255 }) }),
    fc.record({ kind: fc.constant('truncate' as const), at: fc.nat(length - 1), bits: fc.constant(0) }),
    fc.record({ kind: fc.constant('insert' as const), at: fc.nat(length), bits: fc.integer({ min: 0, max: 255 }) }),
  );

function mutate(body: Uint8Array, mutations: readonly { kind: 'flip' | 'truncate' | 'insert'; at: number; bits: number }[]): Uint8Array {
  let out = Uint8Array.from(body);
  for (const { kind, at, bits } of mutations) {
    if (kind === 'flip' && out.length > 0) out[at % out.length]! ^= bits;
    else if (kind === 'truncate') out = out.subarray(0, Math.min(at, out.length));
    else {
      const position = Math.min(at, out.length);
      out = Uint8Array.from([...out.subarray(0, position), bits, ...out.subarray(position)]);
    }
  }
  return out;
}

const seriesArbitrary = fc.array(
  fc.record({
    labels: fc.record({ __name__: fc.constantFrom('http_requests_total', 'other_metric', 'x'), code: fc.constantFrom('200', '500', ''), job: fc.string({ maxLength: 8 }) }),
    samples: fc.array(fc.record({ value: fc.double({ noNaN: false }), timestamp: fc.integer({ min: -1e12, max: 4e12 }) }), { maxLength: 3 }),
  }),
  { maxLength: 12 },
);

describe('fuzzing the write endpoints', () => {
  it('random bytes, raw or snappy-compressed, never get a 5xx', async () => {
    const app = recordingApp();
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 600 }), fc.boolean(), fc.constantFrom(RW, RW2), async (bytes, compress, headers) => {
        expect(ACCEPTED).toContain(await status(app, '/api/v1/write', compress ? compressSync(bytes) : bytes, headers));
      }),
      { numRuns: 400 },
    );
  });

  it('mutated valid remote-write bodies (1.0 and 2.0) never get a 5xx', async () => {
    const app = recordingApp();
    await fc.assert(
      fc.asyncProperty(seriesArbitrary, fc.boolean(), fc.array(mutation(400), { minLength: 1, maxLength: 4 }), async (series, v2, mutations) => {
        const body = v2 ? encodeV2(series) : encodeV1(series);
        if (body.length === 0) return;
        expect(ACCEPTED).toContain(await status(app, '/api/v1/write', compressSync(mutate(body, mutations)), v2 ? RW2 : RW));
      }),
      { numRuns: 400 },
    );
  });

  it('random and mutated OTLP bodies, protobuf and JSON (also gzip), never get a 5xx', async () => {
    const app = recordingApp();
    const proto = toProtobuf(sampleRequestJson());
    const json = new TextEncoder().encode(JSON.stringify(sampleRequestJson()));
    await fc.assert(
      fc.asyncProperty(fc.array(mutation(proto.length), { minLength: 1, maxLength: 4 }), fc.boolean(), async (mutations, gzip) => {
        const body = mutate(proto, mutations);
        expect(ACCEPTED).toContain(await status(app, '/v1/metrics', gzip ? gzipSync(body) : body, { 'content-type': 'application/x-protobuf', ...(gzip ? { 'content-encoding': 'gzip' } : {}) }));
      }),
      { numRuns: 300 },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(mutation(json.length), { minLength: 1, maxLength: 4 }), async (mutations) => {
        expect(ACCEPTED).toContain(await status(app, '/v1/metrics', mutate(json, mutations), { 'content-type': 'application/json' }));
      }),
      { numRuns: 300 },
    );
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), async (value) => {
        expect(ACCEPTED).toContain(await status(app, '/v1/metrics', new TextEncoder().encode(JSON.stringify(value)), { 'content-type': 'application/json' }));
      }),
      { numRuns: 300 },
    );
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 600 }), async (bytes) => {
        expect(ACCEPTED).toContain(await status(app, '/v1/metrics', bytes, { 'content-type': 'application/x-protobuf' }));
      }),
      { numRuns: 300 },
    );
  });
});

describe('redelivery changes nothing, in the real engine', () => {
  const specYaml = `
apiVersion: sloe/v1
kind: SLO
metadata:
  name: api
spec:
  service: api
  window: 30d
  objectives:
    - targetPercent: 99
  sli:
    ratio:
      bad: sum(rate(http_requests_total{code="500"}[{{.window}}]))
      total: sum(rate(http_requests_total[{{.window}}]))
`;

  function engineApp() {
    const loaded = loadSpecs([{ path: 'slos.yaml', content: new TextEncoder().encode(specYaml) }]);
    const store = openMemoryStore();
    const engine = new Engine({ specs: loaded.specs, store: store.engine, documents: store.documents, journal: store.journal, clock: () => NOW });
    const ingest = createIngest({ appender: engine });
    return { engine, app: createHttpApp(ingest.routes, { notReadyReasons: () => [] }) };
  }

  const counterBatches = fc.array(
    fc.record({ code: fc.constantFrom('200', '500'), instance: fc.constantFrom('a', 'b', 'c'), increments: fc.array(fc.nat(1000), { minLength: 1, maxLength: 5 }) }),
    { minLength: 1, maxLength: 6 },
  );

  it('a remote-write request sent twice counts once', async () => {
    let sawEvents = false;
    await fc.assert(
      fc.asyncProperty(counterBatches, fc.boolean(), async (batches, v2) => {
        const { engine, app } = engineApp();
        const series = batches.map(({ code, instance, increments }, index) => {
          let value = 0;
          return {
            labels: { __name__: 'http_requests_total', code, instance: `${instance}-${index}` },
            samples: increments.map((increment, i) => ({ value: (value += increment), timestamp: NOW - 600_000 + i * 15_000 })),
          };
        });
        const body = compressSync(v2 ? encodeV2(series) : encodeV1(series));
        expect(await status(app, '/api/v1/write', body, v2 ? RW2 : RW)).toBe(204);
        const first = (await engine.evaluate(NOW)).statuses[0]!;
        if (first.events.total > 0) sawEvents = true;
        expect(await status(app, '/api/v1/write', body, v2 ? RW2 : RW)).toBe(204);
        const second = (await engine.evaluate(NOW)).statuses[0]!;
        expect(second.events).toEqual(first.events);
        expect(second.burnRates).toEqual(first.burnRates);
      }),
      { numRuns: 60 },
    );
    expect(sawEvents).toBe(true);
  });

  it('an OTLP export sent twice counts once', async () => {
    let sawEvents = false;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat(10_000), { minLength: 2, maxLength: 5 }), fc.boolean(), async (values, delta) => {
        const { engine, app } = engineApp();
        let total = 0;
        const points = values.map((value, i) => ({
          attributes: [{ key: 'code', value: { stringValue: i % 2 === 0 ? '200' : '500' } }],
          startTimeUnixNano: `${START_MS}000000`,
          timeUnixNano: `${NOW - 300_000 + i * 10_000}000000`,
          asInt: String(delta ? value : (total += value)),
        }));
        const body = { resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'http.requests', sum: { aggregationTemporality: delta ? 1 : 2, isMonotonic: true, dataPoints: points } }] }] }] };
        const bytes = new TextEncoder().encode(JSON.stringify(body));
        expect(await status(app, '/v1/metrics', bytes, { 'content-type': 'application/json' })).toBe(200);
        const first = (await engine.evaluate(NOW)).statuses[0]!;
        if (first.events.total > 0) sawEvents = true;
        expect(await status(app, '/v1/metrics', bytes, { 'content-type': 'application/json' })).toBe(200);
        const second = (await engine.evaluate(NOW)).statuses[0]!;
        expect(second.events).toEqual(first.events);
      }),
      { numRuns: 60 },
    );
    expect(sawEvents).toBe(true);
  });
});
