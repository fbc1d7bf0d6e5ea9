import { describe, expect, it } from 'vitest';
import { formatProblem } from '../../src/core/index.js';
import { loadSpecs } from '../../src/spec/index.js';

const encoder = new TextEncoder();

function load(text: string) {
  const result = loadSpecs([{ path: 'p.yaml', content: encoder.encode(text) }]);
  return { policies: result.specs.policies, problems: result.problems.map(formatProblem) };
}

const policy = (extra: string) => `apiVersion: sloe/v1
kind: BudgetPolicy
metadata:
  name: releases
spec:
${extra}
  rules:
    - { name: spent, decision: deny, when: { budgetRemainingBelow: 0 }, reason: "{slo} spent" }
`;

describe('BudgetPolicy: evidence, onInsufficientData, thawMargin, groupedSlos', () => {
  it('reads them, with defaults for evidence fields left out', () => {
    const { policies, problems } = load(policy('  onInsufficientData: deny\n  thawMargin: 0.1\n  evidence: { minBudgetEvents: 20 }\n  groupedSlos: worstGroup'));
    expect(problems).toEqual([]);
    expect(policies[0]).toMatchObject({ onInsufficientData: 'deny', thawMargin: 0.1, evidence: { minBudgetEvents: 20, minCoverage: 0.1, minCoverageDuration: 3_600_000 }, groupedSlos: 'worstGroup' });
  });

  it('leaves them unset when not written (the gate then uses the defaults)', () => {
    const { policies } = load(policy('  onNoData: warn'));
    expect(policies[0]?.onInsufficientData).toBeUndefined();
    expect(policies[0]?.evidence).toBeUndefined();
    expect(policies[0]?.groupedSlos).toBeUndefined();
  });

  it('reports bad values at their position', () => {
    expect(load(policy('  onInsufficientData: block\n  thawMargin: 5\n  evidence: { minCoverage: 2, minCoverageDuration: soon }\n  groupedSlos: worst')).problems).toEqual([
      "p.yaml:6:23: 'spec.onInsufficientData': unknown value 'block'; expected one of allow, warn, deny",
      "p.yaml:7:15: 'spec.thawMargin' is a fraction of the budget (0.1 for 10 %), between 0 and 1, got 5",
      "p.yaml:8:28: 'spec.evidence.minCoverage' is a share of the period (0.1 for 10 %), between 0 and 1, got 2",
      "p.yaml:8:52: 'spec.evidence.minCoverageDuration' must be a duration like 30s, 5m, 1h or 30d, got 'soon'",
      "p.yaml:9:16: 'spec.groupedSlos': unknown value 'worst'; expected one of aggregate, worstGroup",
    ]);
  });
});
