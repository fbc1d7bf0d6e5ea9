import { describe, expect, it } from 'vitest';
import { formatProblem } from '../../src/core/index.js';
import { loadSpecs } from '../../src/spec/index.js';

const encoder = new TextEncoder();

function problems(text: string): string[] {
  return loadSpecs([{ path: 'slo.yaml', content: encoder.encode(text) }]).problems.map(formatProblem);
}

/** A valid slo-generator v2 SLO (Prometheus backend); tests replace a line to break it. */
const SLO = `apiVersion: sre.google.com/v2
kind: ServiceLevelObjective
metadata:
  name: shop-availability
  labels:
    service_name: shop
spec:
  backend: prometheus
  method: good_bad_ratio
  service_level_indicator:
    filter_good: http_requests_total{code!~"5.."}
    filter_valid: http_requests_total
  goal: 0.999
`;

function patch(from: string, to: string): string {
  expect(SLO).toContain(from);
  return SLO.replace(from, to);
}

describe('slo-generator sre.google.com/v2', () => {
  it('the base spec loads into an SLO of its service_name', () => {
    expect(problems(SLO)).toEqual([]);
    expect(loadSpecs([{ path: 'slo.yaml', content: encoder.encode(SLO) }]).specs.slos[0]).toMatchObject({ name: 'shop-availability', service: 'shop', objectives: [{ target: 0.999 }] });
  });

  it('refuses a backend that is not Prometheus, at the value', () => {
    expect(problems(patch('backend: prometheus', 'backend: cloud_monitoring'))).toEqual([
      "slo.yaml:8:12: 'spec.backend': sloe reads slo-generator's Prometheus backend (PromQL); backend 'cloud_monitoring' is not one",
    ]);
  });

  it('refuses a filter that is an expression, a field of another method and an unknown method', () => {
    expect(problems(patch('filter_valid: http_requests_total', 'filter_valid: sum(rate(http_requests_total[5m]))'))[0]).toMatch(/^slo\.yaml:12:19: 'spec\.service_level_indicator\.filter_valid' must be a counter selector/);
    expect(problems(patch('  goal: 0.999', '    threshold_bucket: 0.5\n  goal: 0.999'))).toEqual([
      "slo.yaml:13:5: 'spec.service_level_indicator.threshold_bucket' does not go with method good_bad_ratio; it takes filter_good, filter_bad, filter_valid",
    ]);
    expect(problems(patch('method: good_bad_ratio', 'method: good_bad_ratios'))[0]).toMatch(/^slo\.yaml:9:11: 'spec\.method': .*good_bad_ratio/);
  });

  it('refuses a query_sli expression without [window] and a goal outside (0, 1)', () => {
    const query = patch('method: good_bad_ratio', 'method: query_sli').replace(/ {4}filter_good.*\n.*\n/, '    expression: sum(rate(a[5m])) / sum(rate(b[5m]))\n');
    expect(problems(query)).toEqual(["slo.yaml:11:17: 'spec.service_level_indicator.expression' must use [window] as its range, as slo-generator's Prometheus backend substitutes it"]);
    expect(problems(patch('goal: 0.999', 'goal: 99.9'))).toEqual(["slo.yaml:13:9: 'spec.goal' must be between 0 and 1 (exclusive), got 99.9"]);
  });
});
