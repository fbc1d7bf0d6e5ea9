import { describe, expect, it } from 'vitest';
import { viewOf } from '../core/index.js';
import { EncodedLabelTable } from './encoded-labels.js';
import { TrackedSeries } from './tracked-series.js';

const bytes = (text: string) => new TextEncoder().encode(text);
const view = (text: string) => viewOf(bytes(text));

describe('EncodedLabelTable', () => {
  it('finds a series by equal bytes anywhere in a body, and tells unread series from unknown ones', () => {
    const table = new EncodedLabelTable();
    const read = new TrackedSeries('{"a":"1"}', [], table);
    table.remember(bytes('labels-of-a'), read);
    table.remember(bytes('labels-of-b'), null);
    const body = view('xxlabels-of-ayylabels-of-bzz');
    expect(table.find(body, 2, 13)).toBe(read);
    expect(table.find(body, 15, 26)).toBeNull();
    // Same length, one byte off (in the last, partial word and in a full word); and a prefix.
    expect(table.find(view('labels-of-c'), 0, 11)).toBeUndefined();
    expect(table.find(view('labelz-of-a'), 0, 11)).toBeUndefined();
    expect(table.find(body, 2, 12)).toBeUndefined();
  });

  it('finds a body that is a view into a larger buffer at an odd offset', () => {
    const table = new EncodedLabelTable();
    const read = new TrackedSeries('{"a":"1"}', [], table);
    table.remember(bytes('labels-of-a'), read);
    const backing = bytes('!!!xlabels-of-a');
    expect(table.find(viewOf(backing.subarray(3)), 1, 12)).toBe(read);
  });

  it('keeps every entry through growth of its slots, entries and arena', () => {
    const table = new EncodedLabelTable();
    const series = Array.from({ length: 5000 }, (_, i) => new TrackedSeries(`{"i":"${i}"}`, [], table));
    // Long encodings, so the 64 KB arena has to grow several times too.
    const encoding = (i: number) => bytes(`${'x'.repeat(i % 300)}series-${i}`);
    series.forEach((one, i) => table.remember(encoding(i), i % 7 === 0 ? null : one));
    expect(table.entryCount).toBe(5000);
    for (let i = 0; i < 5000; i++) {
      const text = encoding(i);
      expect(table.find(viewOf(text), 0, text.length)).toBe(i % 7 === 0 ? null : series[i]);
    }
    expect(table.find(view('series-5000'), 0, 11)).toBeUndefined();
  });

  it('keeps the first entry for an encoding filed twice', () => {
    const table = new EncodedLabelTable();
    const first = new TrackedSeries('{"a":"1"}', [], table);
    table.remember(bytes('labels-of-a'), first);
    table.remember(bytes('labels-of-a'), new TrackedSeries('{"a":"1"}', [], table));
    expect(table.entryCount).toBe(1);
    expect(table.find(view('labels-of-a'), 0, 11)).toBe(first);
  });

  it('starts over past its bound on entries, so ever new series cannot grow it without limit', () => {
    const table = new EncodedLabelTable(2);
    table.remember(bytes('one'), null);
    table.remember(bytes('two'), null);
    expect(table.entryCount).toBe(2);
    table.remember(bytes('three'), null);
    expect(table.entryCount).toBe(1);
    expect(table.find(view('one'), 0, 3)).toBeUndefined();
    expect(table.find(view('three'), 0, 5)).toBeNull();
  });

  it('starts over past its bound on label bytes', () => {
    const table = new EncodedLabelTable(1000, 10);
    table.remember(bytes('12345'), null);
    table.remember(bytes('67890'), null);
    expect(table.byteCount).toBe(10);
    table.remember(bytes('abc'), null);
    expect(table.entryCount).toBe(1);
    expect(table.byteCount).toBe(3);
    expect(table.find(view('12345'), 0, 5)).toBeUndefined();
    expect(table.find(view('abc'), 0, 3)).toBeNull();
  });
});

describe('EncodedLabelTable, a stream sent in the same order every time', () => {
  it('finds every series of a repeated sequence, and a changed order or a look-alike is never taken for the guess', () => {
    const table = new EncodedLabelTable();
    const names = Array.from({ length: 300 }, (_, i) => `series-${String(i).padStart(4, '0')}`);
    const series = names.map((name) => new TrackedSeries(name, [], table));
    names.forEach((name, i) => table.remember(bytes(name), series[i]!));
    const body = viewOf(bytes(names.join('')));
    const length = names[0]!.length;
    const findAt = (i: number) => table.find(body, i * length, (i + 1) * length);
    // The same order twice (the second time by guesses), then reversed, then every other one.
    for (const order of [names.map((_, i) => i), names.map((_, i) => i), names.map((_, i) => names.length - 1 - i), names.map((_, i) => (2 * i) % names.length)]) {
      for (const i of order) expect(findAt(i)).toBe(series[i]);
    }
    // A series of the same length right after one whose follower is known, but with other bytes: not found.
    expect(findAt(0)).toBe(series[0]);
    expect(table.find(view('series-9999'), 0, length)).toBeUndefined();
    expect(findAt(1)).toBe(series[1]);
  });
});
