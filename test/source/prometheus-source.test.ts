/**
 * Remote SLIs against a real Prometheus 2.42: the client's counts equal what Prometheus answers itself, the configured
 * headers, tenant and partial_response reach it, and a down or slow source makes the SLO nodata with the reason while
 * the engine carries on.
 */
import { compressSync } from 'snappy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PULL_SETTINGS } from '../../src/engine/index.js';
import { replay } from '../../src/app/index.js';
import { SourceRemoteCounts, SourceRemoteSeries } from '../../src/source/index.js';
import { loadSpecs } from '../../src/spec/index.js';
import type { SourceEntry } from '../../src/source/index.js';
import { freePort } from '../helpers/ports.js';
import { startRecordingProxy } from '../helpers/recording-proxy.js';
import type { RecordingProxy } from '../helpers/recording-proxy.js';
import { startPrometheus } from '../ingest/prometheus-process.js';
import type { PrometheusProcess } from '../ingest/prometheus-process.js';
import { encodeV1 } from '../ingest/schemas.js';
import { startSloeIngest } from '../ingest/sloe-harness.js';

const NOW = Math.floor(Date.now() / 60_000) * 60_000;
const STEP = 15_000;
const STEPS = 360; // 90 minutes

let prometheus: PrometheusProcess;
const proxies: RecordingProxy[] = [];

/** The counter value of each code at step k (time NOW - (STEPS - k)·STEP): 990 good and 10 bad per 15 s. */
const counter = (code: string, k: number): number => 5_000 + (code === '200' ? 990 : 10) * k;

/** Good and total requests over (from, to] from the samples written (both multiples of STEP): the oracle. */
function oracle(from: number, to: number): { good: number; total: number } {
  const step = (t: number) => Math.max(0, STEPS - (NOW - t) / STEP);
  const increase = (code: string) => counter(code, step(to)) - counter(code, step(from));
  return { good: increase('200'), total: increase('200') + increase('500') };
}

/** Pushes two counters into Prometheus through its own remote-write receiver: 990 good and 10 bad per 15 s. */
async function pushCounters(): Promise<void> {
  const series = (code: string) => ({
    labels: { __name__: 'http_requests_total', code, job: 'api' },
    samples: Array.from({ length: STEPS + 1 }, (_, k) => ({ value: counter(code, k), timestamp: NOW - (STEPS - k) * STEP })),
  });
  const response = await fetch(`${prometheus.url}/api/v1/write`, {
    method: 'POST',
    body: new Uint8Array(compressSync(encodeV1([series('200'), series('500')]))),
    headers: { 'content-type': 'application/x-protobuf', 'content-encoding': 'snappy' },
  });
  expect(response.status).toBe(204);
}

/** A recording proxy in front of Prometheus, closed after the suite. */
async function proxy(delayMs = 0): Promise<RecordingProxy> {
  const started = await startRecordingProxy(prometheus.url, { delayMs });
  proxies.push(started);
  return started;
}

const source = (url: string, extra: Partial<SourceEntry> = {}): SourceEntry => ({ name: 'prom', url, headers: {}, timeoutMs: 5_000, retries: 1, partialResponse: false, ...extra });
const ratioSli = { kind: 'ratio' as const, bad: { promql: 'sum(rate(http_requests_total{job="api",code=~"5.."}[{{.window}}]))' }, total: { promql: 'sum(rate(http_requests_total{job="api"}[{{.window}}]))' } };

beforeAll(async () => {
  prometheus = await startPrometheus('global:\n  scrape_interval: 1m\n', ['--web.enable-remote-write-receiver']);
  await pushCounters();
}, 60_000);

afterAll(async () => {
  for (const started of proxies) await started.close();
  await prometheus?.stop();
});

describe('remote counts from a real Prometheus', () => {
  it('gives the same good and total events Prometheus computes for sum(increase(...[w]))', async () => {
    const counts = new SourceRemoteCounts([source(prometheus.url)]);
    for (const window of [5 * 60_000, 30 * 60_000]) {
      const result = await counts.counts({ slo: 'api', objective: '0', sli: ratioSli }, window, NOW);
      const w = `${window / 60_000}m`;
      const total = Number((await prometheus.query(`sum(increase(http_requests_total{job="api"}[${w}]))`, NOW)).result[0]?.value[1]);
      const bad = Number((await prometheus.query(`sum(increase(http_requests_total{job="api",code=~"5.."}[${w}]))`, NOW)).result[0]?.value[1]);
      expect(result.total).toBeCloseTo(total, 6);
      expect(result.good).toBeCloseTo(total - bad, 6);
      expect(result.good / result.total).toBeCloseTo(0.99, 9);
      expect(result.total).toBeGreaterThan(0.9 * (window / STEP) * 1000);
    }
  });

  it('counts a bare counter selector (OpenSLO counter: true) and a latency SLI', async () => {
    const counts = new SourceRemoteCounts([source(prometheus.url)]);
    const bare = await counts.counts({ slo: 'api', objective: '0', sli: { kind: 'ratio', good: { promql: 'http_requests_total{code="200"}' }, total: { promql: 'http_requests_total' } } }, 30 * 60_000, NOW);
    expect(bare.good / bare.total).toBeCloseTo(0.99, 9);
    const latency = await counts.counts({ slo: 'api', objective: '0', sli: { kind: 'latency', histogram: { promql: 'absent_histogram_bucket{job="api"}' }, threshold: 0.3 } }, 30 * 60_000, NOW);
    expect(latency).toEqual({ good: 0, total: 0 });
  });

  it('sends the configured headers, the tenant as X-Scope-OrgID and partial_response=false', async () => {
    const recorder = await proxy();
    const counts = new SourceRemoteCounts([source(recorder.url, { headers: { Authorization: 'Bearer q-token' }, tenant: 'team-a' })]);
    await counts.counts({ slo: 'api', objective: '0', sli: ratioSli }, 5 * 60_000, NOW);
    expect(recorder.requests.length).toBe(2);
    for (const request of recorder.requests) {
      expect(request.headers['x-scope-orgid']).toBe('team-a');
      expect(request.headers.authorization).toBe('Bearer q-token');
      const params = new URLSearchParams(request.body);
      expect(params.get('partial_response')).toBe('false');
      expect(params.get('time')).toBe((NOW / 1000).toFixed(3));
    }
  });

  it('rejects with the reason, after its retries, when the source is down or slow', async () => {
    const closedPort = await freePort();
    const down = new SourceRemoteCounts([source(`http://127.0.0.1:${closedPort}`, { retries: 2 })], { backoffMs: 10 });
    await expect(down.counts({ slo: 'api', objective: '0', sli: ratioSli }, 5 * 60_000, NOW)).rejects.toThrow(/source prom: unreachable \(ECONNREFUSED\) \(after 3 attempts\)/);
    const slowProxy = await proxy(3_000);
    const slow = new SourceRemoteCounts([source(slowProxy.url, { timeoutMs: 300, retries: 1 })], { backoffMs: 10 });
    const started = Date.now();
    await expect(slow.counts({ slo: 'api', objective: '0', sli: ratioSli }, 5 * 60_000, NOW)).rejects.toThrow(/no answer within 300 ms \(after 2 attempts\)/);
    expect(Date.now() - started).toBeLessThan(2_500);
  });

  it('refuses a query the source cannot parse without retrying, naming the query', async () => {
    const recorder = await proxy();
    const counts = new SourceRemoteCounts([source(recorder.url, { retries: 3 })]);
    await expect(counts.counts({ slo: 'api', objective: '0', sli: { kind: 'rawRatio', query: { promql: 'sum(rate(x[{{.window}}]' }, meaning: 'bad' } }, 5 * 60_000, NOW)).rejects.toThrow(/refused the query sum\(rate\(x\[5m\]/);
    expect(recorder.requests).toHaveLength(1);
  });
});

describe('the engine pulling from a real Prometheus', () => {
  /** `or vector(0)` is outside the embedded subset: the SLI is evaluated by the source. */
  const spec = (name: string, window: string) => `
apiVersion: sloe/v1
kind: SLO
metadata:
  name: ${name}
spec:
  service: api
  window: ${window}
  objectives:
    - targetPercent: 99
  sli:
    ratio:
      bad: sum(rate(http_requests_total{job="api",code=~"5.."}[{{.window}}])) or vector(0)
      total: sum(rate(http_requests_total{job="api"}[{{.window}}]))
`;
  const settings = { ...DEFAULT_PULL_SETTINGS, delayMs: 0, queriesPerSecond: 200 };
  const ranges = (requests: { url: string }[]) => requests.filter((request) => request.url.startsWith('/api/v1/query_range')).length;

  it('backfills the 90 minutes Prometheus holds and reports the same 1h events and history as the samples written', async () => {
    const recorder = await proxy();
    const started = Date.now();
    const sloe = await startSloeIngest({ specYaml: spec('api-1h', '1h'), clock: () => NOW, remote: new SourceRemoteSeries([source(recorder.url, { tenant: 'team-a' })]), remoteSources: ['prom'], pullSettings: settings });
    try {
      await sloe.engine.evaluate(NOW);
      await sloe.engine.backfillSettled();
      const status = (await sloe.engine.evaluate(NOW)).statuses[0]!;
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(status.backfill).toMatchObject({ state: 'done', progress: 1 });
      const written = oracle(NOW - 60 * 60_000, NOW);
      expect(status.events.total).toBeGreaterThan(0);
      expect(Math.abs(status.events.total - written.total) / written.total).toBeLessThan(0.01);
      expect(Math.abs(status.events.good - written.good) / written.good).toBeLessThan(0.01);
      const history = sloe.engine.history('api-1h', NOW - 30 * 60_000, NOW, 5 * 60_000)!;
      for (const point of history) {
        const expected = oracle(point.t - 60 * 60_000, point.t);
        expect(point.sli, new Date(point.t).toISOString()).not.toBeNull();
        expect(Math.abs(point.sli! - expected.good / expected.total)).toBeLessThan(0.01 * (1 - expected.good / expected.total) + 1e-9);
      }
      // Every range query carried the tenant and asked for whole responses.
      for (const request of recorder.requests) {
        expect(request.headers['x-scope-orgid']).toBe('team-a');
        expect(new URLSearchParams(request.body).get('partial_response')).toBe('false');
      }
    } finally {
      await sloe.close();
    }
  });

  it('sends the same queries per tick whether the window is 1h or 30d, counted at the source', async () => {
    const perTick: number[] = [];
    for (const window of ['1h', '30d']) {
      const recorder = await proxy();
      let now = NOW;
      const sloe = await startSloeIngest({ specYaml: spec(`api-${window}`, window), clock: () => now, remote: new SourceRemoteSeries([source(recorder.url)]), remoteSources: ['prom'], pullSettings: settings });
      try {
        // Until the backfill is done: on a loaded machine a chunk may time out and be retried by a later tick.
        for (let attempt = 0; attempt < 5; attempt++) {
          const status = (await sloe.engine.evaluate(now)).statuses[0]!;
          if (status.backfill?.state === 'done') break;
          await sloe.engine.backfillSettled();
        }
        expect(sloe.engine.get(`api-${window}`)?.backfill?.state).toBe('done');
        const before = ranges(recorder.requests);
        for (let tick = 0; tick < 4; tick++) {
          now += 30_000;
          await sloe.engine.evaluate(now);
        }
        perTick.push((ranges(recorder.requests) - before) / 4);
      } finally {
        await sloe.close();
      }
    }
    expect(perTick[0]).toBeGreaterThan(0);
    expect(perTick[0]).toBeLessThanOrEqual(2);
    expect(perTick[1]).toBe(perTick[0]);
  });

  it('reports a source that is down as a failed backfill with the reason, and keeps evaluating', async () => {
    const closedPort = await freePort();
    const sloe = await startSloeIngest({ specYaml: spec('api-down', '30d'), clock: () => NOW, remote: new SourceRemoteSeries([source(`http://127.0.0.1:${closedPort}`, { retries: 0 })], { backoffMs: 10 }), remoteSources: ['prom'], pullSettings: settings });
    try {
      await sloe.engine.evaluate(NOW);
      await sloe.engine.backfillSettled();
      const status = (await sloe.engine.evaluate(NOW + 30_000)).statuses[0]!;
      expect(status.status).toBe('nodata');
      expect(status.backfill).toMatchObject({ state: 'failed' });
      expect(status.backfill?.reason).toMatch(/source prom: unreachable/);
    } finally {
      await sloe.close();
    }
  });

  it('replays a spec over the history Prometheus holds (sloe replay --url)', async () => {
    const loaded = loadSpecs([{ path: 'api.yaml', content: new TextEncoder().encode(spec('api-replay', '1h')) }], { remoteSources: ['replay'] });
    expect(loaded.problems).toEqual([]);
    const outcome = await replay({ specs: loaded.specs, history: { kind: 'source', url: prometheus.url }, from: NOW - 30 * 60_000, to: NOW, step: 60_000 });
    // A steady 1 % bad against a 1 % budget: no tier is ever above its threshold, and the period is the oracle's.
    expect(outcome.transitions).toEqual([]);
    const written = oracle(NOW - 60 * 60_000, NOW);
    expect(outcome.slos[0]?.status.events).toEqual(written);
  });
});
