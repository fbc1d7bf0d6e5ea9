/**
 * Remote SLIs pulled into the ledger: a scripted source answers range queries minute by minute from known per-minute
 * events, so every figure is checked against sums written plainly here.
 */
import { describe, expect, it } from 'vitest';
import { DAY, HOUR, MINUTE } from '../../src/core/index.js';
import type { RangePoint, RemoteSeries, Sli } from '../../src/core/index.js';
import { DEFAULT_PULL_SETTINGS } from '../../src/engine/index.js';
import { openMemoryStore } from '../../src/store/index.js';
import { harness, makeSlo, specsOf } from './fixtures.js';

const NOW = Date.UTC(2026, 10, 12, 12);
/** A query outside the embedded subset: it needs a Prometheus-compatible source. */
const REMOTE: Sli = { kind: 'ratio', bad: { promql: 'sum(rate(errors[{{.window}}])) or vector(0)' }, total: { promql: 'sum(rate(requests[{{.window}}])) or vector(0)' } };
const FAST = { ...DEFAULT_PULL_SETTINGS, queriesPerSecond: 1000, delayMs: 0, retryMs: 0 };

/** Per-minute events the source holds: 1000 requests a minute, 1 % bad, 30 % bad in [incidentFrom, incidentTo). */
function events(minuteEnd: number, incident?: [number, number]): { bad: number; total: number } {
  const burning = incident && minuteEnd > incident[0] && minuteEnd <= incident[1];
  return { total: 1000, bad: burning ? 300 : 10 };
}

/** A scripted source whose batches are asked query by query, as a source that groups nothing would answer them. */
function oneByOne(parts: Omit<RemoteSeries, 'rangeMany'>): RemoteSeries {
  return {
    ...parts,
    rangeMany: (source, promqls, start, end, step) => Promise.all(promqls.map((promql) => parts.range(source, promql, start, end, step).then((points) => ({ points }), (error: Error) => ({ error })))),
  };
}

/** A source answering `sum(increase(...[1m]))` at each step from `events`, counting the range queries it gets. */
function scriptedSource(options: { since: number; incident?: [number, number] }) {
  const state = { down: false, queries: [] as { promql: string; start: number; end: number }[], dataUntil: NOW };
  const remote = oneByOne({
    queries: (query) => {
      if (query.sli.kind !== 'ratio') throw new Error('ratio only');
      return [
        { source: 'prom', promql: 'total', side: 'total' },
        { source: 'prom', promql: 'bad', side: 'bad' },
      ];
    },
    termQuery: () => {
      throw new Error('not used');
    },
    range: (_source, promql, start, end, step) => {
      state.queries.push({ promql, start, end });
      if (state.down) return Promise.reject(new Error('source prom: unreachable (ECONNREFUSED) (after 1 attempts)'));
      const points: RangePoint[] = [];
      for (let t = start; t <= end; t += step) {
        if (t <= options.since || t > state.dataUntil) continue;
        const minute = events(t, options.incident);
        points.push({ t, value: promql === 'bad' ? minute.bad : minute.total });
      }
      return Promise.resolve(points);
    },
  });
  return { remote, state };
}

/** Good and total over (from, to], summed minute by minute from `events`: the oracle. */
function oracle(from: number, to: number, since: number, incident?: [number, number]): { good: number; total: number } {
  let good = 0;
  let total = 0;
  for (let t = Math.max(from, since) + MINUTE; t <= to; t += MINUTE) {
    const minute = events(t, incident);
    good += minute.total - minute.bad;
    total += minute.total;
  }
  return { good, total };
}

describe('remote SLIs pulled into the ledger', () => {
  it('backfills the period, then answers every window from the buckets with the figures the source holds', async () => {
    const since = NOW - 3 * DAY;
    const incident: [number, number] = [NOW - 40 * MINUTE, NOW - 10 * MINUTE];
    const { remote, state } = scriptedSource({ since, incident });
    const { engine } = harness(specsOf(makeSlo({ sli: REMOTE, target: 0.99 })), NOW, { remote, pullSettings: FAST });
    const first = (await engine.evaluate(NOW)).statuses[0]!;
    expect(first.backfill?.state).toBe('running');
    await engine.backfillSettled();
    const status = (await engine.evaluate(NOW)).statuses[0]!;
    expect(status.backfill).toMatchObject({ state: 'done', progress: 1, to: new Date(NOW).toISOString() });
    const period = oracle(NOW - 30 * DAY, NOW, since, incident);
    expect(status.events).toEqual(period);
    for (const [key, window] of [['5m', 5 * MINUTE], ['1h', HOUR], ['6h', 6 * HOUR], ['3d', 3 * DAY]] as const) {
      const counts = oracle(NOW - window, NOW, since, incident);
      expect(status.burnRates[key], key).toBeCloseTo((counts.total - counts.good) / counts.total / 0.01, 9);
    }
    // Backfill: 1-day chunks over the 3 days with data (and the empty days before, each one query per side).
    expect(state.queries.every((query) => query.end - query.start < DAY)).toBe(true);
  });

  it('asks each tick for the new minutes only: the same two queries whether the window is 1 h or 30 d', async () => {
    const perTick: Record<string, number> = {};
    for (const window of [HOUR, 30 * DAY]) {
      const { remote, state } = scriptedSource({ since: NOW - 2 * HOUR });
      const { engine } = harness(specsOf(makeSlo({ sli: REMOTE, target: 0.99, window: { kind: 'rolling', duration: window } })), NOW, { remote, pullSettings: FAST });
      await engine.evaluate(NOW);
      await engine.backfillSettled();
      const before = state.queries.length;
      for (let tick = 1; tick <= 4; tick++) {
        state.dataUntil = NOW + tick * 30_000;
        await engine.evaluate(NOW + tick * 30_000);
      }
      perTick[String(window)] = (state.queries.length - before) / 4;
      // Each query covers the minutes since the last pull and a few before it (late samples), never the window.
      expect(state.queries.slice(before).every((query) => query.end - query.start <= 5 * MINUTE)).toBe(true);
    }
    expect(perTick[String(HOUR)]).toBeLessThanOrEqual(2);
    expect(perTick[String(30 * DAY)]).toBe(perTick[String(HOUR)]);
  });

  it('resumes a backfill after a restart without counting a minute twice', async () => {
    const since = NOW - 2 * DAY;
    const store = openMemoryStore();
    const first = scriptedSource({ since });
    const one = harness(specsOf(makeSlo({ sli: REMOTE, target: 0.99 })), NOW, { remote: first.remote, pullSettings: { ...FAST, chunkMs: 6 * HOUR }, store });
    await one.engine.evaluate(NOW);
    // Stopped part way: the chunks done so far are saved with their cursor.
    await one.engine.close();
    const pulledBefore = first.state.queries.length;
    expect(pulledBefore).toBeGreaterThan(0);
    const second = scriptedSource({ since });
    const two = harness(specsOf(makeSlo({ sli: REMOTE, target: 0.99 })), NOW, { remote: second.remote, pullSettings: { ...FAST, chunkMs: 6 * HOUR }, store });
    await two.engine.evaluate(NOW);
    await two.engine.backfillSettled();
    const status = (await two.engine.evaluate(NOW)).statuses[0]!;
    expect(status.events).toEqual(oracle(NOW - 30 * DAY, NOW, since));
    // It did not start over: the second engine asked for less than the whole period again.
    expect(second.state.queries.length).toBeLessThan(2 * 30 * 4);
    // A backfill started again over data already held changes nothing.
    expect(two.engine.backfill(['api-availability'], NOW)).toEqual(['api-availability']);
    await two.engine.backfillSettled();
    expect((await two.engine.evaluate(NOW)).statuses[0]!.events).toEqual(oracle(NOW - 30 * DAY, NOW, since));
  });

  it('reports a source that is down as a failed backfill with its reason, and catches up when it returns', async () => {
    const since = NOW - 2 * HOUR;
    const { remote, state } = scriptedSource({ since });
    const { engine, clock } = harness(specsOf(makeSlo({ sli: REMOTE, target: 0.99 })), NOW, { remote, pullSettings: FAST });
    await engine.evaluate(NOW);
    await engine.backfillSettled();
    state.down = true;
    const later = NOW + 40 * MINUTE;
    state.dataUntil = later;
    clock.now = later;
    await engine.evaluate(later);
    await engine.backfillSettled();
    const down = (await engine.evaluate(later)).statuses[0]!;
    expect(down.backfill).toMatchObject({ state: 'failed', reason: 'source prom: unreachable (ECONNREFUSED) (after 1 attempts)' });
    // Figures stand on what was pulled; the minutes since are missing, not zero-filled.
    expect(down.events).toEqual(oracle(NOW - 30 * DAY, NOW, since));
    state.down = false;
    await engine.evaluate(later + 1);
    await engine.backfillSettled();
    const back = (await engine.evaluate(later + 2)).statuses[0]!;
    expect(back.backfill?.state).toBe('done');
    expect(back.events).toEqual(oracle(NOW - 30 * DAY, later, since));
  });

  it('does not fire alerts on history while it is being filled, and does once it is', async () => {
    const since = NOW - 6 * HOUR;
    const incident: [number, number] = [NOW - HOUR, NOW];
    const { remote } = scriptedSource({ since, incident });
    const { engine } = harness(specsOf(makeSlo({ sli: REMOTE, target: 0.99 })), NOW, { remote, pullSettings: { ...FAST, queriesPerSecond: 200 } });
    const during = await engine.evaluate(NOW);
    expect(during.statuses[0]!.backfill?.state).toBe('running');
    expect(during.transitions).toEqual([]);
    await engine.backfillSettled();
    const after = await engine.evaluate(NOW + 1);
    expect(after.statuses[0]!.backfill?.state).toBe('done');
    // 30 % bad for the last hour: the 5m and 1h windows burn at 30, above 14.4; the page tier goes pending.
    expect(after.statuses[0]!.alerts.find((alert) => alert.longWindow === '1h')?.state).not.toBe('inactive');
  });

  it('fills an ingested SLO naming a backfill source over its period, up to where its own ingest began', async () => {
    const since = NOW - 2 * DAY;
    const asked: string[] = [];
    const remote = oneByOne({
      queries: () => [],
      termQuery: (term, _step, source) => ({ source, promql: term.key, side: 'total' }),
      range: (_source, promql, start, end, step) => {
        asked.push(promql);
        const points: RangePoint[] = [];
        for (let t = start; t <= end; t += step) if (t > since) points.push({ t, value: promql.includes('5..') ? 10 : 1000 });
        return Promise.resolve(points);
      },
    });
    const slo = { ...makeSlo({ target: 0.99 }), backfill: { source: 'prom' } };
    const { engine } = harness(specsOf(slo), NOW, { remote, pullSettings: FAST });
    await engine.evaluate(NOW);
    await engine.backfillSettled();
    const status = (await engine.evaluate(NOW)).statuses[0]!;
    // The two selectors the SLI compiles to, each asked of the source as the per-minute increase.
    expect(new Set(asked)).toEqual(new Set(['http_requests_total{code=~"5..",job="api"}', 'http_requests_total{job="api"}']));
    expect(status.backfill).toMatchObject({ state: 'done', progress: 1, to: new Date(NOW).toISOString() });
    expect(status.events).toEqual(oracle(NOW - 30 * DAY, NOW, since));
    // A history pull ends where it started: later ticks ask nothing more of the source.
    const before = asked.length;
    await engine.evaluate(NOW + 30_000);
    expect(asked.length).toBe(before);
  });
});
