/**
 * sloe as a client of a real VictoriaMetrics single node holding 90 minutes of history written through its import API:
 * a daemon started afterwards backfills it and reports the 1h events and history the samples say, and each tick then
 * asks the same few queries whatever the window. And sloe's query client against it: instant and range queries equal
 * the samples written, a cluster tenant in the URL path, whole answers asked for, time-outs and refused queries named.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PULL_SETTINGS } from '../../src/engine/index.js';
import { PrometheusClient, SourceRemoteCounts, SourceRemoteSeries } from '../../src/source/index.js';
import { startRecordingProxy } from '../helpers/recording-proxy.js';
import type { RecordingProxy } from '../helpers/recording-proxy.js';
import { startSloeIngest } from '../ingest/sloe-harness.js';
import { startVictoriaMetrics } from './victoria-process.js';
import type { VictoriaProcess } from './victoria-process.js';

const NOW = Math.floor(Date.now() / 60_000) * 60_000;
const STEP = 15_000;
const STEPS = 360; // 90 minutes
/** Good requests vary step by step so a wrong bucket or a lost minute shows; bad ones are a steady 1 %. */
const goodAt = (k: number): number => 2_000 + 990 * k + 7 * ((k * k) % 13);
const badAt = (k: number): number => 100 + 10 * k;

function oracle(from: number, to: number): { good: number; total: number } {
  const step = (t: number) => Math.max(0, STEPS - (NOW - t) / STEP);
  const good = goodAt(step(to)) - goodAt(step(from));
  const bad = badAt(step(to)) - badAt(step(from));
  return { good, total: good + bad };
}

let vm: VictoriaProcess;
const proxies: RecordingProxy[] = [];

beforeAll(async () => {
  vm = await startVictoriaMetrics();
  const lines: string[] = [];
  for (let k = 0; k <= STEPS; k++) {
    const t = NOW - (STEPS - k) * STEP;
    lines.push(`http_requests_total{job="api",code="200"} ${goodAt(k)} ${t}`, `http_requests_total{job="api",code="500"} ${badAt(k)} ${t}`);
  }
  await vm.importLines(lines);
}, 60_000);

afterAll(async () => {
  for (const proxy of proxies) await proxy.close();
  await vm?.stop();
});

const spec = (window: string) => `
apiVersion: sloe/v1
kind: SLO
metadata:
  name: api
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
const source = { name: 'vm', url: '', headers: {}, timeoutMs: 5_000, retries: 1, partialResponse: false };

describe('the engine pulling from a real VictoriaMetrics', () => {
  it('backfills the 90 minutes it holds and reports the 1h events and history the samples say (within 1 %)', async () => {
    const sloe = await startSloeIngest({ specYaml: spec('1h'), clock: () => NOW, remote: new SourceRemoteSeries([{ ...source, url: vm.url }]), remoteSources: ['vm'], pullSettings: settings });
    try {
      await sloe.engine.evaluate(NOW);
      await sloe.engine.backfillSettled();
      const status = (await sloe.engine.evaluate(NOW)).statuses[0]!;
      expect(status.backfill).toMatchObject({ state: 'done', progress: 1 });
      const written = oracle(NOW - 3_600_000, NOW);
      expect(Math.abs(status.events.total - written.total) / written.total).toBeLessThan(0.01);
      expect(Math.abs(status.events.good - written.good) / written.good).toBeLessThan(0.01);
      for (const point of sloe.engine.history('api', NOW - 30 * 60_000, NOW, 10 * 60_000)!) {
        const expected = oracle(point.t - 3_600_000, point.t);
        expect(point.sli).not.toBeNull();
        expect(Math.abs(point.sli! - expected.good / expected.total), new Date(point.t).toISOString()).toBeLessThan(0.01 * (1 - expected.good / expected.total));
      }
    } finally {
      await sloe.close();
    }
  });

  it('keeps asking at most two queries a tick whether the window is 1h or 30d', async () => {
    const perTick: number[] = [];
    for (const window of ['1h', '30d']) {
      let asked = 0;
      let now = NOW;
      const counting = (input: string, init?: RequestInit): Promise<Response> => {
        if (input.includes('/api/v1/query_range')) asked++;
        return fetch(input, init);
      };
      const sloe = await startSloeIngest({ specYaml: spec(window), clock: () => now, remote: new SourceRemoteSeries([{ ...source, url: vm.url }], { fetch: counting }), remoteSources: ['vm'], pullSettings: settings });
      try {
        for (let attempt = 0; attempt < 5; attempt++) {
          const status = (await sloe.engine.evaluate(now)).statuses[0]!;
          if (status.backfill?.state === 'done') break;
          await sloe.engine.backfillSettled();
        }
        expect(sloe.engine.get('api')?.backfill?.state).toBe('done');
        const before = asked;
        for (let tick = 0; tick < 4; tick++) {
          now += 30_000;
          await sloe.engine.evaluate(now);
        }
        perTick.push((asked - before) / 4);
      } finally {
        await sloe.close();
      }
    }
    // Two terms, pulled once a minute (a 30 s tick finds a new minute every other time): at most two queries a tick.
    expect(perTick[0]).toBeGreaterThan(0);
    expect(perTick[0]).toBeLessThanOrEqual(2);
    expect(perTick[1]).toBe(perTick[0]);
  });
});

describe('sloe as a client of a real VictoriaMetrics', () => {
  const ratioSli = { kind: 'ratio' as const, bad: { promql: 'sum(rate(http_requests_total{job="api",code=~"5.."}[{{.window}}]))' }, total: { promql: 'sum(rate(http_requests_total{job="api"}[{{.window}}]))' } };
  const proxied = async (options: Parameters<typeof startRecordingProxy>[1] = {}) => {
    const proxy = await startRecordingProxy(vm.url, options);
    proxies.push(proxy);
    return proxy;
  };

  it('instant queries: the good and total events of a window are the samples\' increase (MetricsQL counts from the sample before the window)', async () => {
    const counts = new SourceRemoteCounts([{ ...source, url: vm.url }]);
    for (const minutes of [5, 30, 60]) {
      const result = await counts.counts({ slo: 'api', objective: '0', sli: ratioSli }, minutes * 60_000, NOW);
      expect(result, `${minutes}m`).toEqual(oracle(NOW - minutes * 60_000, NOW));
    }
  });

  it('range queries: each minute\'s point is that minute\'s events in the samples', async () => {
    const client = new PrometheusClient({ ...source, url: vm.url });
    const [series, ...rest] = await client.range('sum(increase(http_requests_total{job="api"}[1m]))', NOW - 30 * 60_000, NOW, 60_000);
    expect(rest).toEqual([]);
    expect(series!.points).toHaveLength(31);
    for (const point of series!.points) expect(point.value, new Date(point.t).toISOString()).toBe(oracle(point.t - 60_000, point.t).total);
  });

  it('a cluster tenant goes in the URL path (/select/{tenant}/prometheus), and whole answers are asked for', async () => {
    // A single node serves no /select/ paths: the proxy stands in for vmselect's routing and forwards the rest.
    const vmselect = await proxied({ stripPrefix: /^\/select\/42\/prometheus/ });
    const counts = new SourceRemoteCounts([{ ...source, url: `${vmselect.url}/select/42/prometheus` }]);
    expect(await counts.counts({ slo: 'api', objective: '0', sli: ratioSli }, 30 * 60_000, NOW)).toEqual(oracle(NOW - 30 * 60_000, NOW));
    expect(vmselect.requests.length).toBe(2);
    for (const request of vmselect.requests) {
      expect(request.url).toBe('/select/42/prometheus/api/v1/query');
      const form = new URLSearchParams(request.body);
      expect(form.get('deny_partial_response')).toBe('1');
      expect(form.get('partial_response')).toBe('false');
    }
  });

  it('a single node ignores the X-Scope-OrgID tenant header: the same answer with or without it', async () => {
    const plain = new SourceRemoteCounts([{ ...source, url: vm.url }]);
    const tenanted = new SourceRemoteCounts([{ ...source, url: vm.url, tenant: 'team-a' }]);
    const query = { slo: 'api', objective: '0', sli: ratioSli };
    expect(await tenanted.counts(query, 30 * 60_000, NOW)).toEqual(await plain.counts(query, 30 * 60_000, NOW));
  });

  it('times out a slow answer with the reason after its retries, and names a query VictoriaMetrics refuses without retrying', async () => {
    const slow = await proxied({ delayMs: 3_000 });
    const client = new PrometheusClient({ ...source, url: slow.url, timeoutMs: 300, retries: 1 }, { backoffMs: 10 });
    const started = Date.now();
    await expect(client.instant('sum(http_requests_total)', NOW)).rejects.toThrow('source vm: no answer within 300 ms (after 2 attempts)');
    expect(Date.now() - started).toBeLessThan(2_500);
    const recorder = await proxied();
    const refusing = new PrometheusClient({ ...source, url: recorder.url, retries: 3 });
    await expect(refusing.range('sum(rate(http_requests_total[5m]', NOW - 60_000, NOW, 60_000)).rejects.toThrow(/^source vm refused the query sum\(rate\(http_requests_total\[5m\]: .*cannot execute query: argList: unexpected token/);
    expect(recorder.requests).toHaveLength(1);
  });
});
