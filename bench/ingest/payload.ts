/**
 * Realistic remote-write requests, shaped like what Prometheus sends: series of one sample each, labels sorted with
 * `__name__` first, names and label sets as a node exporter, a service and kube-state-metrics would expose them.
 * A tenth of the series belong to the metric an SLI reads (`http_requests_total`).
 */
import { encodeV1, encodeV2 } from '../../test/ingest/schemas.js';
import type { PlainSeries } from '../../test/ingest/schemas.js';

export const SLI_METRIC = 'http_requests_total';

const OTHER_METRICS = [
  'node_cpu_seconds_total',
  'node_network_receive_bytes_total',
  'node_filesystem_avail_bytes',
  'go_gc_duration_seconds',
  'process_resident_memory_bytes',
  'kube_pod_container_status_restarts_total',
  'container_memory_working_set_bytes',
  'http_request_duration_seconds_bucket',
  'grpc_server_handled_total',
];

/**
 * `count` series with stable label sets and one sample each at `timestamp`. `replica` tells apart the disjoint series
 * sets of concurrent senders (Prometheus shards by series, so one series is never sent by two requests at once).
 */
export function makeSeries(count: number, timestamp: number, matchingShare = 0.1, replica = 0): PlainSeries[] {
  const every = Math.round(1 / matchingShare);
  return Array.from({ length: count }, (_, i) => {
    const matching = i % every === 0;
    const name = matching ? SLI_METRIC : OTHER_METRICS[i % OTHER_METRICS.length]!;
    const labels: Record<string, string> = matching
      ? { __name__: name, code: ['200', '201', '404', '500', '503'][i % 5]!, handler: `/api/v1/items/${i % 40}`, instance: `10.${replica}.${i % 7}.${i % 250}:8080`, job: 'checkout', method: i % 3 === 0 ? 'POST' : 'GET', namespace: 'shop' }
      : { __name__: name, container: `app-${i % 13}`, instance: `10.${100 + replica}.${i % 9}.${i % 250}:9100`, job: 'kubernetes-pods', le: String((i % 10) / 10), namespace: `team-${i % 17}`, pod: `pod-${i}-7f9c8d` };
    const sorted = Object.fromEntries(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    return { labels: sorted, samples: [{ value: 1000 + i + timestamp / 1000, timestamp }] };
  });
}

export function requestV1(count: number, timestamp: number, replica = 0): Uint8Array {
  return encodeV1(makeSeries(count, timestamp, 0.1, replica));
}

export function requestV2(count: number, timestamp: number, replica = 0): Uint8Array {
  return encodeV2(makeSeries(count, timestamp, 0.1, replica));
}
