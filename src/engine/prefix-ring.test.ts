import { describe, expect, it } from 'vitest';
import { PrefixRing, SlotArena } from './prefix-ring.js';

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

/** The plain meaning of a ring: bucket values in a map, the last `size` buckets below the head kept. */
class ReferenceRing {
  head = Number.NEGATIVE_INFINITY;
  readonly values = new Map<number, number>();
  constructor(readonly size: number) {}
  oldest(): number {
    return this.head - this.size + 1;
  }
  add(index: number, value: number): boolean {
    if (this.head !== Number.NEGATIVE_INFINITY && index < this.oldest()) return false;
    this.head = Math.max(this.head, index);
    this.values.set(index, (this.values.get(index) ?? 0) + value);
    return true;
  }
  /** Σ of the kept buckets in (from, to]. */
  range(from: number, to: number): number {
    let sum = 0;
    for (const [index, value] of this.values) if (index > from && index <= to && index >= this.oldest()) sum += value;
    return sum;
  }
}

describe('PrefixRing storage that grows with the data', () => {
  it('holds a few slots for a few buckets of a long window, and grows only as the data spans more', () => {
    const ring = new PrefixRing(60_000, 720);
    for (let minute = 1000; minute < 1010; minute++) ring.add(minute, 1);
    expect(ring.capacity).toBeLessThanOrEqual(16);
    for (let minute = 1010; minute < 3000; minute++) ring.add(minute, 1);
    expect(ring.capacity).toBe(721);
    expect(ring.cumulative(2999) - ring.cumulative(2999 - 720)).toBe(720);
  });

  it('loads columns into the same capacity and sums as loading the rows one by one, sized once', () => {
    let seed = 7;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let round = 0; round < 60; round++) {
      const size = 1 + Math.floor(random() * 100);
      const width = 10;
      const start = Math.floor(random() * 50);
      // Rows oldest first, some gaps, some spans longer than the ring keeps; a floor that cuts off the oldest now and then.
      const rows: { t: number; value: number }[] = [];
      for (let index = start, count = Math.floor(random() * 150); rows.length < count; index += 1 + Math.floor(random() * 3)) rows.push({ t: index * width, value: Math.floor(random() * 9) - 1 });
      const floor = (start + Math.floor(random() * 20)) * width;
      const byRows = new PrefixRing(width, size);
      byRows.load(rows, floor);
      const byColumns = new PrefixRing(width, size);
      byColumns.loadColumns({ t: Float64Array.from(rows, (row) => row.t), value: Float64Array.from(rows, (row) => row.value), length: rows.length }, floor);
      expect(byColumns.capacity).toBe(byRows.capacity);
      expect([byColumns.head, byColumns.oldest()]).toEqual([byRows.head, byRows.oldest()]);
      for (let index = byRows.oldest() - 1; index <= byRows.head + 1; index++) expect(byColumns.cumulative(index)).toBe(byRows.cumulative(index));
    }
  });

  it('loads rings through a shared arena with the same sums as rings of their own, neighbours never overlapping', () => {
    let seed = 11;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const arena = new SlotArena();
    const pairs: { own: PrefixRing; shared: PrefixRing }[] = [];
    // Enough rings to fill several blocks; sizes up to 1,000 slots, some longer than a block takes as a view.
    for (let ring = 0; ring < 2000; ring++) {
      const size = 1 + Math.floor(random() * (ring % 100 === 0 ? 20_000 : 1000));
      const rows: { t: number; value: number }[] = [];
      for (let index = 0, count = Math.floor(random() * 40); rows.length < count; index += 1 + Math.floor(random() * 2)) rows.push({ t: index * 10, value: 1 + Math.floor(random() * 9) });
      const columns = { t: Float64Array.from(rows, (row) => row.t), value: Float64Array.from(rows, (row) => row.value), length: rows.length };
      const own = new PrefixRing(10, size);
      own.loadColumns(columns, 0);
      const shared = new PrefixRing(10, size);
      shared.loadColumns(columns, 0, arena);
      pairs.push({ own, shared });
    }
    // Writes after loading (including growth out of the view) land in each ring alone.
    for (const { own, shared } of pairs) {
      const head = Math.max(own.head, 0);
      for (const ring of [own, shared]) {
        ring.add(head, 3);
        ring.add(head + 70, 2);
      }
    }
    for (const { own, shared } of pairs) {
      expect(shared.capacity).toBe(own.capacity);
      for (let index = own.oldest() - 1; index <= own.head + 1; index++) expect(shared.cumulative(index)).toBe(own.cumulative(index));
    }
  });

  it('carves views of one block until it is full, and gives a request longer than a block an array of its own', () => {
    const arena = new SlotArena();
    const first = arena.take(16);
    const second = arena.take(16);
    expect(second.buffer).toBe(first.buffer);
    expect(second.byteOffset).toBe(first.byteOffset + 16 * 8);
    const long = arena.take(100_000);
    expect(long.buffer).not.toBe(first.buffer);
    expect(long.length).toBe(100_000);
    // 64 KiB blocks: 8,192 slots each; after 32 slots, 8,160 are left, and 8,161 start a new block.
    expect(arena.take(8160).buffer).toBe(first.buffer);
    expect(arena.take(1).buffer).not.toBe(first.buffer);
  });

  it('answers every range as the plain reference does, through growth, late increases, jumps and wrap-around', () => {
    // A fixed-seed generator: the same sequence every run, so a failure reproduces.
    let seed = 42;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let round = 0; round < 40; round++) {
      const size = 1 + Math.floor(random() * 60);
      const ring = new PrefixRing(1, size);
      const reference = new ReferenceRing(size);
      let head = Math.floor(random() * 100) - 50;
      for (let step = 0; step < 300; step++) {
        const roll = random();
        // Mostly the newest buckets, sometimes late ones, now and then a jump past the whole window.
        if (roll < 0.6) head += Math.floor(random() * 3);
        else if (roll < 0.62) head += size + Math.floor(random() * 10);
        const index = roll < 0.85 ? head : head - Math.floor(random() * (size + 5));
        const value = Math.floor(random() * 10);
        expect(ring.add(index, value)).toBe(reference.add(index, value));
        const to = reference.head - Math.floor(random() * size);
        const from = to - 1 - Math.floor(random() * size);
        if (from >= reference.oldest() - 1) expect(ring.cumulative(to) - ring.cumulative(from)).toBe(reference.range(from, to));
        expect(ring.bucket(index)).toBe(index >= reference.oldest() ? (reference.values.get(index) ?? 0) : 0);
      }
    }
  });
  it('countSigned counts the buckets whose value has the sign, as bucket() reads them: before the first data, late adds, evicted buckets', () => {
    let seed = 3;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let round = 0; round < 50; round++) {
      const ring = new PrefixRing(10, 12);
      const head = 20 + Math.floor(random() * 40);
      for (let add = 0; add < 30; add++) {
        // Mostly positive increases, some zero, now and then a negative one (a bad-event term read with sign -1).
        const value = random() < 0.15 ? 0 : random() < 0.1 ? -2 : Math.floor(random() * 5) + 1;
        ring.add(head - Math.floor(random() * 30), value);
      }
      for (let from = head - 20; from <= head + 2; from += 3) {
        for (const to of [from, from + 1, from + 7, head + 3]) {
          for (const sign of [1, -1]) {
            let expected = 0;
            for (let i = from; i < to; i++) if (sign * ring.bucket(i) > 0) expected++;
            expect(ring.countSigned(from, to, sign)).toBe(expected);
          }
        }
      }
    }
  });
});
