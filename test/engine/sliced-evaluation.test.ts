import { describe, expect, it } from 'vitest';
import type { IncomingSeries, Slo, SloStatus } from '../../src/core/index.js';
import { DAY, MINUTE } from '../../src/core/index.js';
import { openMemoryStore } from '../../src/store/index.js';
import { createEngineComponent } from '../../src/engine/index.js';
import type { EvaluationReport } from '../../src/engine/index.js';
import { groupedOrders } from '../helpers/grouped-slo.js';
import { REQUESTS, harness, makeSlo, specsOf } from './fixtures.js';
import type { Harness } from './fixtures.js';

/**
 * Issue 14/21: an evaluation lets the event loop turn between slices of its objectives. These tests check that work
 * queued meanwhile runs during it, that readers never see part of one, and that its results equal an evaluation that
 * never turns.
 */

const T0 = Date.UTC(2026, 10, 3, 12, 7);
const quiet = { debug: () => undefined, error: () => undefined };

/** SLO `index` counts job `svc-<index>`; the targets and methods vary so that tiers fire at different times. */
function sloFor(index: number): Slo {
  const sli = {
    kind: 'ratio' as const,
    bad: { promql: `sum(rate(${REQUESTS}{job="svc-${index}",code=~"5.."}[{{.window}}]))` },
    total: { promql: `sum(rate(${REQUESTS}{job="svc-${index}"}[{{.window}}]))` },
  };
  const target = [0.99, 0.999, 0.9999][index % 3]!;
  if (index % 7 === 3) return makeSlo({ name: `slo-${index}`, sli, budgetingMethod: 'Timeslices', target: 0.99, objective: { timeSliceWindow: MINUTE, timeSliceTarget: 0.95 }, window: { kind: 'rolling', duration: DAY } });
  if (index % 11 === 5) return makeSlo({ name: `slo-${index}`, sli, target, window: { kind: 'calendar', unit: 'week', timeZone: 'UTC' } });
  return makeSlo({ name: `slo-${index}`, sli, target });
}

/** Cumulative counters of every job and route; every tenth job burns (20 % errors) from minute 5 to minute 15. */
class Traffic {
  private readonly ok: number[];
  private readonly bad: number[];
  private readonly routes = Array.from({ length: 24 }, (_, route) => ({ ok: 0, bad: 0, name: `/r${route}` }));

  constructor(private readonly slos: number) {
    this.ok = new Array<number>(slos).fill(0);
    this.bad = new Array<number>(slos).fill(0);
  }

  minute(t: number, minute: number): IncomingSeries[] {
    const out: IncomingSeries[] = [];
    for (let index = 0; index < this.slos; index++) {
      const burning = index % 10 === 0 && minute >= 5 && minute < 15;
      const errors = burning ? 200 : index % 3;
      this.ok[index]! += 1000 - errors;
      this.bad[index]! += errors;
      out.push({ labels: { __name__: REQUESTS, job: `svc-${index}`, code: '200' }, timestamps: [t], values: [this.ok[index]!] });
      out.push({ labels: { __name__: REQUESTS, job: `svc-${index}`, code: '500' }, timestamps: [t], values: [this.bad[index]!] });
    }
    for (const [number, route] of this.routes.entries()) {
      const errors = number % 4 === 0 && minute >= 3 ? 40 : 1;
      route.ok += 100 - errors;
      route.bad += errors;
      out.push({ labels: { __name__: 'req_total', route: route.name, code: '200' }, timestamps: [t], values: [route.ok] });
      out.push({ labels: { __name__: 'req_total', route: route.name, code: '500' }, timestamps: [t], values: [route.bad] });
    }
    return out;
  }
}

/** Counts the setImmediate callbacks that run while `work` is pending, and checks what readers see in each. */
async function whileRunning<T>(work: Promise<T>, duringTurn: () => void): Promise<{ result: T; turns: number; longestGapMs: number }> {
  let done = false;
  let turns = 0;
  let last = performance.now();
  let longestGapMs = 0;
  const spin = (): void => {
    if (done) return;
    const now = performance.now();
    longestGapMs = Math.max(longestGapMs, now - last);
    last = now;
    turns++;
    duringTurn();
    setImmediate(spin);
  };
  setImmediate(spin);
  const result = await work;
  done = true;
  return { result, turns, longestGapMs };
}

const evaluatedAt = (statuses: readonly SloStatus[]): Set<string> => new Set(statuses.map((status) => status.evaluatedAt));

describe('an evaluation in slices', () => {
  it('gives the same statuses, groups, transitions and saved alert states as one that never turns, tick after tick', async () => {
    const SLOS = 300;
    const specs = specsOf(...Array.from({ length: SLOS }, (_, index) => sloFor(index)), groupedOrders());
    const whole: Harness = harness(specs, T0, { evaluationSliceMs: Infinity });
    const sliced: Harness = harness(specs, T0, { evaluationSliceMs: 0 });
    const traffic = new Traffic(SLOS);
    let firing = 0;
    let transitions = 0;
    for (let minute = 0; minute <= 20; minute++) {
      const t = T0 + minute * MINUTE;
      const samples = traffic.minute(t, minute);
      for (const run of [whole, sliced]) {
        run.clock.now = t;
        run.engine.append(samples, 'remote_write');
      }
      const wholeRun = await whileRunning(whole.engine.evaluate(t), () => undefined);
      const slicedRun = await whileRunning(sliced.engine.evaluate(t), () => undefined);
      // The control never lets the event loop turn; the sliced one does, many times.
      expect(wholeRun.turns).toBe(0);
      expect(slicedRun.turns).toBeGreaterThan(SLOS / 8 - 1);
      const expected: EvaluationReport = wholeRun.result;
      const actual: EvaluationReport = slicedRun.result;
      expect(actual.statuses).toEqual(expected.statuses);
      expect(actual.groups).toEqual(expected.groups);
      expect(actual.transitions).toEqual(expected.transitions);
      expect(sliced.engine.groups('orders')).toEqual(whole.engine.groups('orders'));
      expect(sliced.store.engine.alertStates()).toEqual(whole.store.engine.alertStates());
      firing = actual.statuses.filter((status) => status.alerts.some((alert) => alert.state === 'firing')).length;
      transitions += actual.transitions.length;
    }
    // The comparison covered alerts firing, groups and slices, not only quiet SLOs.
    expect(firing).toBeGreaterThanOrEqual(SLOS / 10);
    expect(transitions).toBeGreaterThan(SLOS / 10);
    expect(whole.engine.groups('orders')).toHaveLength(24);
    expect(whole.engine.get('slo-3')?.events.total).toBeGreaterThan(0);
  });

  it('lets a callback queued during an evaluation of 1,000 SLOs run before it ends, readers seeing the previous evaluation whole', async () => {
    const SLOS = 1000;
    const { engine, clock } = harness(specsOf(...Array.from({ length: SLOS }, (_, index) => sloFor(index))), T0);
    const traffic = new Traffic(SLOS);
    for (let minute = 0; minute <= 3; minute++) {
      clock.now = T0 + minute * MINUTE;
      engine.append(traffic.minute(clock.now, minute), 'remote_write');
    }
    await engine.evaluate(T0 + 2 * MINUTE);
    const before = new Date(T0 + 2 * MINUTE).toISOString();
    expect(evaluatedAt(engine.latest())).toEqual(new Set([before]));
    const seen = new Set<string>();
    // The default slice (2 ms): 1,000 SLOs take well over that, so the callback must get turns during the evaluation.
    const run = await whileRunning(engine.evaluate(T0 + 3 * MINUTE), () => {
      for (const at of evaluatedAt(engine.latest())) seen.add(at);
      seen.add(engine.get('slo-999')!.evaluatedAt);
    });
    expect(run.turns).toBeGreaterThanOrEqual(3);
    expect(seen).toEqual(new Set([before]));
    expect(evaluatedAt(engine.latest())).toEqual(new Set([new Date(T0 + 3 * MINUTE).toISOString()]));
    // Generous for a loaded machine (a slice is 2 ms of wall time); the whole evaluation in one block takes far longer.
    expect(run.longestGapMs).toBeLessThan(run.result.durationMs);
  });

  it('shares one evaluation between concurrent calls, still', async () => {
    const { engine } = harness(specsOf(...Array.from({ length: 200 }, (_, index) => sloFor(index))), T0, { evaluationSliceMs: 0 });
    const first = engine.evaluate(T0);
    const second = engine.evaluate(T0 + MINUTE);
    expect(second).toBe(first);
    expect((await first).statuses[0]?.evaluatedAt).toBe(new Date(T0).toISOString());
  });

  it('builds the engine for a reloaded spec set only once the evaluation in flight is done, so listeners get them in order', async () => {
    const clock = { now: T0 };
    const component = createEngineComponent({
      specs: specsOf(...Array.from({ length: 1000 }, (_, index) => sloFor(index))),
      store: openMemoryStore(),
      clock: () => clock.now,
      evaluationIntervalMs: 60_000,
      logger: quiet,
    });
    const seen: number[] = [];
    component.emitTo([{ afterEvaluation: (evaluation) => seen.push(evaluation.statuses.length) }]);
    // Not awaited: the reload arrives while this evaluation of 1,000 SLOs is in its slices.
    const inFlight = component.evaluate(T0);
    await component.onSpecChange?.(specsOf(makeSlo({ name: 'slo-0' })));
    await inFlight;
    await component.stop?.(1_000);
    // The reload starts the loop again, which may evaluate the new set a second time.
    expect(seen[0]).toBe(1000);
    expect(seen.slice(1).length).toBeGreaterThan(0);
    expect(new Set(seen.slice(1))).toEqual(new Set([1]));
    expect(component.ports.statuses.latest().map((status) => status.name)).toEqual(['slo-0']);
  });
});
