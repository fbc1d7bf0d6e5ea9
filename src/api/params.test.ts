import { describe, expect, it } from 'vitest';
import { SloeError } from '../core/index.js';
import { groupParams, positiveInteger } from './params.js';

describe('positiveInteger', () => {
  it('reads a positive integer, falls back when absent or empty, and refuses anything else with a 400 naming the parameter', () => {
    expect(positiveInteger('25', 'limit', 10)).toBe(25);
    expect(positiveInteger(undefined, 'limit', 10)).toBe(10);
    expect(positiveInteger('', 'limit', undefined)).toBeUndefined();
    for (const bad of ['0', '-3', '1.5', 'ten']) {
      const error = (() => {
        try {
          positiveInteger(bad, 'limit', 10);
        } catch (caught) {
          return caught;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(SloeError);
      expect(error).toMatchObject({ code: 'bad_request', status: 400, message: `limit: expected a positive integer, got "${bad}"` });
    }
  });
});

describe('groupParams', () => {
  it('reads group.LABEL=VALUE parameters into a group, none into undefined, and refuses a repeated or unnamed label', () => {
    expect(groupParams({ from: ['1'], 'group.route': ['/v1/orders'], 'group.region': ['eu'] })).toEqual({ route: '/v1/orders', region: 'eu' });
    expect(groupParams({ from: ['1'], step: ['60'] })).toBeUndefined();
    expect(groupParams({ 'group.route': [''] })).toEqual({ route: '' });
    expect(() => groupParams({ 'group.route': ['/a', '/b'] })).toThrow(expect.objectContaining({ status: 400, code: 'bad_group', message: 'group.route is given 2 times: a group has one value per label' }));
    expect(() => groupParams({ 'group.': ['x'] })).toThrow(expect.objectContaining({ status: 400, message: expect.stringMatching(/^group\.: expected group\.LABEL=VALUE/) }));
    expect(() => groupParams({ 'group.a-b': ['x'] })).toThrow(expect.objectContaining({ status: 400 }));
  });
});
