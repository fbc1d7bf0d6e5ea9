import { describe, expect, it } from 'vitest';
import { PrefixRing } from './prefix-ring.js';

describe('PrefixRing', () => {
  it('answers bucket ranges with two lookups, late increases included, old ones refused', () => {
    const ring = new PrefixRing(10, 5);
    ring.add(0, 1);
    ring.add(3, 4);
    ring.add(1, 2);
    expect(ring.cumulative(3) - ring.cumulative(0)).toBe(6);
    expect(ring.bucket(1)).toBe(2);
    ring.add(7, 8);
    // Kept: buckets 3..7. Bucket 2 has left; an increase there is not counted here.
    expect(ring.oldest()).toBe(3);
    expect(ring.add(2, 100)).toBe(false);
    expect(ring.cumulative(7) - ring.cumulative(2)).toBe(12);
    expect(ring.bucket(3)).toBe(4);
  });

  it('counts whole buckets that start before t, never a share of one (issue 13: an hour bucket spread over the hour)', () => {
    const ring = new PrefixRing(10, 5);
    ring.add(0, 10);
    ring.add(1, 10);
    // Bucket 0 holds (0, 10]; bucket 1 holds (10, 20].
    expect(ring.before(0)).toBe(0);
    expect(ring.before(5)).toBe(10);
    expect(ring.before(10)).toBe(10);
    expect(ring.before(10.5)).toBe(20);
    expect(ring.before(20)).toBe(20);
  });

  it('loads rows from the store, ignoring those below the floor', () => {
    const ring = new PrefixRing(10, 100);
    ring.load(
      [
        { t: 0, value: 1 },
        { t: 10, value: 2 },
        { t: 50, value: 3 },
      ],
      10,
    );
    expect(ring.cumulative(5) - ring.cumulative(0)).toBe(5);
    expect(ring.bucket(0)).toBe(0);
  });
});
