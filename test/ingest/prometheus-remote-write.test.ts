/**
 * End to end with a real Prometheus 2.42: it scrapes a target whose error ratio the test controls, twice a second, and
 * remote-writes to sloe (with a bearer token). sloe's SLI and burn rates then match, within 1 %, what that same
 * Prometheus answers for sum(increase(bad[w])) / sum(increase(total[w])) over the same windows.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { requireScope } from '../../src/auth/index.js';
import { startMetricsTarget } from '../helpers/metrics-target.js';
import type { MetricsTarget } from '../helpers/metrics-target.js';
import { startPrometheus } from './prometheus-process.js';
import type { PrometheusProcess } from './prometheus-process.js';
import { startSloeIngest } from './sloe-harness.js';
import type { SloeIngest } from './sloe-harness.js';

const OBJECTIVE = 0.99;
const specYaml = `
apiVersion: sloe/v1
kind: SLO
metadata:
  name: shop-availability
spec:
  service: shop
  window: 30d
  objectives:
    - targetPercent: ${OBJECTIVE * 100}
  sli:
    ratio:
      bad: sum(rate(shop_requests_total{job="shop",code=~"5.."}[{{.window}}]))
      total: sum(rate(shop_requests_total{job="shop"}[{{.window}}]))
`;

/** The target: every scrape adds 100 requests, of which `errorsPerScrape` failed; the test changes the ratio. */
async function startTarget(): Promise<MetricsTarget & { setErrors(n: number): void; freeze(): void }> {
  let ok = 5_000;
  let failed = 20;
  let errorsPerScrape = 1;
  let frozen = false;
  const target = await startMetricsTarget(() => {
    if (!frozen) {
      ok += 100 - errorsPerScrape;
      failed += errorsPerScrape;
    }
    const body = [
      '# HELP shop_requests_total Requests served.',
      '# TYPE shop_requests_total counter',
      `shop_requests_total{code="200",path="/cart"} ${ok}`,
      `shop_requests_total{code="503",path="/cart"} ${failed}`,
      '# TYPE shop_inflight gauge',
      'shop_inflight 3',
      '',
    ].join('\n');
    return { contentType: 'text/plain; version=0.0.4', body };
  });
  return { ...target, setErrors: (n) => (errorsPerScrape = n), freeze: () => (frozen = true) };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One of Prometheus's own gauges, from its /metrics (the first series of that name); NaN when it has none. */
async function prometheusGauge(server: PrometheusProcess, name: string): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${name} `) || candidate.startsWith(`${name}{`));
  return line === undefined ? Number.NaN : Number(line.slice(line.lastIndexOf(' ') + 1));
}

let prometheus: PrometheusProcess | undefined;
let sloe: SloeIngest | undefined;
let target: Awaited<ReturnType<typeof startTarget>> | undefined;

afterAll(async () => {
  await prometheus?.stop();
  await sloe?.close();
  target?.close();
});

describe('Prometheus 2.42 remote write into sloe', () => {
  it('gives the SLI and burn rates Prometheus computes for the same windows, within 1 %', async () => {
    sloe = await startSloeIngest({ specYaml, ingest: { guard: requireScope('write', { writeToken: 'rw-token' }) } });
    target = await startTarget();
    const config = `
global:
  scrape_interval: 500ms
  evaluation_interval: 1s
scrape_configs:
  - job_name: shop
    static_configs:
      - targets: ['127.0.0.1:${target.port}']
remote_write:
  - url: ${sloe.url}/api/v1/write
    authorization:
      credentials: rw-token
    queue_config:
      batch_send_deadline: 1s
      min_backoff: 100ms
      max_backoff: 1s
    metadata_config:
      send_interval: 1s
`;
    prometheus = await startPrometheus(config);
    const waitForScrapes = (count: number) => target!.waitForScrapes(count, () => prometheus?.log() ?? '');
    // 1 % errors for a while, then 6 %: the windows' ratios are mixtures both systems must agree on.
    await waitForScrapes(8);
    target.setErrors(6);
    await waitForScrapes(16);
    target.freeze();
    await waitForScrapes(19);
    // The last batches arrive within the batch deadline (1 s): wait until Prometheus's queue reports it has sent (and
    // sloe acknowledged) every sample appended so far, rather than sleeping for the deadline.
    const running = prometheus;
    const appended = await prometheusGauge(running, 'prometheus_remote_storage_highest_timestamp_in_seconds');
    expect(appended).toBeGreaterThan(0);
    const sentBy = Date.now() + 10_000;
    // A missing gauge is NaN, which is never caught up: the wait then fails instead of passing unseen.
    while (!((await prometheusGauge(running, 'prometheus_remote_storage_queue_highest_sent_timestamp_seconds')) >= appended)) {
      if (Date.now() > sentBy) throw new Error(`Prometheus's remote-write queue did not catch up within 10 s:\n${running.log()}`);
      await sleep(100);
    }

    const now = Date.now();
    const report = await sloe.engine.evaluate(now);
    const status = report.statuses.find((one) => one.name === 'shop-availability');
    expect(status?.status, status?.reason).not.toBe('nodata');
    const ratio = async (window: string) => {
      const data = await prometheus!.query(`sum(increase(shop_requests_total{job="shop",code=~"5.."}[${window}])) / sum(increase(shop_requests_total{job="shop"}[${window}]))`, now);
      return Number(data.result[0]?.value[1]);
    };
    const periodRatio = await ratio('30d');
    expect(periodRatio).toBeGreaterThan(0.01);
    expect(periodRatio).toBeLessThan(0.06);
    expect(status?.sli).not.toBeNull();
    expect(Math.abs((1 - status!.sli!) / periodRatio - 1)).toBeLessThan(0.01);
    const windows = Object.keys(status!.burnRates);
    expect(windows).toEqual(expect.arrayContaining(['5m', '1h', '6h', '3d']));
    for (const window of windows) {
      const expected = (await ratio(window)) / (1 - OBJECTIVE);
      const actual = status!.burnRates[window];
      expect(actual, `burn rate over ${window}`).not.toBeNull();
      expect(Math.abs(actual! / expected - 1), `burn rate over ${window}: sloe ${actual}, Prometheus ${expected}`).toBeLessThan(0.01);
    }
    // Prometheus sent every series it scraped (up, scrape_duration_seconds, the gauge...): only the SLI's were kept.
    const metrics = await sloe.ingest.context.metrics.samplesPrefiltered.get();
    expect(metrics.values.find((value) => value.labels.reason === 'unmatched')?.value ?? 0).toBeGreaterThan(0);
  }, 60_000);
});
