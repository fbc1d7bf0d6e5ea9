import { describe, expect, it } from 'vitest';
import { compileQuery } from './query.js';

/** The terms of a query as `±key`, the form a reader checks by eye. */
function terms(promql: string): string[] {
  const result = compileQuery(promql);
  if (!result.ok) throw new Error(`expected ${promql} to compile: ${result.reason}`);
  return result.terms.map(({ term, sign }) => `${sign === 1 ? '+' : '-'}${term.key}`);
}

describe('compileQuery: accepted shapes', () => {
  it.each([
    ['bare counter (OpenSLO counter: true, Pyrra)', 'http_requests_total{job="api",code!~"5.."}', ['+http_requests_total{code!~"5..",job="api"}']],
    ['sum(rate()) with Sloth window', 'sum(rate(http_requests_total{job="api"}[{{.window}}]))', ['+http_requests_total{job="api"}']],
    ['sum(increase()) with Grafana window', 'sum(increase(http_requests_total{job="api"}[$__window]))', ['+http_requests_total{job="api"}']],
    ['literal window', 'sum(rate(http_requests_total[5m]))', ['+http_requests_total']],
    ['sum by (...) prefix', 'sum by (code) (rate(http_requests_total[5m]))', ['+http_requests_total']],
    ['sum without (...) suffix', 'sum(rate(http_requests_total[5m])) without (instance)', ['+http_requests_total']],
    ['rate() alone, summed by the engine', 'rate(http_requests_total[5m])', ['+http_requests_total']],
    ['sum of a bare counter', 'sum(http_requests_total)', ['+http_requests_total']],
    ['sum of two sums', 'sum(rate(a_total[5m])) + sum(rate(b_total[5m]))', ['+a_total', '+b_total']],
    ['difference (Sloth k8s apiserver latency)', '(sum(rate(d_count{verb!="WATCH"}[5m])) - sum(rate(d_bucket{le="0.4",verb!="WATCH"}[5m])))', ['+d_count{verb!="WATCH"}', '-d_bucket{le="0.4",verb!="WATCH"}']],
    ['histogram bucket, le compared as a number', 'sum(rate(d_bucket{le="0.30"}[5m]))', ['+d_bucket{le="0.3"}']],
    ['+Inf bucket', 'sum(rate(d_bucket{le="+Inf"}[5m]))', ['+d_bucket{le="+Inf"}']],
    ['matchers sorted into one key', 'x{b="2",a="1"}', ['+x{a="1",b="2"}']],
    ['__name__ matcher', '{__name__="x",a="1"}', ['+x{a="1"}']],
    ['quoted UTF-8 names', '{"my.metric","a.b"="c"}', ['+{"my.metric","a.b"="c"}']],
    ['single-quoted and raw strings', "x{a='1',b=`\\d`}", ['+x{a="1",b="\\\\d"}']],
    ['unary minus', '-sum(rate(x[5m]))', ['-x']],
    ['parentheses and newlines', '(\n  sum(\n    rate(x[{{ .window }}])\n  )\n)', ['+x']],
  ])('%s: %s', (_name, promql, expected) => {
    expect(terms(promql)).toEqual(expected);
  });

  it('gives identical selectors identical keys however they are written', () => {
    expect(terms('x{b="2",a=~"1|2"}')).toEqual(terms('sum by (a) (rate({a=~"1|2", __name__="x", b=\'2\'}[1h]))'));
  });
});

describe('compileQuery: refusals name the part and where it is', () => {
  it.each([
    ['histogram_quantile(0.9, sum(rate(x_bucket[5m])) by (le))', 'the function histogram_quantile()', 0, 56],
    ['sum(avg_over_time(x[5m]))', 'the function avg_over_time()', 4, 24],
    ['sum(rate(x[5m] offset 1h))', 'an offset modifier', 9, 24],
    ['sum(rate(x[5m] @ 100))', 'an @ modifier', 9, 20],
    ['sum(rate(x[5m:1m]))', 'a subquery', 9, 17],
    ['avg(rate(x[5m]))', 'the aggregation avg()', 0, 16],
    ['count(x)', 'the aggregation count()', 0, 8],
    ['sum(rate(x[5m])) * 100', 'the "*" operator', 17, 18],
    ['sum(rate(x[5m])) > 0', 'the ">" operator', 17, 18],
    ['sum(rate(x[5m])) or vector(0)', 'the "or" operator', 17, 19],
    ['rate(a[5m]) - rate(b[5m])', '"-" on a per-series vector (wrap "rate(a[5m])" in sum())', 0, 11],
    ['sum(rate(a[5m])) / rate(b[5m])', '"/" on a per-series vector (wrap "rate(b[5m])" in sum())', 19, 30],
    ['x[5m]', 'a range selector outside rate() or increase()', 0, 5],
    ['{__name__=~"x.*"}', 'a "=~" matcher on __name__', 1, 16],
    ['{job="api"}', 'a selector without a metric name', 0, 11],
    ['x{a=~"("}', 'the regular expression "(" is not valid', 5, 8],
    ['sum(rate(a[5m])) + sum(increase(b[5m]))', 'increase(…[5m]) and rate(…[5m]) count events differently', 23, 38],
    ['sum(rate(a[5m])) - sum(rate(b[1h]))', 'rate(…[1h]) and rate(…[5m]) count events differently', 23, 34],
    ['sum(rate(a[5m])) / sum(rate(b[5m]))', 'a ratio is not a count of events', 0, 35],
    ['2', 'the number 2 is not a count of events', 0, 1],
    ['rate(x)', 'rate() of "x" (expected a range selector such as x[5m])', 5, 6],
    ['x offset 5m', 'an offset modifier', 0, 11],
    ['x @ 100', 'an @ modifier', 0, 7],
    ['"text"', 'a string', 0, 6],
    ['topk(5, x)', 'the aggregation topk()', 0, 10],
    ['sum(sum(rate(a[5m])) / sum(rate(b[5m])))', 'sum() of a ratio', 0, 40],
    ['-(sum(rate(a[5m])) / sum(rate(b[5m])))', 'a negated ratio', 0, 38],
    ['sum(rate(a[5m])) > bool 0', 'the bool modifier', 19, 23],
    ['sum(rate(a[5m])) / sum(rate(b[5m])) / sum(rate(c[5m]))', '"/" between a ratio and a sum of counters', 36, 37],
    ['2 - sum(rate(a[5m])) / sum(rate(b[5m]))', '2 minus a ratio (only 1 - ratio is an SLI)', 0, 39],
    ['sum(rate(x{a="1"}[5m]', 'syntax error: unexpected end of query at offset 21', 21, 21],
    ['sum(rate(x{a="1" b="2"}[5m]))', 'syntax error: unexpected "b" at offset 17', 17, 18],
  ])('%s', (promql, reason, from, to) => {
    const result = compileQuery(promql);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.reason).toContain(reason);
    expect([result.from, result.to]).toEqual([from, to]);
  });

  it('reports positions in the text as written, placeholders included', () => {
    const promql = 'sum(rate(a[{{.window}}])) + sum(rate(b[{{.window}}] offset 5m))';
    const result = compileQuery(promql);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.reason).toBe('an offset modifier is not supported by the embedded engine');
    expect(promql.slice(result.from, result.to)).toBe('b[{{.window}}] offset 5m');
  });
});
