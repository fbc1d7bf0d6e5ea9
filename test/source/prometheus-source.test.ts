/**
 * Remote SLIs against a real Prometheus 2.42: the client's counts equal what Prometheus answers itself, the configured
 * headers, tenant and partial_response reach it, and a down or slow source makes the SLO nodata with the reason while
 * the engine carries on.
 */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { compressSync } from 'snappy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SourceRemoteCounts } from '../../src/source/index.js';
import type { SourceEntry } from '../../src/source/index.js';
import { freePort } from '../helpers/ports.js';
import { startPrometheus } from '../ingest/prometheus-process.js';
import type { PrometheusProcess } from '../ingest/prometheus-process.js';
import { encodeV1 } from '../ingest/schemas.js';
import { startSloeIngest } from '../ingest/sloe-harness.js';

const NOW = Math.floor(Date.now() / 15_000) * 15_000;
const STEP = 15_000;
const STEPS = 160; // 40 minutes

let prometheus: PrometheusProcess;
const servers: Server[] = [];

/** Pushes two counters into Prometheus through its own remote-write receiver: 990 good and 10 bad per 15 s. */
async function pushCounters(): Promise<void> {
  const series = (code: string, perStep: number) => ({
    labels: { __name__: 'http_requests_total', code, job: 'api' },
    samples: Array.from({ length: STEPS + 1 }, (_, k) => ({ value: 5_000 + perStep * k, timestamp: NOW - (STEPS - k) * STEP })),
  });
  const response = await fetch(`${prometheus.url}/api/v1/write`, {
    method: 'POST',
    body: new Uint8Array(compressSync(encodeV1([series('200', 990), series('500', 10)]))),
    headers: { 'content-type': 'application/x-protobuf', 'content-encoding': 'snappy' },
  });
  expect(response.status).toBe(204);
}

/** A pass-through proxy in front of Prometheus that records what sloe sends and can answer late. */
async function proxy(delayMs = 0): Promise<{ url: string; requests: { headers: Record<string, string | string[] | undefined>; body: string }[] }> {
  const requests: { headers: Record<string, string | string[] | undefined>; body: string }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      requests.push({ headers: req.headers, body });
      setTimeout(() => {
        void fetch(`${prometheus.url}${req.url ?? '/'}`, { method: req.method ?? 'GET', body: req.method === 'POST' ? body : undefined, headers: { 'content-type': String(req.headers['content-type'] ?? '') } })
          .then(async (upstream) => {
            res.writeHead(upstream.status, { 'content-type': 'application/json' });
            res.end(await upstream.text());
          })
          .catch(() => res.destroy());
      }, delayMs);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return { url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`, requests };
}

const source = (url: string, extra: Partial<SourceEntry> = {}): SourceEntry => ({ name: 'prom', url, headers: {}, timeoutMs: 5_000, retries: 1, partialResponse: false, ...extra });
const ratioSli = { kind: 'ratio' as const, bad: { promql: 'sum(rate(http_requests_total{job="api",code=~"5.."}[{{.window}}]))' }, total: { promql: 'sum(rate(http_requests_total{job="api"}[{{.window}}]))' } };

beforeAll(async () => {
  prometheus = await startPrometheus('global:\n  scrape_interval: 1m\n', ['--web.enable-remote-write-receiver']);
  await pushCounters();
}, 60_000);

afterAll(async () => {
  for (const server of servers) server.close();
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

describe('the engine with a remote source', () => {
  // `or vector(0)` is outside the embedded subset: the SLI is evaluated by the source.
  const specYaml = `
apiVersion: sloe/v1
kind: SLO
metadata:
  name: api-availability
spec:
  service: api
  window: 30d
  objectives:
    - targetPercent: 99
  sli:
    ratio:
      bad: sum(rate(http_requests_total{job="api",code=~"5.."}[{{.window}}])) or vector(0)
      total: sum(rate(http_requests_total{job="api"}[{{.window}}]))
`;

  it('feeds the remote counts to the same budget math', async () => {
    const sloe = await startSloeIngest({ specYaml, clock: () => NOW, remote: new SourceRemoteCounts([source(prometheus.url)]), remoteSources: ['prom'] });
    try {
      const report = await sloe.engine.evaluate(NOW);
      const status = report.statuses.find((one) => one.name === 'api-availability');
      expect(status?.status, status?.reason).not.toBe('nodata');
      expect(status?.sli).toBeCloseTo(0.99, 6);
      // Bad ratio 1 % against a 1 % budget: burning at exactly 1x in every window Prometheus has data for.
      expect(status?.burnRates['5m']).toBeCloseTo(1, 6);
    } finally {
      await sloe.close();
    }
  });

  it('reports nodata with the reason when the source is down, and keeps evaluating', async () => {
    const closedPort = await freePort();
    const sloe = await startSloeIngest({ specYaml, clock: () => NOW, remote: new SourceRemoteCounts([source(`http://127.0.0.1:${closedPort}`, { retries: 0 })]), remoteSources: ['prom'] });
    try {
      for (let tick = 0; tick < 2; tick++) {
        const report = await sloe.engine.evaluate(NOW + tick * 30_000);
        const status = report.statuses.find((one) => one.name === 'api-availability');
        expect(status?.status).toBe('nodata');
        expect(status?.reason).toMatch(/remote source failed: source prom: unreachable/);
      }
    } finally {
      await sloe.close();
    }
  });
});
