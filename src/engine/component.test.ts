import { describe, expect, it } from 'vitest';
import { MINUTE, SloeError } from '../core/index.js';
import type { Evaluation } from '../core/index.js';
import { openMemoryStore } from '../store/index.js';
import { TrafficGenerator, makeSlo, specsOf } from '../../test/engine/fixtures.js';
import { createEngineComponent } from './component.js';

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
});
