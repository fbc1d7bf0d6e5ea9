import { describe, expect, it } from 'vitest';
import { groupParams } from './params.js';

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
