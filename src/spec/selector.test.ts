import { describe, expect, it } from 'vitest';
import { isVectorSelector, splitLe } from './selector.js';

describe('selector helpers', () => {
  it('tells a bare selector from an expression', () => {
    expect(isVectorSelector('http_requests_total{job="api",code=~"5.."}')).toBe(true);
    expect(isVectorSelector('up')).toBe(true);
    expect(isVectorSelector('sum(rate(http_requests_total[5m]))')).toBe(false);
    expect(isVectorSelector('http_requests_total[5m]')).toBe(false);
    expect(isVectorSelector('http_requests_total{')).toBe(false);
  });

  it('splits the le matcher off a bucket selector wherever it stands', () => {
    expect(splitLe('h_bucket{job="api",le="0.5"}')).toEqual({ le: '0.5', rest: 'h_bucket{job="api"}' });
    expect(splitLe('h_bucket{le="1", job="api"}')).toEqual({ le: '1', rest: 'h_bucket{job="api"}' });
    expect(splitLe('h_bucket{le="1"}')).toEqual({ le: '1', rest: 'h_bucket' });
    expect(splitLe('h_bucket{job="api"}')).toBeUndefined();
  });
});
