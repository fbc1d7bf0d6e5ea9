import { describe, expect, it } from 'vitest';
import { formatSummedSelector, readSummedSelector } from './summed-selector.js';

describe('readSummedSelector', () => {
  it('reads sum(FN(SELECTOR[R])), with or without `or vector(0)`, keeping matchers as written and sorted', () => {
    const read = readSummedSelector('sum(increase(http_requests_total{job="svc-1",code=~"5..",le="0.30"}[1m])) or vector(0)');
    expect(read).toEqual({
      fn: 'increase',
      range: '1m',
      selector: {
        metric: 'http_requests_total',
        matchers: [
          { name: 'code', op: '=~', value: '5..' },
          { name: 'job', op: '=', value: 'svc-1' },
          // Not made canonical: the source compares label values as strings.
          { name: 'le', op: '=', value: '0.30' },
        ],
      },
    });
    expect(readSummedSelector('sum(count_over_time({__name__="queue_depth",job="a"}[1m]))')).toMatchObject({ fn: 'count_over_time', selector: { metric: 'queue_depth' } });
  });

  it('answers undefined for every other shape', () => {
    for (const query of [
      'sum by (job) (increase(x[1m]))',
      'sum without (job) (increase(x[1m]))',
      'max(increase(x[1m]))',
      'sum(rate(x[1m])) / 2',
      'sum(increase(x[1m] offset 5m))',
      'sum(increase(x[1m] @ 100))',
      'sum(delta(x[1m]))',
      'sum(increase(x[1m])) or vector(1)',
      'sum(increase(x[1m])) or on() vector(0)',
      'sum(increase(x[1m])) + sum(increase(y[1m]))',
      'sum(count_over_time((x > 1)[1m:]))',
      'sum(increase({job="a"}[1m]))',
      'sum(increase({__name__=~"a|b"}[1m]))',
      'sum(increase(x[1m])',
    ]) {
      expect(readSummedSelector(query), query).toBeUndefined();
    }
  });

  it('writes the query back, with a `by` when asked', () => {
    const read = readSummedSelector('sum(increase(http_requests_total{job="a",code=~"5.."}[1m]))')!;
    expect(formatSummedSelector(read)).toBe('sum(increase(http_requests_total{code=~"5..",job="a"}[1m]))');
    expect(formatSummedSelector(read, ['job'])).toBe('sum by (job) (increase(http_requests_total{code=~"5..",job="a"}[1m]))');
    expect(formatSummedSelector(readSummedSelector('sum(increase({"my.metric",job="a"}[1m]))')!)).toBe('sum(increase({"my.metric",job="a"}[1m]))');
  });
});
