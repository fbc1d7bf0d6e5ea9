import { describe, expect, it } from 'vitest';
import { addMatcher, eventCount, isBareSelector, leMatcher, matchers, number, thresholdCheck } from './promql.js';

const MINUTE = 60_000;

describe('eventCount', () => {
  it('takes the increase of a bare counter selector', () => {
    expect(eventCount('http_requests_total{code="500"}', 60 * MINUTE)).toBe('sum(increase(http_requests_total{code="500"}[1h]))');
  });
  it('keeps a query over increase() as it is', () => {
    expect(eventCount('sum(increase(x[{{.window}}]))', 5 * MINUTE)).toBe('(sum(increase(x[5m])))');
  });
  it('multiplies a rate query by the window in seconds', () => {
    expect(eventCount('sum(rate(x[{{.window}}]))', 30 * MINUTE)).toBe('(sum(rate(x[30m]))) * 1800');
  });
  it.each(['{{.window}}', '{{ .window }}', '$__window', '${__window}'])('fills the window placeholder %s', (placeholder) => {
    expect(eventCount(`sum(rate(x[${placeholder}]))`, 5 * MINUTE)).toBe('(sum(rate(x[5m]))) * 300');
  });
});

describe('selectors', () => {
  it('recognises bare selectors only', () => {
    expect(isBareSelector('up')).toBe(true);
    expect(isBareSelector('a_total{job="x", code=~"5.."}')).toBe(true);
    expect(isBareSelector('sum(rate(a[5m]))')).toBe(false);
  });
  it('adds a matcher inside or after the braces', () => {
    expect(addMatcher('h_bucket', 'le="0.3"')).toBe('h_bucket{le="0.3"}');
    expect(addMatcher('h_bucket{}', 'le="0.3"')).toBe('h_bucket{le="0.3"}');
    expect(addMatcher('h_bucket{job="a",}', 'le="0.3"')).toBe('h_bucket{job="a", le="0.3"}');
  });
  it('matches integer histogram bounds in both spellings, and +Inf', () => {
    expect(leMatcher(0.25)).toBe('le="0.25"');
    expect(leMatcher(1)).toBe('le=~"1(\\\\.0+)?"');
    expect(leMatcher(Number.POSITIVE_INFINITY)).toBe('le="+Inf"');
  });
  it('quotes label values the way PromQL reads them', () => {
    expect(matchers({ a: 'x"y', b: 'back\\slash' })).toBe('{a="x\\"y", b="back\\\\slash"}');
  });
});

describe('numbers and thresholds', () => {
  it('prints budgets without floating-point noise', () => {
    expect(number(1 - 0.999)).toBe('0.001');
    expect(number(14.4)).toBe('14.4');
  });
  it('compares with bool so bad samples count as zero', () => {
    expect(thresholdCheck('max(q)', 'lte', 100)).toBe('(max(q)) <= bool 100');
  });
});
