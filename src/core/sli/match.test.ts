import { describe, expect, it } from 'vitest';
import { compileQuery } from '../promql/index.js';
import { MatcherIndex, termMatches } from './match.js';
import type { Term } from '../promql/types.js';

function term(selector: string): Term {
  const result = compileQuery(selector);
  if (!result.ok || !result.terms[0]) throw new Error(`bad selector ${selector}`);
  return result.terms[0].term;
}

describe('termMatches', () => {
  it.each([
    ['x{a="1"}', { __name__: 'x', a: '1' }, true],
    ['x{a="1"}', { __name__: 'y', a: '1' }, false],
    ['x{a="1"}', { __name__: 'x', a: '2' }, false],
    ['x{a=""}', { __name__: 'x' }, true], // a missing label reads as ""
    ['x{a!=""}', { __name__: 'x' }, false],
    ['x{a=~"5.."}', { __name__: 'x', a: '503' }, true],
    ['x{a=~"5.."}', { __name__: 'x', a: '5030' }, false], // anchored at both ends
    ['x{a=~"5.."}', { __name__: 'x', a: '1503' }, false],
    ['x{a!~"5..|429"}', { __name__: 'x', a: '429' }, false],
    ['x{a!~"5..|429"}', { __name__: 'x', a: '200' }, true],
    ['x{a=~"(?i)get"}', { __name__: 'x', a: 'GET' }, true],
    ['x{a=~"a.b"}', { __name__: 'x', a: 'a\nb' }, true], // `.` matches a newline, as in Prometheus 3
    ['h_bucket{le="0.3"}', { __name__: 'h_bucket', le: '0.30' }, true], // bounds compare as numbers
    ['h_bucket{le="0.3"}', { __name__: 'h_bucket', le: '0.300001' }, false],
    ['h_bucket{le="1"}', { __name__: 'h_bucket', le: '1.0' }, true],
    ['h_bucket{le="+Inf"}', { __name__: 'h_bucket', le: '+Inf' }, true],
    ['h_bucket{le="+Inf"}', { __name__: 'h_bucket', le: 'Inf' }, true],
    ['h_bucket{le!="+Inf"}', { __name__: 'h_bucket', le: '0.5' }, true],
    ['h_bucket{le!="+Inf"}', { __name__: 'h_bucket', le: 'inf' }, false],
    ['h_bucket{job="1"}', { __name__: 'h_bucket', job: '1.0' }, false], // only le is numeric
  ])('%s against %j is %s', (selector, labels, expected) => {
    expect(termMatches(term(selector), labels)).toBe(expected);
  });
});

describe('MatcherIndex', () => {
  const index = new MatcherIndex([term('x{code=~"5.."}'), term('x'), term('y{a="1"}'), term('x')]);

  it('answers by metric name first', () => {
    expect(index.wantsMetric('x')).toBe(true);
    expect(index.wantsMetric('z')).toBe(false);
    expect(index.match({ __name__: 'z', code: '500' })).toEqual([]);
    expect(index.match({ code: '500' })).toEqual([]);
  });

  it('returns every distinct term a series belongs to', () => {
    expect(index.match({ __name__: 'x', code: '500' }).map((t) => t.key)).toEqual(['x{code=~"5.."}', 'x']);
    expect(index.match({ __name__: 'x', code: '200' }).map((t) => t.key)).toEqual(['x']);
    expect(index.match({ __name__: 'y', a: '2' })).toEqual([]);
  });
});

describe('MatcherIndex with many terms on one metric', () => {
  // 40 SLOs on one metric told apart by job, each a total and a 5xx term, plus terms that do not pin job.
  const terms: Term[] = [];
  for (let index = 0; index < 40; index++) terms.push(term(`http_requests_total{job="job-${index}"}`), term(`http_requests_total{job="job-${index}",code=~"5.."}`));
  terms.push(term('http_requests_total{code="418"}'), term('http_requests_total{job=~"job-1.*",code="503"}'), term('http_requests_total{job=""}'));
  const index = new MatcherIndex(terms);

  it.each([
    [{ __name__: 'http_requests_total', job: 'job-7', code: '200' }, 1], // job-7's total
    [{ __name__: 'http_requests_total', job: 'job-12', code: '503' }, 3], // job-12's total and 5xx, and job=~"job-1.*",code="503"
    [{ __name__: 'http_requests_total', job: 'job-3', code: '418' }, 2], // job-3's total and code="418"
    [{ __name__: 'http_requests_total', code: '418' }, 2], // code="418" and job="" (a missing label reads as "")
    [{ __name__: 'http_requests_total', job: 'other', code: '500' }, 0],
  ])('finds exactly the terms a full scan finds for %j (%s)', (labels, count) => {
    const expected = terms.filter((candidate) => termMatches(candidate, labels)).map((candidate) => candidate.key).sort();
    expect([...index.match(labels)].map((candidate) => candidate.key).sort()).toEqual(expected);
    expect(expected).toHaveLength(count);
  });
});
