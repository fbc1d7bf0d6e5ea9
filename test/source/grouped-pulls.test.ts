/**
 * Grouped pulls against a real Prometheus 2.42: many SLOs whose queries differ only in a label's value are asked as one
 * `sum by (label)` query per shape, and each SLO gets exactly the points its own query gets, which are the per-minute
 * increases of the samples written (the oracle, computed here from the samples). Queries are counted at the source
 * through a recording proxy.
 */
import { compressSync } from 'snappy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PULL_SETTINGS } from '../../src/engine/index.js';
import { SourceRemoteSeries } from '../../src/source/index.js';
import type { SourceEntry } from '../../src/source/index.js';
import { startRecordingProxy } from '../helpers/recording-proxy.js';
import type { RecordingProxy } from '../helpers/recording-proxy.js';
import { startPrometheus } from '../ingest/prometheus-process.js';
import type { PrometheusProcess } from '../ingest/prometheus-process.js';
import { encodeV1 } from '../ingest/schemas.js';
import { startSloeIngest } from '../ingest/sloe-harness.js';

const MINUTE = 60_000;
const NOW = Math.floor(Date.now() / MINUTE) * MINUTE;
const SCRAPE = 15_000;
const STEPS = 4 * 60 * 2; // two hours of 15 s samples, aligned to the minute
/** `svc.7` and `svcX7` both exist: an unescaped `.` in the grouped regex would mix them up. */
const JOBS = [...Array.from({ length: 28 }, (_, index) => `svc-${index}`), 'svc.7', 'svcX7'];
const CODES = ['200', '500', '503'];

/** Events one series gains at sample k: each job and code its own rate, some changing half-way, with a little jitter. */
function gained(job: string, code: string, k: number): number {
  const jobIndex = JOBS.indexOf(job);
  const rate = code === '200' ? 50 + jobIndex : (jobIndex % 4) + (code === '503' ? 1 : 0) + (k > 300 && jobIndex % 5 === 0 ? 7 : 0);
  return rate === 0 ? 0 : rate + ((k * 7 + jobIndex) % 3);
}

/** Every series' counter values at samples 0..STEPS; svc-3's 500s restart from zero at sample 200 (a counter reset). */
const COUNTERS = new Map(
  JOBS.flatMap((job) =>
    CODES.map((code) => {
      const values = [0];
      for (let k = 1; k <= STEPS; k++) values.push((job === 'svc-3' && code === '500' && k === 200 ? 0 : values[k - 1]!) + gained(job, code, k));
      return [`${job} ${code}`, values] as const;
    }),
  ),
);
const counterAt = (job: string, code: string, k: number): number => COUNTERS.get(`${job} ${code}`)![k]!;

const timeOf = (k: number): number => NOW - (STEPS - k) * SCRAPE;

/** Per-minute increase of the matching series in (t - 1m, t], from the samples: deltas summed, a drop read as a reset from 0. */
function oracleMinute(job: string, codes: readonly string[], t: number): number {
  let sum = 0;
  for (const code of codes) {
    for (let k = 1; k <= STEPS; k++) {
      if (timeOf(k) <= t - MINUTE || timeOf(k) > t) continue;
      const delta = counterAt(job, code, k) - counterAt(job, code, k - 1);
      sum += delta >= 0 ? delta : counterAt(job, code, k);
    }
  }
  return sum;
}

let prometheus: PrometheusProcess;
let proxy: RecordingProxy;
const entry = (url: string): SourceEntry => ({ name: 'prom', url, headers: {}, timeoutMs: 20_000, retries: 1, partialResponse: false });
const badQuery = (job: string) => `sum(increase(http_requests_total{job="${job}",code=~"5.."}[1m])) or vector(0)`;
const totalQuery = (job: string) => `sum(increase(http_requests_total{job="${job}"}[1m]))`;
const ranges = () => proxy.requests.filter((request) => request.url.startsWith('/api/v1/query_range'));

/** Writes every series through the Prometheus's own remote-write receiver. */
async function writeSeries(target: PrometheusProcess): Promise<void> {
  const series = JOBS.flatMap((job) =>
    CODES.map((code) => ({ labels: { __name__: 'http_requests_total', job, code }, samples: Array.from({ length: STEPS + 1 }, (_, k) => ({ value: counterAt(job, code, k), timestamp: timeOf(k) })) })),
  );
  const response = await fetch(`${target.url}/api/v1/write`, { method: 'POST', body: new Uint8Array(compressSync(encodeV1(series))), headers: { 'content-type': 'application/x-protobuf', 'content-encoding': 'snappy' } });
  expect(response.status).toBe(204);
}

beforeAll(async () => {
  prometheus = await startPrometheus('global:\n  scrape_interval: 1m\n', ['--web.enable-remote-write-receiver']);
  await writeSeries(prometheus);
  proxy = await startRecordingProxy(prometheus.url);
}, 60_000);

afterAll(async () => {
  await proxy?.close();
  await prometheus?.stop();
});

describe('grouped range queries against a real Prometheus', () => {
  it('answers every SLO query exactly as its own query does, with one query per shape, and both equal the samples', async () => {
    const queries = JOBS.flatMap((job) => [badQuery(job), totalQuery(job)]);
    const start = NOW - 90 * MINUTE;
    const remote = new SourceRemoteSeries([entry(proxy.url)]);
    const before = ranges().length;
    const grouped = await remote.rangeMany('prom', queries, start, NOW, MINUTE);
    expect(ranges().length - before).toBe(2);
    for (const request of ranges().slice(before)) expect(new URLSearchParams(request.body).get('query')).toMatch(/^sum by \(job\) \(increase\(http_requests_total\{/);

    const single = new SourceRemoteSeries([entry(prometheus.url)], { groupSize: 1 });
    const oneByOne = await single.rangeMany('prom', queries, start, NOW, MINUTE);
    for (const [index, query] of queries.entries()) {
      const mine = grouped[index]!;
      const own = await single.range('prom', query, start, NOW, MINUTE);
      if ('error' in mine) throw mine.error;
      // Exactly: the same series' increases, added in the same order.
      expect(mine.points, query).toEqual(own);
      expect(oneByOne[index]).toEqual({ points: own });
      const job = JOBS[Math.floor(index / 2)]!;
      const codes = index % 2 === 0 ? ['500', '503'] : CODES;
      for (const point of mine.points) expect(point.value, `${query} at ${new Date(point.t).toISOString()}`).toBe(oracleMinute(job, codes, point.t));
      expect(mine.points.length).toBeGreaterThan(80);
    }
  });

  it('answers a group\'s members and gives a query the source refuses its own error', async () => {
    const remote = new SourceRemoteSeries([entry(proxy.url)]);
    const answers = await remote.rangeMany('prom', [totalQuery('svc-1'), totalQuery('svc-2'), 'sum(rate(x[1m]'], NOW - 10 * MINUTE, NOW, 30_000);
    expect(answers.slice(0, 2).every((answer) => 'points' in answer && answer.points.length > 0)).toBe(true);
    expect(answers[2]).toMatchObject({ error: { message: expect.stringMatching(/refused the query sum\(rate\(x\[1m\]/) } });
  });
});

describe('a source that refuses a grouped query', () => {
  it('is asked member by member, and each answer is still the per-term one', async () => {
    // Few enough samples a query that one SLO's query passes and thirty SLOs' grouped query does not.
    const limited = await startPrometheus('global:\n  scrape_interval: 1m\n', ['--web.enable-remote-write-receiver', '--query.max-samples=300']);
    const recorder = await startRecordingProxy(limited.url);
    try {
      await writeSeries(limited);
      const queries = JOBS.map(badQuery);
      const start = NOW - 10 * MINUTE;
      const answers = await new SourceRemoteSeries([entry(recorder.url)]).rangeMany('prom', queries, start, NOW, MINUTE);
      const asked = recorder.requests.map((request) => new URLSearchParams(request.body).get('query')!);
      expect(asked.filter((query) => query.startsWith('sum by (job)'))).toHaveLength(1);
      expect(asked.filter((query) => !query.startsWith('sum by (job)')).sort()).toEqual([...queries].sort());
      const own = new SourceRemoteSeries([entry(limited.url)]);
      for (const [index, query] of queries.entries()) expect(answers[index], query).toEqual({ points: await own.range('prom', query, start, NOW, MINUTE) });
      expect(answers.every((answer) => 'points' in answer && answer.points.length === 11)).toBe(true);
    } finally {
      await recorder.close();
      await limited.stop();
    }
  }, 60_000);
});

describe('the engine pulling many SLOs from a real Prometheus', () => {
  const specs = JOBS.map(
    (job, index) => `
apiVersion: sloe/v1
kind: SLO
metadata:
  name: slo-${index}
spec:
  service: api
  window: 1h
  objectives:
    - targetPercent: 99
  sli:
    ratio:
      bad: sum(rate(http_requests_total{job="${job}",code=~"5.."}[{{.window}}])) or vector(0)
      total: sum(rate(http_requests_total{job="${job}"}[{{.window}}]))
`,
  ).join('---\n');
  const settings = { ...DEFAULT_PULL_SETTINGS, delayMs: 0, queriesPerSecond: 500 };

  it('sends one query per shape per tick and reports the same events as per-SLO queries and the samples', async () => {
    const events: Record<string, { good: number; total: number }>[] = [];
    const perTick: number[] = [];
    for (const groupSize of [200, 1]) {
      let now = NOW - 30 * MINUTE;
      const sloe = await startSloeIngest({ specYaml: specs, clock: () => now, remote: new SourceRemoteSeries([entry(proxy.url)], { groupSize }), remoteSources: ['prom'], pullSettings: settings });
      try {
        for (let attempt = 0; attempt < 5 && (await sloe.engine.evaluate(now)).statuses.some((status) => status.backfill?.state !== 'done'); attempt++) await sloe.engine.backfillSettled();
        const before = ranges().length;
        const ticks = 6;
        for (let tick = 1; tick < ticks; tick++) {
          now += 5 * MINUTE;
          await sloe.engine.evaluate(now);
        }
        now += 5 * MINUTE;
        const last = await sloe.engine.evaluate(now);
        perTick.push((ranges().length - before) / ticks);
        expect(last.statuses.every((status) => status.backfill?.state === 'done')).toBe(true);
        events.push(Object.fromEntries(last.statuses.map((status) => [status.name, status.events])));
        for (const [index, job] of JOBS.entries()) {
          // The 1h window (now - 1h, now]: the minutes ending at now - 59m … now.
          const oracle = { good: 0, total: 0 };
          for (let t = now - 59 * MINUTE; t <= now; t += MINUTE) {
            oracle.total += oracleMinute(job, CODES, t);
            oracle.good += oracleMinute(job, ['200'], t);
          }
          expect(last.statuses.find((status) => status.name === `slo-${index}`)!.events, job).toEqual(oracle);
        }
      } finally {
        await sloe.close();
      }
    }
    expect(perTick).toEqual([2, 2 * JOBS.length]);
    expect(events[0]).toEqual(events[1]);
  }, 120_000);
});
