/**
 * The SLI compiler against the real Prometheus evaluator: for every accepted query shape, promtool evaluates the query
 * over a fixed set of counters, and the same figure is computed from the compiled terms the way the engine does
 * (Σ sign · increase of every series each term matches). They must agree, so the compiler's reading of sums,
 * differences, ratios, `1 -`, grouping, `!=`, anchored regexes and `(?i)` is Prometheus's own.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { compileQuery, compileSli, termMatches } from '../../src/core/index.js';
import type { SignedTerm } from '../../src/core/index.js';
import { requireBinary } from '../helpers/binaries.js';

/** Counters sampled every minute for 10 minutes: each grows by `perMinute`, so its increase over [10m] is 10 · perMinute. */
const SERIES: { labels: Record<string, string>; perMinute: number }[] = [
  { labels: { __name__: 'http_requests_total', job: 'api', code: '200' }, perMinute: 100 },
  { labels: { __name__: 'http_requests_total', job: 'api', code: '503' }, perMinute: 3 },
  { labels: { __name__: 'http_requests_total', job: 'api', code: '429' }, perMinute: 2 },
  { labels: { __name__: 'http_requests_total', job: 'api', code: '5030' }, perMinute: 7 }, // "5.." must not match it
  { labels: { __name__: 'http_requests_total', job: 'api', code: '500', method: 'GET' }, perMinute: 1 },
  { labels: { __name__: 'http_requests_total', job: 'web', code: '500' }, perMinute: 5 },
  { labels: { __name__: 'http_requests_total', job: 'API', code: '200' }, perMinute: 11 },
  { labels: { __name__: 'd_bucket', verb: 'GET', le: '0.1' }, perMinute: 50 },
  { labels: { __name__: 'd_bucket', verb: 'GET', le: '0.4' }, perMinute: 80 },
  { labels: { __name__: 'd_bucket', verb: 'GET', le: '+Inf' }, perMinute: 100 },
  { labels: { __name__: 'd_count', verb: 'GET' }, perMinute: 100 },
  { labels: { __name__: 'd_bucket', verb: 'WATCH', le: '0.4' }, perMinute: 1000 },
  { labels: { __name__: 'd_count', verb: 'WATCH' }, perMinute: 1000 },
];
const WINDOW_SECONDS = 600;

function seriesText(labels: Record<string, string>): string {
  const { __name__: name, ...rest } = labels;
  return `${name}{${Object.entries(rest).map(([key, value]) => `${key}=${JSON.stringify(value)}`).join(',')}}`;
}

/** What the engine would count: Σ sign · increase over the series each term matches. */
function events(terms: readonly SignedTerm[]): number {
  let sum = 0;
  for (const { term, sign } of terms) {
    for (const series of SERIES) if (termMatches(term, series.labels)) sum += sign * series.perMinute * 10;
  }
  return sum;
}

/** One-sided queries: the value Prometheus gives is the events (increase) or events per second (rate). */
const ONE_SIDED = [
  'sum(rate(http_requests_total{job="api",code=~"(5..|429)"}[{{.window}}]))',
  'sum(increase(http_requests_total{job="api"}[{{.window}}]))',
  'sum by (code) (rate(http_requests_total{job="api"}[{{.window}}]))',
  'sum(rate(http_requests_total{job=~"api|web",code!~"2.."}[$__window])) without (method)',
  'rate(http_requests_total{job="api",code="500"}[{{.window}}])',
  'sum(rate(http_requests_total{job=~"(?i)API"}[10m]))',
  'sum(rate(http_requests_total{job!="api",code=~"5.*"}[10m])) + sum(rate(http_requests_total{code="429"}[10m]))',
  '(sum(rate(d_count{verb!="WATCH"}[{{.window}}])) - sum(rate(d_bucket{le="0.4",verb!="WATCH"}[{{.window}}])))',
];

/** Ratios (raw ratio SLIs with meaning `good`): Prometheus's value is the compiled good / total. */
const RATIOS = [
  'sum(rate(http_requests_total{code!~"(5..|429)"}[{{.window}}])) / sum(rate(http_requests_total[{{.window}}]))',
  '1 - (sum(rate(http_requests_total{job="api",code=~"5.."}[{{.window}}])) / sum(rate(http_requests_total{job="api"}[{{.window}}])))',
  'sum(rate(d_bucket{le="0.1",verb!="WATCH"}[5m])) / sum(rate(d_bucket{le="+Inf",verb!="WATCH"}[5m]))',
  '1 - (sum(increase(d_count{verb="GET"}[1h])) - sum(increase(d_bucket{le="0.4",verb="GET"}[1h]))) / sum(increase(d_count{verb="GET"}[1h]))',
];

/**
 * The query as promtool reads it: every range 10 minutes, summed to one series, rounded to 1e-9 (promtool compares
 * exactly, and summing in another order can differ in the last bit; round() is applied the same way to both sides).
 */
function forPrometheus(query: string): string {
  return `round(sum(${query.replace(/\[(\{\{\.window\}\}|\$__window|\d+[smh])\]/g, '[10m]')}), 1e-9)`;
}

/** Prometheus's round(v, 1e-9), step for step: floor(v · (1 / 1e-9) + 0.5) / (1 / 1e-9). */
function roundLikePrometheus(value: number): number {
  const inverse = 1 / 1e-9;
  return Math.floor(value * inverse + 0.5) / inverse;
}

const expectations: { query: string; value: number }[] = [
  ...ONE_SIDED.map((query) => {
    const compiled = compileQuery(query);
    if (!compiled.ok) throw new Error(`${query}: ${compiled.reason}`);
    const total = events(compiled.terms);
    return { query, value: query.includes('rate(') ? total / WINDOW_SECONDS : total };
  }),
  ...RATIOS.map((query) => {
    const compiled = compileSli({ kind: 'rawRatio', meaning: 'good', query: { promql: query } });
    if (!compiled.ok) throw new Error(`${query}: ${compiled.reason}`);
    return { query, value: events(compiled.sli.good) / events(compiled.sli.total) };
  }),
];

const directory = mkdtempSync(join(tmpdir(), 'sloe-sli-promtool-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe('compiled SLIs agree with Prometheus', () => {
  it('every accepted shape: promtool evaluates the query to what the compiled terms count', () => {
    const file = join(directory, 'sli.test.yml');
    writeFileSync(
      file,
      stringify({
        evaluation_interval: '1m',
        tests: [
          {
            interval: '1m',
            input_series: SERIES.map((series) => ({ series: seriesText(series.labels), values: `0+${series.perMinute}x10` })),
            promql_expr_test: expectations.map(({ query, value }) => ({ expr: forPrometheus(query), eval_time: '10m', exp_samples: [{ labels: '{}', value: roundLikePrometheus(value) }] })),
          },
        ],
      }),
    );
    const run = spawnSync(requireBinary('promtool'), ['test', 'rules', file], { encoding: 'utf8', timeout: 60_000 });
    expect(`${run.stdout}${run.stderr}`).toContain('SUCCESS');
    expect(run.status).toBe(0);
    // The figures, checkable by hand: 5xx or 429 of job api is 3 + 2 + 1 a minute (5030 is not 5..: anchoring), so
    // 60 / 600 s = 0.1; (?i)API adds job API to api, (113 + 11) · 10 / 600 = 2.067; the latency ratio is 1 - 20 / 100.
    expect(expectations.map(({ value }) => Math.round(value * 1000) / 1000)).toEqual([0.1, 1130, 1.883, 0.3, 0.017, 2.067, 0.117, 0.333, 0.915, 0.965, 0.5, 0.8]);
  });
});
