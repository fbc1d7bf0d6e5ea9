import { describe, expect, it } from 'vitest';
import { formatProblem } from '../../src/core/index.js';
import { loadSpecs } from '../../src/spec/index.js';

const encoder = new TextEncoder();

function load(text: string): ReturnType<typeof loadSpecs> {
  return loadSpecs([{ path: 'slo.yaml', content: encoder.encode(text) }]);
}

function problems(text: string): string[] {
  return load(text).problems.map(formatProblem);
}

/** A valid Pyrra SLO as Pyrra's README writes one; tests replace a line to break it. */
const SLO = `apiVersion: pyrra.dev/v1alpha1
kind: ServiceLevelObjective
metadata:
  name: api-errors
  namespace: monitoring
spec:
  target: "99.5"
  window: 28d
  indicator:
    ratio:
      errors:
        metric: http_requests_total{job="api",code=~"5.."}
      total:
        metric: http_requests_total{job="api"}
`;

function patch(from: string, to: string): string {
  expect(SLO).toContain(from);
  return SLO.replace(from, to);
}

describe('Pyrra ServiceLevelObjective', () => {
  it('loads with the namespace as service, the target as a ratio and the window as period', () => {
    const { specs, problems: found } = load(SLO);
    expect(found).toEqual([]);
    expect(specs.slos[0]).toMatchObject({ name: 'api-errors', service: 'monitoring', objectives: [{ target: 0.995 }], window: { kind: 'rolling', duration: 28 * 86_400_000 } });
    expect(specs.slos[0]?.alerting.name).toBe('ErrorBudgetBurn');
    expect(specs.slos[0]?.alerting.tiers.map((tier) => [tier.severity, tier.burnRateThreshold])).toEqual([['critical', 14], ['critical', 7], ['warning', 2], ['warning', 1]]);
  });

  it('refuses a target that is not a percent, at the value', () => {
    expect(problems(patch('target: "99.5"', 'target: "0.995%"'))).toEqual([`slo.yaml:7:11: 'spec.target' must be a percent between 0 and 100 (exclusive) such as "99.9", got '0.995%'`]);
    expect(problems(patch('target: "99.5"', 'target: "100"'))[0]).toContain("'spec.target' must be a percent");
  });

  it('refuses an expression where Pyrra takes a bare selector', () => {
    expect(problems(patch('metric: http_requests_total{job="api"}', 'metric: sum(rate(http_requests_total{job="api"}[5m]))'))).toEqual([
      `slo.yaml:14:17: 'spec.indicator.ratio.total.metric' must be a metric selector such as http_requests_total{job="api"} (Pyrra applies the rate itself), got 'sum(rate(http_requests_total{job="api"}[5m]))'`,
    ]);
  });

  it('refuses two indicators at once, and none', () => {
    expect(problems(`${SLO}    bool_gauge:\n      metric: up\n`)).toEqual(["slo.yaml:15:5: 'spec.indicator' needs exactly one of ratio, latency, latencyNative, bool_gauge, got ratio and bool_gauge"]);
  });

  it('refuses a latency bucket without le and a total that is not its _count', () => {
    const latency = (success: string, total: string): string =>
      SLO.replace(/ {4}ratio:[\s\S]*$/, `    latency:\n      success:\n        metric: ${success}\n      total:\n        metric: ${total}\n`);
    expect(problems(latency('h_bucket{job="api",le="0.5"}', 'h_count{job="api"}'))).toEqual([]);
    expect(load(latency('h_bucket{job="api",le="0.5"}', 'h_count{job="api"}')).specs.slos[0]?.sli).toEqual({ kind: 'latency', histogram: { promql: 'h_bucket{job="api"}' }, threshold: 0.5 });
    expect(problems(latency('h_bucket{job="api"}', 'h_count{job="api"}'))[0]).toMatch(/^slo\.yaml:12:17: 'spec\.indicator\.latency\.success\.metric' must select one histogram bucket/);
    expect(problems(latency('h_bucket{job="api",le="0.5"}', 'h_count{job="web"}'))).toEqual([
      `slo.yaml:14:17: 'spec.indicator.latency.total.metric' must be the _count of the success histogram (h_count{job="api"}), got 'h_count{job="web"}'`,
    ]);
  });

  it('refuses unknown fields with a suggestion (a typo must not pass)', () => {
    expect(problems(patch('  window: 28d', '  windw: 28d'))).toContain("slo.yaml:8:3: unknown field 'windw' (did you mean 'window'?)");
    expect(problems(`${SLO}  alerting:\n    disable: true\n`)).toContain("slo.yaml:16:5: unknown field 'disable' (did you mean 'disabled'?)");
  });

  it('takes pyrra.dev/ labels as SLO labels and pyrra.dev/service as the service', () => {
    const { specs } = load(patch('  namespace: monitoring', '  namespace: monitoring\n  labels:\n    prometheus: k8s\n    pyrra.dev/team: web\n    pyrra.dev/service: api'));
    expect(specs.slos[0]).toMatchObject({ service: 'api', labels: { team: 'web' } });
  });
});
