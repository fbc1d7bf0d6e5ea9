import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatProblem } from '../../src/core/index.js';
import { loadSpecs } from '../../src/spec/index.js';

describe('docs/specs.md: the sloe/v1 example', () => {
  it('is valid as written, with no source configured (as `npm start` runs it), and loads an SLO and a budget policy', () => {
    const readme = readFileSync('docs/specs.md', 'utf8');
    const section = readme.slice(readme.indexOf('## sloe/v1: a complete example'));
    const example = /```yaml\n([\s\S]*?)```/.exec(section)?.[1];
    expect(example).toContain('apiVersion: sloe/v1');
    const result = loadSpecs([{ path: 'docs/specs.md', content: new TextEncoder().encode(example ?? '') }], { remoteSources: [], onlyConfiguredSources: true });
    expect(result.problems.map(formatProblem)).toEqual([]);
    expect(result.specs.slos.map((slo) => slo.name)).toEqual(['checkout-availability']);
    expect(result.specs.policies.map((policy) => policy.name)).toEqual(['production-releases']);
    const slo = result.specs.slos[0];
    expect(slo?.objectives.map((objective) => [objective.key, objective.target])).toEqual([['strict', 0.999], ['contract', 0.995]]);
    expect(slo?.alerting.tiers.map((tier) => [tier.name, tier.severity, tier.disabled])).toEqual([
      ['page-fast', 'critical', false],
      ['page-slow', 'critical', true],
      ['ticket-fast', 'ticket', true],
      ['ticket-slow', 'ticket', true],
    ]);
  });
});
