import type { SpecSet } from '../core/index.js';
import { compileSli, parseBound } from '../core/index.js';
import type { BucketBounds } from './http/context.js';

/**
 * The `le` bounds each `_bucket` metric is read at by the loaded SLIs (latency SLIs and bucket selectors in ratios):
 * where OTLP exponential histograms are exposed as `_bucket` series.
 */
export function bucketBoundsOf(specs: SpecSet): BucketBounds {
  const bounds = new Map<string, Set<number>>();
  const add = (metric: string, bound: number) => {
    let set = bounds.get(metric);
    if (!set) bounds.set(metric, (set = new Set()));
    set.add(bound);
  };
  for (const slo of specs.slos) {
    for (const objective of slo.objectives) {
      const compiled = compileSli(objective.sli ?? slo.sli, objective);
      if (!compiled.ok) continue;
      for (const { term } of [...compiled.sli.good, ...compiled.sli.total]) {
        for (const matcher of term.matchers) {
          if (matcher.name !== 'le' || matcher.op !== '=') continue;
          const bound = parseBound(matcher.value);
          if (bound !== undefined && Number.isFinite(bound)) add(term.metric, bound);
        }
      }
    }
  }
  const sorted = new Map([...bounds].map(([metric, set]) => [metric, [...set].sort((a, b) => a - b)]));
  return (metric) => sorted.get(metric) ?? [];
}
