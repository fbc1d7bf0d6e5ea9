/**
 * End to end with a real Prometheus 2.42 (`--enable-feature=native-histograms`): it scrapes a target serving the
 * protobuf exposition format with a native histogram (schema 3) and remote-writes it to sloe. Two SLOs read it at
 * 0.3 s, which lies inside a bucket, so the figure depends on the interpolation: sloe's latency form and
 * histogram_fraction both agree within 1 % with what that Prometheus answers for
 * histogram_fraction(0, 0.3, sum(rate(x[w]))) over the same window.
 */
import protobuf from 'protobufjs';
import { afterAll, describe, expect, it } from 'vitest';
import { startMetricsTarget } from '../helpers/metrics-target.js';
import type { MetricsTarget } from '../helpers/metrics-target.js';
import { startPrometheus } from './prometheus-process.js';
import type { PrometheusProcess } from './prometheus-process.js';
import { startSloeIngest } from './sloe-harness.js';
import type { SloeIngest } from './sloe-harness.js';

const specYaml = `
apiVersion: sloe/v1
kind: SLO
metadata:
  name: rpc-latency
spec:
  service: rpc
  window: 30d
  objectives:
    - targetPercent: 90
  sli:
    latency:
      histogram: sum(rate(rpc_latency_seconds{job="rpc"}[{{.window}}]))
      threshold: 0.3
---
apiVersion: sloe/v1
kind: SLO
metadata:
  name: rpc-latency-fraction
spec:
  service: rpc
  window: 30d
  objectives:
    - targetPercent: 90
  sli:
    rawRatio:
      query: histogram_fraction(0, 0.3, sum(rate(rpc_latency_seconds{job="rpc"}[{{.window}}])))
      meaning: good
`;

// io.prometheus.client's metrics.proto (the fields a native histogram uses).
const METRICS_PROTO = `
syntax = "proto3";
package io.prometheus.client;
message LabelPair { string name = 1; string value = 2; }
message BucketSpan { sint32 offset = 1; uint32 length = 2; }
message Histogram {
  uint64 sample_count = 1; double sample_sum = 2; sint32 schema = 5; double zero_threshold = 6; uint64 zero_count = 7;
  repeated BucketSpan positive_span = 12; repeated sint64 positive_delta = 13;
}
message Metric { repeated LabelPair label = 1; Histogram histogram = 7; }
message MetricFamily { string name = 1; string help = 2; int32 type = 3; repeated Metric metric = 4; }
`;
const MetricFamily = protobuf.parse(METRICS_PROTO, { keepCase: true }).root.lookupType('io.prometheus.client.MetricFamily');

/**
 * Schema 3 (base 2^(1/8)): bucket -13 holds (0.297, 0.324], so 0.3 s splits it. Each scrape adds observations to
 * buckets -16 to -10; `slow` moves weight above the threshold.
 */
async function startTarget(): Promise<MetricsTarget & { slower(): void; freeze(): void }> {
  const indexes = [-16, -15, -14, -13, -12, -11, -10];
  const counts = new Map<number, number>(indexes.map((index) => [index, 0]));
  let zero = 0;
  let perZero = 1;
  let perScrape = [2, 4, 6, 5, 3, 1, 1];
  const target = await startMetricsTarget(() => {
    indexes.forEach((index, k) => counts.set(index, counts.get(index)! + perScrape[k]!));
    zero += perZero;
    const values = indexes.map((index) => counts.get(index)!);
    const deltas = values.map((value, k) => value - (k === 0 ? 0 : values[k - 1]!));
    const total = zero + values.reduce((a, b) => a + b, 0);
    const family = MetricFamily.fromObject({
      name: 'rpc_latency_seconds',
      help: 'RPC latency.',
      type: 4,
      metric: [{ label: [{ name: 'method', value: 'get' }], histogram: { sample_count: total, sample_sum: total * 0.3, schema: 3, zero_threshold: 2 ** -128, zero_count: zero, positive_span: [{ offset: indexes[0], length: indexes.length }], positive_delta: deltas } }],
    });
    return { contentType: 'application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited', body: MetricFamily.encodeDelimited(family).finish() };
  });
  return {
    ...target,
    slower: () => (perScrape = [1, 1, 2, 6, 6, 4, 3]),
    freeze: () => {
      perScrape = perScrape.map(() => 0);
      perZero = 0;
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let prometheus: PrometheusProcess | undefined;
let sloe: SloeIngest | undefined;
let target: Awaited<ReturnType<typeof startTarget>> | undefined;

afterAll(async () => {
  await prometheus?.stop();
  await sloe?.close();
  target?.close();
});

describe('Prometheus 2.42 native histograms remote-written into sloe', () => {
  it('reads the histogram at a threshold inside a bucket as histogram_fraction does, within 1 %', async () => {
    sloe = await startSloeIngest({ specYaml, ingest: { bucketBounds: (metric) => (metric === 'rpc_latency_seconds_bucket' ? [0, 0.3] : []) } });
    target = await startTarget();
    prometheus = await startPrometheus(
      `
global:
  scrape_interval: 500ms
scrape_configs:
  - job_name: rpc
    static_configs:
      - targets: ['127.0.0.1:${target.port}']
remote_write:
  - url: ${sloe.url}/api/v1/write
    send_native_histograms: true
    queue_config:
      batch_send_deadline: 1s
      min_backoff: 100ms
      max_backoff: 1s
`,
      ['--enable-feature=native-histograms'],
    );
    const waitForScrapes = (count: number) => target!.waitForScrapes(count, () => prometheus?.log() ?? '');
    await waitForScrapes(8);
    target.slower();
    await waitForScrapes(16);
    // The histogram stops moving, so Prometheus's answer is final once it has scraped the frozen value; remote write
    // reaches sloe a batch later (later still on a loaded machine), so sloe is read until it has caught up or time runs out.
    target.freeze();
    await waitForScrapes(target.scrapes() + 3);

    const fraction = async (at: number) => {
      const data = await prometheus!.query(`histogram_fraction(0, 0.3, sum(rate(rpc_latency_seconds{job="rpc"}[30d])))`, at);
      return Number(data.result[0]?.value[1]);
    };
    const expected = await fraction(Date.now());
    expect(expected, prometheus.log()).toBeGreaterThan(0.3);
    expect(expected).toBeLessThan(0.9);
    const names = ['rpc-latency', 'rpc-latency-fraction'];
    const errorOf = (sli: number | null | undefined) => (sli === null || sli === undefined ? Infinity : Math.abs(sli / expected - 1));
    let statuses = (await sloe.engine.evaluate(Date.now())).statuses;
    for (const deadline = Date.now() + 20_000; Date.now() < deadline && names.some((name) => errorOf(statuses.find((one) => one.name === name)?.sli) >= 0.01); ) {
      await sleep(500);
      statuses = (await sloe.engine.evaluate(Date.now())).statuses;
    }
    for (const name of names) {
      const status = statuses.find((one) => one.name === name);
      expect(status?.sli, `${name}: ${status?.reason ?? ''}`).not.toBeNull();
      expect(errorOf(status!.sli), `${name}: sloe ${status!.sli}, Prometheus ${expected}`).toBeLessThan(0.01);
    }
  }, 90_000);
});
