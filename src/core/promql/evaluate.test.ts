import { describe, expect, it } from 'vitest';
import { SloeError } from '../errors.js';
import { evaluateInstant } from './evaluate.js';
import type { InstantSeries, InstantValue } from './instant.js';

const SERIES: InstantSeries[] = [
  { labels: { __name__: 'slo:burn_rate:ratio', slo_name: 'checkout', slo_service: 'shop', slo_window: '5m' }, value: 20 },
  { labels: { __name__: 'slo:burn_rate:ratio', slo_name: 'checkout', slo_service: 'shop', slo_window: '1h' }, value: 16 },
  { labels: { __name__: 'slo:burn_rate:ratio', slo_name: 'search', slo_service: 'shop', slo_window: '1h' }, value: 2 },
  { labels: { __name__: 'slo:burn_rate:ratio', slo_name: 'login', slo_service: 'auth', slo_window: '1h' }, value: Number.NaN },
  { labels: { __name__: 'slo:objective:ratio', slo_name: 'checkout', slo_service: 'shop' }, value: 0.999 },
];

function vector(query: string): [Record<string, string>, number][] {
  const result = evaluateInstant(query, SERIES);
  if (result.kind !== 'vector') throw new Error(`expected a vector from ${query}`);
  return result.series.map((one) => [one.labels, one.value]);
}

function values(query: string): number[] {
  return vector(query).map(([, value]) => value);
}

function scalar(query: string): number {
  const result: InstantValue = evaluateInstant(query, SERIES);
  if (result.kind !== 'scalar') throw new Error(`expected a scalar from ${query}`);
  return result.value;
}

function refusal(query: string): string {
  try {
    evaluateInstant(query, SERIES);
  } catch (error) {
    expect(error).toBeInstanceOf(SloeError);
    expect((error as SloeError).code).toBe('bad_query');
    expect((error as SloeError).status).toBe(400);
    return (error as SloeError).message;
  }
  throw new Error(`expected ${query} to be refused`);
}

describe('evaluateInstant: selectors', () => {
  it.each([
    ['slo:burn_rate:ratio{slo_window="1h"}', [16, 2, Number.NaN]],
    ['slo:burn_rate:ratio{slo_window!="1h"}', [20]],
    ['slo:burn_rate:ratio{slo_name=~"check.*|search"}', [20, 16, 2]],
    ['slo:burn_rate:ratio{slo_name!~"check.*"}', [2, Number.NaN]],
    ['{__name__=~"slo:.*", slo_name="checkout", slo_window=""}', [0.999]],
    ['{__name__="slo:objective:ratio"}', [0.999]],
    ['nothing_here', []],
  ])('%s', (query, expected) => {
    expect(values(query)).toEqual(expected);
  });

  it('keeps every label, the name included', () => {
    expect(vector('slo:objective:ratio')).toEqual([[{ __name__: 'slo:objective:ratio', slo_name: 'checkout', slo_service: 'shop' }, 0.999]]);
  });
});

describe('evaluateInstant: aggregations', () => {
  it('takes min and max over a fleet of 200,000 series (past the argument limit of a spread)', () => {
    const fleet: InstantSeries[] = Array.from({ length: 200_000 }, (_, index) => ({ labels: { __name__: 'slo:sli:ratio', slo_name: `slo-${index}` }, value: index === 123_456 ? 0.5 : index === 7 ? 2 : 1 }));
    const one = (query: string): number => {
      const result = evaluateInstant(query, fleet);
      if (result.kind !== 'vector' || result.series.length !== 1) throw new Error(`expected one series from ${query}`);
      return result.series[0]!.value;
    };
    expect(one('min(slo:sli:ratio)')).toBe(0.5);
    expect(one('max(slo:sli:ratio)')).toBe(2);
  });

  it('groups by labels, before or after the argument', () => {
    const expected = [
      [{ slo_service: 'shop' }, 38],
      [{ slo_service: 'auth' }, Number.NaN],
    ];
    expect(vector('sum by (slo_service) (slo:burn_rate:ratio)')).toEqual(expected);
    expect(vector('sum(slo:burn_rate:ratio) by (slo_service)')).toEqual(expected);
  });

  it('groups without labels, dropping the name', () => {
    expect(vector('max without (slo_window) (slo:burn_rate:ratio{slo_service="shop"})')).toEqual([
      [{ slo_name: 'checkout', slo_service: 'shop' }, 20],
      [{ slo_name: 'search', slo_service: 'shop' }, 2],
    ]);
  });

  it.each([
    ['sum', 38],
    ['min', 2],
    ['max', 20],
    ['avg', 38 / 3],
    ['count', 4],
  ])('%s over everything', (op, expected) => {
    const series = op === 'count' ? 'slo:burn_rate:ratio' : 'slo:burn_rate:ratio{slo_service="shop"}';
    expect(vector(`${op}(${series})`)).toEqual([[{}, expected]]);
  });

  it('min and max skip NaN as Prometheus does', () => {
    expect(values('min(slo:burn_rate:ratio)')).toEqual([2]);
    expect(values('max by (slo_service) (slo:burn_rate:ratio{slo_service="auth"})')).toEqual([Number.NaN]);
  });
});

describe('evaluateInstant: operators', () => {
  it('filters with a comparison, keeping the vector sample whichever side it is on', () => {
    expect(vector('slo:burn_rate:ratio{slo_window="1h"} > 14.4')).toEqual([[SERIES[1]!.labels, 16]]);
    expect(vector('14.4 < slo:burn_rate:ratio{slo_window="1h"}')).toEqual([[SERIES[1]!.labels, 16]]);
  });

  it('answers 1 or 0 with bool, dropping the name', () => {
    expect(vector('slo:burn_rate:ratio{slo_window="1h"} >= bool 16')).toEqual([
      [{ slo_name: 'checkout', slo_service: 'shop', slo_window: '1h' }, 1],
      [{ slo_name: 'search', slo_service: 'shop', slo_window: '1h' }, 0],
      [{ slo_name: 'login', slo_service: 'auth', slo_window: '1h' }, 0],
    ]);
  });

  it('does arithmetic with precedence, unary minus and parentheses', () => {
    expect(values('1 - slo:objective:ratio')).toEqual([1 - 0.999]);
    expect(values('-slo:objective:ratio * 1000')).toEqual([-999]);
    expect(vector('(slo:objective:ratio + 1) / 2')[0]![0]).toEqual({ slo_name: 'checkout', slo_service: 'shop' });
    expect(scalar('2 + 3 * 4 ^ 2 % 5')).toBe(2 + ((3 * 16) % 5));
    // ^ binds tighter than unary minus on a vector (a negative literal is one token, as lezer and Prometheus lex it).
    expect(values('-slo:objective:ratio ^ 2')).toEqual([-(0.999 ** 2)]);
    expect(scalar('1 == bool 1')).toBe(1);
    expect(scalar('NaN != bool NaN')).toBe(1);
    expect(scalar('Inf')).toBe(Number.POSITIVE_INFINITY);
    expect(scalar('0x10 + 1e1')).toBe(26);
  });
});

describe('evaluateInstant: refusals', () => {
  it.each([
    ['sum(', /syntax error/],
    ['', /empty/],
    ['rate(x[5m])', /the function rate\(\) is not supported/],
    ['slo:objective:ratio[5m]', /range selectors are not supported/],
    ['slo:objective:ratio offset 5m', /offset/],
    ['slo:objective:ratio > slo:objective:ratio', /between two vectors/],
    ['slo:objective:ratio and slo:objective:ratio', /"and" operator is not supported/],
    ['1 > 2', /must use BOOL/],
    ['slo:objective:ratio + bool 1', /bool modifier can only be used on comparison/],
    ['topk(1, slo:objective:ratio)', /aggregation topk\(\) is not supported/],
    ['sum(1)', /expected a vector in sum\(\), got a scalar/],
    ['{slo_name=""}', /at least one non-empty matcher/],
    ['{slo_name=~".*"}', /at least one non-empty matcher/],
    ['x{a=~"("}', /regular expression/],
    ['"text"', /string/],
  ])('%s', (query, reason) => {
    expect(refusal(query)).toMatch(reason);
  });
});
