import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DAY, HOUR, MINUTE } from '../../src/core/index.js';
import type { IncomingSeries } from '../../src/core/index.js';
import { REQUESTS, harness, makeSlo, specsOf } from './fixtures.js';

const T0 = Date.UTC(2026, 10, 10);
const TOTAL_TERM = `${REQUESTS}{job="api"}`;

interface Sample {
  series: number;
  t: number;
  value: number;
}

/** The reference: samples in arrival order, each series' previous sample, nothing else. */
function bruteForce(samples: readonly Sample[]): { t: number; increase: number }[] {
  const last = new Map<number, { t: number; value: number }>();
  const out: { t: number; increase: number }[] = [];
  for (const sample of samples) {
    const previous = last.get(sample.series);
    if (previous && sample.t <= previous.t) continue;
    const increase = previous === undefined ? 0 : sample.value < previous.value ? sample.value : sample.value - previous.value;
    out.push({ t: sample.t, increase });
    last.set(sample.series, { t: sample.t, value: sample.value });
  }
  return out;
}

const step = fc.record({
  series: fc.integer({ min: 0, max: 2 }),
  /** Time moves by up to two hours, and sometimes back (disorder) or not at all (duplicates). */
  dt: fc.oneof(fc.integer({ min: 1, max: 2 * HOUR }), fc.integer({ min: -30 * MINUTE, max: 0 })),
  kind: fc.constantFrom('grow', 'grow', 'grow', 'reset', 'repeat'),
  amount: fc.integer({ min: 0, max: 1000 }),
});

const stream = fc.record({
  steps: fc.array(step, { minLength: 1, maxLength: 150 }),
  /** Requests are cut into batches of these sizes; some batches are delivered twice. */
  batchSizes: fc.array(fc.integer({ min: 1, max: 20 }), { minLength: 1, maxLength: 20 }),
  redeliver: fc.array(fc.boolean(), { minLength: 1, maxLength: 20 }),
});

describe('window sums (property)', () => {
  it("equal a brute-force recomputation from the raw samples, for streams with resets, duplicates, disorder and redelivery", () => {
    fc.assert(
      fc.property(stream, ({ steps, batchSizes, redeliver }) => {
        const samples: Sample[] = [];
        const clocks = [T0, T0, T0];
        const values = [0, 0, 0];
        let latest = T0;
        for (const { series, dt, kind, amount } of steps) {
          clocks[series] = Math.max(T0, clocks[series]! + dt);
          if (kind === 'grow') values[series]! += amount;
          if (kind === 'reset') values[series] = amount % 50;
          samples.push({ series, t: clocks[series], value: values[series]! });
          latest = Math.max(latest, clocks[series]);
        }
        const { engine, clock } = harness(specsOf(makeSlo({})), latest);
        let cursor = 0;
        let batch = 0;
        while (cursor < samples.length) {
          const size = batchSizes[batch % batchSizes.length]!;
          const chunk = samples.slice(cursor, cursor + size);
          const series: IncomingSeries[] = chunk.map((sample) => ({ labels: { __name__: REQUESTS, job: 'api', code: String(200 + sample.series) }, timestamps: [sample.t], values: [sample.value] }));
          engine.append(series, 'remote_write');
          if (redeliver[batch % redeliver.length]) expect(engine.append(series, 'remote_write').applied).toBe(0);
          cursor += size;
          batch++;
        }
        const increases = bruteForce(samples);
        const now = Math.ceil(latest / HOUR) * HOUR;
        clock.now = now;
        const expectSum = (from: number, to: number): void => {
          const expected = increases.filter((entry) => entry.t > from && entry.t <= to).reduce((sum, entry) => sum + entry.increase, 0);
          expect(engine.termEvents(TOTAL_TERM, from, to)).toBeCloseTo(expected, 6);
        };
        // Windows ending now (minute windows within the fine buckets, hour-aligned ones beyond) and older ranges.
        for (const window of [5 * MINUTE, 30 * MINUTE, HOUR, 2 * HOUR, 6 * HOUR, DAY, 3 * DAY, 30 * DAY]) expectSum(now - window, now);
        for (let hours = 1; hours < 8; hours++) expectSum(now - hours * 7 * HOUR, now - hours * 3 * HOUR);
        for (let minutes = 1; minutes < 6; minutes++) expectSum(now - minutes * 47 * MINUTE, now - minutes * 13 * MINUTE);
      }),
      { numRuns: 150, seed: 20261126 },
    );
  });
});
