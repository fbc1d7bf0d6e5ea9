import { describe, expect, it } from 'vitest';
import { groupAggregations } from './grouping.js';

describe('groupAggregations', () => {
  it('makes every outermost aggregation aggregate by the group labels, whatever modifier it had', () => {
    expect(groupAggregations('sum(rate(a{x="1"}[5m])) / sum by (job) (rate(b[5m]))', ['route', 'region'])).toBe('sum by (route, region) (rate(a{x="1"}[5m])) / sum by (route, region) (rate(b[5m]))');
    expect(groupAggregations('sum without (le) (increase(c[1h])) or vector(0)', ['route'])).toBe('sum by (route) (increase(c[1h])) or vector(0)');
    expect(groupAggregations('sum(rate(a[5m])) by (x)', ['route'])).toBe('sum(rate(a[5m])) by (route)');
    expect(groupAggregations('sum (rate(a[5m]))', ['route'])).toBe('sum by (route) (rate(a[5m]))');
  });

  it('leaves nested aggregations alone and wraps a query that has none', () => {
    expect(groupAggregations('clamp_min(sum(max by (pod) (rate(a[5m]))), 1)', ['route'])).toBe('clamp_min(sum by (route) (max by (pod) (rate(a[5m]))), 1)');
    expect(groupAggregations('rate(a[5m])', ['route'])).toBe('sum by (route) (rate(a[5m]))');
  });

  it('changes nothing without group labels', () => {
    expect(groupAggregations('sum(rate(a[5m]))', [])).toBe('sum(rate(a[5m]))');
  });
});
