import { describe, expect, it } from 'vitest';
import { HOUR, MINUTE } from '../core/index.js';
import { countQueries, eventsQuery, withBucket } from './promql.js';

describe('SLI queries as event counts over a window', () => {
  it('wraps a bare counter selector in sum(increase(...))', () => {
    expect(eventsQuery('http_requests_total{job="api",code=~"5.."}', 5 * MINUTE)).toBe('sum(increase(http_requests_total{job="api",code=~"5.."}[5m]))');
  });

  it('fills the window placeholders and reads rate as increase', () => {
    expect(eventsQuery('sum(rate(http_requests_total{job="api"}[{{.window}}]))', HOUR)).toBe('sum(increase(http_requests_total{job="api"}[1h]))');
    expect(eventsQuery('sum by (code) (rate(x[$__window])) and on() vector(1)', 30 * 24 * HOUR)).toBe('sum by (code) (increase(x[30d])) and on() vector(1)');
    expect(eventsQuery('sum(irate(x[{{ .window }}]))', 6 * HOUR)).toBe('sum(irate(x[6h]))');
  });

  it.each(['{{.window}}', '{{ .window }}', '$__window', '${__window}'])('fills the window placeholder %s', (placeholder) => {
    expect(eventsQuery(`sum(rate(x[${placeholder}]))`, HOUR)).toBe('sum(increase(x[1h]))');
  });

  it('makes good and total bucket queries for a latency SLI', () => {
    expect(countQueries({ kind: 'latency', histogram: { promql: 'http_request_duration_seconds_bucket{job="api",le="1"}' }, threshold: 0.3 }, 5 * MINUTE)).toEqual({
      good: 'sum(increase(http_request_duration_seconds_bucket{job="api",le="0.3"}[5m]))',
      total: 'sum(increase(http_request_duration_seconds_bucket{job="api",le="+Inf"}[5m]))',
    });
    expect(withBucket('x_bucket', '1')).toBe('x_bucket{le="1"}');
  });

  it('counts gauge samples meeting the threshold with subqueries', () => {
    expect(countQueries({ kind: 'threshold', metric: { promql: 'queue_depth{job="q"}' } }, HOUR, { op: 'lt', value: 100 })).toEqual({
      good: 'sum(count_over_time(((queue_depth{job="q"}) < 100)[1h:]))',
      total: 'sum(count_over_time((queue_depth{job="q"})[1h:]))',
    });
    expect(() => countQueries({ kind: 'threshold', metric: { promql: 'q' } }, HOUR)).toThrow(/op and value/);
  });

  it('passes a raw ratio through with its window', () => {
    expect(countQueries({ kind: 'rawRatio', query: { promql: '1 - avg_over_time(up[{{.window}}])' }, meaning: 'bad' }, 2 * HOUR)).toEqual({ total: '1 - avg_over_time(up[2h])', ratio: 'bad' });
  });
});
