import { describe, expect, it } from 'vitest';
import { excludedOverlap, excludedRanges, includedFraction, isExcluded, mergeRanges } from './exclusions.js';

const r = (start: number, end: number) => ({ start, end });

describe('exclusions', () => {
  it.each([
    // exclusions, merged
    [[r(10, 20), r(15, 30)], [r(10, 30)]], // overlapping
    [[r(20, 30), r(10, 20)], [r(10, 30)]], // touching, out of order
    [[r(10, 20), r(25, 30)], [r(10, 20), r(25, 30)]],
    [[r(10, 40), r(15, 20)], [r(10, 40)]], // one inside another
    [[r(10, 10), r(30, 20)], []], // empty and inverted ranges count for nothing
  ])('merges %j into %j', (ranges, merged) => {
    expect(mergeRanges(ranges)).toEqual(merged);
  });

  it.each([
    // exclusions, from, to, excluded ms
    [[r(10, 20), r(15, 30)], 0, 100, 20], // overlap counted once
    [[r(10, 20), r(15, 30)], 12, 25, 13],
    [[r(10, 20)], 20, 30, 0], // end is exclusive
    [[r(0, 1000)], 100, 200, 100],
    [[], 0, 100, 0],
    [[r(10, 20)], 50, 40, 0], // an empty interval
  ])('%j over [%s, %s) excludes %s ms', (ranges, from, to, excluded) => {
    expect(excludedOverlap(ranges, from, to)).toBe(excluded);
  });

  it('clips the excluded parts to the interval asked for', () => {
    expect(excludedRanges([r(10, 20), r(15, 30), r(50, 60)], 12, 55)).toEqual([r(12, 30), r(50, 55)]);
  });

  it('gives the share of a bucket that still counts', () => {
    expect(includedFraction([r(0, 15_000)], 0, 60_000)).toBe(0.75);
    expect(includedFraction([r(-5, 100_000)], 0, 60_000)).toBe(0);
    expect(includedFraction([], 0, 60_000)).toBe(1);
  });

  it.each([
    [9, false],
    [10, true],
    [19, true],
    [20, false], // end exclusive
    [25, true],
  ])('instant %s excluded: %s', (t, expected) => {
    expect(isExcluded([r(10, 20), r(25, 26)], t)).toBe(expected);
  });
});
