import { describe, expect, it } from 'vitest';
import { prometheusLabelName, prometheusMetricName } from './naming.js';

describe('OTLP names as Prometheus names (cases from Prometheus otlptranslator tests)', () => {
  it.each([
    ['system.filesystem.usage', 'By', 'gauge', 'system_filesystem_usage_bytes'],
    ['system.io', 'By', 'counter', 'system_io_bytes_total'],
    ['active_directory.ds.replication.network.io', 'By', 'counter', 'active_directory_ds_replication_network_io_bytes_total'],
    ['http.server.request.duration', 's', 'histogram', 'http_server_request_duration_seconds'],
    ['http.server.duration', 'ms', 'histogram', 'http_server_duration_milliseconds'],
    ['http.server.requests', '{request}', 'counter', 'http_server_requests_total'],
    ['cpu.utilization', '1', 'gauge', 'cpu_utilization_ratio'],
    ['cpu.utilization', '1', 'counter', 'cpu_utilization_total'],
    ['speed', 'm/s', 'gauge', 'speed_meters_per_second'],
    ['throughput', '1/s', 'gauge', 'throughput_per_second'],
    ['errors', '{error}/min', 'counter', 'errors_per_min_total'],
    ['latency_seconds', 's', 'histogram', 'latency_seconds'],
    ['metric_with_total_inside_total', '', 'counter', 'metric_with_inside_total'],
    ['queue.depth', '', 'updown', 'queue_depth'],
    ['2xx.responses', '', 'counter', '_2xx_responses_total'],
    ['temperature', 'Cel', 'gauge', 'temperature_celsius'],
    ['weird__name..with--chars', '', 'gauge', 'weird_name_with_chars'],
  ] as const)('%s [%s] %s → %s', (name, unit, kind, expected) => {
    expect(prometheusMetricName(name, unit, kind)).toBe(expected);
  });

  it.each([
    ['http.method', 'http_method'],
    ['http.response.status_code', 'http_response_status_code'],
    ['2xx', 'key_2xx'],
    ['_private', 'key_private'],
    ['__reserved__', '__reserved__'],
    ['ünïcode-key', 'ünïcode_key'],
  ])('label %s → %s', (key, expected) => {
    expect(prometheusLabelName(key)).toBe(expected);
  });
});
