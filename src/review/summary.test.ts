import { describe, expect, it } from 'vitest';
import { median } from './summary.js';

describe('median', () => {
  it('is the middle value, the mean of the middle two for an even count, and null for none', () => {
    expect(median([300, 60, 120])).toBe(120);
    expect(median([60, 300, 120, 240])).toBe(180);
    expect(median([])).toBeNull();
  });
});
