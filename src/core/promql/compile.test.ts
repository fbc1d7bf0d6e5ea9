import { describe, expect, it } from 'vitest';
import type { Objective, Sli } from '../model.js';
import { compileSli } from './compile.js';
import type { CompileResult, SignedTerm, SliQueryRole } from './types.js';

const q = (promql: string) => ({ promql });
const objective = (extra: Partial<Objective> = {}): Objective => ({ key: 'o', target: 0.99, ...extra });

function show(terms: readonly SignedTerm[]): string[] {
  return terms.map(({ term, sign }) => `${sign === 1 ? '+' : '-'}${term.key}`);
}

function compiled(sli: Sli, withObjective?: Objective): { good: string[]; total: string[] } {
  const result = compileSli(sli, withObjective);
  if (!result.ok) throw new Error(`expected to compile: ${result.reason}`);
  return { good: show(result.sli.good), total: show(result.sli.total) };
}

function refused(sli: Sli, withObjective?: Objective): Extract<CompileResult, { ok: false }> {
  const result = compileSli(sli, withObjective);
  if (result.ok) throw new Error('expected a refusal');
  return result;
}

const TOTAL = 'sum(rate(http_requests_total{job="api"}[{{.window}}]))';
const BAD = 'sum(rate(http_requests_total{job="api",code=~"5.."}[{{.window}}]))';
const GOOD = 'sum(rate(http_requests_total{job="api",code!~"5.."}[{{.window}}]))';

describe('compileSli', () => {
  it('ratio with good events: good / total', () => {
    expect(compiled({ kind: 'ratio', good: q(GOOD), total: q(TOTAL) })).toEqual({
      good: ['+http_requests_total{code!~"5..",job="api"}'],
      total: ['+http_requests_total{job="api"}'],
    });
  });

  it('ratio with bad events: good = total - bad', () => {
    expect(compiled({ kind: 'ratio', bad: q(BAD), total: q(TOTAL) })).toEqual({
      good: ['+http_requests_total{job="api"}', '-http_requests_total{code=~"5..",job="api"}'],
      total: ['+http_requests_total{job="api"}'],
    });
  });

  it('bad = count - fast bucket cancels down to the fast bucket (Sloth k8s apiserver latency)', () => {
    const bad = '(sum(rate(d_count{verb!="WATCH"}[{{.window}}])) - sum(rate(d_bucket{le="0.4",verb!="WATCH"}[{{.window}}])))';
    expect(compiled({ kind: 'ratio', bad: q(bad), total: q('sum(rate(d_count{verb!="WATCH"}[{{.window}}]))') })).toEqual({
      good: ['+d_bucket{le="0.4",verb!="WATCH"}'],
      total: ['+d_count{verb!="WATCH"}'],
    });
  });

  it('bare counters (OpenSLO counter: true)', () => {
    expect(compiled({ kind: 'ratio', good: q('http_requests_total{code="200"}'), total: q('http_requests_total') })).toEqual({
      good: ['+http_requests_total{code="200"}'],
      total: ['+http_requests_total'],
    });
  });

  it('latency: good = bucket at the threshold, total = +Inf bucket', () => {
    expect(compiled({ kind: 'latency', histogram: q('http_request_duration_seconds_bucket{job="api"}'), threshold: 0.3 })).toEqual({
      good: ['+http_request_duration_seconds_bucket{job="api",le="0.3"}'],
      total: ['+http_request_duration_seconds_bucket{job="api",le="+Inf"}'],
    });
    expect(compiled({ kind: 'latency', histogram: q('sum(rate(h_bucket[5m]))'), threshold: 1 })).toEqual({ good: ['+h_bucket{le="1"}'], total: ['+h_bucket{le="+Inf"}'] });
  });

  it('threshold: a gauge counted per sample, good where value op threshold', () => {
    const result = compileSli({ kind: 'threshold', metric: q('queue_depth{job="worker"}') }, objective({ op: 'lt', value: 100 }));
    expect(result.ok && result.sli).toEqual({
      good: [{ sign: 1, term: { key: 'queue_depth{job="worker"} | value lt 100', metric: 'queue_depth', matchers: [{ name: 'job', op: '=', value: 'worker' }], kind: 'gauge', gauge: { mode: 'threshold', op: 'lt', threshold: 100 } } }],
      total: [{ sign: 1, term: { key: 'queue_depth{job="worker"} | count', metric: 'queue_depth', matchers: [{ name: 'job', op: '=', value: 'worker' }], kind: 'gauge', gauge: { mode: 'count' } } }],
    });
  });

  // A raw ratio R = A / B, optionally 1 - A / B. B is the total; A is bad or good by meaning and complement.
  it.each([
    ['bad', 'sum(rate(e[5m])) / sum(rate(t[5m]))', ['+t', '-e'], ['+t']],
    ['good', 'sum(rate(g[5m])) / sum(rate(t[5m]))', ['+g'], ['+t']],
    ['bad', '1 - (sum(rate(g[5m])) / sum(rate(t[5m])))', ['+g'], ['+t']],
    ['good', '1 - sum(rate(e[5m])) / sum(rate(t[5m]))', ['+t', '-e'], ['+t']],
  ] as const)('raw ratio meaning %s: %s', (meaning, promql, good, total) => {
    expect(compiled({ kind: 'rawRatio', meaning, query: q(promql) })).toEqual({ good, total });
  });

  const refusals: [string, Sli, Objective | undefined, string, SliQueryRole, number | undefined][] = [
    ['a threshold SLI without op/value', { kind: 'threshold', metric: q('x') }, undefined, "metric query: a threshold SLI needs the objective's op and value", 'metric', undefined],
    ['an aggregated gauge', { kind: 'threshold', metric: q('max(x)') }, objective({ op: 'gt', value: 1 }), 'metric query: the aggregation max()', 'metric', 0],
    ['a gauge through rate()', { kind: 'threshold', metric: q('rate(x[5m])') }, objective({ op: 'gt', value: 1 }), 'metric query: a threshold SLI is evaluated per sample of a plain gauge selector', 'metric', 0],
    ['a histogram that is not a bucket series', { kind: 'latency', histogram: q('h_count'), threshold: 1 }, undefined, 'histogram query: "h_count" is not a histogram (expected the classic h_bucket or the native histogram h)', 'histogram', 0],
    ['a histogram selector matching le', { kind: 'latency', histogram: q('h_bucket{le="1"}'), threshold: 1 }, undefined, 'histogram query: a latency SLI picks the bucket from its threshold', 'histogram', 0],
    ['a raw ratio that is not a ratio', { kind: 'rawRatio', meaning: 'bad', query: q('sum(rate(x[5m]))') }, undefined, 'ratio query: a sum of counters where a ratio of two sums was expected', 'query', 0],
    ['a ratio where events were expected', { kind: 'ratio', good: q('sum(rate(a[5m])) / sum(rate(b[5m]))'), total: q('sum(rate(b[5m]))') }, undefined, 'good query: a ratio where a count of events was expected', 'good', 0],
    ['histogram_quantile in the total', { kind: 'ratio', good: q(GOOD), total: q('sum(rate(x[5m])) + histogram_quantile(0.9, y)') }, undefined, 'total query: the function histogram_quantile() is not supported', 'total', 19],
    ['rate on one side, increase on the other', { kind: 'ratio', good: q('sum(increase(a[1h]))'), total: q('sum(rate(b[1h]))') }, undefined, 'increase(…[1h]) and rate(…[1h]) count events differently', 'good', 4],
    ['good cancelling to nothing', { kind: 'ratio', bad: q('sum(rate(t[5m]))'), total: q('sum(rate(t[5m]))') }, undefined, 'the good events of this SLI cancel out or are negative', 'bad', undefined],
  ];
  it.each(refusals)('refuses %s', (_name, sli, withObjective, reason, role, from) => {
    const result = refused(sli, withObjective);
    expect(result.reason).toContain(reason);
    expect(result.query).toBe(role);
    expect(result.from).toBe(from);
  });
});

describe('native histograms', () => {
  it('histogram_fraction(lower, upper, sum(rate(x[w]))) is (bucket(upper) - bucket(lower)) / bucket(+Inf)', () => {
    const promql = 'histogram_fraction(0, 0.3, sum(rate(http_request_duration_seconds{job="api"}[{{.window}}])))';
    expect(compiled({ kind: 'rawRatio', query: q(promql), meaning: 'good' })).toEqual({
      good: ['+http_request_duration_seconds_bucket{job="api",le="0.3"}', '-http_request_duration_seconds_bucket{job="api",le="0"}'],
      total: ['+http_request_duration_seconds_bucket{job="api",le="+Inf"}'],
    });
  });

  it('1 - histogram_fraction(-Inf, t, …) read as a bad share keeps the fast ones good', () => {
    const promql = '1 - histogram_fraction(-Inf, 0.5, sum(rate(latency_seconds[$__window])))';
    expect(compiled({ kind: 'rawRatio', query: q(promql), meaning: 'bad' })).toEqual({
      good: ['+latency_seconds_bucket{le="0.5"}'],
      total: ['+latency_seconds_bucket{le="+Inf"}'],
    });
  });

  it("sloe's latency form reads a native histogram by its own name at any threshold", () => {
    expect(compiled({ kind: 'latency', histogram: q('sum(rate(latency_seconds{job="api"}[{{.window}}]))'), threshold: 0.25 })).toEqual({
      good: ['+latency_seconds_bucket{job="api",le="0.25"}'],
      total: ['+latency_seconds_bucket{job="api",le="+Inf"}'],
    });
  });

  it('refuses histogram_fraction of classic buckets, of a per-series vector, and reversed bounds', () => {
    expect(refused({ kind: 'rawRatio', query: q('histogram_fraction(0, 0.3, sum(rate(x_bucket[5m])))'), meaning: 'good' }).reason).toMatch(/native histogram by its own name \("x"\)/);
    expect(refused({ kind: 'rawRatio', query: q('histogram_fraction(0, 0.3, rate(x[5m]))'), meaning: 'good' }).reason).toMatch(/per-series vector/);
    expect(refused({ kind: 'rawRatio', query: q('histogram_fraction(1, 0.3, sum(rate(x[5m])))'), meaning: 'good' }).reason).toMatch(/lower bound must be below/);
  });
});
