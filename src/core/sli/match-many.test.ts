import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileQuery } from '../promql/index.js';
import { MatcherIndex, termMatches } from './match.js';
import type { Term } from '../promql/types.js';

function termsOf(promql: string): Term[] {
  const compiled = compileQuery(promql);
  if (!compiled.ok) throw new Error(compiled.reason);
  return compiled.terms.map((signed) => signed.term);
}

describe('MatcherIndex with thousands of SLOs on one metric', () => {
  const terms = [
    ...Array.from({ length: 20 }, (_, i) => termsOf(`sum(rate(http_requests_total{job="svc-${i % 10}",code=~"5.."}[5m]))`)).flat(),
    ...Array.from({ length: 10 }, (_, i) => termsOf(`sum(rate(http_requests_total{job="svc-${i}"}[5m]))`)).flat(),
    ...termsOf('sum(rate(http_requests_total{code!="200"}[5m]))'),
    ...termsOf('sum(rate(queue_total[5m]))'),
  ];
  const index = new MatcherIndex(terms);

  it('finds exactly the terms whose matchers accept a series', () => {
    const labels = fc.record({
      __name__: fc.constantFrom('http_requests_total', 'queue_total', 'other'),
      job: fc.constantFrom('svc-1', 'svc-7', 'svc-12', ''),
      code: fc.constantFrom('200', '500', '503', '404'),
    });
    fc.assert(
      fc.property(labels, (series) => {
        const expected = terms.filter((term, position) => terms.findIndex((other) => other.key === term.key) === position && termMatches(term, series));
        expect(index.match(series).map((term) => term.key).sort()).toEqual(expected.map((term) => term.key).sort());
      }),
      { numRuns: 300, seed: 7 },
    );
  });

  it('wants only the metrics some term reads', () => {
    expect(index.wantsMetric('http_requests_total')).toBe(true);
    expect(index.wantsMetric('node_cpu_seconds_total')).toBe(false);
  });
});
