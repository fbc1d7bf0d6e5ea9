import { describe, expect, it } from 'vitest';
import { DAY, HOUR, MINUTE } from '../../src/core/index.js';
import type { IncomingSeries, Sli } from '../../src/core/index.js';
import { REQUESTS, harness, makeSlo, specsOf } from './fixtures.js';

const T0 = Date.UTC(2026, 10, 2, 12);
const TOTAL_TERM = `${REQUESTS}{job="api"}`;
const BAD_TERM = `${REQUESTS}{code=~"5..",job="api"}`;

function counter(code: string, points: [minute: number, value: number][], extra: Partial<IncomingSeries> = {}): IncomingSeries {
  return { labels: { __name__: REQUESTS, job: 'api', code }, timestamps: points.map(([minute]) => T0 + minute * MINUTE), values: points.map(([, value]) => value), ...extra };
}

describe('counter semantics through the engine', () => {
  it('a counter reset mid-window: the drop is a reset, the new value the increase since it', async () => {
    const { engine, clock } = harness(specsOf(makeSlo({})), T0 + 10 * MINUTE);
    // | minute | value | increase            |
    // | 0      | 1000  | baseline (0)        |
    // | 1      | 2000  | 1000                |
    // | 2      | 50    | reset: 50           |
    // | 3      | 1050  | 1000                |
    engine.append([counter('200', [[0, 1000], [1, 2000], [2, 50], [3, 1050]])], 'remote_write');
    expect(engine.termEvents(TOTAL_TERM, T0 - HOUR, T0 + HOUR)).toBe(2050);
    const { statuses } = await engine.evaluate(clock.now);
    expect(statuses[0]!.events).toEqual({ good: 2050, total: 2050 });
  });

  it('a redelivered batch counts once; older samples are dropped as out of order', () => {
    const { engine } = harness(specsOf(makeSlo({})), T0 + 10 * MINUTE);
    const batch = [counter('200', [[0, 100], [1, 160], [2, 230]]), counter('500', [[0, 1], [1, 3], [2, 4]])];
    const first = engine.append(batch, 'remote_write');
    const again = engine.append(batch, 'remote_write');
    expect(first).toEqual({ received: 6, applied: 6, dropped: {} });
    // The last sample of each series repeats its timestamp (duplicate); the earlier ones are behind it (out of order).
    expect(again).toEqual({ received: 6, applied: 0, dropped: { out_of_order: 4, duplicate: 2 } });
    expect(engine.termEvents(TOTAL_TERM, T0 - HOUR, T0 + HOUR)).toBe(130 + 3);
    expect(engine.termEvents(BAD_TERM, T0 - HOUR, T0 + HOUR)).toBe(3);
    // Disorder within one request: the sample behind the newest is dropped, not subtracted.
    const disordered = engine.append([counter('200', [[4, 300], [3, 250], [5, 330]])], 'remote_write');
    expect(disordered.dropped).toEqual({ out_of_order: 1 });
    expect(engine.termEvents(TOTAL_TERM, T0 - HOUR, T0 + HOUR)).toBe(133 + 70 + 30);
  });

  it('series no SLI reads are dropped as unmatched; decoders can ask wantsMetric first', () => {
    const { engine } = harness(specsOf(makeSlo({})), T0);
    expect(engine.wantsMetric(REQUESTS)).toBe(true);
    expect(engine.wantsMetric('node_cpu_seconds_total')).toBe(false);
    const result = engine.append([{ labels: { __name__: 'node_cpu_seconds_total' }, timestamps: [T0], values: [1] }, counter('200', [[0, 1]], { labels: { __name__: REQUESTS, job: 'other', code: '200' } })], 'remote_write');
    expect(result).toEqual({ received: 2, applied: 0, dropped: { unmatched: 2 } });
  });

  it('OTLP: a later start time is a reset even when the value grew; delta points add directly', () => {
    const { engine } = harness(specsOf(makeSlo({})), T0 + 10 * MINUTE);
    engine.append([counter('200', [[0, 100]], { startTimeMs: T0 - DAY })], 'otlp');
    engine.append([counter('200', [[1, 150]], { startTimeMs: T0 - DAY })], 'otlp');
    // Restarted at minute 1.5 and counted 400 since: without the start time this would read as +250.
    engine.append([counter('200', [[2, 400]], { startTimeMs: T0 + 90_000 })], 'otlp');
    expect(engine.termEvents(TOTAL_TERM, T0 - HOUR, T0 + HOUR)).toBe(50 + 400);
    engine.append([counter('500', [[3, 7], [4, 5]], { temporality: 'delta' })], 'otlp');
    expect(engine.termEvents(BAD_TERM, T0 - HOUR, T0 + HOUR)).toBe(12);
  });

  it('gauges: each sample is an event, good when it meets the threshold', async () => {
    const sli: Sli = { kind: 'threshold', metric: { promql: 'queue_depth{job="worker"}' } };
    const slo = makeSlo({ name: 'queue', sli, target: 0.5, objective: { op: 'lte', value: 10 } });
    const { engine, clock } = harness(specsOf(slo), T0 + 10 * MINUTE);
    const result = engine.append([{ labels: { __name__: 'queue_depth', job: 'worker' }, timestamps: [0, 1, 2, 3, 4].map((m) => T0 + m * MINUTE), values: [3, 12, 10, -1, 40] }], 'remote_write');
    expect(result.applied).toBe(5);
    const { statuses } = await engine.evaluate(clock.now);
    expect(statuses[0]!.events).toEqual({ good: 3, total: 5 });
  });

  it('the cardinality limit drops new series of a full term and counts them', () => {
    const { engine } = harness(specsOf(makeSlo({})), T0 + 10 * MINUTE, { seriesLimitPerTerm: 2 });
    const pod = (name: string): IncomingSeries => ({ labels: { __name__: REQUESTS, job: 'api', code: '200', pod: name }, timestamps: [T0], values: [1] });
    expect(engine.append([pod('a'), pod('b'), pod('c')], 'remote_write').dropped).toEqual({ cardinality_limit: 1 });
    expect(engine.append([pod('d')], 'remote_write').dropped).toEqual({ cardinality_limit: 1 });
    // Known series keep being accepted.
    expect(engine.append([{ ...pod('a'), timestamps: [T0 + MINUTE], values: [5] }], 'remote_write')).toMatchObject({ applied: 1, dropped: {} });
  });

  it('samples far ahead of the clock are refused, so they cannot push real buckets out', () => {
    const { engine } = harness(specsOf(makeSlo({})), T0);
    expect(engine.append([counter('200', [[0, 1], [60 * 24, 5]])], 'remote_write')).toEqual({ received: 2, applied: 1, dropped: { invalid: 1 } });
  });
});
