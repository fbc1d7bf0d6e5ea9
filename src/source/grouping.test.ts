import { describe, expect, it } from 'vitest';
import { batchQueries, splitGroupAnswer } from './grouping.js';

const bad = (job: string) => `sum(increase(http_requests_total{job="${job}",code=~"5.."}[1m])) or vector(0)`;
const total = (job: string) => `sum(increase(http_requests_total{job="${job}"}[1m]))`;

describe('batchQueries', () => {
  it('asks queries of one shape that differ in one label value as one sum by (label), and other shapes apart', () => {
    const queries = [bad('a'), total('a'), bad('b'), total('b'), bad('c.d'), total('c.d')];
    const batches = batchQueries(queries, 200);
    expect(batches.alone).toEqual([]);
    expect(batches.groups.map((group) => group.promql).sort()).toEqual([
      'sum by (job) (increase(http_requests_total{code=~"5..",job=~"a|b|c\\\\.d"}[1m]))',
      'sum by (job) (increase(http_requests_total{job=~"a|b|c\\\\.d"}[1m]))',
    ]);
    const badGroup = batches.groups.find((group) => group.promql.includes('5..'))!;
    expect(badGroup.label).toBe('job');
    expect([...badGroup.members]).toEqual([
      ['a', [0]],
      ['b', [2]],
      ['c.d', [4]],
    ]);
  });

  it('lets the label with most values vary and splits by the others; at most maxMembers values a group', () => {
    const query = (service: string, route: string) => `sum(increase(http_requests_total{service="${service}",route="${route}"}[1m]))`;
    const queries = [query('x', '/a'), query('x', '/b'), query('x', '/c'), query('y', '/a'), query('y', '/b')];
    const batches = batchQueries(queries, 2);
    expect(batches.alone).toEqual([]);
    expect(batches.groups.map((group) => group.promql)).toEqual([
      'sum by (route) (increase(http_requests_total{service="x",route=~"/a|/b"}[1m]))',
      'sum by (route) (increase(http_requests_total{service="x",route=~"/c"}[1m]))',
      'sum by (route) (increase(http_requests_total{service="y",route=~"/a|/b"}[1m]))',
    ]);
  });

  it('asks as written what has no partner, no selecting label, another function, range or matcher, or grouping off', () => {
    const queries = [
      total('a'),
      'sum(increase(http_requests_total{job="b"}[5m]))',
      'sum(rate(http_requests_total{job="c"}[1m]))',
      'sum(increase(http_requests_total{job=""}[1m]))',
      'sum(increase(other_total[1m]))',
      'sum(count_over_time((queue_depth{job="a"} > 3)[1m:]))',
      'sum(increase(http_requests_total{job="d",job="e"}[1m]))',
    ];
    expect(batchQueries(queries, 200)).toEqual({ groups: [], alone: [0, 1, 2, 3, 4, 5, 6] });
    expect(batchQueries([total('a'), total('b')], 1)).toEqual({ groups: [], alone: [0, 1] });
  });

  it('answers two spellings of one member from the same series', () => {
    const batches = batchQueries([total('a'), `${total('a')} or vector(0)`, total('b')], 200);
    expect([...batches.groups[0]!.members]).toEqual([
      ['a', [0, 1]],
      ['b', [2]],
    ]);
  });
});

describe('splitGroupAnswer', () => {
  it('gives each member the series of its value, no points when the source has none, and ignores other values', () => {
    const group = batchQueries([total('a'), total('b'), total('c')], 200).groups[0]!;
    const answer = splitGroupAnswer(group, [
      { metric: { job: 'b' }, points: [{ t: 60_000, value: 3 }, { t: 120_000, value: Number.NaN }] },
      { metric: { job: 'a' }, points: [{ t: 60_000, value: 7 }] },
      { metric: { job: 'z' }, points: [{ t: 60_000, value: 100 }] },
    ]);
    expect(answer).toEqual(new Map([
      [0, [{ t: 60_000, value: 7 }]],
      [1, [{ t: 60_000, value: 3 }]],
      [2, []],
    ]));
  });
});
