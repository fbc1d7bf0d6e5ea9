import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { IncomingSeries, Slo, SpecSet } from '../core/index.js';
import { DAY, HOUR, MINUTE } from '../core/index.js';
import { groupedOrders } from '../../test/helpers/grouped-slo.js';
import { openMemoryStore, openSqliteStore } from '../store/index.js';
import type { SloeStore } from '../store/index.js';
import { Engine } from './engine.js';

const START = Date.UTC(2026, 10, 5);
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const specs = (slo: Slo): SpecSet => ({ services: [{ name: 'shop', labels: {} }], slos: [slo], policies: [] });

/** Cumulative request counters per route: `ok` and `errors` series of `req_total`. */
class Routes {
  private readonly counts = new Map<string, { ok: number; errors: number }>();
  minute(t: number, routes: Readonly<Record<string, number>>, perRoute = 1000): IncomingSeries[] {
    const out: IncomingSeries[] = [];
    for (const [route, errorRatio] of Object.entries(routes)) {
      const count = this.counts.get(route) ?? { ok: 0, errors: 0 };
      const bad = Math.round(perRoute * errorRatio);
      count.ok += perRoute - bad;
      count.errors += bad;
      this.counts.set(route, count);
      out.push({ labels: { __name__: 'req_total', route, code: '200' }, timestamps: [t], values: [count.ok] });
      out.push({ labels: { __name__: 'req_total', route, code: '500' }, timestamps: [t], values: [count.errors] });
    }
    return out;
  }
}

function engineOf(slo: Slo, store: SloeStore, clock: { now: number }): Engine {
  return new Engine({ specs: specs(slo), store: store.engine, documents: store.documents, journal: store.journal, clock: () => clock.now });
}

async function run(engine: Engine, clock: { now: number }, from: number, to: number, routes: Readonly<Record<string, number>>, traffic: Routes): Promise<void> {
  for (let t = from; t <= to; t += MINUTE) {
    clock.now = t;
    engine.append(traffic.minute(t, routes), 'remote_write');
    if ((t - from) % (5 * MINUTE) === 0 || t === to) await engine.evaluate(t);
  }
}

describe('grouped SLOs in the engine', () => {
  it('gives each route its own budget and alerts; the SLO entry is the aggregate of all series', async () => {
    const clock = { now: START };
    const engine = engineOf(groupedOrders(), openMemoryStore(), clock);
    const traffic = new Routes();
    await run(engine, clock, START, START + 2 * HOUR, { '/a': 0.05, '/b': 0, '/c': 0, '/d': 0 }, traffic);
    const groups = engine.groups('orders')!;
    expect(groups.map((group) => group.group)).toEqual([{ route: '/a' }, { route: '/b' }, { route: '/c' }, { route: '/d' }]);
    const [bad, ...clean] = groups;
    // 5 % errors against a 1 % budget: burn 5 in every window the traffic covers.
    const shortest = Object.values(bad!.burnRates)[0];
    expect(shortest).toBeCloseTo(5, 5);
    expect(bad!.sli).toBeCloseTo(0.95, 5);
    expect(bad!.alerts.some((alert) => alert.state === 'firing')).toBe(true);
    for (const group of clean) {
      expect(group.sli).toBe(1);
      expect(group.alerts.every((alert) => alert.state === 'inactive')).toBe(true);
    }
    const aggregate = engine.get('orders')!;
    expect(aggregate.sli).toBeCloseTo(1 - 0.05 / 4, 5);
    expect(aggregate.events.total).toBeCloseTo(groups.reduce((sum, group) => sum + group.events.total, 0), 5);
    expect(aggregate.groupCount).toBe(4);
    expect(aggregate.groupsOverflow).toBe(0);
    expect(aggregate.worstGroups?.[0]?.group).toEqual({ route: '/a' });
  });

  it('caps the groups at maxGroups and counts the rest, which still count in the aggregate', async () => {
    const clock = { now: START };
    const engine = engineOf(groupedOrders(2), openMemoryStore(), clock);
    await run(engine, clock, START, START + 30 * MINUTE, { '/a': 0, '/b': 0, '/c': 0.1, '/d': 0 }, new Routes());
    const aggregate = engine.get('orders')!;
    expect(aggregate.groupCount).toBe(2);
    expect(aggregate.groupsOverflow).toBe(2);
    expect(engine.groups('orders')!.map((group) => group.group!.route).sort()).toEqual(['/a', '/b']);
    // Nothing merged: /c's errors are in the aggregate, in no group.
    expect(aggregate.sli).toBeCloseTo(1 - 0.1 / 4, 5);
  });

  it('keeps groups, their buckets and their alert states across a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sloe-groups-'));
    dirs.push(dir);
    const path = join(dir, 'sloe.db');
    const clock = { now: START };
    const first = openSqliteStore(path);
    const traffic = new Routes();
    const before = engineOf(groupedOrders(), first, clock);
    await run(before, clock, START, START + 2 * HOUR, { '/a': 0.05, '/b': 0 }, traffic);
    const saved = before.groups('orders')!;
    first.close();

    const second = openSqliteStore(path);
    const after = engineOf(groupedOrders(), second, clock);
    const transitions: unknown[] = [];
    after.onTransitions((batch) => transitions.push(...batch));
    await after.evaluate(clock.now);
    const restored = after.groups('orders')!;
    expect(restored.map((group) => group.group)).toEqual(saved.map((group) => group.group));
    expect(restored[0]!.events.total).toBeCloseTo(saved[0]!.events.total, 5);
    expect(restored[0]!.alerts.map((alert) => alert.state)).toEqual(saved[0]!.alerts.map((alert) => alert.state));
    // Firing before, firing after: no new transition (no second page).
    expect(transitions).toEqual([]);
    second.close();
  });

  it('a silent group goes nodata, then is dropped once a whole period passed without its events', async () => {
    const clock = { now: START };
    const engine = engineOf(groupedOrders(), openMemoryStore(), clock);
    const traffic = new Routes();
    await run(engine, clock, START, START + HOUR, { '/a': 0, '/gone': 0 }, traffic);
    expect(engine.get('orders')!.groupCount).toBe(2);
    // /gone stops; /a goes on. A day on, /gone still has events in its period.
    for (let t = START + HOUR + MINUTE; t <= START + 8 * DAY; t += HOUR) {
      clock.now = t;
      engine.append(traffic.minute(t, { '/a': 0 }), 'remote_write');
      await engine.evaluate(t);
      if (t < START + 7 * DAY) expect(engine.groups('orders')!.map((group) => group.group!.route)).toContain('/gone');
    }
    expect(engine.groups('orders')!.map((group) => group.group!.route)).toEqual(['/a']);
    expect(engine.get('orders')!.groupCount).toBe(1);
  });
});
