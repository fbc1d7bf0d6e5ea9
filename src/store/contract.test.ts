import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { HOUR, MINUTE } from '../core/index.js';
import type { BucketRow, SeriesState, TermIncrease } from '../core/index.js';
import { openMemoryStore } from './memory-store.js';
import { migrate } from './sqlite/database.js';
import { packedReadsExact } from './sqlite/engine-store.js';
import { MIGRATIONS } from './sqlite/migrations.js';
import { journalByAtSql } from './sqlite/records.js';
import { openSqliteStore } from './sqlite/store.js';
import type { SloeStore, StoreOptions } from './sqlite/store.js';

/** One contract, run against every implementation: what a caller may rely on, whichever store it gets. */
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const implementations: [string, (options?: StoreOptions) => SloeStore][] = [
  [
    'sqlite file',
    (options) => {
      const dir = mkdtempSync(join(tmpdir(), 'sloe-store-'));
      dirs.push(dir);
      return openSqliteStore(join(dir, 'sloe.db'), options);
    },
  ],
  ['sqlite :memory:', (options) => openSqliteStore(':memory:', options)],
  // The row-at-a-time bucket scan, used where the SQLite library does not write REALs exactly.
  ['sqlite :memory:, buckets scanned by row', (options) => openSqliteStore(':memory:', { ...options, packedBucketScan: false })],
  ['memory', (options) => openMemoryStore(options)],
];

const T0 = Date.UTC(2026, 10, 1);

interface Commit {
  readonly increases: readonly TermIncrease[];
  readonly series: readonly SeriesState[];
}

describe.each(implementations)('store contract: %s', (_name, open) => {
  it('documents: put, get, overwrite, list in key order, delete', () => {
    const store = open();
    expect(store.documents.get('silences', 'a')).toBeUndefined();
    store.documents.put('silences', 'b', { until: 2 });
    store.documents.put('silences', 'a', { until: 1, tags: ['x'] });
    store.documents.put('freezes', 'a', true);
    store.documents.put('silences', 'b', { until: 3 });
    expect(store.documents.get('silences', 'b')).toEqual({ until: 3 });
    expect(store.documents.list('silences')).toEqual([
      { key: 'a', value: { until: 1, tags: ['x'] } },
      { key: 'b', value: { until: 3 } },
    ]);
    store.documents.delete('silences', 'a');
    expect(store.documents.list('silences').map((entry) => entry.key)).toEqual(['b']);
    expect(store.documents.get('freezes', 'a')).toBe(true);
    store.close();
  });

  it('documents: a stored value is a copy', () => {
    const store = open();
    const value = { n: 1 };
    store.documents.put('ns', 'k', value);
    value.n = 2;
    expect(store.documents.get('ns', 'k')).toEqual({ n: 1 });
    store.close();
  });

  it('transaction: the writes of the work are there afterwards, and its error reaches the caller', () => {
    const store = open();
    store.transaction(() => {
      store.journal.append('decision', { at: T0, subject: 'api', data: 1 });
      store.journal.append('decision', { at: T0 + 1, subject: 'api', data: 2 });
    });
    expect(store.journal.query('decision', { limit: 10 }).map((entry) => entry.data)).toEqual([2, 1]);
    expect(() => store.transaction(() => {
      throw new Error('refused');
    })).toThrow('refused');
    store.close();
  });

  it('journal: ids increase, queries are newest first and filter by subject, time and id', () => {
    const store = open();
    const ids = [1, 2, 3, 4].map((i) => store.journal.append('decision', { at: T0 + i * MINUTE, subject: i % 2 === 0 ? 'checkout' : 'api', data: { i } }));
    store.journal.append('notification', { at: T0, subject: 'checkout', data: null });
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(store.journal.query('decision', { limit: 10 }).map((entry) => (entry.data as { i: number }).i)).toEqual([4, 3, 2, 1]);
    expect(store.journal.query('decision', { limit: 10, subject: 'checkout' }).map((entry) => (entry.data as { i: number }).i)).toEqual([4, 2]);
    expect(store.journal.query('decision', { limit: 10, since: T0 + 2 * MINUTE, until: T0 + 3 * MINUTE }).map((entry) => entry.at)).toEqual([T0 + 3 * MINUTE, T0 + 2 * MINUTE]);
    expect(store.journal.query('decision', { limit: 2, beforeId: ids[3]! }).map((entry) => entry.id)).toEqual([ids[2], ids[1]]);
    expect(store.journal.query('decision', { limit: 1 })[0]).toMatchObject({ kind: 'decision', subject: 'checkout', at: T0 + 4 * MINUTE });
    store.close();
  });

  it('journal by at: latest at first whatever the append order, ties by id, paged by (at, id) with every entry once', () => {
    const store = open();
    // Appended out of time order, as audit entries are (each when it closes): at minutes 5, 2, 9, 2, 7, 2, 5.
    const minutes = [5, 2, 9, 2, 7, 2, 5];
    const appended = minutes.map((minute, i) => ({ id: store.journal.append('decision', { at: T0 + minute * MINUTE, subject: i % 3 === 0 ? 'checkout' : 'api', data: { i } }), at: T0 + minute * MINUTE, i }));
    store.journal.append('notification', { at: T0 + 20 * MINUTE, subject: 'checkout', data: null });
    // The oracle: the appended entries sorted plainly, latest at first, the later-appended first at the same at.
    const expected = [...appended].sort((a, b) => b.at - a.at || b.id - a.id).map((entry) => entry.i);
    expect(expected).toEqual([2, 4, 6, 0, 5, 3, 1]);
    expect(store.journal.query('decision', { limit: 10, order: 'at' }).map((entry) => (entry.data as { i: number }).i)).toEqual(expected);
    const paged: number[] = [];
    let olderThan: { at: number; id: number } | undefined;
    for (let page = 0; page < 10; page++) {
      const rows = store.journal.query('decision', { limit: 3, order: 'at', ...(olderThan === undefined ? {} : { olderThan }) });
      paged.push(...rows.map((entry) => (entry.data as { i: number }).i));
      const last = rows.at(-1);
      if (rows.length < 3 || !last) break;
      olderThan = { at: last.at, id: last.id };
    }
    expect(paged).toEqual(expected);
    expect(store.journal.query('decision', { limit: 10, order: 'at', subject: 'checkout' }).map((entry) => (entry.data as { i: number }).i)).toEqual(expected.filter((i) => i % 3 === 0));
    expect(store.journal.query('decision', { limit: 10, order: 'at', since: T0 + 2 * MINUTE, until: T0 + 2 * MINUTE }).map((entry) => (entry.data as { i: number }).i)).toEqual([5, 3, 1]);
    // Within one at, the position's id splits it; a position combines with the other filters.
    expect(store.journal.query('decision', { limit: 10, order: 'at', olderThan: { at: T0 + 2 * MINUTE, id: appended[5]!.id } }).map((entry) => (entry.data as { i: number }).i)).toEqual([3, 1]);
    expect(store.journal.query('decision', { limit: 10, order: 'at', subject: 'api', olderThan: { at: T0 + 5 * MINUTE, id: 1 } }).map((entry) => (entry.data as { i: number }).i)).toEqual([5, 1]);
    // The default order is still the append order, and a position filters it too.
    expect(store.journal.query('decision', { limit: 10, olderThan: { at: T0 + 5 * MINUTE, id: appended[6]!.id } }).map((entry) => (entry.data as { i: number }).i)).toEqual([5, 3, 1, 0]);
    store.close();
  });

  it('buckets: increases add up in their minute and in their hour', () => {
    const store = open();
    store.engine.commit(
      [
        { term: 'a', bucket: T0, value: 2 },
        { term: 'a', bucket: T0 + MINUTE, value: 3 },
        { term: 'a', bucket: T0 + HOUR, value: 7 },
        { term: 'b', bucket: T0, value: 1 },
      ],
      [],
    );
    store.engine.commit([{ term: 'a', bucket: T0, value: 0.5 }], []);
    expect(store.engine.buckets('fine', 'a', T0, T0 + 2 * HOUR)).toEqual([
      { t: T0, value: 2.5 },
      { t: T0 + MINUTE, value: 3 },
      { t: T0 + HOUR, value: 7 },
    ]);
    expect(store.engine.buckets('coarse', 'a', T0, T0 + 2 * HOUR)).toEqual([
      { t: T0, value: 5.5 },
      { t: T0 + HOUR, value: 7 },
    ]);
    expect(store.engine.buckets('fine', 'a', T0 + MINUTE, T0 + HOUR)).toEqual([{ t: T0 + MINUTE, value: 3 }]);
    expect(store.engine.buckets('coarse', 'unknown', 0, T0 * 2)).toEqual([]);
    store.close();
  });

  it('scanBuckets: every term once, its rows from `from` on, oldest first', () => {
    const store = open();
    store.engine.commit(
      [
        { term: 'b', bucket: T0 + 2 * MINUTE, value: 2 },
        { term: 'a', bucket: T0 + MINUTE, value: 1 },
        { term: 'a', bucket: T0 - HOUR, value: 9 },
        { term: 'b', bucket: T0, value: 3 },
      ],
      [],
    );
    const seen: [string, { t: number; value: number }[]][] = [];
    // Columns may be reused for the next term: read them during the visit, as the engine does.
    store.engine.scanBuckets!('fine', T0, (term, rows) => seen.push([term, Array.from({ length: rows.length }, (_, row) => ({ t: rows.t[row]!, value: rows.value[row]! }))]));
    expect(seen.sort(([a], [b]) => (a < b ? -1 : 1))).toEqual([
      ['a', [{ t: T0 + MINUTE, value: 1 }]],
      ['b', [{ t: T0, value: 3 }, { t: T0 + 2 * MINUTE, value: 2 }]],
    ]);
    store.close();
  });

  it('scanBuckets: values that need every digit of a double read back exactly', () => {
    const store = open();
    const values = [0.1 + 0.2, 1 / 3, 2 ** 53 - 1, 1e-7, 123456789.12345679, 5e-324];
    store.engine.commit(values.map((value, minute) => ({ term: 'a', bucket: T0 + minute * MINUTE, value })), []);
    const seen: number[] = [];
    store.engine.scanBuckets!('fine', T0, (_term, rows) => {
      for (let row = 0; row < rows.length; row++) seen.push(rows.value[row]!);
    });
    expect(seen).toEqual(values);
    store.close();
  });

  it('scanBuckets: a term with more rows than a first column holds, then a short one, each read whole', () => {
    const store = open();
    const long = Array.from({ length: 300 }, (_, minute) => ({ term: 'a', bucket: T0 + minute * MINUTE, value: minute + 1 }));
    store.engine.commit([...long, { term: 'b', bucket: T0, value: 7 }], []);
    const seen = new Map<string, { t: number; value: number }[]>();
    store.engine.scanBuckets!('fine', T0, (term, rows) => seen.set(term, Array.from({ length: rows.length }, (_, row) => ({ t: rows.t[row]!, value: rows.value[row]! }))));
    expect(seen.get('a')).toEqual(long.map(({ bucket, value }) => ({ t: bucket, value })));
    expect(seen.get('b')).toEqual([{ t: T0, value: 7 }]);
    store.close();
  });

  it('series state: saved with the increases, the latest wins', () => {
    const store = open();
    store.engine.commit([], [{ key: '{__name__="x"}', lastTimestamp: T0, lastValue: 5, startTime: 0 }]);
    store.engine.commit([{ term: 'a', bucket: T0, value: 1 }], [{ key: '{__name__="x"}', lastTimestamp: T0 + 1000, lastValue: 6, startTime: 17 }]);
    expect(store.engine.seriesStates()).toEqual([{ key: '{__name__="x"}', lastTimestamp: T0 + 1000, lastValue: 6, startTime: 17 }]);
    store.close();
  });

  it('documents: namespaces by prefix, only those holding a document', () => {
    const store = open();
    store.documents.put('delivery.notify.slack', '1', { n: 1 });
    store.documents.put('delivery.notify.pagerduty', '1', { n: 2 });
    store.documents.put('delivery.cloudevents:x', '1', { n: 3 });
    store.documents.put('delivery.notify.gone', '1', { n: 4 });
    store.documents.delete('delivery.notify.gone', '1');
    expect(store.documents.namespaces('delivery.notify.')).toEqual(['delivery.notify.pagerduty', 'delivery.notify.slack']);
    expect(store.documents.namespaces('delivery.')).toEqual(['delivery.cloudevents:x', 'delivery.notify.pagerduty', 'delivery.notify.slack']);
    expect(store.documents.namespaces('nothing.')).toEqual([]);
    store.close();
  });

  it('alert state: upserts and deletes', () => {
    const store = open();
    store.engine.saveAlertStates([
      { key: 'slo/page-fast', value: { state: 'firing', activeSince: T0 } },
      { key: 'slo/page-slow', value: { state: 'inactive' } },
    ]);
    store.engine.saveAlertStates([{ key: 'slo/page-fast', value: { state: 'resolved' } }], ['slo/page-slow']);
    expect(store.engine.alertStates()).toEqual([{ key: 'slo/page-fast', value: { state: 'resolved' } }]);
    store.close();
  });

  it('slice marks: upserts and deletes, apart from alert state', () => {
    const store = open();
    store.engine.saveSliceMarks([
      { objective: 'checkout-slices', end: T0 + 10 * MINUTE },
      { objective: 'api:fast', end: T0 + 5 * MINUTE },
    ]);
    store.engine.saveSliceMarks([{ objective: 'checkout-slices', end: T0 + 11 * MINUTE }], ['api:fast']);
    expect(store.engine.sliceMarks()).toEqual([{ objective: 'checkout-slices', end: T0 + 11 * MINUTE }]);
    expect(store.engine.alertStates()).toEqual([]);
    store.close();
  });

  it('prune: fine buckets older than fineKeep go, coarse ones only after the retention', () => {
    const store = open({ retention: 10 * HOUR, fineKeep: 2 * HOUR });
    store.engine.commit(
      [0, 1, 2, 3, 4, 11, 12].map((hour) => ({ term: 'a', bucket: T0 + hour * HOUR, value: 1 })),
      [],
    );
    const now = T0 + 12 * HOUR + 30 * MINUTE;
    store.engine.prune(now);
    expect(store.engine.buckets('fine', 'a', 0, now).map((row) => (row.t - T0) / HOUR)).toEqual([11, 12]);
    expect(store.engine.buckets('coarse', 'a', 0, now).map((row) => (row.t - T0) / HOUR)).toEqual([3, 4, 11, 12]);
    store.close();
  });
});

describe('sqlite store', () => {
  function fileStore(dir: string, options?: StoreOptions) {
    return openSqliteStore(join(dir, 'sloe.db'), options);
  }

  it('crash() takes the store\'s threads with it: a checkpointer still starting never opens the file afterwards', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sloe-store-'));
    dirs.push(dir);
    // Crashed before its checkpoint worker has booted (a worker takes tens of ms to start). A worker left to boot would
    // open sloe.db again and create it beside whatever the caller does next: the race that once failed a directory's
    // removal in this file's afterEach with ENOTEMPTY.
    fileStore(dir).crash();
    for (const file of readdirSync(dir)) rmSync(join(dir, file));
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect(readdirSync(dir)).toEqual([]);
  });

  it('series states kept packed from the snapshot: a reopen, then some series commit, then every series commits', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sloe-store-'));
    dirs.push(dir);
    const state = (key: string, at: number) => ({ key, lastTimestamp: T0 + at, lastValue: at * 1.5, startTime: at });
    const sorted = (store: SloeStore) => [...store.engine.seriesStates()].sort((a, b) => (a.key < b.key ? -1 : 1));
    let store = fileStore(dir);
    store.engine.commit([], [state('a', 1), state('b', 1), state('c', 1)]);
    store.close();
    store = fileStore(dir);
    expect(sorted(store)).toEqual([state('a', 1), state('b', 1), state('c', 1)]);
    // b moves on; a and c stand as restored, through a fold (snapshot) and another reopen.
    store.engine.commit([], [state('b', 2)]);
    expect(sorted(store)).toEqual([state('a', 1), state('b', 2), state('c', 1)]);
    store.engine.fold();
    store.close();
    store = fileStore(dir);
    expect(sorted(store)).toEqual([state('a', 1), state('b', 2), state('c', 1)]);
    // Every series moves on: the restored entries are all superseded.
    store.engine.commit([], [state('a', 3), state('b', 3), state('c', 3)]);
    store.engine.fold();
    expect(sorted(store)).toEqual([state('a', 3), state('b', 3), state('c', 3)]);
    store.engine.commit([], [state('c', 4)]);
    store.close();
    store = fileStore(dir);
    expect(sorted(store)).toEqual([state('a', 3), state('b', 3), state('c', 4)]);
    store.close();
  });

  it('the bundled SQLite writes REALs as text that reads back exactly, so a restart reads buckets packed', () => {
    const store = openSqliteStore(':memory:');
    expect(packedReadsExact(store.db)).toBe(true);
    store.close();
  });

  it('keeps everything across close and reopen, with WAL and migrations recorded', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sloe-store-'));
    dirs.push(dir);
    const first = fileStore(dir);
    expect(first.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(first.db.pragma('synchronous', { simple: true })).toBe(1);
    first.engine.commit([{ term: 'a', bucket: T0, value: 4 }], [{ key: 's', lastTimestamp: T0, lastValue: 4, startTime: 0 }]);
    first.documents.put('ns', 'k', { v: 1 });
    first.journal.append('decision', { at: T0, subject: 's', data: { ok: true } });
    first.engine.saveAlertStates([{ key: 'k', value: 'firing' }]);
    first.engine.saveSliceMarks([{ objective: 'slices', end: T0 }]);
    first.close();
    const second = fileStore(dir);
    expect(second.engine.buckets('coarse', 'a', 0, T0 * 2)).toEqual([{ t: T0, value: 4 }]);
    expect(second.engine.seriesStates()).toHaveLength(1);
    expect(second.documents.get('ns', 'k')).toEqual({ v: 1 });
    expect(second.journal.query('decision', { limit: 5 })).toHaveLength(1);
    expect(second.engine.alertStates()).toEqual([{ key: 'k', value: 'firing' }]);
    expect(second.engine.sliceMarks()).toEqual([{ objective: 'slices', end: T0 }]);
    expect(second.db.prepare('SELECT version FROM schema_migrations ORDER BY version').all()).toEqual([1, 2, 3, 4, 5, 6, 7].map((version) => ({ version })));
    expect(second.sizeOnDisk()).toBeGreaterThan(0);
    second.close();
  });

  it('pages the journal by at from an index, with no scan and no sort, deep pages included', () => {
    const store = openSqliteStore(':memory:');
    for (let i = 0; i < 2000; i++) store.journal.append(i % 2 === 0 ? 'decision' : 'notification', { at: T0 + ((i * 7919) % 2000) * MINUTE, subject: i % 4 === 0 ? 'checkout' : 'api', data: i });
    store.db.exec('ANALYZE');
    const bounds = { kind: 'decision', subject: 'checkout', since: 0, until: Number.MAX_SAFE_INTEGER, beforeId: Number.MAX_SAFE_INTEGER, olderAt: T0 + 1000 * MINUTE, olderId: 5, limit: 10 };
    for (const [bySubject, index] of [[false, 'journal_kind_at'], [true, 'journal_kind_subject_at']] as const) {
      const plan = (store.db.prepare(`EXPLAIN QUERY PLAN ${journalByAtSql(bySubject)}`).all(bySubject ? bounds : { ...bounds, subject: undefined }) as { detail: string }[]).map((row) => row.detail).join('; ');
      expect(plan).toContain(`USING INDEX ${index}`);
      expect(plan).not.toContain('TEMP B-TREE');
      expect(plan).not.toMatch(/SCAN journal(?! USING)/);
    }
    store.close();
  });

  it('an upgraded file keeps its slice marks: migration 5 moves the slices/ rows out of alert_state', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sloe-store-'));
    dirs.push(dir);
    const path = join(dir, 'sloe.db');
    // A file as the release before slice marks wrote it: schema 1 to 4, the marks in alert_state as JSON numbers.
    const old = new Database(path);
    migrate(old, MIGRATIONS.filter((migration) => migration.version <= 4));
    const put = old.prepare('INSERT INTO alert_state (key, value) VALUES (?, ?)');
    put.run('slices/checkout-slices', JSON.stringify(T0 + 10 * MINUTE));
    put.run('slices/api:fast', JSON.stringify(T0 + 5 * MINUTE));
    put.run('alert/checkout-slices/page-fast', JSON.stringify({ state: 'firing', activeSince: T0 }));
    put.run('pull/remote-1', JSON.stringify({ through: T0 }));
    old.close();

    const upgraded = fileStore(dir);
    const byObjective = (marks: readonly { objective: string }[]) => [...marks].sort((a, b) => a.objective.localeCompare(b.objective));
    expect(byObjective(upgraded.engine.sliceMarks())).toEqual([
      { objective: 'api:fast', end: T0 + 5 * MINUTE },
      { objective: 'checkout-slices', end: T0 + 10 * MINUTE },
    ]);
    expect(upgraded.engine.alertStates().map((entry) => entry.key).sort()).toEqual(['alert/checkout-slices/page-fast', 'pull/remote-1']);
    expect(upgraded.db.prepare('SELECT MAX(version) AS version FROM schema_migrations').get()).toEqual({ version: 7 });
    upgraded.close();
  });

  it('increases committed but not folded yet are read, survive a kill, and fold into the same buckets', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sloe-store-'));
    dirs.push(dir);
    const first = fileStore(dir);
    first.engine.commit([{ term: 'a', bucket: T0, value: 2 }, { term: 'a', bucket: T0 + HOUR, value: 5 }], []);
    first.engine.fold();
    first.engine.commit([{ term: 'a', bucket: T0, value: 3 }], []);
    expect(first.engine.buckets('fine', 'a', 0, T0 * 2)).toEqual([{ t: T0, value: 5 }, { t: T0 + HOUR, value: 5 }]);
    expect(first.engine.buckets('coarse', 'a', T0, T0 + HOUR)).toEqual([{ t: T0, value: 5 }]);
    // Killed: the connection goes away without close() folding.
    first.crash();
    const second = fileStore(dir);
    expect(second.db.prepare('SELECT COUNT(*) AS n FROM ingest_log').get()).toEqual({ n: 1 });
    expect(second.engine.buckets('coarse', 'a', 0, T0 * 2)).toEqual([{ t: T0, value: 5 }, { t: T0 + HOUR, value: 5 }]);
    expect(second.engine.fold()).toBe(1);
    expect(second.engine.buckets('fine', 'a', 0, T0 * 2)).toEqual([{ t: T0, value: 5 }, { t: T0 + HOUR, value: 5 }]);
    expect(second.db.prepare('SELECT COUNT(*) AS n FROM ingest_log').get()).toEqual({ n: 0 });
    second.close();
  });

  it('series states committed but not folded yet survive a kill, the latest per series, and fold into the table', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sloe-store-'));
    dirs.push(dir);
    const first = fileStore(dir);
    first.engine.commit([], [{ key: 's1', lastTimestamp: T0, lastValue: 1, startTime: 0 }]);
    first.engine.fold();
    first.engine.commit([{ term: 'a', bucket: T0, value: 1 }], [{ key: 's1', lastTimestamp: T0 + 1, lastValue: 2, startTime: 0 }, { key: 's2', lastTimestamp: T0, lastValue: 7, startTime: 5 }]);
    first.engine.commit([], [{ key: 's1', lastTimestamp: T0 + 2, lastValue: 3, startTime: 0 }]);
    first.crash();
    const second = fileStore(dir);
    const byKey = (states: readonly { key: string }[]) => [...states].sort((a, b) => a.key.localeCompare(b.key));
    const expected = [
      { key: 's1', lastTimestamp: T0 + 2, lastValue: 3, startTime: 0 },
      { key: 's2', lastTimestamp: T0, lastValue: 7, startTime: 5 },
    ];
    expect(byKey(second.engine.seriesStates())).toEqual(expected);
    second.engine.fold();
    expect(second.db.prepare('SELECT COUNT(*) AS n FROM ingest_log').get()).toEqual({ n: 0 });
    expect(byKey(second.engine.seriesStates())).toEqual(expected);
    second.close();
  });

  /** The states and bucket sums a reader should see after `commits`, computed plainly: the latest state per key, every increase added. */
  function expectedAfter(commits: readonly Commit[]) {
    const states = new Map<string, SeriesState>();
    let total = 0;
    for (const { increases, series } of commits) {
      for (const state of series) states.set(state.key, state);
      for (const increase of increases) total += increase.value;
    }
    return { states: [...states.values()].sort(byKey), total };
  }
  const byKey = (a: { key: string }, b: { key: string }) => a.key.localeCompare(b.key);
  const turn = () => new Promise((resolve) => setImmediate(resolve));
  /** Commit `round`: a state for every `stride`-th of `seriesCount` series (a fresh object each, as a restart would read it) and one increase. */
  function commitRound(store: SloeStore, round: number, seriesCount: number, stride: number): Commit {
    const series: SeriesState[] = [];
    for (let i = round % stride; i < seriesCount; i += stride) series.push({ key: `s${i}`, lastTimestamp: T0 + round * 1000, lastValue: round * 10 + i, startTime: 0 });
    const commit = { increases: [{ term: 'a', bucket: T0 + (round % 3) * MINUTE, value: round + 1 }], series };
    store.engine.commit(commit.increases, commit.series);
    return commit;
  }

  it('a fold in steps: killed after any of its steps, a reopened store has every committed state and increase once', async () => {
    // 9,000 series: three snapshot chunks. Commits go on between the steps, so chunks hold states newer than the
    // log entries the fold began with, and entries after it hold states newer than the chunks written before them.
    const seriesCount = 9000;
    for (let killAfter = 0; killAfter <= 6; killAfter++) {
      const dir = mkdtempSync(join(tmpdir(), 'sloe-store-'));
      dirs.push(dir);
      const first = fileStore(dir);
      const commits = [commitRound(first, 0, seriesCount, 1), commitRound(first, 1, seriesCount, 2)];
      first.engine.foldInSteps();
      for (let step = 0; step < killAfter; step++) {
        await turn();
        commits.push(commitRound(first, commits.length, seriesCount, 3));
      }
      // Killed: the connection goes away without close() folding.
      first.crash();
      const second = fileStore(dir);
      const expected = expectedAfter(commits);
      expect([...second.engine.seriesStates()].sort(byKey), `killed after ${killAfter} steps`).toEqual(expected.states);
      const sum = (rows: readonly BucketRow[]) => rows.reduce((total, row) => total + row.value, 0);
      expect(sum(second.engine.buckets('fine', 'a', 0, T0 * 2)), `killed after ${killAfter} steps`).toBe(expected.total);
      expect(sum(second.engine.buckets('coarse', 'a', 0, T0 * 2))).toBe(expected.total);
      // A whole fold on top of a half-done one changes nothing a reader sees, and leaves the log empty.
      second.engine.fold();
      expect([...second.engine.seriesStates()].sort(byKey)).toEqual(expected.states);
      expect(sum(second.engine.buckets('fine', 'a', 0, T0 * 2))).toBe(expected.total);
      expect(second.db.prepare('SELECT COUNT(*) AS n FROM ingest_log').get()).toEqual({ n: 0 });
      second.close();
    }
  });

  it('a fold in steps after a reopen keeps the states restored packed that did not commit again', async () => {
    // The chunks are written by id range from the states in memory; the restored ones are kept packed (not as
    // objects) until their series commits. A chunk that left them out would lose them at the next reopen.
    const dir = mkdtempSync(join(tmpdir(), 'sloe-store-'));
    dirs.push(dir);
    const first = fileStore(dir);
    const commits = [commitRound(first, 0, 9000, 1)];
    first.engine.fold();
    first.close();
    const second = fileStore(dir);
    commits.push(commitRound(second, 1, 9000, 7));
    second.engine.foldInSteps();
    for (let step = 0; step < 5; step++) await turn();
    expect(second.db.prepare('SELECT COUNT(*) AS n FROM ingest_log').get()).toEqual({ n: 0 });
    // Killed after the fold: nothing but the chunks and the tables hold the states.
    second.crash();
    const third = fileStore(dir);
    expect([...third.engine.seriesStates()].sort(byKey)).toEqual(expectedAfter(commits).states);
    third.close();
  });

  it('a fold in steps writes one chunk per turn, then empties the log only up to where it began', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sloe-store-'));
    dirs.push(dir);
    const store = fileStore(dir);
    const commits = [commitRound(store, 0, 9000, 1)];
    const chunks = () => (store.db.prepare('SELECT COUNT(*) AS n FROM series_snapshot_chunks').get() as { n: number }).n;
    const logRows = () => (store.db.prepare('SELECT COUNT(*) AS n FROM ingest_log').get() as { n: number }).n;
    store.engine.foldInSteps();
    expect(chunks()).toBe(0);
    await turn();
    expect(chunks()).toBe(1);
    commits.push(commitRound(store, 1, 9000, 2));
    await turn();
    await turn();
    expect(chunks()).toBe(3);
    expect(logRows()).toBe(2);
    await turn();
    // Folded: the entry committed while it ran is still in the log, the one it began with is gone.
    expect(logRows()).toBe(1);
    const expected = expectedAfter(commits);
    expect([...store.engine.seriesStates()].sort(byKey)).toEqual(expected.states);
    expect(store.engine.buckets('fine', 'a', 0, T0 * 2).reduce((total, row) => total + row.value, 0)).toBe(expected.total);
    store.close();
  });

  it('an upgraded file keeps its states snapshot and log: migration 6', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sloe-store-'));
    dirs.push(dir);
    const path = join(dir, 'sloe.db');
    // A file as the release before chunked snapshots wrote it: the single-row snapshot, then a log entry after it.
    const old = new Database(path);
    migrate(old, MIGRATIONS.filter((migration) => migration.version <= 5));
    old.prepare('INSERT INTO series_ids (id, key) VALUES (?, ?)').run(1, 's1');
    old.prepare('INSERT INTO series_ids (id, key) VALUES (?, ?)').run(2, 's2');
    old.prepare('INSERT INTO terms (key) VALUES (?)').run('a');
    const packed = (values: number[]) => Buffer.from(new Float64Array(values).buffer);
    old.prepare('INSERT INTO series_snapshot (id, body) VALUES (1, ?)').run(packed([2, 1, T0, 1, 0, 2, T0, 2, 0]));
    old.prepare('INSERT INTO ingest_log (id, body) VALUES (?, ?)').run(7, packed([1, 1, 1, T0, 5, 2, T0 + 1000, 3, 0]));
    old.close();

    const upgraded = fileStore(dir);
    expect([...upgraded.engine.seriesStates()].sort(byKey)).toEqual([
      { key: 's1', lastTimestamp: T0, lastValue: 1, startTime: 0 },
      { key: 's2', lastTimestamp: T0 + 1000, lastValue: 3, startTime: 0 },
    ]);
    expect(upgraded.engine.buckets('fine', 'a', 0, T0 * 2)).toEqual([{ t: T0, value: 5 }]);
    // Log ids go on after the old ones.
    upgraded.engine.commit([], [{ key: 's1', lastTimestamp: T0 + 2000, lastValue: 4, startTime: 0 }]);
    expect(upgraded.db.prepare('SELECT MAX(id) AS id FROM ingest_log').get()).toEqual({ id: 8 });
    upgraded.engine.fold();
    expect(upgraded.db.prepare('SELECT COUNT(*) AS n FROM series_snapshot').get()).toEqual({ n: 0 });
    upgraded.crash();
    const reopened = fileStore(dir);
    expect([...reopened.engine.seriesStates()].sort(byKey)).toEqual([
      { key: 's1', lastTimestamp: T0 + 2000, lastValue: 4, startTime: 0 },
      { key: 's2', lastTimestamp: T0 + 1000, lastValue: 3, startTime: 0 },
    ]);
    expect(reopened.engine.buckets('fine', 'a', 0, T0 * 2)).toEqual([{ t: T0, value: 5 }]);
    reopened.close();
  });

  it('a failed commit leaves nothing behind: buckets and series state roll back together', () => {
    const store = openSqliteStore(':memory:');
    expect(() =>
      store.engine.commit(
        [
          { term: 'a', bucket: T0, value: 1 },
          { term: 'b', bucket: T0, value: Number.NaN },
        ],
        [{ key: 's', lastTimestamp: T0, lastValue: 1, startTime: 0 }],
      ),
    ).toThrow();
    expect(store.engine.buckets('fine', 'a', 0, T0 * 2)).toEqual([]);
    expect(store.engine.seriesStates()).toEqual([]);
    store.engine.commit([{ term: 'b', bucket: T0, value: 2 }], []);
    expect(store.engine.buckets('fine', 'b', 0, T0 * 2)).toEqual([{ t: T0, value: 2 }]);
    store.close();
  });

  it('a transaction that throws writes none of its journal entries', () => {
    const store = openSqliteStore(':memory:');
    expect(() =>
      store.transaction(() => {
        store.journal.append('decision', { at: T0, subject: 'api', data: 1 });
        throw new Error('half way');
      }),
    ).toThrow('half way');
    expect(store.journal.query('decision', { limit: 10 })).toEqual([]);
    store.close();
  });

  it('refuses a database written by a newer schema', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sloe-store-'));
    dirs.push(dir);
    const store = fileStore(dir);
    store.db.prepare('INSERT INTO schema_migrations (version, description, applied_at) VALUES (99, ?, 0)').run('future');
    store.close();
    expect(() => fileStore(dir)).toThrow(/schema version 99/);
  });

  it('durability full sets synchronous=FULL', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sloe-store-'));
    dirs.push(dir);
    const store = fileStore(dir, { durability: 'full' });
    expect(store.db.pragma('synchronous', { simple: true })).toBe(2);
    store.close();
  });
});
