/**
 * sloe as a client of a real VictoriaMetrics single node holding 90 minutes of history written through its import API:
 * a daemon started afterwards backfills it and reports the 1h events and history the samples say, and each tick then
 * asks the same few queries whatever the window.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PULL_SETTINGS } from '../../src/engine/index.js';
import { SourceRemoteSeries } from '../../src/source/index.js';
import { startSloeIngest } from '../ingest/sloe-harness.js';
import { startVictoriaMetrics } from './victoria-process.js';
import type { VictoriaProcess } from './victoria-process.js';

const NOW = Math.floor(Date.now() / 60_000) * 60_000;
const STEP = 15_000;
const STEPS = 360; // 90 minutes
/** Good requests vary step by step so a wrong bucket or a lost minute shows; bad ones are a steady 1 %. */
const goodAt = (k: number): number => 2_000 + 990 * k + 7 * ((k * k) % 13);
const badAt = (k: number): number => 100 + 10 * k;

function oracle(from: number, to: number): { good: number; total: number } {
  const step = (t: number) => Math.max(0, STEPS - (NOW - t) / STEP);
  const good = goodAt(step(to)) - goodAt(step(from));
  const bad = badAt(step(to)) - badAt(step(from));
  return { good, total: good + bad };
}

let vm: VictoriaProcess;

beforeAll(async () => {
  vm = await startVictoriaMetrics();
  const lines: string[] = [];
  for (let k = 0; k <= STEPS; k++) {
    const t = NOW - (STEPS - k) * STEP;
    lines.push(`http_requests_total{job="api",code="200"} ${goodAt(k)} ${t}`, `http_requests_total{job="api",code="500"} ${badAt(k)} ${t}`);
  }
  await vm.importLines(lines);
}, 60_000);

afterAll(async () => {
  await vm?.stop();
});

const spec = (window: string) => `
apiVersion: sloe/v1
kind: SLO
metadata:
  name: api
spec:
  service: api
  window: ${window}
  objectives:
    - targetPercent: 99
  sli:
    ratio:
      bad: sum(rate(http_requests_total{job="api",code=~"5.."}[{{.window}}])) or vector(0)
      total: sum(rate(http_requests_total{job="api"}[{{.window}}]))
`;
const settings = { ...DEFAULT_PULL_SETTINGS, delayMs: 0, queriesPerSecond: 200 };
const source = { name: 'vm', url: '', headers: {}, timeoutMs: 5_000, retries: 1, partialResponse: false };

describe('the engine pulling from a real VictoriaMetrics', () => {
  it('backfills the 90 minutes it holds and reports the 1h events and history the samples say (within 1 %)', async () => {
    const sloe = await startSloeIngest({ specYaml: spec('1h'), clock: () => NOW, remote: new SourceRemoteSeries([{ ...source, url: vm.url }]), remoteSources: ['vm'], pullSettings: settings });
    try {
      await sloe.engine.evaluate(NOW);
      await sloe.engine.backfillSettled();
      const status = (await sloe.engine.evaluate(NOW)).statuses[0]!;
      expect(status.backfill).toMatchObject({ state: 'done', progress: 1 });
      const written = oracle(NOW - 3_600_000, NOW);
      expect(Math.abs(status.events.total - written.total) / written.total).toBeLessThan(0.01);
      expect(Math.abs(status.events.good - written.good) / written.good).toBeLessThan(0.01);
      for (const point of sloe.engine.history('api', NOW - 30 * 60_000, NOW, 10 * 60_000)!) {
        const expected = oracle(point.t - 3_600_000, point.t);
        expect(point.sli).not.toBeNull();
        expect(Math.abs(point.sli! - expected.good / expected.total), new Date(point.t).toISOString()).toBeLessThan(0.01 * (1 - expected.good / expected.total));
      }
    } finally {
      await sloe.close();
    }
  });

  it('keeps asking at most two queries a tick whether the window is 1h or 30d', async () => {
    const perTick: number[] = [];
    for (const window of ['1h', '30d']) {
      let asked = 0;
      let now = NOW;
      const counting = (input: string, init?: RequestInit): Promise<Response> => {
        if (input.includes('/api/v1/query_range')) asked++;
        return fetch(input, init);
      };
      const sloe = await startSloeIngest({ specYaml: spec(window), clock: () => now, remote: new SourceRemoteSeries([{ ...source, url: vm.url }], { fetch: counting }), remoteSources: ['vm'], pullSettings: settings });
      try {
        for (let attempt = 0; attempt < 5; attempt++) {
          const status = (await sloe.engine.evaluate(now)).statuses[0]!;
          if (status.backfill?.state === 'done') break;
          await sloe.engine.backfillSettled();
        }
        expect(sloe.engine.get('api')?.backfill?.state).toBe('done');
        const before = asked;
        for (let tick = 0; tick < 4; tick++) {
          now += 30_000;
          await sloe.engine.evaluate(now);
        }
        perTick.push((asked - before) / 4);
      } finally {
        await sloe.close();
      }
    }
    // Two terms, pulled once a minute (a 30 s tick finds a new minute every other time): at most two queries a tick.
    expect(perTick[0]).toBeGreaterThan(0);
    expect(perTick[0]).toBeLessThanOrEqual(2);
    expect(perTick[1]).toBe(perTick[0]);
  });
});
