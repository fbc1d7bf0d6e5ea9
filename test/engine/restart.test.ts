import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DAY, HOUR, MINUTE } from '../../src/core/index.js';
import type { AlertTransition } from '../../src/core/index.js';
import { openSqliteStore } from '../../src/store/index.js';
import { TrafficGenerator, harness, makeSlo, specsOf } from './fixtures.js';

const START = Date.UTC(2026, 10, 5);
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('restart from the SQLite file', () => {
  it('restores buckets, series state and alert state: nothing lost, nothing re-paged, redelivery still counts once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sloe-restart-'));
    dirs.push(dir);
    const path = join(dir, 'sloe.db');
    const specs = specsOf(makeSlo({}));
    const first = harness(specs, START, { store: openSqliteStore(path) });
    const traffic = new TrafficGenerator();
    let lastBatch = traffic.samples(START);
    // Eight hours: seven clean, then one at 5 % errors (burn 50): page-fast fires.
    for (let t = START; t <= START + 8 * HOUR; t += MINUTE) {
      first.clock.now = t;
      lastBatch = traffic.minute(t, 1000, t > START + 7 * HOUR ? 0.05 : 0);
      first.engine.append(lastBatch, 'remote_write');
      if (t > START + 7 * HOUR) await first.engine.evaluate(t);
    }
    const end = START + 8 * HOUR;
    const before = first.engine.get('api-availability')!;
    expect(before.alerts.find((alert) => alert.tier === 'page-fast')!.state).toBe('firing');
    first.store.close();

    const second = harness(specs, end, { store: openSqliteStore(path) });
    // Before its first evaluation the engine answers with no figures and the alert states it restored.
    const waiting = second.engine.get('api-availability')!;
    expect([waiting.sli, waiting.status]).toEqual([null, 'nodata']);
    expect(waiting.alerts.map((alert) => [alert.tier, alert.state])).toEqual(before.alerts.map((alert) => [alert.tier, alert.state]));
    expect(second.engine.latest()).toEqual([waiting]);
    const transitions: AlertTransition[] = [];
    second.engine.onTransitions((batch) => transitions.push(...batch));
    // The sender retries the last request it is not sure about: it must not count again.
    expect(second.engine.append(lastBatch, 'remote_write').applied).toBe(0);
    const after = (await second.engine.evaluate(end)).statuses[0]!;
    expect(after.events).toEqual(before.events);
    expect(after.burnRates).toEqual(before.burnRates);
    expect(after.alerts.map((alert) => [alert.tier, alert.state, alert.activeSince])).toEqual(before.alerts.map((alert) => [alert.tier, alert.state, alert.activeSince]));
    expect(transitions.filter((transition) => transition.to === 'firing' || transition.to === 'pending')).toEqual([]);
    // New samples continue from the stored counter state (no fresh baseline that would lose a minute).
    second.clock.now = end + MINUTE;
    second.engine.append(traffic.minute(end + MINUTE, 1000, 0), 'remote_write');
    const next = (await second.engine.evaluate(end + MINUTE)).statuses[0]!;
    expect(next.events.total - before.events.total).toBe(1000);
    second.store.close();
  });

  it('a term restored after its fine buckets were pruned reads its old data from the coarse buckets', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sloe-restart-'));
    dirs.push(dir);
    const path = join(dir, 'sloe.db');
    const specs = specsOf(makeSlo({}));
    const first = harness(specs, START, { store: openSqliteStore(path) });
    const traffic = new TrafficGenerator();
    for (let t = START; t <= START + 2 * HOUR; t += MINUTE) {
      first.clock.now = t;
      first.engine.append(traffic.minute(t, 100, 0.01), 'remote_write');
    }
    const expected = (await first.engine.evaluate(START + 2 * HOUR)).statuses[0]!.events;
    first.store.close();
    // Two days later, with the fine buckets pruned, the 30-day window still holds every event.
    const later = START + 2 * DAY;
    const store = openSqliteStore(path);
    store.engine.prune(later);
    expect(store.engine.buckets('fine', 'http_requests_total{job="api"}', 0, later)).toEqual([]);
    const second = harness(specs, later, { store });
    const status = (await second.engine.evaluate(later)).statuses[0]!;
    expect(status.events.total).toBeCloseTo(expected.total, 6);
    expect(status.events.good).toBeCloseTo(expected.good, 6);
    expect(status.burnRates['1h']).toBeNull();
    store.close();
  });

  it('a Timeslices SLO keeps its slices across an upgrade from a file that kept slice marks in alert_state', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sloe-restart-'));
    dirs.push(dir);
    const path = join(dir, 'sloe.db');
    const slo = makeSlo({ name: 'slices', budgetingMethod: 'Timeslices', target: 0.9, objective: { timeSliceWindow: MINUTE, timeSliceTarget: 0.95 }, window: { kind: 'rolling', duration: DAY } });
    const specs = specsOf(slo);
    const first = harness(specs, START, { store: openSqliteStore(path) });
    const traffic = new TrafficGenerator();
    await first.engine.evaluate(START);
    first.engine.append(traffic.minute(START, 0, 0), 'remote_write');
    // Ten one-minute slices, two of them bad (10 % errors against a 95 % slice target).
    for (let minute = 1; minute <= 10; minute++) {
      const t = START + minute * MINUTE;
      first.clock.now = t;
      first.engine.append(traffic.minute(t, 100, minute === 3 || minute === 7 ? 0.1 : 0), 'remote_write');
      await first.engine.evaluate(t);
    }
    const before = first.engine.get('slices')!;
    expect(before.events).toEqual({ good: 8, total: 10 });
    const marks = first.store.engine.sliceMarks();
    expect(marks).toEqual([{ objective: 'slices', end: START + 10 * MINUTE }]);
    first.store.close();

    // Rewrite the file into the layout of the release before slice marks: the mark as an alert_state row, schema 4.
    const old = new Database(path);
    old.exec(`DROP TABLE slice_marks; DELETE FROM schema_migrations WHERE version = 5;`);
    old.prepare('INSERT INTO alert_state (key, value) VALUES (?, ?)').run('slices/slices', JSON.stringify(marks[0]!.end));
    old.close();

    const end = START + 10 * MINUTE;
    const second = harness(specs, end, { store: openSqliteStore(path) });
    expect(second.store.engine.sliceMarks()).toEqual(marks);
    // The decided slices are neither lost nor decided (and counted) a second time.
    const after = (await second.engine.evaluate(end)).statuses[0]!;
    expect(after.events).toEqual(before.events);
    expect(after.sli).toBeCloseTo(0.8, 9);
    second.clock.now = end + MINUTE;
    second.engine.append(traffic.minute(end + MINUTE, 100, 0), 'remote_write');
    const next = (await second.engine.evaluate(end + MINUTE)).statuses[0]!;
    expect(next.events).toEqual({ good: 9, total: 11 });
    second.store.close();
  });
});

describe('restart: series keys read back', () => {
  it('a series with a label named __proto__ is matched again after a restart and continues from its stored counter', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sloe-restart-proto-'));
    dirs.push(dir);
    const path = join(dir, 'sloe.db');
    const sli = { kind: 'ratio' as const, bad: { promql: 'sum(rate(req_total{__proto__="x",code="500"}[{{.window}}]))' }, total: { promql: 'sum(rate(req_total{__proto__="x"}[{{.window}}]))' } };
    const specs = specsOf(makeSlo({ sli }));
    const sample = (code: string, t: number, value: number) => ({ labels: { __name__: 'req_total', ['__proto__']: 'x', code }, timestamps: [t], values: [value] });
    const first = harness(specs, START, { store: openSqliteStore(path) });
    for (const [minute, total] of [[0, 100], [1, 300]] as const) {
      first.clock.now = START + minute * MINUTE;
      expect(first.engine.append([sample('200', first.clock.now, total), sample('500', first.clock.now, 0)], 'remote_write').applied).toBe(2);
    }
    first.store.close();

    const second = harness(specs, START + MINUTE, { store: openSqliteStore(path) });
    second.clock.now = START + 2 * MINUTE;
    // Restored and matched by its key: the next sample is an increase over the stored 300, not a fresh baseline.
    expect(second.engine.append([sample('200', second.clock.now, 700), sample('500', second.clock.now, 5)], 'remote_write').applied).toBe(2);
    const status = (await second.engine.evaluate(second.clock.now)).statuses[0]!;
    expect(status.events).toEqual({ good: 200 + 400, total: 200 + 405 });
    second.store.close();
  });
});

describe('restart: buckets read ahead on a worker', () => {
  it('a start that fails drops what was being read, and the next start on the same store restores every event', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sloe-restart-prefetch-'));
    dirs.push(dir);
    const path = join(dir, 'sloe.db');
    const specs = specsOf(makeSlo({}));
    const first = harness(specs, START, { store: openSqliteStore(path) });
    const traffic = new TrafficGenerator();
    for (let t = START; t <= START + 30 * MINUTE; t += MINUTE) {
      first.clock.now = t;
      first.engine.append(traffic.minute(t, 1000, 0.01), 'remote_write');
    }
    const before = (await first.engine.evaluate(first.clock.now)).statuses[0]!;
    first.store.close();

    const store = openSqliteStore(path, { prefetchMinTerms: 0 });
    const ended = vi.spyOn(store.engine, 'endPrefetch');
    const scan = store.engine.scanBuckets.bind(store.engine);
    store.engine.scanBuckets = () => {
      throw new Error('disk gone');
    };
    expect(() => harness(specs, first.clock.now, { store })).toThrow('disk gone');
    expect(ended).toHaveBeenCalledTimes(1);
    expect(store.engine.prefetching).toBe(false);
    store.engine.scanBuckets = scan;
    const second = harness(specs, first.clock.now, { store });
    expect((await second.engine.evaluate(first.clock.now)).statuses[0]!.events).toEqual(before.events);
    store.close();
  });
});
