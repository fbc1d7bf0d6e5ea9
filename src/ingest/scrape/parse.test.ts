import { describe, expect, it } from 'vitest';
import { parseExposition } from './parse.js';
import { expositionToSeries } from './series.js';

const TEXT = `# HELP http_requests_total Requests.
# TYPE http_requests_total counter
http_requests_total{code="200",path="/a \\"quoted\\" \\\\ back\\nslash"} 1027 1395066363000
http_requests_total{code="500"} 3
# TYPE temperature gauge
temperature -1.5e1
# TYPE latency histogram
latency_bucket{le="0.1"} 5
latency_bucket{le="+Inf"} 7
latency_count 7
latency_sum 0.9
odd_untyped NaN
`;

const OPENMETRICS = `# TYPE jobs counter
# UNIT jobs seconds
jobs_total{kind="batch",job="x"} 42.0 1700000000.250 # {trace_id="abc"} 1.0 1700000000.1
jobs_created{kind="batch",job="x"} 1699990000.5
# TYPE ready gauge
ready +Inf
# EOF
`;

describe('exposition parsing', () => {
  it('reads the Prometheus text format: labels with escapes, timestamps in ms, special values', () => {
    const { samples, types } = parseExposition(TEXT, false);
    expect(samples[0]).toEqual({ name: 'http_requests_total', labels: [['code', '200'], ['path', '/a "quoted" \\ back\nslash']], value: 1027, timestampMs: 1_395_066_363_000 });
    expect(samples.map((sample) => sample.value)).toEqual([1027, 3, -15, 5, 7, 7, 0.9, Number.NaN]);
    expect(types.get('latency')).toBe('histogram');
  });

  it('reads OpenMetrics: seconds timestamps, exemplars, _created as the counter start time, # EOF', () => {
    const exposition = parseExposition(OPENMETRICS, true);
    expect(exposition.samples[0]).toMatchObject({ name: 'jobs_total', value: 42, timestampMs: 1_700_000_000_250 });
    const series = expositionToSeries(exposition, { job: 'batch', instance: 'h:1' }, 1_700_000_001_000, () => true);
    expect(series).toEqual([
      { labels: { kind: 'batch', exported_job: 'x', __name__: 'jobs_total', job: 'batch', instance: 'h:1' }, timestamps: [1_700_000_000_250], values: [42], startTimeMs: 1_699_990_000_500 },
      { labels: { __name__: 'ready', job: 'batch', instance: 'h:1' }, timestamps: [1_700_000_001_000], values: [Number.POSITIVE_INFINITY], temporality: 'gauge' },
    ]);
    expect(() => parseExposition(OPENMETRICS.replace('# EOF\n', ''), true)).toThrow(/without # EOF/);
  });

  it('refuses broken lines with the line number', () => {
    expect(() => parseExposition('ok 1\nbad{code="2', false)).toThrow(/line 2: unterminated label value/);
    expect(() => parseExposition('bad{code="2" 1', false)).toThrow(/line 1: expected , or }/);
    expect(() => parseExposition('x abc', false)).toThrow(/line 1: invalid value abc/);
    expect(() => parseExposition('# TYPE x sometype\nx 1', false)).toThrow(/line 1: unknown metric type/);
  });

  it('builds series only for metrics an SLI reads', () => {
    const series = expositionToSeries(parseExposition(TEXT, false), { job: 'shop', instance: 'h:2' }, 1000, (name) => name === 'latency_bucket');
    expect(series.map((one) => one.labels.le)).toEqual(['0.1', '+Inf']);
  });
});
