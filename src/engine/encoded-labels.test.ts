import { describe, expect, it } from 'vitest';
import { EncodedLabelTable } from './encoded-labels.js';
import { TrackedSeries } from './tracked-series.js';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('EncodedLabelTable', () => {
  it('finds a series by equal bytes anywhere in a body, and tells unread series from unknown ones', () => {
    const table = new EncodedLabelTable();
    const read = new TrackedSeries('{"a":"1"}', [], table);
    table.remember(bytes('labels-of-a'), read);
    table.remember(bytes('labels-of-b'), null);
    const body = bytes('xxlabels-of-ayylabels-of-bzz');
    expect(table.find(body, 2, 13)).toBe(read);
    expect(table.find(body, 15, 26)).toBeNull();
    // Same length, one byte off; and a prefix.
    expect(table.find(bytes('labels-of-c'), 0, 11)).toBeUndefined();
    expect(table.find(body, 2, 12)).toBeUndefined();
  });

  it('starts over past its bound, so ever new series cannot grow it without limit', () => {
    const table = new EncodedLabelTable(2);
    table.remember(bytes('one'), null);
    table.remember(bytes('two'), null);
    expect(table.entryCount).toBe(2);
    table.remember(bytes('three'), null);
    expect(table.entryCount).toBe(1);
    expect(table.find(bytes('one'), 0, 3)).toBeUndefined();
    expect(table.find(bytes('three'), 0, 5)).toBeNull();
  });
});
