import { describe, expect, it } from 'vitest';
import { MINUTE, SloeError } from '../core/index.js';
import type { Evaluation } from '../core/index.js';
import { openMemoryStore } from '../store/index.js';
import { TrafficGenerator, makeSlo, specsOf } from '../../test/engine/fixtures.js';
import { createEngineComponent } from './component.js';
import type { CycleReport } from './component.js';

const START = Date.UTC(2026, 10, 5);
const quiet = { debug: () => undefined, error: () => undefined };

function component(clock: { now: number }) {
  return createEngineComponent({ specs: specsOf(makeSlo({ name: 'api-availability' })), store: openMemoryStore(), clock: () => clock.now, evaluationIntervalMs: 60_000, logger: quiet });
}

describe('engine component', () => {
  it('hands every evaluation to its listeners, in order, and is evaluated from then on', async () => {
    const clock = { now: START };
    const engine = component(clock);
    const seen: string[] = [];
    engine.emitTo([{ afterEvaluation: (evaluation: Evaluation) => seen.push(`first ${evaluation.now} ${evaluation.statuses.length}`) }, {}, { afterEvaluation: () => seen.push('second') }]);
    expect(engine.evaluated()).toBe(false);
    await engine.evaluate(START);
    expect(seen).toEqual([`first ${START} 1`, 'second']);
    expect(engine.evaluated()).toBe(true);
    expect(() => engine.emitTo([])).toThrow(SloeError);
  });

  it('keeps the same ports across a spec change, which then read the new set with the old data carried over', async () => {
    const clock = { now: START };
    const engine = component(clock);
    const ports = engine.ports;
    const traffic = new TrafficGenerator();
    for (let t = START; t <= START + 10 * MINUTE; t += MINUTE) ports.appender.append(traffic.minute(t, 1000, 0.01), 'remote_write');
    clock.now = START + 10 * MINUTE;
    await engine.evaluate(clock.now);
    const before = ports.statuses.get('api-availability');
    expect(before?.events.total).toBeGreaterThan(0);

    const evaluations: Evaluation[] = [];
    engine.emitTo([{ afterEvaluation: (evaluation) => evaluations.push(evaluation) }]);
    await engine.onSpecChange?.(specsOf(makeSlo({ name: 'api-availability' }), makeSlo({ name: 'api-strict', target: 0.9999 })));
    await engine.stop?.(1_000);
    // The reload answers only once the new set has been evaluated, and the same ports show it.
    expect(evaluations.at(-1)?.statuses.map((status) => status.name).sort()).toEqual(['api-availability', 'api-strict']);
    expect(ports.statuses.latest().map((status) => status.name).sort()).toEqual(['api-availability', 'api-strict']);
    expect(ports.statuses.get('api-availability')?.events).toEqual(before?.events);
    expect(ports.exclusions.list('api-strict')).toEqual([]);
    expect(ports.history.history('api-strict', START, clock.now, MINUTE)?.length).toBeGreaterThan(0);
  });

  it('reports every stage of a cycle to its observer: the engine\'s, then each listener\'s under its name', async () => {
    const clock = { now: START };
    const cycles: CycleReport[] = [];
    const failures: unknown[] = [];
    const engine = createEngineComponent({
      specs: specsOf(makeSlo({ name: 'api-availability' })),
      store: openMemoryStore(),
      clock: () => clock.now,
      evaluationIntervalMs: 60_000,
      logger: quiet,
      observe: (cycle) => cycles.push(cycle),
      observeFailure: (error) => failures.push(error),
    });
    // A listener that takes a noticeable time: its stage must show it, and the cycle must include it.
    const busy = (ms: number): void => {
      const until = performance.now() + ms;
      while (performance.now() < until);
    };
    engine.emitTo([{ name: 'notifications', afterEvaluation: () => busy(15) }, { name: 'policy', afterEvaluation: () => undefined }, {}]);
    await engine.evaluate(START);
    expect(cycles).toHaveLength(1);
    const cycle = cycles[0]!;
    expect(cycle.stages.map((stage) => stage.stage)).toEqual(['fold', 'slices', 'evaluate', 'persist', 'notifications', 'policy']);
    const notify = cycle.stages.find((stage) => stage.stage === 'notifications')!;
    expect(notify.durationMs).toBeGreaterThanOrEqual(14);
    expect(cycle.cycleMs).toBeGreaterThanOrEqual(cycle.durationMs + notify.durationMs - 1);
    // Stages follow one another in time.
    for (let index = 1; index < cycle.stages.length; index++) expect(cycle.stages[index]!.startedAt).toBeGreaterThanOrEqual(cycle.stages[index - 1]!.startedAt);
    expect(Math.abs(cycle.startedAt - Date.now())).toBeLessThan(60_000);
    expect(failures).toEqual([]);
  });
});
