import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HOUR, MINUTE } from '../../core/index.js';
import type { BucketResolution } from '../../core/index.js';
import { BucketPrefetch } from './bucket-prefetch.js';
import { openSqliteStore } from './store.js';
import type { SqliteStore } from './store.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const T0 = Date.UTC(2026, 10, 1);

function fileStore(packed: boolean): { store: SqliteStore; path: string } {
  const dir = mkdtempSync(join(tmpdir(), 'sloe-prefetch-'));
  dirs.push(dir);
  const path = join(dir, 'sloe.db');
  // Every store here is small: read ahead all the same.
  return { store: openSqliteStore(path, { packedBucketScan: packed, prefetchMinTerms: 0 }), path };
}

/** Three terms, one with more rows than a chunk's first columns hold, values that need every digit of a double. */
function fill(store: SqliteStore): void {
  const long = Array.from({ length: 3000 }, (_, minute) => ({ term: 'long', bucket: T0 + minute * MINUTE, value: minute + 1 / 3 }));
  store.engine.commit([...long, { term: 'b', bucket: T0, value: 0.1 + 0.2 }, { term: 'c', bucket: T0 - 2 * HOUR, value: 2 ** 53 - 1 }], []);
  store.engine.fold();
}

function scanned(store: SqliteStore, resolution: BucketResolution, from: number): Map<string, [number, number][]> {
  const seen = new Map<string, [number, number][]>();
  store.engine.scanBuckets(resolution, from, (term, rows) => {
    expect(seen.has(term)).toBe(false);
    seen.set(term, Array.from({ length: rows.length }, (_, row) => [rows.t[row]!, rows.value[row]!]));
  });
  return seen;
}

describe.each([
  ['packed', true],
  ['by row', false],
])('bucket prefetch (%s)', (_name, packed) => {
  it('the worker starts from source and hands every term over, whole and exact', () => {
    const { store, path } = fileStore(packed);
    fill(store);
    const expected = scanned(store, 'fine', T0 - HOUR);
    const prefetch = new BucketPrefetch(path, packed);
    prefetch.request('fine', T0 - HOUR);
    const seen = new Map<number, [number, number][]>();
    // false would mean the worker never ran and the store read the rows itself.
    expect(prefetch.take('fine', T0 - HOUR, (id, rows) => seen.set(id, Array.from({ length: rows.length }, (_, row) => [rows.t[row]!, rows.value[row]!])))).toBe(true);
    expect(prefetch.finished).toBe(true);
    const ids = new Map((store.db.prepare('SELECT key, id FROM terms').raw().all() as [string, number][]).map(([key, id]) => [id, key]));
    expect(new Map([...seen].map(([id, rows]) => [ids.get(id)!, rows]))).toEqual(expected);
    expect(expected.get('long')).toHaveLength(3000);
    store.close();
  });

  it('a scan longer than a chunk arrives in several, each term whole', () => {
    const { store } = fileStore(packed);
    // 150,000 rows: more than one chunk (CHUNK_ROWS), in terms of 50,000.
    const increases = ['x', 'y', 'z'].flatMap((term) => Array.from({ length: 50_000 }, (_, minute) => ({ term, bucket: T0 + minute * MINUTE, value: minute + 1 })));
    store.engine.commit(increases, []);
    store.engine.fold();
    const expected = scanned(store, 'fine', T0);
    store.engine.prefetchBuckets('fine', T0);
    expect(scanned(store, 'fine', T0)).toEqual(expected);
    expect([...expected.values()].map((rows) => rows.length)).toEqual([50_000, 50_000, 50_000]);
    store.close();
  });

  it('a restart reads through the prefetch what it reads without one', () => {
    const { store } = fileStore(packed);
    fill(store);
    const fine = scanned(store, 'fine', T0 - HOUR);
    const coarse = scanned(store, 'coarse', T0 - 3 * HOUR);
    store.engine.prefetchBuckets('fine', T0 - HOUR);
    store.engine.prefetchBuckets('coarse', T0 - 3 * HOUR);
    expect(store.engine.prefetching).toBe(true);
    expect(scanned(store, 'fine', T0 - HOUR)).toEqual(fine);
    expect(scanned(store, 'coarse', T0 - 3 * HOUR)).toEqual(coarse);
    // Every scan asked for was taken: the worker is gone.
    expect(store.engine.prefetching).toBe(false);
    store.close();
  });

  it('increases committed after the prefetch was asked for are read too (the prefetch is dropped)', () => {
    const { store } = fileStore(packed);
    fill(store);
    store.engine.prefetchBuckets('fine', T0 - HOUR);
    store.engine.commit([{ term: 'b', bucket: T0 + MINUTE, value: 5 }, { term: 'new', bucket: T0, value: 1 }], []);
    const seen = scanned(store, 'fine', T0 - HOUR);
    expect(seen.get('b')).toEqual([
      [T0, 0.1 + 0.2],
      [T0 + MINUTE, 5],
    ]);
    expect(seen.get('new')).toEqual([[T0, 1]]);
    store.close();
  });

  it('a prefetch asked for again after the tables changed starts over, and reads what they hold now', () => {
    const { store } = fileStore(packed);
    fill(store);
    store.engine.prefetchBuckets('fine', T0 - HOUR);
    store.engine.commit([{ term: 'b', bucket: T0 + MINUTE, value: 5 }], []);
    store.engine.prefetchBuckets('fine', T0 - HOUR);
    expect(store.engine.prefetching).toBe(true);
    expect(scanned(store, 'fine', T0 - HOUR).get('b')).toEqual([
      [T0, 0.1 + 0.2],
      [T0 + MINUTE, 5],
    ]);
    expect(store.engine.prefetching).toBe(false);
    store.close();
  });

  it('a scan asked for from another time, or out of order, is read by the store itself', () => {
    const { store } = fileStore(packed);
    fill(store);
    const expected = scanned(store, 'fine', T0);
    store.engine.prefetchBuckets('coarse', T0 - 3 * HOUR);
    store.engine.prefetchBuckets('fine', T0 - HOUR);
    expect(scanned(store, 'fine', T0)).toEqual(expected);
    store.engine.prefetchBuckets('fine', T0 - HOUR);
    expect(scanned(store, 'fine', T0)).toEqual(expected);
    store.close();
  });
});

describe('bucket prefetch', () => {
  it('is not used for a database in memory, which a worker cannot open', () => {
    const store = openSqliteStore(':memory:', { prefetchMinTerms: 0 });
    fill(store);
    const expected = scanned(store, 'fine', T0 - HOUR);
    store.engine.prefetchBuckets('fine', T0 - HOUR);
    expect(store.engine.prefetching).toBe(false);
    expect(scanned(store, 'fine', T0 - HOUR)).toEqual(expected);
    store.close();
  });

  it('a small store reads its buckets itself: a worker would take longer to start than the read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sloe-prefetch-'));
    dirs.push(dir);
    const path = join(dir, 'sloe.db');
    fill(openSqliteStore(path));
    const store = openSqliteStore(path, { prefetchMinTerms: 4 });
    const expected = scanned(store, 'fine', T0 - HOUR);
    store.engine.prefetchBuckets('fine', T0 - HOUR);
    expect(store.engine.prefetching).toBe(false);
    expect(scanned(store, 'fine', T0 - HOUR)).toEqual(expected);
    store.close();
  });

  it('a store closed with a prefetch under way closes at once', () => {
    const { store } = fileStore(true);
    fill(store);
    store.engine.prefetchBuckets('fine', T0 - HOUR);
    const started = performance.now();
    store.close();
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
