import { describe, expect, it } from 'vitest';
import { formatProblem } from '../../src/core/index.js';
import { loadSpecs, type LoadOptions } from '../../src/spec/index.js';

const encoder = new TextEncoder();

function problems(text: string, options: LoadOptions = {}): string[] {
  return loadSpecs([{ path: 'slo.yaml', content: encoder.encode(text) }], options).problems.map(formatProblem);
}

/** A valid OpenSLO v1 SLO, as the specification's examples write one; tests replace one line to break it. */
const SLO = `apiVersion: openslo/v1
kind: SLO
metadata:
  name: search-availability
  labels:
    env: [prod, staging]
spec:
  description: Share of searches answered
  service: search
  indicator:
    metadata:
      name: search-errors
    spec:
      ratioMetric:
        bad:
          metricSource:
            type: Prometheus
            spec:
              query: sum(rate(http_requests_total{job="search",code=~"5.."}[{{.window}}]))
        total:
          metricSource:
            type: Prometheus
            spec:
              query: sum(rate(http_requests_total{job="search"}[{{.window}}]))
  timeWindow:
    - duration: 28d
      isRolling: true
  budgetingMethod: Occurrences
  objectives:
    - displayName: Available
      target: 0.999
`;

function patch(from: string, to: string): string {
  expect(SLO).toContain(from);
  return SLO.replace(from, to);
}

describe('OpenSLO v1 to the letter of the specification', () => {
  it('accepts list label values, as the specification allows (map[string]string|string[])', () => {
    expect(problems(SLO)).toEqual([]);
    const loaded = loadSpecs([{ path: 'slo.yaml', content: encoder.encode(SLO) }]);
    expect(loaded.specs.slos[0]?.labels).toEqual({ env: 'prod,staging' });
  });

  it('refuses a label list holding something other than strings, at the item', () => {
    expect(problems(patch('env: [prod, staging]', 'env: [prod, {a: b}]'))).toEqual([
      "slo.yaml:6:17: 'metadata.labels.env[1]' must be a string, got a mapping",
    ]);
  });

  it('refuses a metric source that is not Prometheus-compatible, naming its type instead of its query', () => {
    const redshift = patch('            type: Prometheus\n            spec:\n              query: sum(rate(http_requests_total{job="search",code=~"5.."}[{{.window}}]))',
      '            type: Redshift\n            spec:\n              region: eu-central-1\n              clusterId: metrics\n              databaseName: prod\n              query: SELECT value, timestamp FROM errors WHERE $__timeFilter(timestamp)');
    const found = problems(redshift);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^slo\.yaml:17:19: 'spec\.indicator\.spec\.ratioMetric\.bad\.metricSource\.type': sloe reads Prometheus-compatible sources \(Prometheus, Thanos, Mimir, Cortex, VictoriaMetrics\); type 'Redshift' is not one/);
  });

  it('refuses a DataSource of another type at the reference, and accepts it when a configured source serves it', () => {
    const cloudwatch = `apiVersion: openslo/v1
kind: DataSource
metadata:
  name: cloudwatch-prod
spec:
  type: CloudWatch
  connectionDetails:
    accessKeyID: x
---
${patch('            type: Prometheus\n            spec:\n              query: sum(rate(http_requests_total{job="search",code=~"5.."}[{{.window}}]))',
      '            metricSourceRef: cloudwatch-prod\n            spec:\n              query: sum(rate(http_requests_total{job="search",code=~"5.."}[{{.window}}]))')}`;
    const found = problems(cloudwatch);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^slo\.yaml:26:30: 'spec\.indicator\.spec\.ratioMetric\.bad\.metricSource\.metricSourceRef': sloe reads Prometheus-compatible sources .* type 'CloudWatch' \(from DataSource 'cloudwatch-prod'\) is not one/);
    expect(problems(cloudwatch, { remoteSources: ['cloudwatch-prod'] })).toEqual([]);
  });

  it('accepts every Prometheus-compatible type, in any case', () => {
    for (const type of ['Thanos', 'Mimir', 'Cortex', 'VictoriaMetrics', 'prometheus']) {
      expect(problems(SLO.replaceAll('type: Prometheus', `type: ${type}`)), type).toEqual([]);
    }
  });

  it('refuses an op on a ratio objective, as oslo validate does', () => {
    expect(problems(patch('      target: 0.999', '      op: gt\n      target: 0.999'))).toEqual([
      "slo.yaml:31:7: 'spec.objectives[0].op' only goes with a thresholdMetric SLI; a ratioMetric objective is met by its 'target' alone",
    ]);
  });

  it('refuses names that are not RFC 1123 labels', () => {
    expect(problems(patch('  name: search-availability', '  name: search availability'))).toEqual([
      "slo.yaml:4:9: 'metadata.name' must be an RFC 1123 label name: 'search availability' may hold only lower-case letters, digits and -, and must start and end with a letter or digit",
    ]);
    expect(problems(patch('  name: search-availability', `  name: ${'a'.repeat(64)}`))[0]).toContain('is 64 characters; at most 63');
    expect(problems(patch('      name: search-errors', '      name: Search_Errors'))).toEqual([
      "slo.yaml:12:13: 'spec.indicator.metadata.name' must be an RFC 1123 label name: 'Search_Errors' may hold only lower-case letters, digits and -, and must start and end with a letter or digit",
    ]);
  });

  it('refuses a description over 1050 characters and takes one of 1050', () => {
    expect(problems(patch('  description: Share of searches answered', `  description: ${'x'.repeat(1051)}`))).toEqual([
      "slo.yaml:8:16: 'spec.description' is 1051 characters; OpenSLO allows at most 1050",
    ]);
    expect(problems(patch('  description: Share of searches answered', `  description: ${'x'.repeat(1050)}`))).toEqual([]);
  });
});
