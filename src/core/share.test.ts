import { describe, expect, it } from 'vitest';
import { sharePercent } from './share.js';

describe('sharePercent', () => {
  it('a share above nothing never reads as 0, a share below everything never as 100', () => {
    // Three minutes of a 30-day period, as sloe status showed it a minute after npm start.
    expect(sharePercent(3 / (30 * 24 * 60), 1)).toBe('<0.1');
    expect(sharePercent(0.004, 0)).toBe('<1');
    expect(sharePercent(0.99996, 1)).toBe('>99.9');
    expect(sharePercent(0.996, 0)).toBe('>99');
  });

  it('the bounds themselves and everything between them read as rounded', () => {
    expect(sharePercent(0, 1)).toBe('0.0');
    expect(sharePercent(1, 1)).toBe('100.0');
    expect(sharePercent(1, 0)).toBe('100');
    expect(sharePercent(0.0005, 1)).toBe('0.1');
    expect(sharePercent(0.25, 1)).toBe('25.0');
    expect(sharePercent(0.9994, 1)).toBe('99.9');
  });
});
