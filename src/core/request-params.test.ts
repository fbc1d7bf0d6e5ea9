import { describe, expect, it } from 'vitest';
import { SloeError } from './errors.js';
import { parseStep, parseTime, positiveInteger } from './request-params.js';

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

describe('parseTime and parseStep', () => {
  it('read Unix seconds and RFC 3339, and steps in seconds or as durations, as Prometheus does', () => {
    expect(parseTime('1764158400', 'from')).toBe(Date.UTC(2025, 10, 26, 12));
    expect(parseTime('1764158400.25', 'from')).toBe(Date.UTC(2025, 10, 26, 12) + 250);
    expect(parseTime('2026-11-26T12:00:00Z', 'to')).toBe(Date.UTC(2026, 10, 26, 12));
    expect(parseStep('60', 'step')).toBe(60_000);
    expect(parseStep('0.5', 'step')).toBe(500);
    expect(parseStep('5m', 'step')).toBe(300_000);
  });

  it('refuse anything else with a 400 naming the parameter and the text', () => {
    expect(() => parseTime('yesterday', 'from')).toThrow(expect.objectContaining({ status: 400, code: 'bad_request', message: 'from: "yesterday" is not a time (Unix seconds or RFC 3339, e.g. 2026-11-26T12:00:00Z)' }));
    expect(() => parseTime('2026-11-26', 'to')).toThrow(expect.objectContaining({ status: 400 }));
    expect(() => parseStep('0', 'step')).toThrow(expect.objectContaining({ status: 400, message: 'step: "0" is not a positive duration (seconds or e.g. 5m)' }));
    expect(() => parseStep('often', 'step')).toThrow(expect.objectContaining({ status: 400 }));
  });
});
