import { describe, expect, it } from 'vitest';
import { parsePromql } from './parse.js';

describe('parsePromql', () => {
  it.each([
    'sum(rate(x{a="1"}[{{.window}}]))',
    'sum(rate(x[$__window]))',
    'histogram_quantile(0.99, sum by (le) (rate(x_bucket[5m])))',
    'sum_over_time((count(x < 0.75))[{{.window}}:]) OR on() vector(0)',
  ])('accepts %s', (promql) => {
    expect(parsePromql(promql)).toEqual({ ok: true });
  });

  it.each([
    ['', 'the query is empty', 0, 0],
    ['sum(rate(x[5m])', 'syntax error: unexpected end of query at offset 15', 15, 15],
    ['x{a="1" b="2"}', 'syntax error: unexpected "b" at offset 8', 8, 9],
    ['sum(rate(x[5m])) +', 'syntax error: unexpected end of query at offset 18', 18, 18],
    ['x{a=}', 'syntax error: unexpected "}" at offset 4', 4, 5],
  ])('reports %j', (promql, message, from, to) => {
    expect(parsePromql(promql)).toEqual({ ok: false, message, from, to });
  });
});
