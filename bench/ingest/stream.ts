/**
 * The stream a Prometheus scraping 200 targets in 100 jobs remote-writes: 100,000 series, 500 per target (request
 * counters by route, method and code; latency histograms of 12 buckets plus `_sum` and `_count`; runtime gauges and
 * counters), Kubernetes-style target labels. Each scrape round gives every series one sample; the series are sharded
 * over 8 queues by label hash as Prometheus's shards do, and each shard sends 500 samples per request (the default
 * `max_samples_per_send`). Values come from a seeded generator, so every run and both receivers get the same bytes.
 */
import { compressSync } from 'snappy';
import { encodeV1 } from '../../test/ingest/schemas.js';
import type { PlainSeries } from '../../test/ingest/schemas.js';

export const JOBS = 100;
export const TARGETS_PER_JOB = 2;
export const SHARDS = 8;
export const SAMPLES_PER_REQUEST = 500;
export const SCRAPE_INTERVAL_MS = 15_000;

export const ROUTES = ['/api/v1/orders', '/api/v1/items', '/api/v1/cart', '/api/v1/users', '/healthz'];
export const METHODS = ['GET', 'POST'];
export const CODES = ['200', '404', '503'];
/** 11 finite bounds and +Inf: 12 buckets. */
export const BOUNDS = ['0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.3', '0.5', '1', '2.5', '5', '+Inf'];
/** Runtime metrics of a Go service and its container, each with 15 label variants (cpu, area, generation...). */
export const RUNTIME_METRICS = [
  'go_goroutines', 'go_threads', 'go_memstats_alloc_bytes', 'go_memstats_heap_inuse_bytes', 'go_memstats_heap_objects', 'go_gc_duration_seconds',
  'go_memstats_mallocs_total', 'go_memstats_frees_total', 'process_cpu_seconds_total', 'process_resident_memory_bytes', 'process_open_fds',
  'container_cpu_usage_seconds_total', 'container_memory_working_set_bytes', 'container_network_receive_bytes_total', 'container_network_transmit_bytes_total',
  'container_fs_reads_total', 'container_fs_writes_total', 'node_cpu_seconds_total', 'node_network_receive_packets_total', 'grpc_client_handled_total',
  'grpc_client_started_total', 'db_pool_connections',
];
export const RUNTIME_VARIANTS = 15;
export const SERIES_PER_TARGET = ROUTES.length * METHODS.length * CODES.length + ROUTES.length * METHODS.length * (BOUNDS.length + 2) + RUNTIME_METRICS.length * RUNTIME_VARIANTS;

export const jobName = (job: number): string => `svc-${String(job).padStart(3, '0')}`;

interface StreamSeries {
  readonly labels: Record<string, string>;
  readonly kind: 'counter' | 'gauge';
  /** For histogram buckets: the share of requests at or below the bound, so buckets stay cumulative. */
  readonly share: number;
}

/** mulberry32: a small seeded generator, so payloads are the same on every run. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function sortedLabels(labels: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Every series of the stream, target by target, with the labels Prometheus's Kubernetes discovery attaches. */
export function streamSeries(): StreamSeries[] {
  const all: StreamSeries[] = [];
  for (let job = 0; job < JOBS; job++) {
    for (let replica = 0; replica < TARGETS_PER_JOB; replica++) {
      const target = {
        job: jobName(job),
        namespace: `team-${job % 17}`,
        pod: `${jobName(job)}-7f9c8d${replica}-x${(job * 31 + replica) % 97}`,
        instance: `10.${Math.floor(job / 50)}.${job % 50}.${10 + replica}:8080`,
        container: 'app',
      };
      for (const route of ROUTES)
        for (const method of METHODS) {
          for (const code of CODES) all.push({ labels: sortedLabels({ __name__: 'http_requests_total', ...target, route, method, code }), kind: 'counter', share: 1 });
          BOUNDS.forEach((le, i) => all.push({ labels: sortedLabels({ __name__: 'http_request_duration_seconds_bucket', ...target, route, method, le }), kind: 'counter', share: 0.5 + (0.5 * (i + 1)) / BOUNDS.length }));
          all.push({ labels: sortedLabels({ __name__: 'http_request_duration_seconds_sum', ...target, route, method }), kind: 'counter', share: 0.2 });
          all.push({ labels: sortedLabels({ __name__: 'http_request_duration_seconds_count', ...target, route, method }), kind: 'counter', share: 1 });
        }
      for (const name of RUNTIME_METRICS)
        for (let variant = 0; variant < RUNTIME_VARIANTS; variant++)
          all.push({ labels: sortedLabels({ __name__: name, ...target, cpu: String(variant) }), kind: name.endsWith('_total') ? 'counter' : 'gauge', share: 1 });
    }
  }
  return all;
}

/** FNV-1a over the label pairs: the shard of a series, as Prometheus picks one from the series' label hash. */
function shardOf(labels: Record<string, string>): number {
  let hash = 0x811c9dc5;
  for (const [name, value] of Object.entries(labels)) {
    for (const text of [name, value]) {
      for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
      hash = Math.imul(hash ^ 0xff, 0x01000193) >>> 0;
    }
  }
  return hash % SHARDS;
}

/**
 * `rounds` scrapes of the whole stream as snappy bodies, per shard in send order: round after round, each shard's
 * series in chunks of 500. Timestamps rise by the scrape interval; counters grow by seeded increments.
 */
export function streamBodies(rounds: number, startMs: number, seed = 19): Uint8Array[][] {
  const series = streamSeries();
  const random = seeded(seed);
  const shards: number[][] = Array.from({ length: SHARDS }, () => []);
  series.forEach((one, i) => shards[shardOf(one.labels)]!.push(i));
  const values = new Float64Array(series.length);
  const bodies: Uint8Array[][] = Array.from({ length: SHARDS }, () => []);
  for (let round = 0; round < rounds; round++) {
    const timestamp = startMs + round * SCRAPE_INTERVAL_MS;
    // One request count per target and round drives its counters, so buckets stay below their count.
    const requests = 100 + Math.floor(random() * 900);
    series.forEach((one, i) => {
      values[i] = one.kind === 'gauge' ? Math.round(random() * 1e6) : values[i]! + Math.round(requests * one.share * (0.9 + 0.1 * random()));
    });
    shards.forEach((members, shard) => {
      for (let offset = 0; offset < members.length; offset += SAMPLES_PER_REQUEST) {
        const chunk: PlainSeries[] = members.slice(offset, offset + SAMPLES_PER_REQUEST).map((i) => ({ labels: series[i]!.labels, samples: [{ value: values[i]!, timestamp }] }));
        bodies[shard]!.push(compressSync(encodeV1(chunk)));
      }
    });
  }
  return bodies;
}

/**
 * sloe specs that read the given share of the stream: 0 (an SLO on a metric the stream lacks), 0.1 (per job, an
 * availability SLO on the request counters and a latency SLO on the 0.3 s bucket and the count: 50 of each target's
 * 500 series) or 1 (those, plus one SLO per job and every other metric, so every series is read by some SLI).
 */
export function matchedSpecs(share: 0 | 0.1 | 1): { yaml: string; slos: number; matchedSeries: number } {
  const docs: string[] = [];
  const slo = (name: string, good: string, total: string): void => {
    docs.push(`apiVersion: sloe/v1
kind: SLO
metadata:
  name: ${name}
spec:
  service: ${name.split('--')[0]}
  window: 30d
  objectives:
    - targetPercent: 99
  sli:
    ratio:
      good: sum(rate(${good}[{{.window}}]))
      total: sum(rate(${total}[{{.window}}]))
`);
  };
  let matchedPerTarget = 0;
  if (share === 0) slo('absent--availability', 'absent_requests_total{code!~"5.."}', 'absent_requests_total');
  if (share >= 0.1) {
    for (let job = 0; job < JOBS; job++) {
      const j = jobName(job);
      slo(`${j}--availability`, `http_requests_total{job="${j}",code!~"5.."}`, `http_requests_total{job="${j}"}`);
      slo(`${j}--latency`, `http_request_duration_seconds_bucket{job="${j}",le="0.3"}`, `http_request_duration_seconds_count{job="${j}"}`);
    }
    matchedPerTarget = ROUTES.length * METHODS.length * (CODES.length + 2);
  }
  if (share === 1) {
    for (let job = 0; job < JOBS; job++) {
      const j = jobName(job);
      slo(`${j}--latency-all`, `http_request_duration_seconds_bucket{job="${j}",le="+Inf"}`, `http_request_duration_seconds_bucket{job="${j}"}`);
      slo(`${j}--duration-sum`, `http_request_duration_seconds_sum{job="${j}"}`, `http_request_duration_seconds_sum{job="${j}"}`);
      for (const name of RUNTIME_METRICS) slo(`${j}--${name.replaceAll('_', '-')}`, `${name}{job="${j}",cpu!="0"}`, `${name}{job="${j}"}`);
    }
    matchedPerTarget = SERIES_PER_TARGET;
  }
  return { yaml: docs.join('---\n'), slos: docs.length, matchedSeries: matchedPerTarget * JOBS * TARGETS_PER_JOB };
}
