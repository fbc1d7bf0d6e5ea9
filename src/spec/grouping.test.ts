import { describe, expect, it } from 'vitest';
import { loadSpecs } from './index.js';

function load(spec: string) {
  return loadSpecs([{ path: 'g.yaml', content: new TextEncoder().encode(spec) }]);
}

const grouped = (extra: string, method = 'Occurrences'): string => `apiVersion: sloe/v1
kind: SLO
metadata: { name: orders }
spec:
  service: shop
  window: 7d
  budgetingMethod: ${method}
${extra}
  objectives: [ { targetPercent: 99 } ]
  sli:
    ratio:
      bad: 'sum(rate(req_total{code=~"5.."}[{{.window}}]))'
      total: 'sum(rate(req_total[{{.window}}]))'
`;

describe('sloe/v1 spec.groupBy and spec.maxGroups', () => {
  it('loads the labels and the cap into the model', () => {
    const result = load(grouped('  groupBy: [route, region]\n  maxGroups: 50'));
    expect(result.problems).toEqual([]);
    expect(result.specs.slos[0]).toMatchObject({ groupBy: ['route', 'region'], maxGroups: 50 });
  });

  it('refuses what cannot be grouped, each problem at its node', () => {
    const result = load(grouped('  groupBy: [route, "bad-label", route]\n  maxGroups: 0'));
    const messages = result.problems.map((problem) => `${problem.line}: ${problem.message}`);
    expect(messages).toEqual([
      expect.stringMatching(/^8: 'spec.groupBy\[1\]': 'bad-label' is not a Prometheus label name/),
      expect.stringMatching(/^8: 'spec.groupBy\[2\]': 'route' is listed twice/),
      expect.stringMatching(/^9: 'spec.maxGroups' must be a whole number of at least 1, got 0/),
    ]);
  });

  it('needs groupBy for maxGroups, and Occurrences for groupBy', () => {
    expect(load(grouped('  maxGroups: 5')).problems.map((problem) => problem.message)).toEqual([expect.stringContaining("'spec.maxGroups' needs 'spec.groupBy'")]);
    expect(load(grouped('  groupBy: [route]', 'Timeslices')).problems.map((problem) => problem.message)).toContainEqual(expect.stringContaining("'spec.groupBy' needs budgetingMethod Occurrences"));
  });
});
