import { describe, expect, it } from 'vitest';
import { SloeError } from '../core/index.js';
import { positiveInteger } from './params.js';

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
